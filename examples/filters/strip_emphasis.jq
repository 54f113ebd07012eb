# strip_emphasis.jq - a paidoc filter: emphasis and strong become plain
# text (their content stays, in place).  Works on any paidoc JSON tree:
#
#   paidoc -t json notes.md | jq -f strip_emphasis.jq | paidoc -f json -t md
#
# walk is bottom-up, so nested emphasis is already flat when its parent's
# children are spliced; the reader merges the adjacent text nodes.
walk(if type == "object" and has("c")
     then .c |= map(if .t == "emph" or .t == "strong" then .c[] else . end)
     else . end)
