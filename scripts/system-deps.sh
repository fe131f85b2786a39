#!/usr/bin/env bash
# System packages flowkit needs beyond Python, from Debian's archive:
#   Graphviz draws the swimlane diagrams; a CJK font renders Chinese in PNG/PDF;
#   Chromium (tests only) opens the generated handbook like a user's browser would.
# Installs only what is missing; needs root (or sudo) for apt-get.
set -euo pipefail
want=(graphviz fonts-noto-cjk)
[ "${1:-}" = "test" ] && want+=(chromium)

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "flowkit needs these system packages: ${missing[*]} (install them with your package manager)" >&2
  exit 2
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
