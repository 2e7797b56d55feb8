#!/usr/bin/env bash
# get_browser.sh installs what the HTML map's browser test needs
# (internal/render TestHTMLInBrowser, scripts/browser/maptest.mjs):
# Debian's chromium and Node.js through apt-get when they are missing (as
# root), and playwright-core from npm into scripts/browser/node_modules
# (ignored by git) at the version package-lock.json pins. Nothing is
# installed that is already there; run it as often as you like.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[[ -n "${BUNKA_CHROMIUM:-}" || -x /usr/bin/chromium || -x /usr/bin/chromium-browser ]] || missing+=(chromium)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "get_browser.sh: missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run this as root" >&2
    exit 1
  fi
  echo "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

dir=scripts/browser
stamp="$dir/node_modules/.bunka-lock"
if [[ -f "$stamp" ]] && cmp -s "$stamp" "$dir/package-lock.json"; then
  echo "playwright-core already in $dir/node_modules"
else
  echo "installing playwright-core into $dir/node_modules"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  cp "$dir/package-lock.json" "$stamp"
fi
