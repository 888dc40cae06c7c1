#!/usr/bin/env bash
# Benchmark k8s-study on the real Kubernetes v1.20.2 mirror, against `git grep` and other
# anchors, all timed by hyperfine in ONE run so they share the same machine state.
#
#   scripts/bench.sh [MIRRORS_DIR]      (default: .mirrors in the project, built if absent)
#
# Targets (the performance issue):
#   * `find` of one symbol        <= 0.3 x the wall time of the matching `git grep` (mean/mean)
#   * warm `check` of the mapping <= 0.5 s (mean)
# The script exits 1 when a target is missed, 2 on a setup error.
#
# Results go to bench-results/ (gitignored): hyperfine JSON + Markdown, peak RSS, a summary.
# Knobs: BENCH_RUNS (10), BENCH_WARMUP (2), BENCH_FULL_CLONE_MAX (60 s: the full local clone
# is dropped from the run when a probe clone takes longer).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
mirrors=${1:-$here/.mirrors}
results=$here/bench-results
runs=${BENCH_RUNS:-10}
warmup=${BENCH_WARMUP:-2}
full_clone_max=${BENCH_FULL_CLONE_MAX:-60}

FIND_MAX_RATIO=0.3
CHECK_MAX_SECONDS=0.5

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }
# shellcheck source=scripts/bench-lib.sh
. "$here/scripts/bench-lib.sh"

# --- setup -------------------------------------------------------------------------------

install_tools() {
  command -v hyperfine >/dev/null || apt_install hyperfine
  # Debian's `ctags` may be Exuberant; the anchor is Universal Ctags.
  ctags --version 2>/dev/null | grep -q 'Universal Ctags' || apt_install universal-ctags
  [ -x /usr/bin/time ] || apt_install time
  command -v python3 >/dev/null || die "python3 is needed to read hyperfine's JSON"
}

# A private cache so nothing the user fetched before makes `fetch` look warm.
make_workdir() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/k8s-study-bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  export K8S_STUDY_MIRROR=file://$mirrors
  export K8S_STUDY_CACHE=$work/cache
  mkdir -p "$results"
}

now_ns() { date +%s%N; }

# The first fetch of this run, timed once: with a file:// mirror it is an alternates link.
first_fetch() {
  local t0 t1
  t0=$(now_ns)
  "$bin" -q fetch kubernetes client-go --format json >"$results/first-fetch.json"
  t1=$(now_ns)
  first_fetch_seconds=$(python3 -c "print(($t1 - $t0) / 1e9)")
  log "first (cold) fetch: ${first_fetch_seconds}s"
}

# `check` must resolve everything before its time means anything. Exit 1 (something missing)
# is benchmarked anyway and reported; exit 2 (infrastructure) stops here.
precheck() {
  local rc=0
  "$bin" -q --mapping "$starter" check >"$results/check.txt" || rc=$?
  log "check: $(tail -n1 "$results/check.txt")"
  [ "$rc" -le 1 ] || die "k8s-study check failed (exit $rc), see $results/check.txt"
  check_ignore=()
  [ "$rc" -eq 0 ] || check_ignore=(--ignore-failure)
}

# The ctags anchor reads a checkout: export it once, outside the timing.
export_tree() {
  tree=$work/tree
  mkdir -p "$tree"
  git --git-dir="$k8s_git" archive v1.20.2 | tar -x -C "$tree"
}

# The full clone is optional: one probe decides whether it fits in the run.
probe_full_clone() {
  local t0 t1
  t0=$(now_ns)
  git clone -q --bare "file://$k8s_git" "$work/probe.git"
  t1=$(now_ns)
  rm -rf "$work/probe.git"
  full_clone_probe=$(python3 -c "print(($t1 - $t0) / 1e9)")
  if python3 -c "import sys; sys.exit(0 if $full_clone_probe <= $full_clone_max else 1)"; then
    with_full_clone=1
  else
    with_full_clone=0
    log "full local clone took ${full_clone_probe}s (> ${full_clone_max}s): left out"
  fi
}

# --- the benchmark ---------------------------------------------------------------------------

