/*
 * main.c - the paidoc program: options, and the conversion of one document
 * into its products, which single runs and batch workers share.  Reading
 * and publishing files is in cli_io.c, the batch scheduler in cli_batch.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "paidoc.h"
#include "internal.h"
#include "cli.h"

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
"      --paid-style NAME   how md and html mark paid sections for a CMS:\n"
"                          fastadmin, ghost, wordpress or html-comment\n"
"                          (default: marker lines in md, <section> in html)\n"
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
    OPT_REFERENCE_DOC,
    OPT_PAID_STYLE,
    OPT_FREE_RATIO,
    OPT_FREE_PARAGRAPHS,
    OPT_FREE_UNTIL_HEADING,
    OPT_MANIFEST,
    OPT_LINT,
    OPT_STATS,
    OPT_TIME_LIMIT
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
    { "paid-style",   required_argument, NULL, OPT_PAID_STYLE },
    { "free-ratio",   required_argument, NULL, OPT_FREE_RATIO },
    { "free-paragraphs", required_argument, NULL, OPT_FREE_PARAGRAPHS },
    { "free-until-heading", required_argument, NULL, OPT_FREE_UNTIL_HEADING },
    { "strict",       no_argument,       NULL, OPT_STRICT },
    { "encoding",     required_argument, NULL, OPT_ENCODING },
    { "css",          required_argument, NULL, OPT_CSS },
    { "unsafe",       no_argument,       NULL, OPT_UNSAFE },
    { "max-input",    required_argument, NULL, OPT_MAX_INPUT },
    { "max-depth",    required_argument, NULL, OPT_MAX_DEPTH },
    { "max-part",     required_argument, NULL, OPT_MAX_PART },
    { "max-total",    required_argument, NULL, OPT_MAX_TOTAL },
    { "time-limit",   required_argument, NULL, OPT_TIME_LIMIT },
    { "style",        required_argument, NULL, OPT_STYLE },
    { "reference-doc", required_argument, NULL, OPT_REFERENCE_DOC },
    { "output-dir",   required_argument, NULL, 'd' },
    { "jobs",         required_argument, NULL, 'j' },
    { "recursive",    no_argument,       NULL, 'r' },
    { "manifest",     required_argument, NULL, OPT_MANIFEST },
    { "lint",         no_argument,       NULL, OPT_LINT },
    { "stats",        optional_argument, NULL, OPT_STATS },
    { "list-formats", no_argument,       NULL, OPT_LIST_FORMATS },
    { "help",         no_argument,       NULL, 'h' },
    { "version",      no_argument,       NULL, 'v' },
    { NULL, 0, NULL, 0 }
};

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

/*
 * Warnings: "FILE:LINE: warning: msg" on stderr, counted, and kept for the
 * manifest when there is one.
 */
struct warnings {
    json_t *list;       /* JSON array, or NULL */
};

static void
print_warning(void *ud, const char *file, unsigned line, const char *msg)
{
    struct warnings *w = ud;

    if (line)
        fprintf(stderr, "%s:%u: warning: %s\n", file ? file : "-", line, msg);
    else
        fprintf(stderr, "%s: warning: %s\n", file ? file : "-", msg);
    if (w != NULL && w->list != NULL) {
        json_t *o = json_object();

        json_object_set_new(o, "file", json_string(file ? file : "-"));
        if (line)
            json_object_set_new(o, "line", json_integer(line));
        json_object_set_new(o, "message", json_string(msg));
        json_array_append_new(w->list, o);
    }
}

static void
diag_init(struct pd_diag *d, const char *file, struct warnings *w)
{
    memset(d, 0, sizeof(*d));
    d->file = file;
    d->warn = print_warning;
    d->ud = w;
}

