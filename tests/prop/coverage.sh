#!/bin/sh
# coverage.sh - text coverage of every reader: each piece of text of an
# input appears in paidoc's output as often as in the input - exactly
# once for a piece that occurs once.
#  * txt: every line (less list bullets and numbers, underlines and
#    rules) -> the text nodes and metadata of `-t json`;
#  Marker spellings (##paidbegin## ...) are not text: pieces are split
#  at them.
#  * md: every text, code and code_block node of `cmark -t xml`;
#  * html: every text node but those in script, style, template,
#    noscript, iframe, object and comments (the <title> is metadata);
#  * docx: our own DOCX, written from every third txt and md input, read
#    back:
#    every w:t (w:delText is not w:t); the DOCX of other software is
#    checked by docxread_coverage.sh.
# Inputs: the case files of tests/, tests/fixtures/, examples/ and, when
# present, ../shared/samples (inputs with a .args or a .status file are
# skipped: they test options or failures).  White space is ignored in the
# comparison (readers join wrapped lines); pieces shorter than 4
# characters are checked for presence only.  PD_SLICE=N checks every
# Nth input.  Prints "PASS name" or "FAIL name: why".  Environment:
# PAIDOC, TOP, PD_SLICE.
set -u
P=${PAIDOC:?}
TOP=${TOP:?}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
command -v cmark >/dev/null 2>&1 || echo "skip md coverage: no cmark command"

"$PY" - "$P" "$TOP" "$T" "${PD_SLICE:-1}" <<'PYEOF'
import glob, html.parser, json, os, re, subprocess, sys, zipfile
import xml.etree.ElementTree as ET

P, TOP, T, SLICE = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
WS = re.compile(r"\s+")
# Marker spellings (src/markers.c): consumed wherever they stand, so a
# piece is split at them.
MARKERS = re.compile(r"##paidbegin##|\$\$paidbegin\$\$|##paidend##|\$\$paidend\$\$|"
                     r"##pagebreak##")
CTRL = re.compile("[\x00-\x08\x0b-\x1f]")

def norm(s):
    return WS.sub("", s)

def inputs(patterns):
    seen, out = set(), []
    for pat in patterns:
        for f in sorted(glob.glob(os.path.join(TOP, pat))):
            base = os.path.splitext(f)[0]
            if (f in seen or os.path.exists(base + ".args")
                    or os.path.exists(base + ".status")):
                continue
            seen.add(f)
            out.append(f)
    return out[::SLICE] if SLICE > 1 else out

def name_of(f):
    rel = os.path.relpath(f, TOP)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", rel)

