#!/usr/bin/env bash
# Install the Debian packages of scripts/debian_packages.txt that are missing, when we may.
#
#   scripts/system_deps.sh [tests|image|bench]       install what is missing (default: tests)
#   scripts/system_deps.sh --list [tests|image|bench]   print the package names, one a line
#   scripts/system_deps.sh --missing [tests|image|bench]  print the missing ones; exit 1 if any
#
# tests takes the image and tests rows, image the image rows, bench the bench rows only.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=install
case "${1:-}" in
  --list | --missing) mode=${1#--}; shift ;;
esac
scope=${1:-tests}
case "$scope" in
  tests | image | bench) ;;
  *) echo "usage: $0 [--list|--missing] [tests|image|bench]" >&2; exit 2 ;;
esac

# package check, for the rows of the scope (image rows are needed by the tests too).
rows() {
  sed -e 's/#.*//' scripts/debian_packages.txt | awk -v scope="$scope" \
    'NF >= 3 && ((scope == "tests" && $2 != "bench") || $2 == scope) { print $1, $3 }'
}

present() {
  local check=$1 what=${1#*:}
  what=${what//_/ }
  case "$check" in
    cmd:*) command -v "$what" >/dev/null 2>&1 ;;
    # grep reads to the end (no -q): an early exit would fail the pipe (pipefail, SIGPIPE).
    lib:*) ldconfig -p 2>/dev/null | grep -F "$what" >/dev/null ;;
    font:*) fc-list 2>/dev/null | grep -iF "$what" >/dev/null ;;
    *) echo "scripts/debian_packages.txt: unknown check $check" >&2; exit 2 ;;
  esac
}

if [ "$mode" = list ]; then
  rows | awk '{ print $1 }'
  exit 0
fi

need=()
while read -r package check; do
  present "$check" || need+=("$package")
done < <(rows)

if [ "$mode" = missing ]; then
  [ ${#need[@]} -eq 0 ] && exit 0
  printf '%s\n' "${need[@]}"
  exit 1
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${need[*]} (install them with your package manager)." >&2
  exit 1
fi
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