/* The exit status of a failed reader or writer, after its message. */
static int
diag_error(const struct pd_diag *d)
{
    int status = d->status ? d->status : PD_ERR_INTERNAL;

    if (d->line)
        return cli_error(status, NULL, "%s:%u: %s", d->file, d->line, d->msg);
    return cli_error(status, d->file, "%s", d->msg);
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

/* A whole number in [lo, hi]. */
static long
parse_count(const char *opt, const char *s, long lo, long hi)
{
    char msg[300], *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi) {
        snprintf(msg, sizeof(msg), "%s needs a whole number from %ld to %ld, "
                 "not '%.100s'", opt, lo, hi, s);
        usage_error(msg);
    }
    return v;
}

static const char *const paid_mode_names[] = { "keep", "preview", "full",
                                               "only" };

/* A paid mode name, or -1. */
static int
paid_mode(const char *s, size_t len)
{
    int i;

    for (i = 0; i < 4; i++)
        if (strlen(paid_mode_names[i]) == len &&
            strncmp(s, paid_mode_names[i], len) == 0)
            return i;
    return -1;
}

static pd_paid_style
parse_paid_style(const char *s)
{
    static const char *const names[] = { "default", "fastadmin", "ghost",
                                         "wordpress", "html-comment" };
    char msg[300];
    int i;

    for (i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0)
            return (pd_paid_style)i;
    snprintf(msg, sizeof(msg), "unknown paid style '%.100s' (use fastadmin, "
             "ghost, wordpress, html-comment or default)", s);
    usage_error(msg);
    return PD_STYLE_DEFAULT;
}

