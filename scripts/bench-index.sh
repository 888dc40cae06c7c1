#!/usr/bin/env bash
# Benchmark the declaration index (issue 16) on real releases, against its anchors, in ONE
# hyperfine run per group on the same machine:
#
#   scripts/bench-index.sh [MIRRORS_DIR] [NEW_VERSION]   (defaults: .mirrors, v1.37.2)
#
# Old release: v1.20.2 from the git mirror (scripts/build-mirrors.sh). New release: NEW_VERSION
# through Go modules (scripts/download-modules.sh fills the module cache). Timed:
#   * cold: building the index of v1.20.2 from scratch (first `find`), beside ctags over the
#     exported tree; peak RSS of the build;
#   * warm (the index built, call edges, drift comparisons and answers remembered by an
#     earlier run; a group with them forgotten too): `find` exact and by bare name beside `readtags` on the
#     ctags tags file; `check` of
#     the whole built-in mapping (kubernetes + client-go) beside ctags; `guide` of every
#     article (md, json); `bump` of the whole mapping as pinned at v1.20.2 (this repository's
#     history) to NEW_VERSION (modules) beside
#     one `unzip -p | grep` for one definition in the new release's zip, cold and warm;
#   * sizes: the index after v1.20.2, after NEW_VERSION too, and the ctags tags file.
# Results: bench-results/index-* (gitignored). Knobs: BENCH_RUNS (10), BENCH_WARMUP (2).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
mirrors=${1:-$here/.mirrors}
new=${2:-v1.37.2}
results=$here/bench-results
runs=${BENCH_RUNS:-10}
warmup=${BENCH_WARMUP:-2}

