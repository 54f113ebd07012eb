#!/bin/sh
# gallery.sh - the pictures of README's gallery (run by `make gallery`).
#
#   docs/gallery/gallery.sh PAIDOC
#
# Converts examples/community-report.txt with PAIDOC and renders:
#   docx-gongwen.png   page 1 of the DOCX (GB/T 9704 style), through
#                      LibreOffice -> PDF -> pdftoppm, with the fonts of
#                      styles/fontconfig/paidoc-cjk.conf
#   html.png           the standalone HTML page (-s), paid section kept
#   html-preview.png   the same page with --paid preview
# The HTML pages are shot with headless Chromium.  Run from the top of the
# repository; needs soffice, pdftoppm, chromium and the Noto CJK / AR PL
# fonts (make gallery installs them when missing).
set -eu
P=$1
out=docs/gallery
src=examples/community-report.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The free CJK fonts paidoc-cjk.conf maps the GB/T 9704 fonts to.
fonts=""
fc-list | grep -q 'Noto Serif CJK' || fonts="$fonts fonts-noto-cjk"
fc-list | grep -q 'AR PL UKai' || fonts="$fonts fonts-arphic-ukai"
if [ -n "$fonts" ]; then
    echo "gallery: installing$fonts" >&2
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        --no-install-recommends $fonts >&2 || {
        $sudo apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
            --no-install-recommends $fonts >&2; }
fi

# DOCX -> PDF -> PNG of the first page.
"$P" "$src" -o "$tmp/report.docx"
FONTCONFIG_FILE="$PWD/styles/fontconfig/paidoc-cjk.conf" HOME="$tmp" \
    soffice -env:UserInstallation="file://$tmp/lo" --headless \
    --convert-to pdf --outdir "$tmp" "$tmp/report.docx" >"$tmp/soffice.log" 2>&1
[ -s "$tmp/report.pdf" ] || { cat "$tmp/soffice.log" >&2; exit 1; }
pdftoppm -png -r 75 -f 1 -l 1 -singlefile "$tmp/report.pdf" "$out/docx-gongwen"

# HTML pages -> PNG.
shoot() {
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$tmp/chromium" --window-size="900,$3" \
        --screenshot="$2" "file://$1" >"$tmp/chromium.log" 2>&1 ||
        { cat "$tmp/chromium.log" >&2; exit 1; }
    [ -s "$2" ] || { cat "$tmp/chromium.log" >&2; exit 1; }
}
"$P" "$src" -s -o "$tmp/report.html"
"$P" "$src" -s --paid preview --paywall-url https://example.com/buy \
    -o "$tmp/preview.html"
shoot "$tmp/report.html" "$out/html.png" 1100
shoot "$tmp/preview.html" "$out/html-preview.png" 830
ls -l "$out"/*.png