static const struct pd_format *
find_format(const char *name, size_t len, int want_read)
{
    const struct pd_format *f;
    char msg[300], fmt[64];

    snprintf(fmt, sizeof(fmt), "%.*s", (int)(len < 63 ? len : 63), name);
    f = pd_format_by_name(fmt);
    if (f == NULL) {
        snprintf(msg, sizeof(msg),
                 "unknown format '%s' (see paidoc --list-formats)", fmt);
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

/* -t FMT[:MODE],... into c->prod. */
static void
parse_products(struct cli *c, const char *s)
{
    char msg[300];

    c->nprod = 0;
    for (;;) {
        size_t len = strcspn(s, ",");
        const char *colon = memchr(s, ':', len);
        struct cli_product *p;
        int mode;

        if (len == 0)
            usage_error("-t needs FORMAT[:MODE] items separated by commas");
        if (c->nprod == CLI_MAX_PRODUCTS)
            usage_error("too many products in -t");
        p = &c->prod[c->nprod++];
        memset(p, 0, sizeof(*p));
        p->fmt = find_format(s, colon ? (size_t)(colon - s) : len, 0);
        if (colon != NULL) {
            mode = paid_mode(colon + 1, len - (size_t)(colon + 1 - s));
            if (mode < 0) {
                snprintf(msg, sizeof(msg), "unknown paid mode '%.*s' in -t "
                         "(use keep, preview, full or only)",
                         (int)(len - (size_t)(colon + 1 - s)), colon + 1);
                usage_error(msg);
            }
            p->has_mode = 1;
            p->mode = (pd_paid_mode)mode;
            p->mode_name = paid_mode_names[mode];
        }
        if (s[len] == '\0')
            break;
        s += len + 1;
    }
}

/*
 * Reading
 */

/* The -M metadata of c, over what the reader set. */
static void
set_meta(const struct cli *c, struct pd_doc *doc)
{
    int i;

    for (i = 0; i < c->nmeta; i++) {
        const char *eq = strchr(c->meta[i], '=');
        char key[64];

        snprintf(key, sizeof(key), "%.*s", (int)(eq - c->meta[i]),
                 c->meta[i]);
        pd_doc_set_meta(doc, key, eq + 1);
    }
}

/*
 * Read files[0..nfiles) into one document; apply -M and the teaser.
 * in[] (nfiles entries, zeroed) receives the inputs: the txt reader points
 * into them (borrow_input), so the caller frees them with inputs_free()
 * only after the document, also after a failure.  *src_fmt (may be NULL)
 * receives the format of the last file.
 */
static int
read_doc_src(const struct cli *c, char **files, int nfiles, struct warnings *w,
             struct pd_doc **out, unsigned *nwarn, struct cli_input *in,
             const struct pd_format **src_fmt, struct pd_stream *st)
{
    const struct pd_format *fmt = NULL;
    struct pd_doc *doc = pd_doc_new();
    struct pd_opts opts = c->opts;
    struct pd_diag diag;
    int i, status;

    opts.borrow_input = 1;
    *nwarn = 0;
    for (i = 0; i < nfiles; i++) {
        const char *name = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];

        diag_init(&diag, name, w);
        status = cli_read_input(files[i], &in[i], c->opts.max_input
                                ? c->opts.max_input : PD_MAX_INPUT);
        if (status != 0)
            goto fail;
        fmt = c->from;
        if (fmt == NULL) {
            fmt = pd_format_by_path(files[i]);
            if (fmt == NULL || fmt->read == NULL)
                fmt = pd_format_sniff(in[i].data, in[i].len);
        }
        /* The text reader offers points to stream from.  The writing
         * may start before the reader is done: the metadata must be
         * there (and set again after, over the reader's title). */
        if (st != NULL && nfiles == 1 && fmt->read == pd_read_txt) {
            pd_stream_attach(st, doc);
            set_meta(c, doc);
        }
        if (fmt->read(doc, in[i].data, in[i].len, &opts, &diag) < 0) {
            status = diag_error(&diag);
            goto fail;
        }
        *nwarn += diag.nwarn;
    }
    if (src_fmt != NULL)
        *src_fmt = fmt;
    set_meta(c, doc);
    if (c->opts.teaser != PD_TEASER_NONE) {
        diag_init(&diag, nfiles == 1 && strcmp(files[0], "-") != 0
                  ? files[0] : "<stdin>", w);
        pd_apply_teaser(doc, &c->opts, &diag);
        *nwarn += diag.nwarn;
    }
    *out = doc;
    return 0;
fail:
    pd_doc_free(doc);
    return status;
}

static struct cli_input *
inputs_new(int n)
{
    struct cli_input *in = pd_xmalloc((size_t)n * sizeof(*in));

    memset(in, 0, (size_t)n * sizeof(*in));
    return in;
}

static void
inputs_free(struct cli_input *in, int n)
{
    int i;

    for (i = 0; i < n; i++)
        cli_input_free(&in[i]);
    free(in);
}

static int
strict_error(const char *name, unsigned nwarn)
{
    return cli_error(PD_ERR_DATA, name, "%u warning%s treated as error%s "
                     "(--strict); nothing written", nwarn,
                     nwarn == 1 ? "" : "s", nwarn == 1 ? "" : "s");
}

static json_t *
stats_json(const struct pd_stats *st)
{
    json_t *o = json_object();

    json_object_set_new(o, "chars_free", json_integer((json_int_t)st->chars_free));
    json_object_set_new(o, "chars_paid", json_integer((json_int_t)st->chars_paid));
    json_object_set_new(o, "preview_ratio",
                        json_real(st->preview_ratio));
    json_object_set_new(o, "paragraphs", json_integer((json_int_t)st->paragraphs));
    json_object_set_new(o, "headings", json_integer((json_int_t)st->headings));
    json_object_set_new(o, "paid_sections",
                        json_integer((json_int_t)st->paid_sections));
    json_object_set_new(o, "lists", json_integer((json_int_t)st->lists));
    json_object_set_new(o, "page_breaks",
                        json_integer((json_int_t)st->page_breaks));
    return o;
}

/* Append o as one JSON line to rec. */
static void
put_json_line(struct pd_buf *rec, json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII |
                        JSON_REAL_PRECISION(4));

    if (s == NULL) {
        fprintf(stderr, "paidoc: out of memory\n");
        exit(PD_ERR_INTERNAL);
    }
    pd_buf_puts(rec, s);
    pd_buf_putc(rec, '\n');
    free(s);
}

