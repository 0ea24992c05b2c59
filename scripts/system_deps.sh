#!/usr/bin/env bash
# Install the Debian packages the test suite needs, when they are missing and we may.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
# scripts/build_pdf_fonts.py finds Noto Sans CJK with fc-match.
command -v fc-match >/dev/null 2>&1 || need+=(fontconfig)
# WeasyPrint (status reports and the decision log as PDF) draws text with Pango.
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
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
apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
