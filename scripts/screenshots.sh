#!/usr/bin/env bash
# Regenerates docs/img/site-matrix.png and docs/img/site-diff.png: the HTML site's version line
# (`guide --format html --line`) for the scheduler articles, read from Go modules, drawn by
# Debian's chromium (the browser of the site's test) with fonts-noto-cjk.
#
# Needs the module cache filled (scripts/download-modules.sh, plus older releases with
# `k8s-study matrix scheduler --fetch`) and `apt-get install chromium fonts-noto-cjk`.
# K8S_STUDY_BIN=path uses a binary already built instead of `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${K8S_STUDY_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet
  bin=target/release/k8s-study
fi
site=target/screenshot-site
rc=0
K8S_STUDY_SOURCE=modules "$bin" guide scheduler --format html --line -o "$site" || rc=$?
# 1: some step is unresolved at some release, which the pages show; anything else fails.
[ "$rc" -le 1 ] || exit "$rc"

# PAGE FILE WIDTH,HEIGHT: the page once its script has run (virtual time lets it finish).
shot() {
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size="$3" --virtual-time-budget=3000 \
    --screenshot="$PWD/docs/img/$2" "file://$PWD/$site/$1" 2>/dev/null
}
mkdir -p docs/img
shot matrix.html site-matrix.png 1400,640
shot kube-scheduler-zhonglinzhang.step-5.html site-diff.png 1280,900
echo "wrote docs/img/site-matrix.png and docs/img/site-diff.png"