/*
 * Writing while the text is read (pd_stream, internal.h): a product whose
 * writer is a walker, its output opened when the first block is ready.
 */
struct live {
    struct pd_stream st;
    const struct cli *c;
    const struct pd_walker_ops *ops;
    struct pd_walker *wr;
    const char *output;
    struct cli_output *o;
    struct pd_buf *out;
    struct pd_opts opts;
    struct pd_diag diag;
    struct warnings *w;
    int *nopen;
};

/*
 * Set up l to stream the one product of c from nfiles inputs, when it
 * can be streamed; returns 1 then.
 */
static int
live_init(struct live *l, const struct cli *c, int nfiles,
          const struct pd_buf *record)
{
    const struct cli_product *p = &c->prod[0];
    pd_paid_mode mode = p->has_mode ? p->mode : c->opts.paid;
    pd_writer_fn write = p->fmt->write;

    if (nfiles != 1 || c->nprod != 1 || c->strict || record != NULL ||
        c->outdir != NULL || c->opts.teaser != PD_TEASER_NONE ||
        /* The styles without an end marker look at the whole document. */
        c->opts.paid_style == PD_STYLE_GHOST ||
        c->opts.paid_style == PD_STYLE_WORDPRESS)
        return 0;
    memset(&l->st, 0, sizeof(l->st));
    l->st.paid = mode;
    if (write == pd_write_html) {
        /* A preview page's metadata must not occur in the paid text,
         * which only the whole document shows. */
        if (c->opts.standalone && mode == PD_PAID_PREVIEW)
            return 0;
        l->ops = &pd_html_walker;
        /* The page's <html lang> and <title>; the paywall's language. */
        l->st.need_lang = c->opts.standalone || mode == PD_PAID_PREVIEW;
        l->st.need_title = c->opts.standalone;
    } else if (write == pd_write_md) {
        /* A list right after another with the same marker gets the
         * other marker: in the whole tree, without the sections. */
        if (mode != PD_PAID_KEEP && mode != PD_PAID_PREVIEW)
            return 0;
        l->ops = &pd_md_walker;
        l->st.need_lang = mode == PD_PAID_PREVIEW;
    } else if (write == pd_write_txt) {
        l->ops = &pd_txt_walker;
        l->st.need_lang = 1;   /* no blank lines in CJK documents */
    } else
        return 0;
    return 1;
}

static int
live_start(void *ud)
{
    struct live *l = ud;
    int status = cli_output_open(l->o, l->output, 1, l->out);

    if (status != 0)
        return status;
    *l->nopen = 1;
    set_meta(l->c, l->st.doc);
    diag_init(&l->diag, l->o->name, l->w);
    l->wr = l->ops->begin(l->st.doc, l->out, &l->opts, &l->diag);
    return 0;
}

static int
live_event(void *ud, const struct pd_node *n, pd_event ev)
{
    struct live *l = ud;

    return l->ops->event(l->wr, n, ev);
}

int
cli_convert(const struct cli *c, char **files, int nfiles, char **outputs,
            struct pd_buf *record)
{
    const char *name = strcmp(files[0], "-") == 0 ? "<stdin>" : files[0];
    struct pd_buf out[CLI_MAX_PRODUCTS];
    struct cli_output o[CLI_MAX_PRODUCTS];
    struct cli_input *in = NULL;
    struct warnings w = { NULL };
    struct pd_diag diag;
    struct pd_doc *doc = NULL;
    struct pd_stats st;
    struct live live;
    json_t *rec = NULL, *outs = NULL;
    unsigned nwarn;
    int i, status, nopen = 0;

