#!/usr/bin/env bash
# Benchmark `k8s-study bump` with symbols that left their package, on the real Kubernetes
# v1.20.2 mirror, against one `git grep` for one definition, timed by hyperfine in ONE run.
#
#   scripts/bench-bump.sh [MIRRORS_DIR]   (default: .mirrors in the project, built if absent)
#
# Only v1.20.2 exists in the mirror, so an older-looking tag is made with git plumbing in a
# scratch bare repository that borrows the mirror's objects (`clone --bare --shared`): commit
# `bench-old` is v1.20.2's tree with a file, a staging file and a whole package moved to other
# folders and one method renamed. A mapping pinned at bench-old names 12 symbols at their
# bench-old places; `bump --to v1.20.2` must find the moved ones across the whole tree.
#
# Target (the bump performance issue):
#   * `bump` relocating every missing symbol in one pass <= 1.0 x the wall time of
#     `git grep -q 'func (sched \*Scheduler) scheduleOne' v1.20.2` (mean/mean)
#   * peak RSS of that bump <= 150 MB
# The script exits 1 when a target is missed, 2 on a setup error. The mirror is not modified.
#
# Results go to bench-results/bump-* (gitignored). Knobs: BENCH_RUNS (10), BENCH_WARMUP (2).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
mirrors=${1:-$here/.mirrors}
results=$here/bench-results
runs=${BENCH_RUNS:-10}
warmup=${BENCH_WARMUP:-2}

MAX_RATIO=1.0
MAX_RSS_MB=150

log() { printf '[bench-bump] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }
# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"

# --- setup -------------------------------------------------------------------------------

install_tools() {
  command -v hyperfine >/dev/null || apt_install hyperfine
  [ -x /usr/bin/time ] || apt_install time
  command -v python3 >/dev/null || die "python3 is needed to read hyperfine's JSON"
}

make_workdir() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/k8s-study-bench-bump.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$results"
}

# --- the synthetic old version -------------------------------------------------------------

# A bare repo under $work/mirrors/kubernetes/kubernetes.git (the layout K8S_STUDY_MIRROR
# expects) whose objects/info/alternates points at the real mirror: nothing is copied, and
# new objects (one edited blob, trees, the commit) are written to the scratch repo only.
make_scratch() {
  scratch_base=$work/mirrors
  scratch=$scratch_base/kubernetes/kubernetes.git
  mkdir -p "$scratch_base/kubernetes"
  git clone -q --bare --shared "$k8s_git" "$scratch"
}

sgit() { GIT_INDEX_FILE=$work/index git --git-dir="$scratch" "$@"; }

# move OLD NEW: every index entry at OLD (a file) or under OLD/ (a folder) goes to NEW.
move() {
  local old=$1 new=$2
  sgit ls-files -s -- "$old" | awk -v old="$old" -v new="$new" -F'\t' '
    { split($1, m, " "); path = $2
      print "0 0000000000000000000000000000000000000000\t" path
      print m[1] " " m[2] " 0\t" new substr(path, length(old) + 1) }' \
    | sgit update-index --index-info
}

# rename_method FILE OLD NEW: FILE's blob with `) OLD(` spelled `) NEW(` (one new blob).
rename_method() {
  local file=$1 old=$2 new=$3 oid
  oid=$(sgit show "v1.20.2:$file" | sed "s/) $old(/) $new(/g" | sgit hash-object -w --stdin)
  sgit update-index --cacheinfo "100644,$oid,$file"
}

