# Helpers shared by scripts/bench.sh and scripts/bench-bump.sh (sourced, not run).
# The caller defines `log`, `die`, `here`, `mirrors` and, for peak_rss_kb, `work`.

# apt_install PKG: Debian packages only; sudo only when we are not root.
apt_install() {
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  log "installing $1"
  "${sudo[@]}" apt-get install -y -qq "$1" >/dev/null \
    || { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "$1" >/dev/null; }
}

ensure_mirrors() {
  mkdir -p "$mirrors"
  mirrors=$(cd "$mirrors" && pwd)
  k8s_git=$mirrors/kubernetes/kubernetes.git
  if ! git --git-dir="$k8s_git" rev-parse -q --verify refs/tags/v1.20.2 >/dev/null 2>&1; then
    log "no mirror in $mirrors: building it"
    "$here/scripts/build-mirrors.sh" "$mirrors"
  fi
}

build_release() {
  log "cargo build --release"
  (cd "$here" && cargo build --release --quiet)
  bin=$here/target/release/k8s-study
}

# peak_rss_kb CMD...: the highest "Maximum resident set size" over three runs.
peak_rss_kb() {
  local out=$work/time.txt best=0 kb _
  for _ in 1 2 3; do
    /usr/bin/time -v -o "$out" "$@" >/dev/null 2>&1 || true
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out")
    if [ "${kb:-0}" -gt "$best" ]; then best=$kb; fi
  done
  echo "$best"
}
