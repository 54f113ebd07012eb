/*
 * main.c - the paidoc program: options, reading inputs, writing the one
 * output atomically, and the exit codes.  The only file that prints or
 * exits.
 */
#define _XOPEN_SOURCE 700     /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paidoc.h"
#include "internal.h"

/* The help, in pieces: ISO C caps one string literal at 4095 bytes. */
static const char *const usage_text[] = {
"Usage: paidoc [OPTIONS] [FILE...]\n"
"       paidoc -d DIR [-j N] [-r] [OPTIONS] FILE...\n"
"       paidoc --lint FILE...\n"
"       paidoc --stats[=json] [FILE...]\n"
"Convert documents with paid-section markers (##paidbegin## ... ##paidend##)\n"
"between plain text, Markdown, HTML, DOCX and JSON.  No FILE, or -, reads\n"
"standard input; several FILEs are read as one document, unless -d is given.\n"
"\n"
"Formats:\n"
"  -f, --from FMT          input format: txt, md, html, docx, json (default:\n"
"                          from the extension, else the content, else txt)\n"
"  -t, --to FMT[:MODE],... output format(s): txt, md, html, docx, json, each\n"
"                          with an optional paid mode, e.g. html:preview,docx\n"
"                          (default: from -o's extension, else html)\n"
"  -o, --output FILE       write to FILE (atomically) instead of stdout; repeat\n"
"                          it once per product of -t\n"
"  -s, --standalone        HTML: a whole page with the built-in stylesheet\n"
"      --css URL           HTML -s: link this stylesheet instead\n"
"      --style NAME        DOCX style: gongwen (GB/T 9704) or plain (default:\n"
"                          gongwen for Chinese documents, else plain)\n"
"      --reference-doc FILE DOCX: take styles and page setup from FILE.docx\n"
"  -M, --metadata KEY=VAL  set metadata: title, author, date, lang\n"
"      --encoding NAME     input encoding (default: UTF-8/UTF-16 by BOM, UTF-8,\n"
"                          else GB18030)\n"
"      --unsafe            pass raw HTML through\n"
"      --strict            treat warnings as errors (exit 65, nothing written)\n"
"\n"
"Paid sections:\n"
"      --paid MODE         keep (default), preview, full or only\n"
"      --paywall-text TEXT the notice that replaces paid text in a preview\n"
"      --paywall-url URL   link the notice to URL\n"
"      --paid-style NAME   how md and html mark paid sections: fastadmin\n"
"                          (default), ghost, wordpress or html-comment\n"
"      --free-ratio R      no markers in the input: make the part after the\n"
"                          first R (0 < R < 1) of the text paid, at a block\n"
"                          boundary\n"
"      --free-paragraphs N no markers: the first N blocks are free\n"
"      --free-until-heading N  no markers: paid from the Nth top heading on\n"
"\n",
"Batch:\n"
"  -d, --output-dir DIR    convert each FILE on its own into DIR/NAME.EXT\n"
"                          (NAME.MODE.EXT for a product with a mode)\n"
"  -j, --jobs N            run N conversions at once (default: the number of\n"
"                          processors)\n"
"  -r, --recursive         with -d: read the documents in directories, and\n"
"                          keep their tree under DIR\n"
"      --manifest FILE     write one JSON line per input: outputs with sha256,\n"
"                          counts, warnings, status\n"
"\n"
"Reports:\n"
"      --lint              check FILEs for marker and numbering problems\n"
"                          instead of converting; exit 0 only when clean\n"
"      --stats[=json]      print counts instead of converting: characters\n"
"                          free and paid, preview ratio, paragraphs,\n"
"                          headings, paid sections\n"
"\n",
"Limits on untrusted input (SIZE in bytes, or with K, M or G):\n"
"      --max-input SIZE    refuse larger input files (default 1G)\n"
"      --max-depth N       flatten nesting deeper than N (default 256)\n"
"      --max-part SIZE     DOCX: refuse a larger part, counting the bytes\n"
"                          actually inflated (default 64M)\n"
"      --max-total SIZE    DOCX: refuse more inflated bytes in all (default\n"
"                          256M)\n"
"      --time-limit SECS   give up on an input after SECS seconds (default\n"
"                          60; 0: no limit)\n"
"\n"
"      --list-formats      list the formats and exit\n"
"  -h, --help              show this help and exit\n"
"  -v, --version           show the version and exit\n"
"\n"
"Paid modes: keep marks paid sections (<section class=\"paid\">, marker\n"
"lines); preview replaces them with a paywall notice and leaves no byte of\n"
"paid text; full drops the markers and keeps the text; only keeps just the\n"
"paid text.\n"
"\n"
"Exit status: 0 success, 64 usage error, 65 bad input data (or --lint found\n"
"problems), 66 input cannot be opened, 70 internal error, 73 output cannot\n"
"be created, 74 I/O error.  In a batch, the worst status of all inputs.\n"
"\n"
"Examples:\n"
"  paidoc report.txt -s -o report.html\n"
"  paidoc --paid preview -t md < report.txt > preview.md\n"
"  paidoc report.txt -t html:preview,docx:full -o preview.html -o full.docx\n"
"  paidoc -d out -r -t html:preview,docx:full --manifest out/manifest.jsonl docs/\n"
"  paidoc -t json report.txt | jq '...' | paidoc -f json -t html\n"
};