names=() cmds=() preps=()
# bench NAME PREPARE COMMAND: one hyperfine entry; PREPARE runs untimed before every run.
bench() { names+=("$1"); preps+=("$2"); cmds+=("$3"); }

# The issue's git grep: a Go func or method declaration named $1, over every .go blob.
grep_cmd() {
  local pattern='func (\([^)]*\) )?'"$1"'\b'
  printf "git --git-dir=%q grep -n -E '%s' v1.20.2 -- '*.go'" "$k8s_git" "$pattern"
}

# The starter mapping of issue 2: repos, components and its 8 articles' files.
make_starter() {
  starter=$work/starter
  mkdir -p "$starter"
  local f
  for f in 00-repos 01-components informer scheduler kubelet controllers crd cobra-klog; do
    cp "$here/mappings/$f.yaml" "$starter/"
  done
}

define_benchmarks() {
  local q_bin q_cold
  q_bin=$(printf %q "$bin")
  q_cold=$(printf %q "$work/cold-cache")
  # Each find is paired with a git grep for the same name: a distinctive name, so grep
  # is not penalised for printing thousands of matches (as it would be for `Run`).
  bench "git grep scheduleOne" true "$(grep_cmd scheduleOne)"
  bench "find Scheduler.scheduleOne" true "$q_bin -q find k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne"
  bench "git grep ExecuteC" true "$(grep_cmd ExecuteC)"
  bench "find cobra.Command.ExecuteC (vendor)" true "$q_bin -q find github.com/spf13/cobra.Command.ExecuteC"
  # The issue-2 target is for the 8-article starter mapping (its files are still separate);
  # the whole mapping's kubernetes + client-go steps and the guides are timed beside it.
  bench "check (warm)" true "$q_bin -q --mapping $(printf %q "$starter") check"
  bench "check kubernetes+client-go, all entries (warm)" true "$q_bin -q check --repo kubernetes --repo client-go"
  local f
  for f in md mdbook html json codetour; do
    # Exit 1 = steps of repos without a mirror were written as unresolved: still timed.
    bench "guide $f, every article (warm)" true "$q_bin -q guide --format $f -o $(printf %q "$work/guide-$f") || [ \$? -eq 1 ]"
  done
  bench "ctags -R (Go, exported tree)" true "ctags -R --languages=Go -f /dev/null $(printf %q "$tree")"
  # Getting the sources: k8s-study links the mirror through git alternates, git copies it.
  bench "fetch kubernetes (cold, alternates)" "rm -rf $q_cold" "K8S_STUDY_CACHE=$q_cold $q_bin -q fetch kubernetes"
  bench "git clone --depth 1 --bare file://" "rm -rf $(printf %q "$work/shallow.git")" \
    "git clone -q --depth 1 --bare $(printf %q "file://$k8s_git") $(printf %q "$work/shallow.git")"
  if [ "$with_full_clone" -eq 1 ]; then
    bench "git clone --bare file:// (full)" "rm -rf $(printf %q "$work/full.git")" \
      "git clone -q --bare $(printf %q "file://$k8s_git") $(printf %q "$work/full.git")"
  fi
}

run_hyperfine() {
  local args=(--warmup "$warmup" --runs "$runs" --time-unit millisecond
              --export-json "$results/bench.json" --export-markdown "$results/bench.md")
  local i
  for i in "${!cmds[@]}"; do
    args+=(--prepare "${preps[$i]}")
  done
  for i in "${!cmds[@]}"; do
    args+=(--command-name "${names[$i]}")
  done
  # A missing step makes `check` exit 1; keep timing it (precheck already reported it).
  log "hyperfine: ${#cmds[@]} commands, $warmup warmup + $runs runs each"
  hyperfine "${check_ignore[@]}" "${args[@]}" "${cmds[@]}"
}

# --- informational: peak memory ----------------------------------------------------------

