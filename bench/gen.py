#!/usr/bin/env python3
"""gen.py - generate the inputs of `make bench` under a directory.

    python3 bench/gen.py OUTDIR SOURCE.txt...

Writes into OUTDIR (only what is missing or out of date; a stamp file
records the sources and the generator's version):

  doc-1m.txt, doc-20m.txt  documents of about 1 MB and 20 MB made of
                           sections, one per source document: a distinct
                           title ("...（第17篇）" / "... (part 17)"), the
                           source's structure line by line, and one
                           balanced paid section from about 40 % of the
                           section to its end.
  batch/in/NNNN.txt        2,000 small documents, one section each.
  patho/                   the pathological inputs of the linearity cases,
                           each at a small size and at ten times that size.

Body text does not repeat: each line keeps its structural prefix (一、,
（一）, 1., - , ...) and the rest is drawn from a character Markov chain
trained on the sources (order 1 for Chinese, 3 for Latin text), with the
line's length.  A document that is the samples pasted 1,500 times would
let deflate find a 32 KB-old match for every byte (gzip -6 then runs at
140 MB/s instead of the ~20 MB/s of real CJK text) and would flatter
every cache.  Generated text deflates to about 30 % at about 19 MB/s,
the figure SPEC §8 gives for CJK text that does not repeat.

The Markdown versions (doc-*.md) are paidoc's own md output of these
files, made by bench/run.py, so that cmark and pandoc see the same
document.  Deterministic: the same sources give the same bytes.
"""
import os
import random
import re
import sys

VERSION = "3"
SIZES = {"doc-1m.txt": 1 << 20, "doc-20m.txt": 20 << 20}
NBATCH = 2000

PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+[章节]"
    r"|\d+(?:\.\d+)*[.．、]?\s*|（\d+）|[①-⑳]|[-•*]\s+|[a-z]\)\s*)")
MARKER = re.compile(r"(##|\$\$)(paidbegin|paidend)\1")


