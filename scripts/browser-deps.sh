#!/usr/bin/env bash
# Browser tests run in Debian's chromium with CJK fonts. Install them when missing and we can.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]} for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif [ "${CI:-}" = "true" ]; then
  echo "Browser tests need ${missing[*]} (apt-get install ${missing[*]}); cannot install them here." >&2
  exit 1
else
  echo "NOTE: ${missing[*]} missing and not root: browser tests will be skipped."
fi