make_old_tag() {
  sgit read-tree v1.20.2
  # A file leaves its package: scheduler core's generic scheduler lived in `oldcore`.
  move pkg/scheduler/core/generic_scheduler.go pkg/scheduler/oldcore/generic_scheduler.go
  # A staging (client-go) file leaves its package: the shared informer lived in `oldcache`.
  move staging/src/k8s.io/client-go/tools/cache/shared_informer.go \
    staging/src/k8s.io/client-go/tools/oldcache/shared_informer.go
  # A whole package (and its util subpackage) lived under another name.
  move pkg/controller/deployment pkg/controller/olddeployment
  # A method was called processOne before it became scheduleOne.
  rename_method pkg/scheduler/scheduler.go scheduleOne processOne
  local tree commit
  tree=$(sgit write-tree)
  commit=$(GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com \
    GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com \
    GIT_AUTHOR_DATE='2021-01-01T00:00:00Z' GIT_COMMITTER_DATE='2021-01-01T00:00:00Z' \
    sgit commit-tree "$tree" -m 'bench-old: v1.20.2 with moved packages')
  sgit update-ref refs/tags/bench-old "$commit"
  log "bench-old = $commit (tree $tree)"
}

make_mapping() {
  mapping=$work/mapping.yaml
  cat >"$mapping" <<'YAML'
schema: 1
repos:
  kubernetes:
    url: https://github.com/kubernetes/kubernetes
    pin: bench-old
components:
  scheduler: "kube-scheduler"
  informer: "client-go informers"
  controller-manager: "kube-controller-manager"
articles:
  - id: bench-scheduler
    title: "bench: scheduler"
    url: https://example.com/bench-scheduler
    author: bench
    found: false
    source: inferred
    components: [scheduler]
    repo: kubernetes
    steps:
      - symbol: k8s.io/kubernetes/pkg/scheduler.New
        file: pkg/scheduler/scheduler.go
        note: "Unchanged: builds the scheduler."
        note_zh: "未变。"
      - symbol: k8s.io/kubernetes/pkg/scheduler.Scheduler.processOne
        file: pkg/scheduler/scheduler.go
        note: "Renamed to scheduleOne in the same package."
        note_zh: "同包内改名。"
      - symbol: k8s.io/kubernetes/pkg/scheduler/oldcore.genericScheduler.Schedule
        file: pkg/scheduler/oldcore/generic_scheduler.go
        note: "Moved to pkg/scheduler/core."
        note_zh: "移到了 core 包。"
      - symbol: k8s.io/kubernetes/pkg/scheduler/oldcore.genericScheduler.findNodesThatFitPod
        file: pkg/scheduler/oldcore/generic_scheduler.go
        note: "Moved to pkg/scheduler/core."
        note_zh: "移到了 core 包。"
      - symbol: k8s.io/kubernetes/pkg/scheduler/oldcore.NewGenericScheduler
        file: pkg/scheduler/oldcore/generic_scheduler.go
        note: "Moved to pkg/scheduler/core."
        note_zh: "移到了 core 包。"
  - id: bench-informer
    title: "bench: informer"
    url: https://example.com/bench-informer
    author: bench
    found: false
    source: inferred
    components: [informer]
    repo: kubernetes
    steps:
      - symbol: k8s.io/client-go/tools/oldcache.NewSharedIndexInformer
        file: staging/src/k8s.io/client-go/tools/oldcache/shared_informer.go
        note: "Moved to tools/cache."
        note_zh: "移到了 cache 包。"
      - symbol: k8s.io/client-go/tools/oldcache.sharedIndexInformer.Run
        file: staging/src/k8s.io/client-go/tools/oldcache/shared_informer.go
        note: "Moved to tools/cache."
        note_zh: "移到了 cache 包。"
      - symbol: k8s.io/client-go/tools/oldcache.sharedIndexInformer.HandleDeltas
        file: staging/src/k8s.io/client-go/tools/oldcache/shared_informer.go
        note: "Moved to tools/cache."
        note_zh: "移到了 cache 包。"
      - symbol: k8s.io/client-go/tools/cache.Reflector.ListAndWatch
        file: staging/src/k8s.io/client-go/tools/cache/reflector.go
        note: "Unchanged."
        note_zh: "未变。"
  - id: bench-deployment
    title: "bench: deployment controller"
    url: https://example.com/bench-deployment
    author: bench
    found: false
    source: inferred
    components: [controller-manager]
    repo: kubernetes
    steps:
      - symbol: k8s.io/kubernetes/pkg/controller/olddeployment.NewDeploymentController
        file: pkg/controller/olddeployment/deployment_controller.go
        note: "The whole package moved to pkg/controller/deployment."
        note_zh: "整个包移到了 deployment。"
      - symbol: k8s.io/kubernetes/pkg/controller/olddeployment.DeploymentController.syncDeployment
        file: pkg/controller/olddeployment/deployment_controller.go
        note: "The whole package moved to pkg/controller/deployment."
        note_zh: "整个包移到了 deployment。"
      - symbol: k8s.io/kubernetes/pkg/controller/olddeployment/util.SetDeploymentRevision
        file: pkg/controller/olddeployment/util/deployment_util.go
        note: "The subpackage moved too."
        note_zh: "子包也移走了。"
YAML
}

