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