    memset(out, 0, sizeof(out));
    memset(&live, 0, sizeof(live));
    if (record != NULL) {
        rec = json_object();
        outs = json_array();
        w.list = json_array();
        json_object_set_new(rec, "input", json_string(name));
        /* Placeholders, so that the keys come in a readable order. */
        json_object_set_new(rec, "status", json_null());
        json_object_set_new(rec, "error", json_null());
        json_object_set_new(rec, "outputs", json_null());
        if (nfiles > 1) {
            json_t *a = json_array();

            for (i = 0; i < nfiles; i++)
                json_array_append_new(a, json_string(files[i]));
            json_object_set_new(rec, "inputs", a);
        }
    }
    in = inputs_new(nfiles);
    if (live_init(&live, c, nfiles, record)) {
        live.st.start = live_start;
        live.st.event = live_event;
        live.st.ud = &live;
        live.st.opts = &live.opts;
        live.c = c;
        live.output = outputs[0];
        live.o = &o[0];
        live.out = &out[0];
        live.opts = c->opts;
        live.opts.paid = live.st.paid;
        live.w = &w;
        live.nopen = &nopen;
    }
    status = read_doc_src(c, files, nfiles, &w, &doc, &nwarn, in, NULL,
                          live.st.start != NULL ? &live.st : NULL);
    if (status != 0)
        goto done;
    if (live.st.doc != NULL) {
        /* Streamed: write what is left, then publish as below. */
        if ((status = pd_stream_finish(&live.st)) != 0)
            goto done;
        live.ops->end(live.wr);
        live.wr = NULL;
        if ((status = cli_output_close(&o[0], &out[0])) != 0)
            goto done;
        goto publish;
    }
    if (c->strict && nwarn > 0) {
        status = strict_error(name, nwarn);
        goto done;
    }
    if (rec != NULL) {
        pd_doc_stats(doc, &st);
        json_object_set_new(rec, "counts", stats_json(&st));
    }

    /* Render every product before publishing any: a failure leaves
     * nothing half done.  Each streams into its temporary file; standard
     * output is streamed only when nothing can fail after it started. */
    for (i = 0; i < c->nprod; i++) {
        const struct cli_product *p = &c->prod[i];
        struct pd_doc *d;
        struct pd_opts opts = c->opts;
        int stream = c->nprod == 1 && !c->strict;

        if (outputs[i] != NULL && strcmp(outputs[i], "-") != 0 &&
            c->outdir != NULL && (status = cli_make_parents(outputs[i])) != 0)
            goto done;
        if ((status = cli_output_open(&o[i], outputs[i], stream,
                                      &out[i])) != 0)
            goto done;
        nopen = i + 1;
        o[i].hash = record != NULL;
        d = i + 1 < c->nprod ? pd_doc_copy(doc) : doc;
        if (p->has_mode)
            opts.paid = p->mode;
        pd_apply_paid(d, &opts);
        diag_init(&diag, o[i].name, &w);
        if (p->fmt->write(d, &out[i], &opts, &diag) < 0) {
            status = diag_error(&diag);
            if (d != doc)
                pd_doc_free(d);
            goto done;
        }
        if (d != doc)
            pd_doc_free(d);
        nwarn += diag.nwarn;
        if (c->strict && diag.nwarn > 0) {
            status = strict_error(diag.file, diag.nwarn);
            goto done;
        }
        if ((status = cli_output_close(&o[i], &out[i])) != 0)
            goto done;
    }
publish:
    for (i = 0; i < c->nprod; i++) {
        const struct cli_product *p = &c->prod[i];

        status = cli_output_publish(&o[i], &out[i]);
        if (status != 0)
            goto done;
        if (outs != NULL) {
            json_t *j = json_object();
            char hex[65];

            cli_sha256_final(&o[i].sha, hex);
            json_object_set_new(j, "path", json_string(o[i].to_stdout
                                ? "-" : outputs[i]));
            json_object_set_new(j, "format", json_string(p->fmt->name));
            json_object_set_new(j, "mode", json_string(
                paid_mode_names[p->has_mode ? p->mode : c->opts.paid]));
            json_object_set_new(j, "bytes", json_integer((json_int_t)o[i].bytes));
            json_object_set_new(j, "sha256", json_string(hex));
            json_array_append_new(outs, j);
        }
    }
done:
    if (live.wr != NULL)
        live.ops->end(live.wr);
    for (i = 0; i < nopen; i++)
        cli_output_abort(&o[i]);
    for (i = 0; i < c->nprod; i++)
        pd_buf_free(&out[i]);
    pd_doc_free(doc);
    if (in != NULL)
        inputs_free(in, nfiles);
    if (rec != NULL) {
        json_object_set_new(rec, "status", json_integer(status));
        json_object_set_new(rec, "error", status != 0
                            ? json_string(cli_last_error()) : json_null());
        json_object_set_new(rec, "outputs", outs);
        json_object_set_new(rec, "warnings", w.list);
        put_json_line(record, rec);
        json_decref(rec);
    }
    return status;
}