enum {
    OPT_PAID = 256,
    OPT_PAYWALL_TEXT,
    OPT_PAYWALL_URL,
    OPT_STRICT,
    OPT_ENCODING,
    OPT_LIST_FORMATS,
    OPT_CSS,
    OPT_UNSAFE,
    OPT_MAX_INPUT,
    OPT_MAX_DEPTH,
    OPT_MAX_PART,
    OPT_MAX_TOTAL,
    OPT_STYLE,
    OPT_REFERENCE_DOC
};

static const struct option long_options[] = {
    { "from",         required_argument, NULL, 'f' },
    { "to",           required_argument, NULL, 't' },
    { "output",       required_argument, NULL, 'o' },
    { "standalone",   no_argument,       NULL, 's' },
    { "metadata",     required_argument, NULL, 'M' },
    { "paid",         required_argument, NULL, OPT_PAID },
    { "paywall-text", required_argument, NULL, OPT_PAYWALL_TEXT },
    { "paywall-url",  required_argument, NULL, OPT_PAYWALL_URL },
    { "strict",       no_argument,       NULL, OPT_STRICT },
    { "encoding",     required_argument, NULL, OPT_ENCODING },
    { "css",          required_argument, NULL, OPT_CSS },
    { "unsafe",       no_argument,       NULL, OPT_UNSAFE },
    { "max-input",    required_argument, NULL, OPT_MAX_INPUT },
    { "max-depth",    required_argument, NULL, OPT_MAX_DEPTH },
    { "max-part",     required_argument, NULL, OPT_MAX_PART },
    { "max-total",    required_argument, NULL, OPT_MAX_TOTAL },
    { "style",        required_argument, NULL, OPT_STYLE },
    { "reference-doc", required_argument, NULL, OPT_REFERENCE_DOC },
    { "list-formats", no_argument,       NULL, OPT_LIST_FORMATS },
    { "help",         no_argument,       NULL, 'h' },
    { "version",      no_argument,       NULL, 'v' },
    { NULL, 0, NULL, 0 }
};

/* The temporary output file, removed if a signal ends the program. */
static volatile sig_atomic_t have_tmp;
static char tmp_path[PATH_MAX];

