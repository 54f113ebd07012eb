#!/bin/sh
# demo.sh - convert the bundled examples into out/ (run by `make demo`).
set -e
mkdir -p out
for f in examples/*.txt; do
    n=$(basename "$f" .txt)
    build/paidoc "$f" -t md -o "out/$n.md"
    build/paidoc "$f" -s -o "out/$n.html"
    build/paidoc "$f" -s --paid preview -o "out/$n.preview.html"
    build/paidoc "$f" -o "out/$n.docx"
    build/paidoc "$f" --paid full -o "out/$n.full.docx"
done
echo "paidoc: wrote these files:"
ls -l out | sed -n 's/^[-].* \([^ ]*\)$/  out\/\1/p'
echo "Open out/*.html in a browser and out/*.docx in Word or LibreOffice."
