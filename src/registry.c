/*
 * registry.c - the table of formats.  Adding a format means one reader or
 * writer file and one row here.
 */
#include <string.h>
#include <strings.h>

#include "paidoc.h"

static const struct pd_format formats[] = {
    { "txt", "text plain", "txt text", pd_read_txt, pd_write_txt, 0,
      "plain text with ##paidbegin## markers" },
    { "md", "markdown commonmark", "md markdown", pd_read_md, pd_write_md, 0,
      "CommonMark" },
    { "html", "", "html htm xhtml", pd_read_html, pd_write_html, 0,
      "HTML5 (fragment, or a whole page with -s)" },
    { "docx", "word", "docx", pd_read_docx, pd_write_docx, 1,
      "Word document (Office Open XML)" },
    { "json", "", "json", pd_read_json, pd_write_json, 0,
      "the document tree as JSON, for filters" },
    { "tree", "native", "tree", pd_read_tree, pd_write_tree, 0,
      "indented dump of the document tree (for debugging and tests)" },
};

const struct pd_format *
pd_formats(size_t *n)
{
    *n = sizeof(formats) / sizeof(formats[0]);
    return formats;
}

/* 1 when word occurs in the space-separated list, ignoring case. */
static int
in_list(const char *list, const char *word, size_t wlen)
{
    const char *p = list, *e;

    while (*p) {
        while (*p == ' ')
            p++;
        e = p;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - p) == wlen && wlen && strncasecmp(p, word, wlen) == 0)
            return 1;
        p = e;
    }
    return 0;
}

const struct pd_format *
pd_format_by_name(const char *name)
{
    size_t i, n = sizeof(formats) / sizeof(formats[0]), len = strlen(name);

    for (i = 0; i < n; i++)
        if (strcasecmp(formats[i].name, name) == 0 ||
            in_list(formats[i].aliases, name, len))
            return &formats[i];
    return NULL;
}

const struct pd_format *
pd_format_by_path(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    size_t i, n = sizeof(formats) / sizeof(formats[0]);

    if (dot == NULL || (slash != NULL && dot < slash) || dot[1] == '\0')
        return NULL;
    dot++;
    for (i = 0; i < n; i++)
        if (in_list(formats[i].extensions, dot, strlen(dot)))
            return &formats[i];
    return NULL;
}

/* Skip a UTF-8 BOM and ASCII white space. */
static size_t
skip_space(const unsigned char *in, size_t len, size_t i)
{
    if (i == 0 && len >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF)
        i = 3;
    while (i < len && (in[i] == ' ' || in[i] == '\t' || in[i] == '\n' ||
                       in[i] == '\r' || in[i] == '\f'))
        i++;
    return i;
}

/*
 * 1 when p starts with the start tag of an element that begins an HTML
 * page or fragment (<html, <head, <body, <meta, <title, <h1>, <p>,
 * <section ...), so that writer output in a pipe is read back as HTML.
 */
static int
html_start_tag(const char *p, size_t n)
{
    static const char *const tags[] = {
        "html", "head", "body", "meta", "title", "h1", "h2", "h3", "h4",
        "h5", "h6", "p", "div", "section", "article", "main", "ul", "ol",
        "blockquote", "pre", "table", "hr", "paid", NULL
    };
    size_t i, len;

    if (n < 3 || p[0] != '<')
        return 0;
    for (i = 0; tags[i] != NULL; i++) {
        len = strlen(tags[i]);
        if (n > len + 1 && strncasecmp(p + 1, tags[i], len) == 0 &&
            (p[len + 1] == '>' || p[len + 1] == ' ' || p[len + 1] == '/' ||
             p[len + 1] == '\n' || p[len + 1] == '\t'))
            return 1;
    }
    return 0;
}

const struct pd_format *
pd_format_sniff(const unsigned char *in, size_t len)
{
    size_t i = skip_space(in, len, 0), n = len - i;
    const char *p = (const char *)in + i;

    if (len >= 4 && memcmp(in, "PK\x03\x04", 4) == 0)
        return pd_format_by_name("docx");
    if ((n >= 14 && strncasecmp(p, "<!DOCTYPE html", 14) == 0) ||
        (n >= 4 && strncmp(p, "<!--", 4) == 0) || html_start_tag(p, n))
        return pd_format_by_name("html");
    if (n >= 1 && *p == '{') {
        /* Our JSON starts with the version field within its first bytes. */
        size_t k, lim = n < 256 ? n : 256;

        for (k = 1; k + 9 <= lim; k++)
            if (memcmp(p + k, "\"version\"", 9) == 0)
                return pd_format_by_name("json");
    }
    return pd_format_by_name("txt");
}