/*
 * --lint: each file on its own; the readers' warnings and pd_lint()'s
 * problems are the findings.
 */
static int
lint_files(const struct cli *c, char **files, int nfiles)
{
    unsigned problems = 0, nwarn;
    int i, worst = 0;

    for (i = 0; i < nfiles; i++) {
        const char *name = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
        struct cli_input src;
        struct pd_doc *doc;
        struct pd_diag diag;
        const struct pd_format *fmt;
        int status, text;

        memset(&src, 0, sizeof(src));
        status = read_doc_src(c, files + i, 1, NULL, &doc, &nwarn, &src,
                              &fmt, NULL);
        if (status != 0) {
            cli_input_free(&src);
            worst = status > worst ? status : worst;
            continue;
        }
        problems += nwarn;
        /* Misspelled markers are looked for in the source of the text
         * formats (pd_lint decodes it as the readers do). */
        text = strcmp(fmt->name, "txt") == 0 || strcmp(fmt->name, "md") == 0;
        diag_init(&diag, name, NULL);
        problems += pd_lint(doc, text ? src.data : NULL, text ? src.len : 0,
                            &diag);
        pd_doc_free(doc);
        cli_input_free(&src);
    }
    if (worst != 0)
        return worst;
    return problems ? PD_ERR_DATA : 0;
}

/* --stats[=json]: the counts of the one document read. */
static int
print_stats(const struct cli *c, char **files, int nfiles, int as_json)
{
    struct pd_doc *doc;
    struct pd_stats st;
    struct cli_input *in;
    unsigned nwarn;
    int status;

    in = inputs_new(nfiles);
    status = read_doc_src(c, files, nfiles, NULL, &doc, &nwarn, in, NULL,
                          NULL);
    if (status == 0 && c->strict && nwarn > 0) {
        pd_doc_free(doc);
        status = strict_error(files[0], nwarn);
    }
    if (status != 0) {
        inputs_free(in, nfiles);
        return status;
    }
    pd_doc_stats(doc, &st);
    pd_doc_free(doc);
    inputs_free(in, nfiles);
    if (as_json) {
        json_t *o = stats_json(&st);
        char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(4));

        printf("%s\n", s);
        free(s);
        json_decref(o);
    } else {
        printf("characters free: %zu\n", st.chars_free);
        printf("characters paid: %zu\n", st.chars_paid);
        printf("preview ratio:   %.4f\n", st.preview_ratio);
        printf("paragraphs:      %zu\n", st.paragraphs);
        printf("headings:        %zu\n", st.headings);
        printf("paid sections:   %zu\n", st.paid_sections);
        printf("lists:           %zu\n", st.lists);
        printf("page breaks:     %zu\n", st.page_breaks);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_error(PD_ERR_IO, "<stdout>", "write error: %s",
                         strerror(errno));
    return 0;
}