def is_cjk_line(s):
    cjk = sum(1 for c in s if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")
    return cjk * 4 >= sum(1 for c in s if c.isalpha()) and cjk > 0


class Chain:
    """A character Markov chain of order k."""

    def __init__(self, k):
        self.k = k
        self.next = {}
        self.starts = []

    def train(self, text):
        k = self.k
        if len(text) <= k:
            return
        self.starts.append(text[:k])
        for i in range(len(text) - k):
            self.next.setdefault(text[i:i + k], []).append(text[i + k])

    def make(self, rng, n):
        if not self.starts or n <= 0:
            return ""
        out = list(rng.choice(self.starts))
        while len(out) < n:
            ctx = "".join(out[-self.k:])
            nxt = self.next.get(ctx)
            if not nxt:
                out.extend(rng.choice(self.starts))
                continue
            out.append(rng.choice(nxt))
        return "".join(out[:n])


def load(paths):
    docs = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            lines = [MARKER.sub("", l.rstrip("\n")) for l in f]
        while lines and not lines[0].strip():
            lines.pop(0)
        if not lines:
            continue
        title, body = lines[0], lines[1:]
        docs.append((title, body, is_cjk_line(title + "".join(body))))
    return docs


def train(docs):
    zh, en = Chain(1), Chain(3)
    for _, body, cjk in docs:
        for line in body:
            rest = line[PREFIX.match(line).end():] if PREFIX.match(line) else line
            if rest.strip() and "pagebreak" not in rest:
                (zh if cjk else en).train(rest)
    return zh, en


def section(rng, doc, n, chains):
    """One section: title, body with generated text, one paid part."""
    title, body, cjk = doc
    chain = chains[0] if cjk else chains[1]
    out = [title + ("（第%d篇）" % n if cjk else " (part %d)" % n)]
    # Keep the paid part from about 40 % of the lines on, at a line
    # that starts a block (after a blank line in English text).
    nonblank = [i for i, l in enumerate(body) if l.strip()]
    cut = nonblank[len(nonblank) * 2 // 5] if nonblank else 0
    if not cjk:
        while cut > 0 and body[cut - 1].strip():
            cut -= 1
    for i, line in enumerate(body):
        if i == cut:
            out.append("##paidbegin##")
            if not cjk:
                out.append("")
        if not line.strip() or "pagebreak" in line:
            out.append(line)
            continue
        m = PREFIX.match(line)
        pre = m.group(0) if m else ""
        rest = line[len(pre):]
        text = chain.make(rng, len(rest)).replace("#", "＃").replace("$", "＄")
        if not cjk:
            text = text.strip() or "x"
        out.append(pre + text)
    if not cjk and out[-1].strip():
        out.append("")
    out.append("##paidend##")
    return "\n".join(out) + "\n"


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


def patho(outdir):
    """Pathological inputs at two sizes each (small, 10x)."""
    d = os.path.join(outdir, "patho")
    zh = "这是一个非常长的句子没有任何换行，" * 1
    for tag, n in (("s", 1), ("l", 10)):
        # one line of 5 MB / 50 MB, no newline at all
        unit = zh.encode("utf-8")
        reps = (5 * 1000 * 1000 * n) // len(unit)
        write(os.path.join(d, "longline-%s.txt" % tag), zh * reps)
        # 10,000 / 100,000 marker pairs, each around one short paragraph
        write(os.path.join(d, "markers-%s.txt" % tag),
              "标题\n" + "##paidbegin##\n段落文字。\n##paidend##\n" * (10000 * n))
        # 100,000 markers on one line (inline begin/end)
        write(os.path.join(d, "inlinemarkers-%s.txt" % tag),
              "标题\n" + "##paidbegin##文字##paidend##" * (10000 * n) + "\n")
        # 10,000 / 100,000 nested block quotes in Markdown
        write(os.path.join(d, "quotes-%s.md" % tag), ">" * (10000 * n) + " a\n")
        # lists of 10,000 / 100,000 items, in text and Markdown
        write(os.path.join(d, "list-%s.txt" % tag),
              "Title\n\n" + "".join("- item %d\n" % i for i in range(10000 * n)))
        write(os.path.join(d, "list-%s.md" % tag),
              "".join("- item %d\n" % i for i in range(10000 * n)))
        # 100,000 / 1,000,000 short lines (one paragraph each)
        write(os.path.join(d, "shortlines-%s.txt" % tag),
              "标题\n" + "短句。\n" * (100000 * n))
    # cmark 0.30.2's quadratic cases (RELIABILITY.md 0.1): the time limit
    # must end them cleanly
    write(os.path.join(d, "cmark-images.md"), "![[]()" * 160000 + "\n")
    write(os.path.join(d, "cmark-lists.md"), "- " * 30000 + "\n" * 30000)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: gen.py OUTDIR SOURCE.txt...")
    outdir, sources = sys.argv[1], sorted(sys.argv[2:])
    stamp = os.path.join(outdir, "inputs.stamp")
    key = VERSION + "\n" + "\n".join(
        "%s %d %d" % (p, os.path.getsize(p), int(os.path.getmtime(p))) for p in sources)
    if os.path.exists(stamp) and open(stamp).read() == key:
        return
    docs = load(sources)
    if not docs:
        sys.exit("gen.py: no usable source document")
    chains = train(docs)
    rng = random.Random(20240611)
    for name, size in sorted(SIZES.items(), key=lambda x: x[1]):
        parts, total, n = [], 0, 0
        while total < size:
            s = section(rng, docs[n % len(docs)], n + 1, chains)
            parts.append(s)
            total += len(s.encode("utf-8")) + 1
            n += 1
        write(os.path.join(outdir, name), "\n".join(parts))
    bdir = os.path.join(outdir, "batch", "in")
    for i in range(NBATCH):
        write(os.path.join(bdir, "%04d.txt" % i),
              section(rng, docs[i % len(docs)], i + 1, chains))
    patho(outdir)
    write(stamp, key)


if __name__ == "__main__":
    main()