# One warm-up bump fetches both tags into the private cache, and its output is checked: every
# moved symbol must be moved-package, processOne renamed, the rest unchanged.
precheck() {
  export K8S_STUDY_MIRROR=file://$scratch_base
  export K8S_STUDY_CACHE=$work/cache
  local rc=0
  "$bin" -q --mapping "$mapping" bump --to v1.20.2 --repo kubernetes >"$results/bump.txt" || rc=$?
  "$bin" -q --mapping "$mapping" bump --to v1.20.2 --repo kubernetes --format json \
    >"$results/bump.json" || true
  [ "$rc" -eq 1 ] || die "bump exited $rc (1 expected: things moved), see $results/bump.txt"
  RESULTS=$results python3 - <<'PY' || die "unexpected bump categories, see $results/bump.json"
import json, os, sys
drift = json.load(open(f"{os.environ['RESULTS']}/bump.json"))
steps = drift["steps"] if isinstance(drift, dict) else drift
got = {d["symbol"]: (d["category"], (d.get("to") or {}).get("symbol")) for d in steps}
bad = 0
for sym, (cat, to) in got.items():
    want = ("renamed" if sym.endswith(".processOne")
            else "moved-package" if "/old" in sym else "unchanged")
    ok = cat == want and (want == "unchanged" or (to and "/old" not in to))
    bad += not ok
    print(f"  {'ok ' if ok else 'BAD'} {cat:14} {sym} -> {to}", file=sys.stderr)
sys.exit(1 if bad or len(got) != 12 else 0)
PY
  # The control: the same mapping bumped to its own pin, where nothing is missing.
  rc=0
  "$bin" -q --mapping "$mapping" bump --to bench-old --repo kubernetes >"$results/bump-control.txt" || rc=$?
  [ "$rc" -eq 0 ] || die "control bump exited $rc (0 expected), see $results/bump-control.txt"
}

# --- the benchmark ---------------------------------------------------------------------------

run_hyperfine() {
  local q_bin q_map grep_cmd
  q_bin=$(printf %q "$bin")
  q_map=$(printf %q "$mapping")
  grep_cmd="git --git-dir=$(printf %q "$k8s_git") grep -q 'func (sched \\*Scheduler) scheduleOne' v1.20.2"
  log "hyperfine: 3 commands, $warmup warmup + $runs runs each"
  # bump exits 1 when something moved: that is the expected answer, still timed.
  hyperfine --warmup "$warmup" --runs "$runs" --time-unit millisecond \
    --export-json "$results/bump-bench.json" --export-markdown "$results/bump-bench.md" \
    --command-name "git grep scheduleOne (one definition)" "$grep_cmd" \
    --command-name "bump bench-old -> v1.20.2 (relocation)" \
    "$q_bin -q --mapping $q_map bump --to v1.20.2 --repo kubernetes >/dev/null || [ \$? -eq 1 ]" \
    --command-name "bump bench-old -> bench-old (control, nothing missing)" \
    "$q_bin -q --mapping $q_map bump --to bench-old --repo kubernetes >/dev/null"
}