int
main(int argc, char **argv)
{
    static struct cli c;
    const char *outputs[CLI_MAX_PRODUCTS], *to_names = NULL;
    char *stdin_name[] = { (char *)"-" };
    struct pd_buf manifest = {0};
    char **files;
    int nfiles, noutputs = 0, lint = 0, stats = -1, nteaser = 0, ch, i,
        status;
    size_t ui;

    c.time_limit = 60;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":f:t:o:sM:d:j:rhv", long_options,
                             NULL)) != -1) {
        switch (ch) {
        case 'f':
            c.from = find_format(optarg, strlen(optarg), 1);
            break;
        case 't':
            to_names = optarg;
            parse_products(&c, optarg);
            break;
        case 'o':
            if (noutputs == CLI_MAX_PRODUCTS)
                usage_error("too many -o options");
            outputs[noutputs++] = optarg;
            break;
        case 's':
            c.opts.standalone = 1;
            break;
        case 'M':
            if (strchr(optarg, '=') == NULL || optarg[0] == '=' ||
                strchr(optarg, '=') - optarg > 60)
                usage_error("-M needs KEY=VALUE");
            if (c.nmeta == CLI_MAX_META)
                usage_error("too many -M options");
            c.meta[c.nmeta++] = optarg;
            break;
        case OPT_PAID:
            if ((i = paid_mode(optarg, strlen(optarg))) < 0) {
                fprintf(stderr, "paidoc: unknown paid mode '%s' "
                        "(use keep, preview, full or only)\n", optarg);
                return PD_ERR_USAGE;
            }
            c.opts.paid = (pd_paid_mode)i;
            break;
        case OPT_PAYWALL_TEXT:
            c.opts.paywall_text = optarg;
            break;
        case OPT_PAYWALL_URL:
            c.opts.paywall_url = optarg;
            break;
        case OPT_PAID_STYLE:
            c.opts.paid_style = parse_paid_style(optarg);
            break;
        case OPT_FREE_RATIO: {
            char *end;
            double r;

            errno = 0;
            r = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || errno != 0 || !(r > 0) ||
                !(r < 1))
                usage_error("--free-ratio needs a number between 0 and 1, "
                            "e.g. 0.3");
            c.opts.teaser = PD_TEASER_RATIO;
            c.opts.teaser_value = r;
            nteaser++;
            break;
        }
        case OPT_FREE_PARAGRAPHS:
            c.opts.teaser = PD_TEASER_PARAGRAPHS;
            c.opts.teaser_value = (double)parse_count("--free-paragraphs",
                                                      optarg, 1, 1000000);
            nteaser++;
            break;
        case OPT_FREE_UNTIL_HEADING:
            c.opts.teaser = PD_TEASER_HEADING;
            c.opts.teaser_value = (double)parse_count("--free-until-heading",
                                                      optarg, 1, 1000000);
            nteaser++;
            break;
        case OPT_STRICT:
            c.strict = 1;
            break;
        case OPT_ENCODING:
            c.opts.encoding = optarg;
            break;
        case OPT_CSS:
            c.opts.css_url = optarg;
            break;
        case OPT_UNSAFE:
            c.opts.unsafe = 1;
            break;
        case OPT_MAX_INPUT:
            c.opts.max_input = parse_size("--max-input", optarg);
            break;
        case OPT_MAX_DEPTH:
            c.opts.max_depth = (int)parse_count("--max-depth", optarg, 1,
                                                100000);
            break;
        case OPT_MAX_PART:
            c.opts.max_part = parse_size("--max-part", optarg);
            break;
        case OPT_MAX_TOTAL:
            c.opts.max_total = parse_size("--max-total", optarg);
            break;
        case OPT_TIME_LIMIT:
            c.time_limit = (unsigned)parse_count("--time-limit", optarg, 0,
                                                 1000000);
            break;
        case OPT_STYLE:
            c.opts.style = optarg;
            break;
        case OPT_REFERENCE_DOC:
            c.opts.reference_doc = optarg;
            break;
        case 'd':
            c.outdir = optarg;
            break;
        case 'j':
            c.jobs = (int)parse_count("-j", optarg, 1, 1024);
            break;
        case 'r':
            c.recursive = 1;
            break;
        case OPT_MANIFEST:
            c.manifest = optarg;
            break;
        case OPT_LINT:
            lint = 1;
            break;
        case OPT_STATS:
            if (optarg == NULL)
                stats = 0;
            else if (strcmp(optarg, "json") == 0)
                stats = 1;
            else
                usage_error("--stats takes no value or =json");
            break;
        case OPT_LIST_FORMATS:
            list_formats();
            return 0;
        case 'h':
            for (ui = 0; ui < sizeof(usage_text) / sizeof(*usage_text); ui++)
                fputs(usage_text[ui], stdout);
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
    if (nteaser > 1)
        usage_error("choose one of --free-ratio, --free-paragraphs and "
                    "--free-until-heading");
    if (lint + (stats >= 0) + (c.outdir != NULL) > 1)
        usage_error("--lint, --stats and -d do not go together");
    if (c.recursive && c.outdir == NULL)
        usage_error("-r needs -d DIR");
    if ((c.jobs || c.recursive) && c.outdir == NULL)
        usage_error("-j needs -d DIR");

    /* The products: -t, else one per -o by its extension, else html. */
    if (c.nprod == 0) {
        for (i = 0; i < noutputs && c.outdir == NULL; i++) {
            const struct pd_format *f = pd_format_by_path(outputs[i]);

            if (f == NULL || f->write == NULL) {
                if (noutputs == 1)
                    break;
                cli_error(PD_ERR_USAGE, outputs[i], "cannot tell the format "
                          "from the name; use -t");
                return PD_ERR_USAGE;
            }
            c.prod[c.nprod++].fmt = f;
        }
        if (c.nprod == 0) {
            c.prod[0].fmt = pd_format_by_name("html");
            c.nprod = 1;
        }
    }

    if (lint || stats >= 0) {
        if (nfiles == 0) {
            files = stdin_name;
            nfiles = 1;
        }
        return lint ? lint_files(&c, files, nfiles)
                    : print_stats(&c, files, nfiles, stats);
    }
    cli_catch_signals();
    if (c.outdir != NULL) {
        if (noutputs > 0)
            usage_error("-o and -d do not go together");
        if (nfiles == 0)
            usage_error("-d needs input FILEs");
        if (c.jobs == 0) {
            long n = sysconf(_SC_NPROCESSORS_ONLN);

            c.jobs = n < 1 ? 1 : n > 64 ? 64 : (int)n;
        }
        return cli_batch(&c, files, nfiles);
    }

    if (nfiles == 0) {
        files = stdin_name;
        nfiles = 1;
    }
    if (c.nprod > 1 && noutputs != c.nprod) {
        char msg[300];

        snprintf(msg, sizeof(msg), "%d products (-t %.100s) need %d -o names, "
                 "in the same order", c.nprod, to_names ? to_names : "",
                 c.nprod);
        usage_error(msg);
    }
    if (c.nprod == 1 && noutputs > 1)
        usage_error("one product but several -o; use -t FMT,FMT,...");
    for (i = 0; i < c.nprod; i++)
        if (c.prod[i].fmt->binary && (noutputs == 0 ||
            strcmp(outputs[i], "-") == 0) && isatty(1))
            usage_error("refusing to write binary output to a terminal; "
                        "use -o");
    cli_arm_time_limit(c.time_limit, strcmp(files[0], "-") == 0 ? "<stdin>"
                       : files[0], -1);
    status = cli_convert(&c, files, nfiles, noutputs ? (char **)outputs
                         : (char *[CLI_MAX_PRODUCTS]){ NULL },
                         c.manifest ? &manifest : NULL);
    cli_disarm_time_limit();
    if (c.manifest != NULL) {
        int s2 = cli_publish(c.manifest, &manifest);

        if (status == 0)
            status = s2;
    }
    pd_buf_free(&manifest);
    return status;
}
