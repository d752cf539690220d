#!/usr/bin/env bash
# Makes sure a headless browser is there for the timeline module's browser test: Debian's chromium
# (and a font, so text renders), installed with scripts/ensure-packages.sh when missing, then
# checked by really rendering a small page to a PNG. Writes an env file naming the binary.
#
#   scripts/chromium-env.sh up       # install chromium if missing, render a probe page; write the env file
#   scripts/chromium-env.sh down     # delete the env file (nothing keeps running: each test starts
#                                    # its own browser process and ends it)
#   scripts/chromium-env.sh env      # print the env file written by `up`
#
# After `up`:  source "${MOLT_CHROMIUM_ENV_FILE:-/tmp/molt-chromium/env}"   (MOLT_CHROMIUM, ...)
# `up` also prints the browser's path as its last line.
#
# Knobs (environment):
#   MOLT_CHROMIUM_ENV_FILE   where `up` writes the env file (default /tmp/molt-chromium/env)
#   MOLT_CHROMIUM            a browser binary to use instead of Debian's chromium (not installed then)
#   MOLT_CHROMIUM_TIMEOUT    seconds the probe render may take (default 120)
#
# If the browser cannot be installed or cannot render, `up` exits non-zero: the build fails here,
# and the browser test never skips.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ENV_FILE=${MOLT_CHROMIUM_ENV_FILE:-/tmp/molt-chromium/env}
ENV_DIR=$(dirname "$ENV_FILE")
TIMEOUT=${MOLT_CHROMIUM_TIMEOUT:-120}

log() { printf '[chromium-env] %s\n' "$*" >&2; }
die() {
  printf '[chromium-env] ERROR: %s\n' "$*" >&2
  exit 1
}

find_browser() {
  local b
  for b in chromium chromium-browser; do
    if command -v "$b" >/dev/null 2>&1; then
      command -v "$b"
      return 0
    fi
  done
  return 1
}

ensure_browser() {
  local browser
  if [[ -n ${MOLT_CHROMIUM:-} ]]; then
    [[ -x $MOLT_CHROMIUM ]] || die "MOLT_CHROMIUM=$MOLT_CHROMIUM is not an executable: point it at a Chromium binary or unset it"
    echo "$MOLT_CHROMIUM"
    return 0
  fi
  if browser=$(find_browser); then
    echo "$browser"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 \
    || die "no chromium on PATH and no apt-get to install it: install Chromium or set MOLT_CHROMIUM"
  log "installing Debian's chromium (none on PATH)"
  bash "$HERE/ensure-packages.sh" chromium fonts-dejavu-core \
    || die "installing chromium failed"
  browser=$(find_browser) || die "chromium installed but not on PATH"
  echo "$browser"
}

# probe BROWSER: renders a small page with a coloured block and checks a PNG came out.
probe() {
  local browser=$1 dir rc=0
  dir=$(mktemp -d "${TMPDIR:-/tmp}/molt-chromium-probe.XXXXXX")
  printf '<!doctype html><body style="margin:0;background:#fff"><div style="width:200px;height:100px;background:#1565c0"></div></body>\n' >"$dir/probe.html"
  timeout --kill-after=10 "$TIMEOUT" "$browser" --headless --no-sandbox --disable-gpu \
    --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$dir/profile" \
    --screenshot="$dir/probe.png" --window-size=400,200 "file://$dir/probe.html" \
    >"$dir/log" 2>&1 || rc=$?
  if [[ $rc -ne 0 || ! -s $dir/probe.png ]]; then
    tail -n 20 "$dir/log" >&2 || true
    rm -rf "$dir"
    die "$browser could not render a page headless (exit $rc, within ${TIMEOUT}s)"
  fi
  rm -rf "$dir"
}

cmd_up() {
  local browser version tmpf
  browser=$(ensure_browser)
  version=$("$browser" --version 2>/dev/null | head -n 1 || true)
  probe "$browser"
  mkdir -p "$ENV_DIR"
  tmpf=$(mktemp "$ENV_DIR/env.XXXXXX")
  {
    echo "# written by scripts/chromium-env.sh up"
    echo "export MOLT_CHROMIUM=$browser"
    echo "export MOLT_CHROMIUM_VERSION=\"$version\""
  } >"$tmpf"
  chmod 644 "$tmpf"
  mv -f "$tmpf" "$ENV_FILE"
  log "ready: $version renders headless"
  echo "$browser"
}

case ${1:-} in
  up) cmd_up ;;
  down) rm -f "$ENV_FILE" ;;
  env) cat "$ENV_FILE" 2>/dev/null || die "no env file at $ENV_FILE: run '$0 up' first" ;;
  *)
    echo "usage: $0 up | down | env" >&2
    exit 2
    ;;
esac
