#!/usr/bin/env bash
# Installs the Debian packages TeachPoint's tools and tests use (idempotent; needs root or sudo).
#   chromium        renderer tests, Playwright e2e, `npm start` without Electron (never a downloaded browser)
#   fonts-noto-cjk  Chinese glyphs in headless Chromium, screenshots and sample PDFs
#   espeak-ng, sox  Mandarin narration for the sample packs
#   zip, unzip      the pack-build benchmark baseline and zip interoperability tests
#   postgresql      server binaries (initdb, postgres) for the cloud suite's throwaway PostgreSQL on
#                   loopback in a temp dir (sync/server/testing/postgres-server.ts); no system service is
#                   used or needed. In CI (CI=true) the cloud tests FAIL when these binaries are missing.
#   libreoffice-impress-nogui, libreoffice-writer-nogui
#                   `tpk build` converts PPT/PPTX/DPS and DOC/DOCX/WPS/ODF to PDF (headless, no GUI libraries)
#   poppler-utils   pdfinfo/pdftotext/pdffonts: the office-conversion test checks pages and Chinese text
#   nginx           the cloud's caching reverse proxy in tests and the download bench
#                   (sync/server/testing/nginx.ts runs it in the foreground on a loopback port with a temp
#                   prefix). The package's own service is not wanted: where invoke-rc.d would start it,
#                   a temporary policy-rc.d stops it from doing so during this install.
set -euo pipefail
PACKAGES=(chromium fonts-noto-cjk espeak-ng sox zip unzip postgresql libreoffice-impress-nogui libreoffice-writer-nogui poppler-utils nginx)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "System packages present: ${PACKAGES[*]}"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Keep package installs from starting system services (nginx): policy-rc.d exit 101 = "do not start".
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  trap '$SUDO rm -f "$policy"' EXIT
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
