#!/usr/bin/env bash
# Render the HTML guide of one article and take a headless Chromium screenshot of it,
# for the README (docs/img/guide-html.png) and for eyeballing CSS changes.
#
#   scripts/screenshot.sh [OUT.png] [ARTICLE_ID] [WIDTH,HEIGHT]
#
# Defaults: docs/img/guide-html.png, informer-zhonglinzhang, 1100,1800.
# Reads sources from the local mirrors (scripts/build-mirrors.sh) unless K8S_STUDY_MIRROR
# is already set; installs Debian's chromium if it is missing.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/docs/img/guide-html.png}
article=${2:-informer-zhonglinzhang}
size=${3:-1100,1800}
# Seconds to keep retrying while the `guide` subcommand is not built yet (it is being written).
wait_for_guide=${WAIT_FOR_GUIDE:-1500}

log() { printf '[screenshot] %s\n' "$*" >&2; }

export K8S_STUDY_MIRROR=${K8S_STUDY_MIRROR:-file://$here/.mirrors}
export K8S_STUDY_CACHE=${K8S_STUDY_CACHE:-/tmp/shot-cache}

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  log "installing chromium"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

# Chinese titles and notes need a CJK font, or they render as boxes.
if command -v fc-list >/dev/null && [[ -z $(fc-list :lang=zh family) ]]; then
  log "installing a CJK font"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq fonts-wqy-microhei >/dev/null ||
    log "no CJK font; Chinese text will show as boxes"
fi

site=$(mktemp -d)
profile=$(mktemp -d)
trap 'rm -rf "$site" "$profile"' EXIT

deadline=$((SECONDS + wait_for_guide))
while :; do
  log "building the release binary"
  if (cd "$here" && cargo build --release --quiet) &&
    "$here/target/release/k8s-study" guide --help >/dev/null 2>&1; then
    break
  fi
  if ((SECONDS >= deadline)); then
    log "no working \`guide\` subcommand after ${wait_for_guide}s; giving up"
    exit 1
  fi
  log "build failed or \`guide\` missing; retrying in 120s"
  sleep 120
done

# Exit status 1 means some step is unresolved: the page is still written, with the reason.
status=0
"$here/target/release/k8s-study" guide "$article" --format html -o "$site/guide" || status=$?
if [[ ! -f $site/guide/$article.html ]]; then
  log "guide exited $status and wrote no $article.html"
  exit 1
fi
((status == 0)) || log "guide exited $status (unresolved steps are shown on the page)"

mkdir -p "$(dirname "$out")"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" --window-size="$size" \
  --screenshot="$out" "file://$site/guide/$article.html" 2>/dev/null
log "wrote $out ($(du -k "$out" | cut -f1) KB)"
