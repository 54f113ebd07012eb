/*
 * preview.c - libpaidoc in a program of your own.
 *
 *   preview IN.txt OUT.html
 *
 * Reads a text file with ##paidbegin## / ##paidend## markers, writes the
 * free preview as a whole HTML page (paid text replaced by the paywall
 * notice) and prints counts of the document on standard output:
 *
 *   paragraphs 12
 *   headings 4
 *   paid_sections 1
 *   chars_free 310
 *   chars_paid 544
 *   preview_ratio 0.36
 *
 * Build it through pkg-config (see Makefile beside this file):
 *
 *   cc -o preview preview.c $(pkg-config --cflags --libs paidoc)
 */
#include <paidoc.h>

#include <stdio.h>
#include <stdlib.h>

/* Warnings (an unclosed paid section...) go to stderr as FILE:LINE. */
static void warn(void *ud, const char *file, unsigned line, const char *msg)
{
    (void)ud;
    fprintf(stderr, "%s:%u: warning: %s\n", file ? file : "-", line, msg);
}

static int slurp(const char *path, struct pd_buf *b)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;

    if (f == NULL)
        return -1;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        pd_buf_put(b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct pd_buf in = {0}, out = {0};
    struct pd_opts opts = {0};
    struct pd_diag diag = {0};
    struct pd_stats st;
    struct pd_doc *doc;
    FILE *f;

    if (argc != 3) {
        fprintf(stderr, "usage: preview IN.txt OUT.html\n");
        return 64;
    }
    if (slurp(argv[1], &in) < 0) {
        perror(argv[1]);
        return 66;
    }

    diag.file = argv[1];
    diag.warn = warn;
    doc = pd_doc_new();
    if (pd_read_txt(doc, (const unsigned char *)in.data, in.len, &opts,
                    &diag) < 0) {
        fprintf(stderr, "preview: %s: %s\n", argv[1], diag.msg);
        return diag.status;
    }

    /* Count before the paid sections go. */
    pd_doc_stats(doc, &st);
    printf("paragraphs %zu\nheadings %zu\npaid_sections %zu\n"
           "chars_free %zu\nchars_paid %zu\npreview_ratio %.2f\n",
           st.paragraphs, st.headings, st.paid_sections, st.chars_free,
           st.chars_paid, st.preview_ratio);

    /* The preview: paid sections become the paywall notice. */
    opts.paid = PD_PAID_PREVIEW;
    opts.paywall_url = "https://example.com/buy";
    opts.standalone = 1;
    pd_apply_paid(doc, &opts);
    if (pd_write_html(doc, &out, &opts, &diag) < 0) {
        fprintf(stderr, "preview: %s\n", diag.msg);
        return diag.status;
    }

    f = fopen(argv[2], "wb");
    if (f == NULL || fwrite(out.data, 1, out.len, f) != out.len ||
        fclose(f) != 0) {
        perror(argv[2]);
        return 73;
    }
    pd_buf_free(&out);
    pd_buf_free(&in);
    pd_doc_free(doc);
    return 0;
}