measure_rss() {
  log "peak RSS (/usr/bin/time -v)"
  {
    printf '{\n'
    printf '  "find Scheduler.scheduleOne": %s,\n' "$(peak_rss_kb "$bin" -q find k8s.io/kubernetes/pkg/scheduler.Scheduler.scheduleOne)"
    printf '  "find cobra.Command.ExecuteC (vendor)": %s,\n' "$(peak_rss_kb "$bin" -q find github.com/spf13/cobra.Command.ExecuteC)"
    printf '  "check (warm)": %s,\n' "$(peak_rss_kb "$bin" -q --mapping "$starter" check)"
    printf '  "git grep scheduleOne": %s\n' "$(peak_rss_kb git --git-dir="$k8s_git" grep -n -E 'func (\([^)]*\) )?scheduleOne\b' v1.20.2 -- '*.go')"
    printf '}\n'
  } >"$results/rss-kb.json"
}

# --- verdict -------------------------------------------------------------------------------

# Ratios and targets from hyperfine's JSON; writes summary.json and exits 1 on a miss.
verdict() {
  FIND_MAX_RATIO=$FIND_MAX_RATIO CHECK_MAX_SECONDS=$CHECK_MAX_SECONDS \
  FIRST_FETCH=$first_fetch_seconds RESULTS=$results python3 - <<'PY'
import json, os, platform, subprocess, sys, datetime

results = os.environ["RESULTS"]
bench = {r["command"]: r for r in json.load(open(f"{results}/bench.json"))["results"]}
rss = json.load(open(f"{results}/rss-kb.json"))
max_ratio = float(os.environ["FIND_MAX_RATIO"])
max_check = float(os.environ["CHECK_MAX_SECONDS"])

def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()

print()
print(f"{'command':40} {'mean':>10} {'± σ':>9} {'min':>10} {'max':>10}  peak RSS")
for name, r in bench.items():
    kb = rss.get(name)
    mem = f"{kb / 1024:.1f} MiB" if kb else ""
    print(f"{name:40} {r['mean']*1e3:8.1f}ms {r['stddev']*1e3:7.1f}ms {r['min']*1e3:8.1f}ms {r['max']*1e3:8.1f}ms  {mem}")
print(f"first cold fetch (kubernetes + client-go, one shot): {float(os.environ['FIRST_FETCH'])*1e3:.1f} ms")
print()

ok = True
ratios = {}
for find, grep in [("find Scheduler.scheduleOne", "git grep scheduleOne"),
                   ("find cobra.Command.ExecuteC (vendor)", "git grep ExecuteC")]:
    mean = bench[find]["mean"] / bench[grep]["mean"]
    worst = bench[find]["max"] / bench[grep]["min"]   # slowest find vs fastest grep
    ratios[find] = {"vs": grep, "mean_ratio": mean, "worst_case_ratio": worst}
    hit = mean <= max_ratio
    ok &= hit
    print(f"{'PASS' if hit else 'FAIL'} {find} / {grep} = {mean:.3f} (target <= {max_ratio}; worst case max/min {worst:.3f})")
check = bench["check (warm)"]["mean"]
hit = check <= max_check
ok &= hit
print(f"{'PASS' if hit else 'FAIL'} warm check mean = {check:.3f} s (target <= {max_check} s)")
for name, r in bench.items():
    if name.startswith("guide "):
        hit = r["mean"] <= 2.0
        ok &= hit
        print(f"{'PASS' if hit else 'FAIL'} {name} mean = {r['mean']:.3f} s (target <= 2.0 s)")

summary = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "kernel": platform.release()},
    "git": subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip(),
    "hyperfine": subprocess.run(["hyperfine", "--version"], capture_output=True, text=True).stdout.strip(),
    "first_fetch_seconds": float(os.environ["FIRST_FETCH"]),
    "ratios": ratios,
    "check_mean_seconds": check,
    "peak_rss_kb": rss,
    "targets_met": ok,
}
json.dump(summary, open(f"{results}/summary.json", "w"), indent=2)
print(f"\nresults: {results}/ (bench.json, bench.md, rss-kb.json, summary.json)")
sys.exit(0 if ok else 1)
PY
}

main() {
  install_tools
  ensure_mirrors
  build_release
  make_workdir
  first_fetch
  make_starter
  precheck
  export_tree
  probe_full_clone
  define_benchmarks
  run_hyperfine
  measure_rss
  verdict
}

main