static void
on_signal(int sig)
{
    if (have_tmp)
        unlink(tmp_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
die(int code, const char *file, const char *msg)
{
    if (file != NULL)
        fprintf(stderr, "paidoc: %s: %s\n", file, msg);
    else
        fprintf(stderr, "paidoc: %s\n", msg);
    exit(code);
}

static void
usage_error(const char *msg)
{
    fprintf(stderr, "paidoc: %s\nTry 'paidoc --help' for more information.\n",
            msg);
    exit(PD_ERR_USAGE);
}

/* An option getopt refused: name it as the user wrote it. */
static void
bad_option(const char *what, const char *arg, int opt)
{
    char msg[300];

    if (arg != NULL && strncmp(arg, "--", 2) == 0)
        snprintf(msg, sizeof(msg), "%s: %.*s", what,
                 (int)strcspn(arg, "="), arg);
    else
        snprintf(msg, sizeof(msg), "%s: -%c", what, opt);
    usage_error(msg);
}

/* Warnings: "FILE:LINE: warning: msg" on stderr. */
static void
print_warning(void *ud, const char *file, unsigned line, const char *msg)
{
    (void)ud;
    if (line)
        fprintf(stderr, "%s:%u: warning: %s\n", file ? file : "-", line, msg);
    else
        fprintf(stderr, "%s: warning: %s\n", file ? file : "-", msg);
}

/* Read all of fd into buf; -1 with errno on failure or above max bytes. */
static int
read_all(int fd, struct pd_buf *buf, size_t max)
{
    for (;;) {
        ssize_t n;

        pd_buf_grow(buf, 65536);
        n = read(fd, buf->data + buf->len, buf->cap - buf->len - 1);
        if (n == 0)
            return 0;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf->len += (size_t)n;
        if (buf->len > max) {
            errno = EFBIG;
            return -1;
        }
    }
}

/* Read one input (path "-" is stdin) into buf, or exit with its error. */
static void
read_input(const char *path, struct pd_buf *buf, size_t max)
{
    int fd = 0;
    char msg[512];
    struct stat st;

    if (strcmp(path, "-") != 0) {
        fd = open(path, O_RDONLY);
        if (fd < 0) {
            snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
            die(PD_ERR_NOINPUT, path, msg);
        }
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
            die(PD_ERR_NOINPUT, path, "cannot read: is a directory");
    }
    if (read_all(fd, buf, max) < 0) {
        if (errno == EFBIG) {
            snprintf(msg, sizeof(msg), "input too large (more than %zu bytes)",
                     max);
            die(PD_ERR_DATA, path, msg);
        }
        snprintf(msg, sizeof(msg), "read error: %s", strerror(errno));
        die(PD_ERR_IO, path, msg);
    }
    if (fd != 0)
        close(fd);
}

/* Write everything or fail; 0 or -1 with errno. */
static int
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Write out straight into an existing device, pipe or /dev/stdout link. */
static void
write_direct(const char *path, const struct pd_buf *out)
{
    char msg[600];
    int fd = open(path, O_WRONLY | O_TRUNC);

    if (fd < 0) {
        snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
        die(PD_ERR_CANTCREAT, path, msg);
    }
    if (write_all(fd, out->data ? out->data : "", out->len) < 0 ||
        close(fd) < 0) {
        snprintf(msg, sizeof(msg), "write error: %s", strerror(errno));
        die(PD_ERR_IO, path, msg);
    }
}

/*
 * Publish out at name: a temporary file in the same directory, written,
 * synced and closed, then renamed over the target.  On any failure the
 * temporary file is removed and an existing file is left as it was.  A
 * symbolic link is followed and its target replaced (the link stays);
 * devices, pipes and the /dev and /proc links to them are written in
 * place, as there is nothing to rename over.
 */
static void
write_output_file(const char *name, const struct pd_buf *out)
{
    const char *path = name, *slash;
    char msg[600], resolved[PATH_MAX];
    struct stat st;
    mode_t mode, mask;
    int fd, n;

    if (stat(name, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            die(PD_ERR_CANTCREAT, name, "cannot create: is a directory");
        if (!S_ISREG(st.st_mode) || strncmp(name, "/dev/", 5) == 0 ||
            strncmp(name, "/proc/", 6) == 0) {
            write_direct(name, out);
            return;
        }
    }
    if (lstat(name, &st) == 0 && S_ISLNK(st.st_mode)) {
        if (realpath(name, resolved) == NULL) {
            snprintf(msg, sizeof(msg), "cannot create: %s", strerror(errno));
            die(PD_ERR_CANTCREAT, name, msg);
        }
        path = resolved;
    }
    slash = strrchr(path, '/');
    if (slash != NULL)
        n = snprintf(tmp_path, sizeof(tmp_path), "%.*s/.%s.tmp.XXXXXX",
                     (int)(slash - path), path, slash + 1);
    else
        n = snprintf(tmp_path, sizeof(tmp_path), ".%s.tmp.XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof(tmp_path))
        die(PD_ERR_CANTCREAT, name, "cannot create: name too long");
    fd = mkstemp(tmp_path);
    if (fd < 0) {
        snprintf(msg, sizeof(msg), "cannot create: %s", strerror(errno));
        die(PD_ERR_CANTCREAT, name, msg);
    }
    have_tmp = 1;
    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;
    else {
        mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (write_all(fd, out->data ? out->data : "", out->len) < 0 ||
        fchmod(fd, mode) < 0 || fsync(fd) < 0) {
        snprintf(msg, sizeof(msg), "write error: %s", strerror(errno));
        close(fd);
        goto fail;
    }
    if (close(fd) < 0) {
        snprintf(msg, sizeof(msg), "write error: %s", strerror(errno));
        goto fail;
    }
    if (rename(tmp_path, path) < 0) {
        snprintf(msg, sizeof(msg), "cannot create: %s", strerror(errno));
        unlink(tmp_path);
        have_tmp = 0;
        die(PD_ERR_CANTCREAT, name, msg);
    }
    have_tmp = 0;
    return;
fail:
    unlink(tmp_path);
    have_tmp = 0;
    die(PD_ERR_IO, name, msg);
}

static void
write_stdout(const struct pd_buf *out)
{
    char msg[300];

    if (write_all(1, out->data ? out->data : "", out->len) < 0) {
        snprintf(msg, sizeof(msg), "write error: %s", strerror(errno));
        die(PD_ERR_IO, "<stdout>", msg);
    }
}

static void
list_formats(void)
{
    const struct pd_format *f;
    size_t i, n;

    f = pd_formats(&n);
    printf("%-6s %-5s %-5s %s\n", "FORMAT", "READ", "WRITE", "DESCRIPTION");
    for (i = 0; i < n; i++)
        printf("%-6s %-5s %-5s %s\n", f[i].name, f[i].read ? "yes" : "-",
               f[i].write ? "yes" : "-", f[i].description);
}

/* A size: digits with an optional K, M or G (powers of 1024); not 0. */
static size_t
parse_size(const char *opt, const char *s)
{
    char msg[300], *end;
    unsigned long long v;
    int shift = 0;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (end != s && *end != '\0' && end[1] == '\0')
        switch (*end) {
        case 'K': case 'k': shift = 10; end++; break;
        case 'M': case 'm': shift = 20; end++; break;
        case 'G': case 'g': shift = 30; end++; break;
        default: break;
        }
    if (end == s || *end != '\0' || errno != 0 || v == 0 || s[0] == '-' ||
        v > ((unsigned long long)SIZE_MAX >> shift)) {
        snprintf(msg, sizeof(msg), "%s needs a positive number, not '%.100s'",
                 opt, s);
        usage_error(msg);
    }
    return (size_t)(v << shift);
}

static pd_paid_mode
parse_paid(const char *s)
{
    if (strcmp(s, "keep") == 0)
        return PD_PAID_KEEP;
    if (strcmp(s, "preview") == 0)
        return PD_PAID_PREVIEW;
    if (strcmp(s, "full") == 0)
        return PD_PAID_FULL;
    if (strcmp(s, "only") == 0)
        return PD_PAID_ONLY;
    fprintf(stderr, "paidoc: unknown paid mode '%s' "
            "(use keep, preview, full or only)\n", s);
    exit(PD_ERR_USAGE);
}

static const struct pd_format *
find_format(const char *name, int want_read)
{
    const struct pd_format *f = pd_format_by_name(name);
    char msg[300];

    if (f == NULL) {
        snprintf(msg, sizeof(msg),
                 "unknown format '%s' (see paidoc --list-formats)", name);
        usage_error(msg);
    }
    if (want_read && f->read == NULL) {
        snprintf(msg, sizeof(msg), "cannot read %s yet", f->name);
        usage_error(msg);
    }
    if (!want_read && f->write == NULL) {
        snprintf(msg, sizeof(msg), "cannot write %s", f->name);
        usage_error(msg);
    }
    return f;
}

#define MAX_META 64

int
main(int argc, char **argv)
{
    const struct pd_format *from = NULL, *to = NULL, *fmt;
    const char *from_name = NULL, *to_name = NULL, *output = NULL;
    const char *meta[MAX_META];
    struct pd_opts opts;
    struct pd_diag diag;
    struct pd_doc *doc;
    struct pd_buf in = {0}, out = {0};
    char *stdin_name[] = { (char *)"-" };
    char **files;
    int nfiles, nmeta = 0, strict = 0, c, i;

    memset(&opts, 0, sizeof(opts));
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:t:o:sM:hv", long_options,
                            NULL)) != -1) {
        switch (c) {
        case 'f':
            from_name = optarg;
            break;
        case 't':
            to_name = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 's':
            opts.standalone = 1;
            break;
        case 'M':
            if (strchr(optarg, '=') == NULL || optarg[0] == '=')
                usage_error("-M needs KEY=VALUE");
            if (nmeta == MAX_META)
                usage_error("too many -M options");
            meta[nmeta++] = optarg;
            break;
        case OPT_PAID:
            opts.paid = parse_paid(optarg);
            break;
        case OPT_PAYWALL_TEXT:
            opts.paywall_text = optarg;
            break;
        case OPT_PAYWALL_URL:
            opts.paywall_url = optarg;
            break;
        case OPT_STRICT:
            strict = 1;
            break;
        case OPT_ENCODING:
            opts.encoding = optarg;
            break;
        case OPT_CSS:
            opts.css_url = optarg;
            break;
        case OPT_UNSAFE:
            opts.unsafe = 1;
            break;
        case OPT_MAX_INPUT:
            opts.max_input = parse_size("--max-input", optarg);
            break;
        case OPT_MAX_DEPTH:
            if (parse_size("--max-depth", optarg) > 100000)
                usage_error("--max-depth must be between 1 and 100000");
            opts.max_depth = (int)parse_size("--max-depth", optarg);
            break;
        case OPT_MAX_PART:
            opts.max_part = parse_size("--max-part", optarg);
            break;
        case OPT_MAX_TOTAL:
            opts.max_total = parse_size("--max-total", optarg);
            break;
        case OPT_STYLE:
            opts.style = optarg;
            break;
        case OPT_REFERENCE_DOC:
            opts.reference_doc = optarg;
            break;
        case OPT_LIST_FORMATS:
            list_formats();
            return 0;
        case 'h':
            for (i = 0; i < (int)(sizeof(usage_text) / sizeof(*usage_text)); i++)
                fputs(usage_text[i], stdout);
            return 0;
        case 'v':
            printf("paidoc %s\n", PD_VERSION);
            return 0;
        case ':':
            bad_option("option needs a value", argv[optind - 1], optopt);
            break;
        default:
            bad_option("unknown option", argv[optind - 1], optopt);
            break;
        }
    }
    files = argv + optind;
    nfiles = argc - optind;
    if (nfiles == 0) {
        files = stdin_name;
        nfiles = 1;
    }

    /* Formats: options first, then extensions, then content, then the
     * defaults.  Without -f each input's format is found on its own. */
    if (from_name != NULL)
        from = find_format(from_name, 1);
    if (to_name != NULL)
        to = find_format(to_name, 0);
    else if (output != NULL && (to = pd_format_by_path(output)) != NULL &&
             to->write != NULL)
        ;
    else
        to = pd_format_by_name("html");
    if (to->binary && output == NULL && isatty(1))
        usage_error("refusing to write binary output to a terminal; use -o");

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);

    /* Read every input into one document. */
    doc = pd_doc_new();
    for (i = 0; i < nfiles; i++) {
        const char *name = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];

        memset(&diag, 0, sizeof(diag));
        diag.file = name;
        diag.warn = print_warning;
        pd_buf_clear(&in);
        read_input(files[i], &in, opts.max_input ? opts.max_input
                                                 : PD_MAX_INPUT);
        fmt = from;
        if (fmt == NULL) {
            fmt = pd_format_by_path(files[i]);
            if (fmt == NULL || fmt->read == NULL)
                fmt = pd_format_sniff((const unsigned char *)in.data, in.len);
        }
        if (fmt->read(doc, (const unsigned char *)in.data, in.len, &opts,
                       &diag) < 0) {
            if (diag.line)
                fprintf(stderr, "paidoc: %s:%u: %s\n", name, diag.line,
                        diag.msg);
            else
                fprintf(stderr, "paidoc: %s: %s\n", name, diag.msg);
            pd_buf_free(&in);
            pd_doc_free(doc);
            return diag.status ? diag.status : PD_ERR_INTERNAL;
        }
        if (strict && diag.nwarn > 0) {
            fprintf(stderr, "paidoc: %s: %u warning%s treated as error%s "
                    "(--strict); nothing written\n", name, diag.nwarn,
                    diag.nwarn == 1 ? "" : "s", diag.nwarn == 1 ? "" : "s");
            pd_buf_free(&in);
            pd_doc_free(doc);
            return PD_ERR_DATA;
        }
    }
    pd_buf_free(&in);
    for (i = 0; i < nmeta; i++) {
        char *eq = strchr(meta[i], '=');

        *eq = '\0';
        pd_doc_set_meta(doc, meta[i], eq + 1);
    }
    pd_apply_paid(doc, &opts);

    memset(&diag, 0, sizeof(diag));
    diag.file = output ? output : "<stdout>";
    diag.warn = print_warning;
    if (to->write(doc, &out, &opts, &diag) < 0) {
        fprintf(stderr, "paidoc: %s: %s\n", diag.file, diag.msg);
        pd_buf_free(&out);
        pd_doc_free(doc);
        return diag.status ? diag.status : PD_ERR_INTERNAL;
    }
    if (output != NULL && strcmp(output, "-") != 0)
        write_output_file(output, &out);
    else
        write_stdout(&out);
    pd_buf_free(&out);
    pd_doc_free(doc);
    return 0;
}