log() { printf '[bench-index] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }
# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"

command -v hyperfine >/dev/null || apt_install hyperfine
command -v ctags >/dev/null || apt_install universal-ctags
command -v readtags >/dev/null || apt_install universal-ctags
command -v unzip >/dev/null || apt_install unzip
[ -x /usr/bin/time ] || apt_install time
ensure_mirrors
build_release

work=$(mktemp -d "${TMPDIR:-/tmp}/k8s-study-bench-index.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$results"
export K8S_STUDY_CACHE=$work/cache
export K8S_STUDY_MIRROR=file://$mirrors
modcache=$(go env GOMODCACHE)
zip=$modcache/cache/download/k8s.io/kubernetes/@v/$new.zip
[ -f "$zip" ] || die "$zip missing: run scripts/download-modules.sh"

"$bin" -q fetch kubernetes@v1.20.2 >/dev/null
tree=$work/tree
mkdir -p "$tree"
git --git-dir="$mirrors/kubernetes/kubernetes.git" archive v1.20.2 | tar -x -C "$tree"
tags=$work/tags
ctags -R --languages=Go -f "$tags" "$tree"
q() { printf '%q' "$1"; }
b=$(q "$bin")

log "cold: the index of v1.20.2 from scratch, beside ctags"
hyperfine -N --warmup 0 --runs "${BENCH_COLD_RUNS:-3}" --export-json "$results/index-cold.json" \
  --export-markdown "$results/index-cold.md" \
  --prepare "rm -rf $(q "$work/cache/index")" \
  -n "index build v1.20.2 (find, empty index)" "$b -q find k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne --at v1.20.2" \
  -n "ctags -R over the exported tree" "ctags -R --languages=Go -f /dev/null $(q "$tree")"
rm -rf "$work/cache/index"
build_rss=$(peak_rss_kb "$bin" -q find k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne --at v1.20.2)
old_bytes=$(du -sb "$work/cache/index" | cut -f1)
# Leave exactly one build in the index for the size, then warm runs.
"$bin" -q find scheduleOne --at v1.20.2 >/dev/null

# The pins (v1.37.2 …) through Go modules: the tree ctags reads is the kubernetes zip's.
pin_tree=$work/pin-tree
mkdir -p "$pin_tree"
unzip -q "$zip" -d "$pin_tree"
K8S_STUDY_SOURCE=modules "$bin" -q check --era off >/dev/null || true   # the pins indexed first
modules() { printf 'env K8S_STUDY_SOURCE=modules %s' "$1"; }

log "warm: find (v1.20.2, git), check and guide (the pins, modules)"
# The Go repos the module cache serves (the git-only ones need GitHub, kube its crates mirror).
repos="--repo kubernetes --repo client-go --repo controller-runtime --repo kubebuilder"
hyperfine -N --warmup "$warmup" --runs "$runs" -i --export-json "$results/index-warm.json" \
  --export-markdown "$results/index-warm.md" \
  -n "readtags scheduleOne" "readtags -t $(q "$tags") scheduleOne" \
  -n "find exact Scheduler.scheduleOne (v1.20.2, git)" "$b -q find k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne --at v1.20.2" \
  -n "find bare scheduleOne (v1.20.2, git)" "$b -q find scheduleOne --at v1.20.2" \
  -n "find bare scheduleOne --format json (v1.20.2, git)" "$b -q find scheduleOne --at v1.20.2 --format json" \
  -n "find exact Scheduler.ScheduleOne (pin, modules)" "$(modules "$b -q find k8s.io/kubernetes/pkg/scheduler.Scheduler.ScheduleOne")" \
  -n "find bare scheduleOne (pin, modules)" "$(modules "$b -q find scheduleOne")" \
  -n "check --era off, the Go repos' steps at the pins" "$(modules "$b -q check --era off $repos")" \
  -n "guide md --era off, every article" "$(modules "$b -q guide --era off --format md -o $(q "$work/g-md")")" \
  -n "guide json --era off, every article" "$(modules "$b -q guide --era off --format json -o $(q "$work/g-json")")" \
  -n "ctags -R over the v1.20.2 tree" "ctags -R --languages=Go -f /dev/null $(q "$tree")" \
  -n "ctags -R over the $new tree" "ctags -R --languages=Go -f /dev/null $(q "$pin_tree")"

log "warm index, nothing remembered: call edges, drift comparisons and answers computed afresh"
forget="rm -rf $(q "$work/cache/index")/*/calls $(q "$work/cache/index")/*/drift $(q "$work/cache/index")/*/resolved"
hyperfine --warmup 0 --runs "${BENCH_ERA_RUNS:-3}" -i --prepare "$forget" \
  --export-json "$results/index-unremembered.json" --export-markdown "$results/index-unremembered.md" \
  -n "guide md --era off, every article (calls computed)" "$(modules "$b -q guide --era off --format md -o $(q "$work/g-md")")" \
  -n "check --era off, the Go repos (answers computed)" "$(modules "$b -q check --era off $repos")" \
  -n "check (eras compared), the Go repos" "$(modules "$b -q check $repos")"

log "warm, with every article's era read too (the default of check and guide)"
hyperfine -N --warmup 1 --runs "${BENCH_ERA_RUNS:-3}" -i --export-json "$results/index-era.json" \
  --export-markdown "$results/index-era.md" \
  -n "check (eras cached), the Go repos" "$(modules "$b -q check $repos")" \
  -n "guide md (eras cached), every article" "$(modules "$b -q guide --format md -o $(q "$work/g-md")")"

log "bump of the whole mapping from v1.20.2 to $new (modules), cold and warm, beside unzip | grep"
export K8S_STUDY_SOURCE=modules
unset K8S_STUDY_MIRROR
# The built-in mapping is pinned at today's release now: bump the same mapping as it was
# when pinned at v1.20.2 (our own files, from this repository's history).
old_mapping=$work/mapping-v1.20.2
mkdir -p "$old_mapping"
git -C "$here" archive "${BENCH_OLD_MAPPING:-2540df5^}" mappings | tar -x -C "$old_mapping"
export K8S_STUDY_NO_BUILTIN=1 K8S_STUDY_MAPPING=$old_mapping/mappings
"$bin" -q find scheduleOne --at v1.20.2 >/dev/null || true   # v1.20.2 on modules indexed first
before_new=$(du -sb "$work/cache/index" | cut -f1)
hyperfine --warmup 0 --runs "${BENCH_COLD_RUNS:-3}" -i --export-json "$results/index-bump-cold.json" \
  --export-markdown "$results/index-bump-cold.md" \
  --prepare "$b -q cache clean --index; $b -q find scheduleOne --at v1.20.2 || true" \
  -n "bump --to $new, new release not indexed" "$b -q bump --to $new --format json"
"$bin" -q bump --to "$new" --format json >"$results/index-bump.json" || true
after_new=$(du -sb "$work/cache/index" | cut -f1)
hyperfine --warmup 0 --runs "${BENCH_COLD_RUNS:-3}" -i --export-json "$results/index-bump-unremembered.json" \
  --export-markdown "$results/index-bump-unremembered.md" --prepare "$forget" \
  -n "bump --to $new, both releases indexed, comparisons not remembered" "$b -q bump --to $new --format json"
hyperfine --warmup "$warmup" --runs "$runs" -i --export-json "$results/index-bump-warm.json" \
  --export-markdown "$results/index-bump-warm.md" \
  -n "unzip -p $new.zip '*.go' | grep ScheduleOne definition" "unzip -p $(q "$zip") '*.go' | grep -n -E 'func (\\([^)]*\\) )?ScheduleOne\\b'" \
  -n "bump --to $new (warm)" "$b -q bump --to $new --format json"
bump_rss=$(peak_rss_kb "$bin" -q bump --to "$new" --format json)

tags_bytes=$(stat -c %s "$tags")
cat >"$results/index-sizes.txt" <<SIZES
tags file (v1.20.2): $tags_bytes
index after v1.20.2 (git): $old_bytes
index after v1.20.2 (git + modules) : $before_new
index after $new too: $after_new
peak RSS of the v1.20.2 build (KiB): $build_rss
peak RSS of the warm bump (KiB): $bump_rss
SIZES
cat "$results"/index-cold.md "$results"/index-warm.md "$results"/index-unremembered.md \
  "$results"/index-era.md "$results"/index-bump-cold.md "$results"/index-bump-unremembered.md \
  "$results"/index-bump-warm.md "$results/index-sizes.txt"