def run(*args):
    return subprocess.run([P, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)

def json_texts(data):
    """The text of every text, code and code_block node, in order, and
    the metadata (an HTML <title> is the "title" metadata)."""
    doc = json.loads(data)
    out = []
    stack = [doc["blocks"][::-1]]
    while stack:
        lst = stack[-1]
        if not lst:
            stack.pop()
            continue
        n = lst.pop()
        if isinstance(n, dict):
            if n.get("t") in ("text", "code", "code_block") and "text" in n:
                out.append(n["text"])
            if isinstance(n.get("c"), list):
                stack.append(n["c"][::-1])
    # metadata that is not also body text (a title taken from the first
    # line is both: counted once)
    body = norm("".join(out))
    out += [v for v in doc.get("meta", {}).values()
            if isinstance(v, str) and norm(v) not in body]
    return out

def compare(name, pieces, got):
    """Every piece in got as often as in the pieces; FAIL otherwise.
    Control characters count as the U+FFFD the readers put instead."""
    pieces = [norm(CTRL.sub("\ufffd", q)) for p in pieces
              for q in MARKERS.split(p)]
    pieces = [p for p in pieces if p]
    E = "".join(pieces)
    O = "".join(norm(t) for t in got)
    missing = [p for p in pieces if p not in O]
    if missing:
        print("FAIL coverage-%s: %d of %d pieces missing, e.g. %r"
              % (name, len(missing), len(pieces), missing[0][:80]))
        return
    counts = [p for p in set(pieces) if len(p) >= 4 and O.count(p) != E.count(p)]
    if counts:
        p = counts[0]
        print("FAIL coverage-%s: %r %d times in the output, %d in the input"
              % (name, p[:80], O.count(p), E.count(p)))
        return
    print("PASS coverage-%s (%d pieces)" % (name, len(pieces)))

def decode(raw):
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")

BULLET = re.compile(r"^\s*([-*+]\s+|[•·‣◦▪●]\s*|[0-9]{1,3}[.)）、．]\s*|"
                    r"[a-zA-Z][.)]\s+|[(（][0-9a-zA-Z]{1,3}[)）]\s*|[①-⑳]\s*)")
RULE = re.compile(r"^\s*([=\-*_~#])(\s*\1){2,}\s*$")

def docx_wt(path):
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = ET.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    return [t.text or "" for t in root.iter(W + "t")]

docx_count = 0

def docx_back(name, src_args):
    """src -> our DOCX -> json: every w:t of the DOCX exactly once (for
    every third input: the writer adds no text of its own)."""
    global docx_count
    docx_count += 1
    if docx_count % 3 != 1:
        return
    out = os.path.join(T, "cov.docx")
    r = run(*src_args, "-o", out)
    if r.returncode != 0:
        print("FAIL coverage-docx-%s: writing: %s" % (name, r.stderr[:200]))
        return
    r = run("-t", "json", out)
    if r.returncode != 0:
        print("FAIL coverage-docx-%s: reading: %s" % (name, r.stderr[:200]))
        return
    compare("docx-" + name, docx_wt(out), json_texts(r.stdout))

# txt
for f in inputs(["tests/txt/*.txt", "tests/*/*.txt", "tests/fixtures/*/*.txt",
                 "examples/*.txt", "../shared/samples/*.txt"]):
    name = name_of(f)
    r = run("-f", "txt", "-t", "json", f)
    if r.returncode != 0:
        print("FAIL coverage-%s: exit %d: %s" % (name, r.returncode, r.stderr[:200]))
        continue
    text = decode(open(f, "rb").read()).replace("\r\n", "\n").replace("\r", "\n")
    pieces = []
    for line in text.split("\n"):
        line = line.replace("\f", "")
        if RULE.match(line):
            continue
        pieces.append(BULLET.sub("", line, count=1))
    compare(name, pieces, json_texts(r.stdout))
    docx_back(name, ["-f", "txt", f])

# md: cmark's text nodes
have_cmark = subprocess.run(["sh", "-c", "command -v cmark"],
                            stdout=subprocess.PIPE).returncode == 0
for f in (inputs(["tests/md/*.md", "tests/*/*.md", "examples/*.md",
                  "../shared/samples/*.md"]) if have_cmark else []):
    name = name_of(f)
    r = run("-f", "md", "-t", "json", f)
    if r.returncode != 0:
        print("FAIL coverage-%s: exit %d: %s" % (name, r.returncode, r.stderr[:200]))
        continue
    src = decode(open(f, "rb").read()).encode("utf-8")
    x = subprocess.run(["cmark", "-t", "xml"], input=src, stdout=subprocess.PIPE,
                       timeout=60).stdout
    root = ET.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", x))
    pieces = []
    for n in root.iter():
        tag = n.tag.split("}")[-1]
        if tag in ("text", "code", "code_block") and n.text:
            pieces.append(n.text)
    compare(name, pieces, json_texts(r.stdout))
    docx_back(name, ["-f", "md", f])

# html: text nodes outside script, style, template, noscript
class Texts(html.parser.HTMLParser):
    # iframe content is not rendered either (raw text in HTML5)
    # and paidoc embeds no objects: their fallback text is dropped
    SKIP = {"script", "style", "template", "noscript", "iframe", "object"}
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.out, self.title, self.in_title = 0, [], [], False
    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1
        self.in_title = tag == "title"
    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1
        if tag == "title":
            self.in_title = False
    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.depth:
            self.out.append(data)
    def pieces(self):
        """The body's text, and the title when the body does not repeat
        it (it is then the "title" metadata only)."""
        t = "".join(self.title)
        body = norm("".join(self.out))
        return self.out + ([t] if norm(t) and norm(t) not in body else [])

for f in inputs(["tests/html/*.html", "tests/*/*.html", "tests/fixtures/*.html",
                 "tests/fixtures/*/*.html", "examples/*.html",
                 "../shared/samples/*.html"]):
    name = name_of(f)
    r = run("-f", "html", "-t", "json", f)
    if r.returncode != 0:
        print("FAIL coverage-%s: exit %d: %s" % (name, r.returncode, r.stderr[:200]))
        continue
    p = Texts()
    p.feed(open(f, "rb").read().decode("utf-8", "replace"))
    p.close()
    compare(name, p.pieces(), json_texts(r.stdout))
PYEOF
exit 0
