#!/usr/bin/env bash
# Go modules as a source, against its anchors in the same run (docs/performance.md):
#  1. warm `find` of one symbol in the cached k8s.io/kubernetes zip vs
#     `unzip -p ZIP '*.go' | grep -n -E 'func (\([^)]*\) )?NAME\b'` on the same zip
#     (target: ratio <= 0.3);
#  2. a first-time `go mod download` of k8s.io/kubernetes@v1.20.2 into an empty module cache
#     (the root alone, and `k8s-study fetch` of root + staging), beside a shallow
#     `git clone --depth 1 --bare` of the same tag from the local Debian mirror.
# Usage: scripts/bench-modules.sh [VERSION] [MIRRORS]  (defaults: v1.37.2, .mirrors)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
version=${1:-v1.37.2}
mirrors=${2:-$here/.mirrors}
log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"
command -v hyperfine >/dev/null || apt_install hyperfine
command -v unzip >/dev/null || apt_install unzip
command -v go >/dev/null || die "needs the go command"
build_release
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT

go mod download -json "k8s.io/kubernetes@$version" "k8s.io/client-go@${version/v1./v0.}" >/dev/null
zip=$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$version.zip
export K8S_STUDY_CACHE=$work/cache K8S_STUDY_SOURCE=modules
"$bin" find k8s.io/kubernetes/pkg/scheduler.Scheduler.ScheduleOne --at "$version" >/dev/null

log "1. find vs unzip -p | grep ($zip)"
hyperfine --warmup 2 --runs 10 --export-json "$work/find.json" \
  -n find "$bin find k8s.io/kubernetes/pkg/scheduler.Scheduler.ScheduleOne --at $version" \
  -n unzip-grep "unzip -p $zip '*.go' | grep -n -E 'func (\\([^)]*\\) )?ScheduleOne\\b'"
missed=0
python3 - "$work/find.json" <<'PY' || missed=1
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
ratio = r["find"] / r["unzip-grep"]
print(f"find {r['find']*1000:.0f} ms, unzip|grep {r['unzip-grep']*1000:.0f} ms, ratio {ratio:.3f} (target <= 0.3)")
sys.exit(0 if ratio <= 0.3 else 1)
PY

# The Debian mirror holds v1.20.2, so both sides of this comparison fetch that tag. The root
# zip alone is what `go mod download` of one module costs; `k8s-study fetch` also brings the
# staging modules the tree mounts (client-go, api…), i.e. everything a git clone holds but
# vendor/ (a staging module the proxy does not serve is named, exit 1). Each run starts from an empty module cache and goes through the user's GOPROXY.
log "2. first-time go mod download vs git clone --depth 1 of a local mirror (v1.20.2)"
fresh="chmod -R u+w $work/gmc 2>/dev/null; rm -rf $work/gmc $work/fc"
hyperfine --runs 3 --export-json "$work/fetch.json" --prepare "$fresh" \
  -n go-mod-download-root "cd $work && GOMODCACHE=$work/gmc GOFLAGS=-modcacherw go mod download -json k8s.io/kubernetes@v1.20.2 >/dev/null" \
  -n k8s-study-fetch-root-and-staging "GOMODCACHE=$work/gmc GOFLAGS=-modcacherw K8S_STUDY_CACHE=$work/fc $bin -q fetch kubernetes@v1.20.2; [ \$? -le 1 ]"
if [ -d "$mirrors/kubernetes/kubernetes.git" ]; then
  hyperfine --runs 3 --prepare "rm -rf $work/clone" \
    -n git-clone-depth-1 "git clone -q --depth 1 --bare --branch v1.20.2 file://$mirrors/kubernetes/kubernetes.git $work/clone"
  # exit 1: a staging module the proxy does not serve (sample-controller here) is named
  GOMODCACHE=$work/gmc GOFLAGS=-modcacherw K8S_STUDY_CACHE=$work/fc "$bin" -q fetch kubernetes@v1.20.2 || [ $? -le 1 ]
  printf 'on disk: module zips %s, shallow bare clone %s\n' \
    "$(du -sh "$work/gmc/cache/download" | cut -f1)" "$(du -sh "$work/clone" | cut -f1)"
else
  log "no local mirror in $mirrors (scripts/build-mirrors.sh): git clone skipped"
fi
exit "$missed"
