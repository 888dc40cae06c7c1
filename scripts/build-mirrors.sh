#!/usr/bin/env bash
# Build local git mirrors of real upstream source from Debian source packages,
# so tests can run k8s-study against real Kubernetes without reaching GitHub.
#
#   scripts/build-mirrors.sh [OUT]        (default OUT: .mirrors in the project)
#
# Result (use it with K8S_STUDY_MIRROR=file://OUT):
#   OUT/kubernetes/kubernetes.git   tag v1.20.2            (Debian kubernetes 1.20.5+really1.20.2)
#   OUT/kubernetes/client-go.git    tags v0.20.2, v0.32.3  (staging copy of v1.20.2; Debian golang-k8s-client-go)
# Downloads are checked against pinned sha256 sums and kept in OUT/.downloads,
# so a second run is quick. Nothing here is ever committed.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/.mirrors}
mkdir -p "$out"
out=$(cd "$out" && pwd)
dl=$out/.downloads
apt_dir=$out/.apt
mkdir -p "$dl" "$apt_dir/parts" "$apt_dir/lists/partial"

# PKG/SUITE, not PKG=VERSION: Debian revisions change (security uploads), the orig tarball does not.
K8S_PKG=kubernetes K8S_VER=bookworm
K8S_SHA=b83c0780efb182d928dc63d46488a847f161f04e40a94b96bf5247dd671ecdfc
CG_PKG=golang-k8s-client-go CG_VER=trixie
CG_SHA=c664c8f802ee70aa503f64f47fffe0007478698a86bee7b365b9b605648ec0cb

log() { printf '[build-mirrors] %s\n' "$*" >&2; }

apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/parts"
          -o "Dir::State::Lists=$apt_dir/lists" -o Debug::NoLocking=1)

apt_update() {
  [ -f "$apt_dir/.updated" ] && return
  # A private deb-src list: the machine's apt configuration is left untouched.
  local uri keyring
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  keyring=$(awk '/^Signed-By:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  cat >"$apt_dir/parts/src.sources" <<SRC
Types: deb-src
URIs: ${uri:-http://deb.debian.org/debian}
Suites: bookworm trixie
Components: main
Signed-By: ${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}
SRC
  log "apt-get update (private source list)"
  apt-get "${apt_opts[@]}" update -qq
  touch "$apt_dir/.updated"
}

# fetch_orig PKG VERSION SHA256 -> path of the verified orig tarball on stdout
fetch_orig() {
  local pkg=$1 ver=$2 sha=$3 f
  f=$(find "$dl" -maxdepth 1 -name "${pkg}_*.orig.tar.*" | head -n1)
  if [ -z "$f" ] || ! echo "$sha  $f" | sha256sum -c --quiet - 2>/dev/null; then
    apt_update
    log "downloading $pkg/$ver"
    (cd "$dl" && apt-get "${apt_opts[@]}" source --download-only -qq "$pkg/$ver" >&2)
    f=$(find "$dl" -maxdepth 1 -name "${pkg}_*.orig.tar.*" | head -n1)
  fi
  [ -n "$f" ] || { log "no orig tarball for $pkg"; exit 1; }
  echo "$sha  $f" | sha256sum -c --quiet - || { log "sha256 mismatch for $f"; exit 1; }
  echo "$f"
}

# commit_tree REPO DIR TAG: commit DIR as the next commit of REPO and tag it.
commit_tree() {
  local repo=$1 dir=$2 tag=$3
  export GIT_AUTHOR_NAME=k8s-study GIT_AUTHOR_EMAIL=mirror@k8s-study.invalid
  export GIT_COMMITTER_NAME=k8s-study GIT_COMMITTER_EMAIL=mirror@k8s-study.invalid
  export GIT_AUTHOR_DATE='2021-01-13T00:00:00Z' GIT_COMMITTER_DATE='2021-01-13T00:00:00Z'
  git --git-dir="$repo" --work-tree="$dir" add -A -f .
  git --git-dir="$repo" --work-tree="$dir" commit -q --allow-empty -m "$tag (from Debian source)"
  git --git-dir="$repo" tag -f "$tag" >/dev/null
}

new_bare() { rm -rf "$1"; git init -q --bare -b main "$1"; git --git-dir="$1" config core.autocrlf false; }

work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

k8s_repo=$out/kubernetes/kubernetes.git
cg_repo=$out/kubernetes/client-go.git

if git --git-dir="$k8s_repo" rev-parse -q --verify refs/tags/v1.20.2 >/dev/null 2>&1 \
   && git --git-dir="$cg_repo" rev-parse -q --verify refs/tags/v0.32.3 >/dev/null 2>&1; then
  log "mirrors already built in $out"
  exit 0
fi

k8s_tar=$(fetch_orig "$K8S_PKG" "$K8S_VER" "$K8S_SHA")
cg_tar=$(fetch_orig "$CG_PKG" "$CG_VER" "$CG_SHA")

log "unpacking $(basename "$k8s_tar")"
mkdir -p "$work/k8s" && tar -xf "$k8s_tar" -C "$work/k8s" --strip-components=1
mkdir -p "$out/kubernetes"
new_bare "$k8s_repo.tmp"
commit_tree "$k8s_repo.tmp" "$work/k8s" v1.20.2
rm -rf "$k8s_repo" && mv "$k8s_repo.tmp" "$k8s_repo"

log "client-go v0.20.2 from staging, v0.32.3 from $(basename "$cg_tar")"
new_bare "$cg_repo.tmp"
commit_tree "$cg_repo.tmp" "$work/k8s/staging/src/k8s.io/client-go" v0.20.2
rm -rf "$work/k8s"
mkdir -p "$work/cg" && tar -xf "$cg_tar" -C "$work/cg" --strip-components=1
# The next commit must hold exactly the new tree: clear the index first.
git --git-dir="$cg_repo.tmp" rm -r -q --cached . >/dev/null
commit_tree "$cg_repo.tmp" "$work/cg" v0.32.3
rm -rf "$cg_repo" && mv "$cg_repo.tmp" "$cg_repo"

log "done: K8S_STUDY_MIRROR=file://$out"
