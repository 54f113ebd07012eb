#!/usr/bin/env python3
"""run.py - the cases of `make bench`, side by side with the peers.

    python3 bench/run.py [--quick] [--only REGEX] PAIDOC OUTDIR

OUTDIR holds the inputs of bench/gen.py.  Each case runs several times
(RUNS; fewer for pandoc); a run is one process whose wall time is
measured here and whose peak RSS comes from wait4()'s rusage, so the
numbers are those of the converter alone.  Standard output goes to a
file under OUTDIR/out/ (not /dev/null, so that every program really
writes).  The table gives the median, MB/s of input, the peak RSS and the
ratios to the peers of the same run; OUTDIR/results.json gets everything,
with the machine, and the previous results.json is compared with.

Never a pass/fail on wall time: the goals of SPEC §8 are printed as
"met"/"MISSED" next to the figures, for a human to read.
"""
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile

RUNS = 7
PANDOC_RUNS = 3
TIMEOUT = 600


def human(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return "%.1f %s" % (n, unit) if unit != "B" else "%d B" % n
        n /= 1024.0


RUSAGE = None   # path of bench/rusage.c's binary, set by main()


def run_once(cmd, stdout, timeout=TIMEOUT):
    """Run cmd under the rusage wrapper: (seconds, CPU seconds, peak RSS
    in bytes, exit status).  stdin is /dev/null, stdout goes to `stdout`."""
    try:
        p = subprocess.run([RUSAGE, stdout] + cmd, capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return timeout, timeout, 0, 124
    f = p.stdout.split()
    if p.returncode != 0 or len(f) != 5:
        sys.exit("run.py: rusage failed on %s: %s" % (cmd, p.stderr.strip()))
    return float(f[0]), float(f[1]) + float(f[2]), int(f[3]) * 1024, int(f[4])


class Bench:
    def __init__(self, paidoc, outdir, quick=False, only=None):
        self.paidoc = os.path.abspath(paidoc)
        self.dir = outdir
        self.out = os.path.join(outdir, "out")
        os.makedirs(self.out, exist_ok=True)
        self.quick = quick
        self.only = re.compile(only) if only else None
        self.results = {}
        self.order = []

    def case(self, name, cmd, infile, runs=RUNS, nbytes=None,
             ok=(0,), timeout=TIMEOUT, before=None):
        """Measure one case; the median of `runs` runs.  before(), when
        given, runs untimed ahead of each run."""
        if self.only and not self.only.search(name):
            return None
        if self.quick:
            runs = min(runs, 3)
        size = nbytes if nbytes is not None else os.path.getsize(infile)
        outfile = os.path.join(self.out, re.sub(r"[^\w.-]", "_", name))
        times, cpus, rss, rcs = [], [], [], []
        for _ in range(runs):
            if before is not None:
                before()
            t, c, m, rc = run_once(cmd, outfile, timeout=timeout)
            times.append(t)
            cpus.append(c)
            rss.append(m)
            rcs.append(rc)
            if rc not in ok:
                break
        med = statistics.median(times)
        r = {"name": name, "cmd": " ".join(os.path.relpath(c) if os.path.exists(c) and "/" in c else c for c in cmd),
             "input": os.path.relpath(infile) if infile else None,
             "bytes": size, "runs": len(times), "times": [round(t, 4) for t in times],
             "median_s": round(med, 4), "cpu_s": round(statistics.median(cpus), 4), "mb_s": round(size / 1e6 / med, 2) if med > 0 else None,
             "rss": max(rss), "exit": rcs[-1]}
        if rcs[-1] not in ok:
            r["error"] = "exit status %d" % rcs[-1]
        self.results[name] = r
        self.order.append(name)
        print("  %-34s %9.4f s %9.4f s %8s %11s%s" % (
            name, med, r["cpu_s"], r["mb_s"], human(r["rss"]),
            "" if rcs[-1] in ok else "  (exit %d)" % rcs[-1]), flush=True)
        return r

    def med(self, name):
        """Median CPU time (user + system) of a case, or None."""
        r = self.results.get(name)
        return r["cpu_s"] if r and "error" not in r else None


def versions(paidoc):
    def first_line(cmd):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            return (out.stdout or out.stderr).strip().splitlines()[0]
        except Exception:
            return None
    git = first_line(["git", "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "paidoc": first_line([paidoc, "--version"]),
        "git": (git + ("+dirty" if dirty else "")) if git else None,
        "cmark": first_line(["cmark", "--version"]),
        "pandoc": first_line(["pandoc", "--version"]),
        "gzip": first_line(["gzip", "--version"]),
        "cc": first_line(["cc", "--version"]),
    }


def machine():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu or platform.processor(), "cores": os.cpu_count(),
            "memory": mem, "kernel": platform.release(),
            "os": platform.platform(),
            "load": os.getloadavg()[0],
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def prepare(b):
    """Markdown, DOCX and document.xml versions of the documents."""
    for size in ("1m", "20m"):
        txt = os.path.join(b.dir, "doc-%s.txt" % size)
        for ext, extra in (("md", ["-t", "md"]), ("docx", ["-t", "docx"])):
            dst = os.path.join(b.dir, "doc-%s.%s" % (size, ext))
            if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(txt) \
                    or os.path.getmtime(dst) < os.path.getmtime(b.paidoc):
                with open(dst + ".tmp", "wb") as f:
                    subprocess.run([b.paidoc] + extra + [txt], stdout=f, check=True)
                os.replace(dst + ".tmp", dst)
        with zipfile.ZipFile(os.path.join(b.dir, "doc-%s.docx" % size)) as z:
            data = z.read("word/document.xml")
        with open(os.path.join(b.dir, "doc-%s.document.xml" % size), "wb") as f:
            f.write(data)
    runs_docx(b)


def runs_docx(b):
    """DOCX files whose one paragraph is 20,000 / 200,000 runs (each run
    is one piece of text the reader appends to the paragraph's text)."""
    base = os.path.join(b.dir, "patho", "one.docx")
    with open(os.path.join(b.dir, "patho", "one.txt"), "w") as f:
        f.write("x\n")
    subprocess.run([b.paidoc, "-o", base, os.path.join(b.dir, "patho", "one.txt")],
                   check=True)
    for n, tag in ((20000, "s"), (200000, "l")):
        dst = os.path.join(b.dir, "patho", "runs-%s.docx" % tag)
        with zipfile.ZipFile(base) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for it in zin.infolist():
                data = zin.read(it.filename)
                if it.filename == "word/document.xml":
                    x = data.decode("utf-8")
                    i = x.index("<w:body>") + len("<w:body>")
                    x = x[:i] + "<w:p>" + "<w:r><w:t>ab</w:t></w:r>" * n + "</w:p>" + x[i:]
                    data = x.encode("utf-8")
                zout.writestr(it, data)


def has_option(paidoc, opt):
    h = subprocess.run([paidoc, "--help"], capture_output=True, text=True).stdout
    return opt in h


def throughput(b, have_pandoc):
    P, D = b.paidoc, b.dir
    for size in ("1m", "20m"):
        txt = os.path.join(D, "doc-%s.txt" % size)
        md = os.path.join(D, "doc-%s.md" % size)
        docx = os.path.join(D, "doc-%s.docx" % size)
        xml = os.path.join(D, "doc-%s.document.xml" % size)
        print("%s (txt %s, md %s, docx %s, document.xml %s)" % (
            size, human(os.path.getsize(txt)), human(os.path.getsize(md)),
            human(os.path.getsize(docx)), human(os.path.getsize(xml))))
        b.case("cat %s" % size, ["cat", txt], txt)
        b.case("paidoc txt>html %s" % size, [P, "-t", "html", txt], txt)
        b.case("paidoc txt>md %s" % size, [P, "-t", "md", txt], txt)
        b.case("paidoc txt>docx %s" % size, [P, "-t", "docx", txt], txt)
        b.case("paidoc txt>txt %s" % size, [P, "-t", "txt", txt], txt)
        b.case("paidoc md>html %s" % size, [P, "-f", "md", "-t", "html", md], md)
        b.case("paidoc docx>txt %s" % size, [P, "-f", "docx", "-t", "txt", docx], docx)
        b.case("cmark md>html %s" % size, ["cmark", md], md)
        b.case("gzip-6 document.xml %s" % size, ["gzip", "-6", "-c", xml], xml)
        b.case("gzip-1 document.xml %s" % size, ["gzip", "-1", "-c", xml], xml)
        if have_pandoc:
            n = PANDOC_RUNS if size == "1m" else 1
            b.case("pandoc md>html %s" % size,
                   ["pandoc", "-f", "commonmark", "-t", "html", md], md, runs=n)
            b.case("pandoc md>docx %s" % size,
                   ["pandoc", "-f", "commonmark", "-t", "docx", "-o",
                    os.path.join(b.out, "pandoc-%s.docx" % size), md], md, runs=n)
            b.case("pandoc docx>plain %s" % size,
                   ["pandoc", "-f", "docx", "-t", "plain", docx], docx, runs=n)


# Linearity: (name, argv after paidoc, small input, large input[, ratio of
# the content when the file sizes do not say it]).
LINEAR = [
    ("document txt>html", ["-t", "html"], "doc-1m.txt", "doc-20m.txt"),
    ("document txt>docx", ["-t", "docx"], "doc-1m.txt", "doc-20m.txt"),
    ("document md>html", ["-f", "md", "-t", "html"], "doc-1m.md", "doc-20m.md"),
    ("document docx>txt", ["-f", "docx", "-t", "txt"], "doc-1m.docx", "doc-20m.docx"),
    ("one line txt>html", ["-t", "html"], "patho/longline-s.txt", "patho/longline-l.txt"),
    ("one line txt>docx", ["-t", "docx"], "patho/longline-s.txt", "patho/longline-l.txt"),
    ("marker lines txt>html", ["-t", "html"], "patho/markers-s.txt", "patho/markers-l.txt"),
    ("marker lines txt>docx", ["-t", "docx"], "patho/markers-s.txt", "patho/markers-l.txt"),
    ("inline markers txt>html", ["-t", "html"], "patho/inlinemarkers-s.txt", "patho/inlinemarkers-l.txt"),
    ("nested quotes md>html", ["-f", "md", "-t", "html"], "patho/quotes-s.md", "patho/quotes-l.md"),
    ("list items txt>html", ["-t", "html"], "patho/list-s.txt", "patho/list-l.txt"),
    ("list items txt>docx", ["-t", "docx"], "patho/list-s.txt", "patho/list-l.txt"),
    ("list items md>html", ["-f", "md", "-t", "html"], "patho/list-s.md", "patho/list-l.md"),
    ("short lines txt>html", ["-t", "html"], "patho/shortlines-s.txt", "patho/shortlines-l.txt"),
    # Deflate shrinks the repeated runs: the file grows 2.7x for 10x content.
    ("runs in a paragraph docx>txt", ["-f", "docx", "-t", "txt"], "patho/runs-s.docx", "patho/runs-l.docx", 10.0),
]


def linearity(b):
    out = []
    for entry in LINEAR:
        name, args, small, large = entry[:4]
        if b.only and not b.only.search("linear " + name):
            continue
        rs = []
        for tag, f in (("small", small), ("large", large)):
            path = os.path.join(b.dir, f)
            rs.append(b.case("linear %s %s" % (name, tag), [b.paidoc] + args + [path],
                             path, runs=5 if tag == "small" else 3, ok=(0, 65)))
        if None in rs or any("error" in r for r in rs):
            out.append({"name": name, "error": "failed"})
            continue
        size_ratio = entry[4] if len(entry) > 4 else rs[1]["bytes"] / rs[0]["bytes"]
        time_ratio = rs[1]["cpu_s"] / max(rs[0]["cpu_s"], 1e-3)
        # 10x the input may take at most 12x the time (SPEC 8).
        out.append({"name": name, "size_ratio": round(size_ratio, 2),
                    "time_ratio": round(time_ratio, 2),
                    "limit": round(size_ratio * 1.2, 2),
                    "rss_small": rs[0]["rss"], "rss_large": rs[1]["rss"],
                    "bytes_large": rs[1]["bytes"],
                    "ok": time_ratio <= size_ratio * 1.2})
    return out


def time_limit(b):
    """cmark's quadratic inputs end cleanly under --time-limit."""
    if not has_option(b.paidoc, "--time-limit"):
        return {"skipped": "paidoc has no --time-limit"}
    res = {}
    for f in ("cmark-images.md", "cmark-lists.md"):
        path = os.path.join(b.dir, "patho", f)
        r = b.case("time-limit 5 s %s" % f, [b.paidoc, "--time-limit", "5", "-f", "md",
                                              "-t", "html", path], path, runs=1, ok=(0, 65),
                   timeout=60)
        if r:
            res[f] = {"seconds": r["median_s"], "exit": r["exit"],
                      "ok": r["median_s"] < 7 and r["exit"] in (0, 65)}
    return res


def batch(b, have_pandoc):
    """paidoc -d over 2,000 files vs one pandoc process per file."""
    indir = os.path.join(b.dir, "batch", "in")
    files = sorted(os.path.join(indir, f) for f in os.listdir(indir))
    total = sum(os.path.getsize(f) for f in files)
    res = {"files": len(files), "bytes": total}
    if b.only and not b.only.search("batch"):
        return res
    # Does -d work yet?  (The lead adds it to src/main.c.)
    probe = os.path.join(b.dir, "batch", "probe")
    shutil.rmtree(probe, ignore_errors=True)
    p = subprocess.run([b.paidoc, "-d", probe, "-t", "html"] + files[:2],
                       capture_output=True)
    if p.returncode != 0 or not os.path.isdir(probe) or len(os.listdir(probe)) != 2:
        res["skipped"] = "paidoc -d does not work yet: %s" % p.stderr.decode(errors="replace").strip()[:200]
        print("  batch: " + res["skipped"])
        return res
    outdir = os.path.join(b.dir, "batch", "out")
    # Every timed run writes into an empty directory: a second run into
    # the same one leaves unchanged outputs alone and is timed apart.
    fresh = lambda: shutil.rmtree(outdir, ignore_errors=True)
    r = b.case("batch paidoc -d 2000 files", [b.paidoc, "-d", outdir, "-t", "html"] + files,
               None, runs=3, nbytes=total, before=fresh)
    r1 = b.case("batch paidoc -d -j 1 2000 files", [b.paidoc, "-d", outdir, "-j", "1", "-t", "html"] + files,
                None, runs=3, nbytes=total, before=fresh)
    rr = b.case("batch paidoc -d 2000 files, rebuild", [b.paidoc, "-d", outdir, "-t", "html"] + files,
                None, runs=3, nbytes=total)
    if rr:
        res["paidoc_d_rebuild_s"] = rr["median_s"]
    # The same files one process each (what a shell loop over paidoc does).
    sample = files[::len(files) // 50][:50]
    sbytes = sum(os.path.getsize(f) for f in sample)
    t0 = time.perf_counter()
    for f in sample:
        subprocess.run([b.paidoc, "-t", "html", f], stdout=subprocess.DEVNULL)
    per_proc = (time.perf_counter() - t0) * len(files) / len(sample)
    res["paidoc_per_file_scaled_s"] = round(per_proc, 3)
    if have_pandoc:
        t0 = time.perf_counter()
        for f in sample:
            subprocess.run(["pandoc", "-f", "commonmark", "-t", "html", f],
                           stdout=subprocess.DEVNULL)
        res["pandoc_per_file_scaled_s"] = round((time.perf_counter() - t0) * len(files) / len(sample), 3)
        res["pandoc_sample"] = len(sample)
        res["pandoc_sample_bytes"] = sbytes
        print("  %-34s %9.4f s (%d files timed, scaled to %d)" % (
            "pandoc one process per file", res["pandoc_per_file_scaled_s"], len(sample), len(files)))
    print("  %-34s %9.4f s (%d files timed, scaled to %d)" % (
        "paidoc one process per file", per_proc, len(sample), len(files)))
    if r:
        res["paidoc_d_s"] = r["median_s"]
    if r1:
        res["paidoc_d_j1_s"] = r1["median_s"]
    return res


def ratio(a, b):
    return round(a / b, 2) if a and b else None


def goals(b, lin, lim, bat):
    """SPEC 8, as figures; None when a figure is missing."""
    g = []

    def add(goal, value, target, ok, note=""):
        g.append({"goal": goal, "value": value, "target": target,
                  "ok": ok if value is not None else None, "note": note})
    for size in ("1m", "20m"):
        h = b.med("paidoc txt>html %s" % size)
        c = b.med("cmark md>html %s" % size)
        p = b.med("pandoc md>html %s" % size)
        x = ratio(c, h)
        add("txt>html vs cmark md>html (%s), CPU time ratio" % size, x, ">= 2", x is not None and x >= 2)
        x = ratio(p, h)
        add("txt>html vs pandoc md>html (%s), CPU time ratio" % size, x, ">= 100", x is not None and x >= 100)
        d = b.med("paidoc txt>docx %s" % size)
        z = b.med("gzip-6 document.xml %s" % size)
        x = ratio(d, z)
        add("txt>docx CPU time / gzip -6's on its document.xml (%s)" % size, x, "<= 1.5", x is not None and x <= 1.5)
    for name in b.order:
        r = b.results[name]
        if not name.startswith("paidoc ") or "error" in r:
            continue
        limit = 3 * r["bytes"] + 16 * 1024 * 1024
        add("peak RSS %s (input %s)" % (name, human(r["bytes"])), human(r["rss"]),
            "<= %s" % human(limit), r["rss"] <= limit)
    for l in lin:
        if "error" in l:
            add("linear: " + l["name"], None, "", None, l["error"])
            continue
        add("linear: %s (%.0fx input)" % (l["name"], l["size_ratio"]), l["time_ratio"],
            "<= %.1f" % l["limit"], l["ok"])
        limit = 3 * l["bytes_large"] + 16 * 1024 * 1024
        add("peak RSS linear %s, large (input %s)" % (l["name"], human(l["bytes_large"])),
            human(l["rss_large"]), "<= %s" % human(limit), l["rss_large"] <= limit)
    for f, r in lim.items():
        if f == "skipped":
            add("md time limit holds", None, "", None, r)
        else:
            add("md time limit 5 s holds on %s" % f, r["seconds"], "< 7 s, exit 65", r["ok"])
    if "paidoc_d_s" in bat and "pandoc_per_file_scaled_s" in bat:
        x = ratio(bat["pandoc_per_file_scaled_s"], bat["paidoc_d_s"])
        add("batch -d 2,000 files vs pandoc per file (wall)", x, ">= 50", x >= 50)
    elif "skipped" in bat:
        add("batch -d 2,000 files vs pandoc per file", None, ">= 50", None, bat["skipped"])
    return g


def report_ratios(b):
    rows = []
    for size in ("1m", "20m"):
        pairs = [
            ("paidoc txt>html", "cmark md>html"), ("paidoc txt>html", "pandoc md>html"),
            ("paidoc md>html", "cmark md>html"), ("paidoc md>html", "pandoc md>html"),
            ("paidoc txt>docx", "pandoc md>docx"), ("paidoc txt>docx", "gzip-6 document.xml"),
            ("paidoc txt>docx", "gzip-1 document.xml"),
            ("paidoc docx>txt", "pandoc docx>plain"), ("paidoc txt>html", "cat"),
            ("paidoc txt>md", "cat"),
        ]
        for a, c in pairs:
            ra, rc = b.results.get("%s %s" % (a, size)), b.results.get("%s %s" % (c, size))
            if not ra or not rc or "error" in ra or "error" in rc:
                continue
            # Throughput ratio: how many times faster paidoc is (per input
            # byte), on CPU time and on wall time.
            tp = (ra["bytes"] / ra["cpu_s"]) / (rc["bytes"] / rc["cpu_s"]) if ra["cpu_s"] and rc["cpu_s"] else None
            tw = (ra["bytes"] / ra["median_s"]) / (rc["bytes"] / rc["median_s"])
            rows.append({"case": "%s %s" % (a, size), "peer": "%s %s" % (c, size),
                         "time_ratio": round(ra["cpu_s"] / rc["cpu_s"], 3) if rc["cpu_s"] else None,
                         "throughput_ratio": round(tp, 2) if tp else None,
                         "throughput_ratio_wall": round(tw, 2)})
    return rows


def compare(prev, cur):
    if not prev:
        return
    old = {r["name"]: r for r in prev.get("cases", [])}
    print("\nChange since the previous run (%s, %s):" % (
        prev.get("machine", {}).get("date"), prev.get("versions", {}).get("git")))
    for r in cur["cases"]:
        o = old.get(r["name"])
        if not o or "error" in o or "error" in r or not o["median_s"]:
            continue
        print("  %-34s %9.4f s -> %9.4f s  (%+6.1f %%)   RSS %s -> %s" % (
            r["name"], o["median_s"], r["median_s"],
            100.0 * (r["median_s"] - o["median_s"]) / o["median_s"],
            human(o["rss"]), human(r["rss"])))


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    only = None
    if "--only" in args:
        i = args.index("--only")
        only = args[i + 1]
        del args[i:i + 2]
    args = [a for a in args if a != "--quick"]
    if len(args) != 2:
        sys.exit("usage: run.py [--quick] [--only REGEX] PAIDOC OUTDIR")
    global RUSAGE
    RUSAGE = os.path.join(args[1], "rusage")
    b = Bench(args[0], args[1], quick, only)
    have_pandoc = shutil.which("pandoc") is not None
    prepare(b)
    m = machine()
    print("paidoc bench on %s, %d cores, load %.2f" % (m["cpu"], m["cores"], m["load"]))
    print("  %-34s %11s %11s %8s %11s" % ("case", "wall", "cpu", "MB/s", "peak RSS"))
    throughput(b, have_pandoc)
    print("linearity (10x input; at most 12x time)")
    lin = linearity(b)
    for l in lin:
        if "error" not in l:
            print("  %-34s x%-6.2f time for x%.1f input  %s" % (
                l["name"], l["time_ratio"], l["size_ratio"], "ok" if l["ok"] else "NOT LINEAR"))
    print("Markdown time limit")
    lim = time_limit(b)
    print("batch")
    bat = batch(b, have_pandoc)
    cur = {"machine": m, "versions": versions(b.paidoc),
           "cases": [b.results[n] for n in b.order],
           "ratios": report_ratios(b), "linearity": lin, "time_limit": lim,
           "batch": bat}
    cur["goals"] = goals(b, lin, lim, bat)
    print("\nRatios (throughput per input byte, CPU time and wall time: >1 means paidoc is faster)")
    for r in cur["ratios"]:
        print("  %-24s vs %-28s %8sx cpu %8.2fx wall" % (r["case"], r["peer"], r["throughput_ratio"],
                                                   r["throughput_ratio_wall"]))
    print("\nGoals of SPEC 8")
    for g in cur["goals"]:
        state = {True: "met", False: "MISSED", None: "n/a"}[g["ok"]]
        print("  %-7s %-62s %s (goal %s)%s" % (state, g["goal"], g["value"], g["target"],
                                               ("  " + g["note"]) if g["note"] else ""))
    path = os.path.join(b.dir, "results.json")
    prev = None
    if os.path.exists(path):
        try:
            with open(path) as f:
                prev = json.load(f)
        except ValueError:
            prev = None
        if not only:
            shutil.copyfile(path, os.path.join(b.dir, "results.prev.json"))
    compare(prev, cur)
    if not only:
        with open(path + ".tmp", "w") as f:
            json.dump(cur, f, indent=1, ensure_ascii=False)
        os.replace(path + ".tmp", path)
        print("\nresults: %s" % path)


if __name__ == "__main__":
    main()
