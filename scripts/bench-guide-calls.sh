#!/usr/bin/env bash
# `k8s-study guide` for every article, warm, before and after typed call edges
# (src/golang/calls), both binaries timed by hyperfine in ONE run on the Debian-built mirrors.
#
#   scripts/bench-guide-calls.sh [MIRRORS_DIR] [BEFORE_REV]
#
# BEFORE_REV defaults to the commit before src/golang/calls was added: name matching. Both
# revisions are built with `cargo build --release` (the before one from `git archive`, in this
# project's target folder, so dependencies are shared). The cache is warmed by hyperfine's
# warmup runs; repos without a mirror (controller-runtime and the like) are written as
# unresolved and the command exits 1, which is still timed.
#
# Target (the call-edges issue): the after/before ratio of the means <= 1.0 for every format.
# Results go to bench-results/guide-calls.* (gitignored). Knobs: BENCH_RUNS (5),
# BENCH_WARMUP (1). Exit 1 when the target is missed, 2 on a setup error.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
mirrors=${1:-$here/.mirrors}
results=$here/bench-results
runs=${BENCH_RUNS:-5}
warmup=${BENCH_WARMUP:-1}

log() { printf '[bench-guide-calls] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }
# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"

before_rev=${2:-$(git -C "$here" log --format=%H --diff-filter=A -- src/golang/calls/mod.rs | tail -1)^}
command -v hyperfine >/dev/null || apt_install hyperfine
command -v python3 >/dev/null || die "python3 is needed to read hyperfine's JSON"
ensure_mirrors

work=$(mktemp -d "${TMPDIR:-/tmp}/k8s-study-bench-guide-calls.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$results" "$work/before-src"

log "building $before_rev (before) and the work tree (after)"
git -C "$here" archive "$before_rev" | tar x -C "$work/before-src"
(cd "$work/before-src" && CARGO_TARGET_DIR="$here/target" cargo build --release --quiet)
cp "$here/target/release/k8s-study" "$work/before"
(cd "$here" && cargo build --release --quiet)
cp "$here/target/release/k8s-study" "$work/after"

export K8S_STUDY_MIRROR="file://$mirrors" K8S_STUDY_CACHE="$work/cache"
args=(--warmup "$warmup" --runs "$runs" --time-unit millisecond
      --export-json "$results/guide-calls.json" --export-markdown "$results/guide-calls.md")
for f in md mdbook html json codetour; do
  for side in before after; do
    args+=(--command-name "guide $f, every article ($side)"
           "$work/$side -q guide --format $f -o $work/out-$side-$f || [ \$? -eq 1 ]")
  done
done
log "hyperfine: 10 commands, $warmup warmup + $runs runs each"
hyperfine "${args[@]}"

python3 - "$results/guide-calls.json" <<'PY'
import json, sys
rows = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ok = True
for f in ["md", "mdbook", "html", "json", "codetour"]:
    b = rows[f"guide {f}, every article (before)"]["mean"]
    a = rows[f"guide {f}, every article (after)"]["mean"]
    ratio = a / b
    ok &= ratio <= 1.0
    print(f"guide {f}: before {b*1000:.0f} ms, after {a*1000:.0f} ms, ratio {ratio:.2f}")
sys.exit(0 if ok else 1)
PY