measure_rss() {
  log "peak RSS (/usr/bin/time -v, highest of 3)"
  {
    printf '{\n'
    printf '  "bump bench-old -> v1.20.2 (relocation)": %s,\n' \
      "$(peak_rss_kb "$bin" -q --mapping "$mapping" bump --to v1.20.2 --repo kubernetes)"
    printf '  "bump bench-old -> bench-old (control, nothing missing)": %s,\n' \
      "$(peak_rss_kb "$bin" -q --mapping "$mapping" bump --to bench-old --repo kubernetes)"
    printf '  "git grep scheduleOne (one definition)": %s\n' \
      "$(peak_rss_kb git --git-dir="$k8s_git" grep -q 'func (sched \*Scheduler) scheduleOne' v1.20.2)"
    printf '}\n'
  } >"$results/bump-rss-kb.json"
}

verdict() {
  MAX_RATIO=$MAX_RATIO MAX_RSS_MB=$MAX_RSS_MB RESULTS=$results python3 - <<'PY'
import json, os, platform, sys, datetime

results = os.environ["RESULTS"]
bench = {r["command"]: r for r in json.load(open(f"{results}/bump-bench.json"))["results"]}
rss = json.load(open(f"{results}/bump-rss-kb.json"))
max_ratio = float(os.environ["MAX_RATIO"])
max_rss = float(os.environ["MAX_RSS_MB"])
grep = bench["git grep scheduleOne (one definition)"]
bump = bench["bump bench-old -> v1.20.2 (relocation)"]
control = bench["bump bench-old -> bench-old (control, nothing missing)"]

print()
# CPU time (user + sys) is printed too: on a shared machine it moves less than wall time.
print(f"{'command':55} {'mean':>10} {'± σ':>9} {'min':>10} {'max':>10} {'user+sys':>10}  peak RSS")
for name, r in bench.items():
    kb = rss.get(name)
    mem = f"{kb / 1024:.1f} MiB" if kb else ""
    cpu = (r['user'] + r['system']) * 1e3
    print(f"{name:55} {r['mean']*1e3:8.1f}ms {r['stddev']*1e3:7.1f}ms {r['min']*1e3:8.1f}ms {r['max']*1e3:8.1f}ms {cpu:8.1f}ms  {mem}")
reloc = bump["mean"] - control["mean"]
print(f"relocation share (bump - control, means): {reloc*1e3:.1f} ms")
print()

ratio = bump["mean"] / grep["mean"]
worst = bump["max"] / grep["min"]
rss_mb = rss["bump bench-old -> v1.20.2 (relocation)"] * 1024 / 1e6
ok_ratio = ratio <= max_ratio
ok_rss = rss_mb <= max_rss
print(f"{'PASS' if ok_ratio else 'FAIL'} bump / git grep = {ratio:.3f} (target <= {max_ratio}; worst case max/min {worst:.3f})")
print(f"{'PASS' if ok_rss else 'FAIL'} bump peak RSS = {rss_mb:.1f} MB (target <= {max_rss} MB)")

summary = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"nproc": os.cpu_count(), "kernel": platform.release()},
    "ratio_mean": ratio,
    "bump_mean_seconds": bump["mean"],
    "bump_stddev_seconds": bump["stddev"],
    "git_grep_mean_seconds": grep["mean"],
    "git_grep_stddev_seconds": grep["stddev"],
    "load_average_1m_after": os.getloadavg()[0],
    "ratio_worst_case": worst,
    "relocation_share_seconds": reloc,
    "bump_peak_rss_mb": rss_mb,
    "peak_rss_kb": rss,
    "targets_met": ok_ratio and ok_rss,
}
json.dump(summary, open(f"{results}/bump-summary.json", "w"), indent=2)
print(f"\nresults: {results}/bump-* (bump-bench.json, bump-bench.md, bump-rss-kb.json, bump-summary.json, bump.txt)")
sys.exit(0 if ok_ratio and ok_rss else 1)
PY
}

main() {
  install_tools
  ensure_mirrors
  build_release
  make_workdir
  make_scratch
  make_old_tag
  make_mapping
  precheck
  run_hyperfine
  measure_rss
  verdict
}

main
