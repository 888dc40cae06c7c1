#!/usr/bin/env bash
# Build a local git mirror of kube-rs (the Rust counterpart of client-go/controller-runtime)
# from its crates published on crates.io, so tests can resolve real Rust items without GitHub.
#
#   scripts/build-kube-mirror.sh [OUT]        (default OUT: .mirrors in the project)
#
# Result (use it with K8S_STUDY_MIRROR=file://OUT, which maps https://github.com/kube-rs/kube
# to OUT/kube-rs/kube.git):
#   OUT/kube-rs/kube.git   tags 4.2.0, 5.0.0 (kube-rs tags have no `v`)
# Each tag's tree is laid out like the upstream repository: kube-runtime/, kube-client/ and
# kube-core/ hold the published crates, and a synthesized root Cargo.toml lists them as
# `[workspace] members`. Cargo downloads the crates (with default features off, for this
# platform only) into a private CARGO_HOME kept in OUT/.downloads/kube-cargo-home, and checks
# every .crate against the checksum in the crates.io index. Nothing here is ever committed.
#
# Differences from the upstream tree at 4.2.0 (compared with `git ls-tree -r 4.2.0 kube-runtime`
# etc. of github.com/kube-rs/kube):
#   - only kube-runtime, kube-client and kube-core; no kube/, kube-derive/, examples/, e2e/,
#     and the root Cargo.toml is ours (members only, no [workspace.package]);
#   - each crate's Cargo.toml is the normalized one cargo publishes (no `workspace = true`
#     inheritance); `cargo package` adds Cargo.toml.orig (the author's file),
#     .cargo_vcs_info.json and Cargo.lock, and kube-runtime/README.md (the workspace readme);
#   - nothing upstream is missing, and every file under src/ has the same git blob id as
#     upstream, so item paths and line numbers agree with the real repository.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/.mirrors}
mkdir -p "$out"
out=$(cd "$out" && pwd)
repo=$out/kube-rs/kube.git
versions=(4.2.0 5.0.0)
crates=(kube-runtime kube-client kube-core)

log() { printf '[build-kube-mirror] %s\n' "$*" >&2; }

built=1
for v in "${versions[@]}"; do
  git --git-dir="$repo" rev-parse -q --verify "refs/tags/$v" >/dev/null 2>&1 || built=0
done
if [ "$built" = 1 ]; then
  log "mirror already built: $repo"
  exit 0
fi

export CARGO_HOME=$out/.downloads/kube-cargo-home
mkdir -p "$CARGO_HOME"
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A throwaway package whose only job is to make cargo fetch (and verify) the exact versions.
proj=$work/fetch
mkdir -p "$proj/src"
: >"$proj/src/lib.rs"
{
  printf '[package]\nname = "kube-mirror-fetch"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n'
  for v in "${versions[@]}"; do
    for c in "${crates[@]}"; do
      printf '%s-%s = { package = "%s", version = "=%s", default-features = false }\n' \
        "${c//-/_}" "${v//./_}" "$c" "$v"
    done
  done
} >"$proj/Cargo.toml"
host=$(rustc -vV | sed -n 's/^host: //p')
log "cargo fetch ${crates[*]} at ${versions[*]} (CARGO_HOME=$CARGO_HOME)"
cargo fetch --quiet --manifest-path "$proj/Cargo.toml" --target "$host"

# crate_file NAME VERSION -> the verified .crate cargo downloaded
crate_file() {
  local f
  f=$(find "$CARGO_HOME/registry/cache" -name "$1-$2.crate" | head -n1)
  [ -n "$f" ] || { log "cargo did not download $1 $2"; exit 1; }
  echo "$f"
}

export GIT_AUTHOR_NAME=k8s-study GIT_AUTHOR_EMAIL=mirror@k8s-study.invalid
export GIT_COMMITTER_NAME=k8s-study GIT_COMMITTER_EMAIL=mirror@k8s-study.invalid
export GIT_AUTHOR_DATE='2021-01-13T00:00:00Z' GIT_COMMITTER_DATE='2021-01-13T00:00:00Z'
rm -rf "$repo.tmp"
git init -q --bare -b main "$repo.tmp"
git --git-dir="$repo.tmp" config core.autocrlf false
for v in "${versions[@]}"; do
  tree=$work/tree-$v
  mkdir -p "$tree"
  {
    printf '# Synthesized by scripts/build-kube-mirror.sh from the crates.io packages of kube-rs %s.\n' "$v"
    printf '[workspace]\nmembers = [\n'
    for c in "${crates[@]}"; do printf '  "%s",\n' "$c"; done
    printf ']\n'
  } >"$tree/Cargo.toml"
  for c in "${crates[@]}"; do
    mkdir -p "$tree/$c"
    tar -xzf "$(crate_file "$c" "$v")" -C "$tree/$c" --strip-components=1
  done
  # The next commit holds exactly this tree: clear the index first.
  git --git-dir="$repo.tmp" rm -r -q --cached --ignore-unmatch . >/dev/null
  git --git-dir="$repo.tmp" --work-tree="$tree" add -A -f .
  git --git-dir="$repo.tmp" --work-tree="$tree" commit -q -m "kube-rs $v (from crates.io)"
  git --git-dir="$repo.tmp" tag -f "$v" >/dev/null
  log "tagged $v"
done
mkdir -p "$(dirname "$repo")"
rm -rf "$repo" && mv "$repo.tmp" "$repo"
log "done: K8S_STUDY_MIRROR=file://$out"
