#!/usr/bin/env python3
"""upper_headings.py - a paidoc filter: headings in capitals.

Reads the JSON tree (docs/json.md) on stdin, upper-cases the text of every
heading, paid sections' included (CJK text has no case and stays as it
is), records the edit in a metadata field, and writes the tree on stdout:

    paidoc -t json report.txt | python3 upper_headings.py | paidoc -f json -t html
"""
import json
import sys


def upper_text(node):
    if node["t"] == "text":
        node["text"] = node["text"].upper()
    for child in node.get("c", []):
        upper_text(child)


def visit(node):
    if node["t"] == "heading":
        upper_text(node)
    else:
        for child in node.get("c", []):
            visit(child)


doc = json.load(sys.stdin)
for block in doc["blocks"]:
    visit(block)
doc["meta"]["filter"] = "upper_headings"
json.dump(doc, sys.stdout, ensure_ascii=False)
