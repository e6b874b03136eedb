#!/usr/bin/env bash
# Makes Node.js 24 (the LTS that CI runs on) available and prints the directory holding its
# `node`, `npm` and `npx` on stdout (progress goes to stderr). When the `node` on PATH is already
# 24 or newer, prints that one's directory and installs nothing.
#
# Otherwise installs a pinned release from the npm registry's binary packages (node-linux-<arch>,
# which carries only bin/node, and the npm that this Node release ships with) into a cache
# directory outside the repository, so fresh clones on the same machine reuse it:
#   ${DROVER_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/drover}/node-v<version>-linux-<arch>
# Each tarball is checked against the sha512 integrity pinned below before it is unpacked. Idempotent:
# a complete install (both versions answer as pinned) is reused; a partial one is replaced.
# Fetching needs some npm: the machine's, or Debian's nodejs + npm when there is none.
set -euo pipefail

node_version=24.22.3
npm_version=11.19.1 # bundled with Node.js 24.22.3
declare -A node_integrity=(
  [x64]=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
  [arm64]=sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==
)
npm_integrity=sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==
wanted_major=${node_version%%.*}

say() { printf '%s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  have=$(node_major node)
  if ((have >= wanted_major)); then
    say "using the machine's node $(node --version) ($(command -v node))"
    dirname "$(command -v node)"
    exit 0
  fi
  say "the machine's node $(node --version) is older than $wanted_major: installing Node.js $node_version"
else
  say "no node/npm on PATH: installing Node.js $node_version"
fi

case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "no pinned Node.js binary package for $(uname -m); install Node.js $wanted_major and re-run" ;;
esac
[[ "$(uname -s)" == Linux ]] || die "CI installs Node.js only on Linux; install Node.js $wanted_major and re-run"

cache_root="${DROVER_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/drover}"
dest="$cache_root/node-v$node_version-linux-$arch"

if [[ -x "$dest/bin/node" && -x "$dest/bin/npm" ]] \
  && [[ "$("$dest/bin/node" --version 2>/dev/null)" == "v$node_version" ]] \
  && [[ "$(PATH="$dest/bin:$PATH" "$dest/bin/npm" --version 2>/dev/null)" == "$npm_version" ]]; then
  say "Node.js $node_version already installed in $dest"
  printf '%s\n' "$dest/bin"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  # Debian's npm only fetches the pinned packages below; nothing else runs on it.
  command -v apt-get >/dev/null 2>&1 || die "no npm to fetch Node.js with and apt-get is not available"
  say "installing Debian's nodejs and npm to fetch Node.js $node_version with"
  as_root=()
  [[ $(id -u) -eq 0 ]] || as_root=(sudo)
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm >&2
fi

mkdir -p "$cache_root"
work="$(mktemp -d "$cache_root/.node-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# npm pack fetches a package's tarball through the configured registry (and checks it against
# the registry's metadata); the pinned integrity guards against any other tarball.
fetch() {
  local spec=$1 integrity=$2 file
  file=$(cd "$work" && npm pack --silent "$spec" 2>/dev/null | tail -n 1)
  [[ -n "$file" && -f "$work/$file" ]] || die "npm pack $spec fetched nothing"
  local got
  got=$(node -e 'const { createHash } = require("node:crypto");
process.stdout.write("sha512-" + createHash("sha512").update(require("node:fs").readFileSync(process.argv[1])).digest("base64"));' "$work/$file")
  [[ "$got" == "$integrity" ]] || die "$spec: integrity $got, expected $integrity"
  printf '%s\n' "$work/$file"
}

node_tgz=$(fetch "node-linux-$arch@$node_version" "${node_integrity[$arch]}")
npm_tgz=$(fetch "npm@$npm_version" "$npm_integrity")

# Same layout as the official tarballs: bin/node, lib/node_modules/npm, bin/npm and bin/npx as links.
stage="$work/node"
mkdir -p "$stage/lib/node_modules/npm"
tar -xzf "$node_tgz" -C "$stage" --strip-components=1
tar -xzf "$npm_tgz" -C "$stage/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/bin/npx"
[[ "$("$stage/bin/node" --version)" == "v$node_version" ]] || die "the unpacked node is not v$node_version"

rm -rf "$dest"
mv "$stage" "$dest"
say "installed Node.js $node_version (npm $npm_version) in $dest"
printf '%s\n' "$dest/bin"
