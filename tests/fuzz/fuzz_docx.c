/*
 * fuzz_docx.c - libFuzzer target: the docx reader.
 *
 * An input that starts with "PK" is the .docx file itself.  Any other
 * input is the XML of the package, packaged here so that the fuzzer can
 * reach the XML walk instead of mutating zip headers: the bytes up to a
 * line "\x01" are word/document.xml, the next chunk (if any)
 * word/numbering.xml, the next word/styles.xml; [Content_Types].xml and
 * the relationships are added around them.  The reader must succeed with
 * a sound tree or fail with exit class 65 (fuzz_reader.h).
 */
#define FUZZ_FORMAT "docx"
#define FUZZ_PREPARE(data, size, buf) fuzz_package(data, size, buf)
#include "fuzz.h"

static const char ct[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "</Types>";
static const char rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
    "</Relationships>";
static const char doc_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink\" Target=\"http://example.com/\" TargetMode=\"External\"/>"
    "</Relationships>";

static void
add(zip_t *za, const char *name, const void *p, size_t n)
{
    zip_source_t *s = zip_source_buffer(za, p, n, 0);

    if (s == NULL || zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8) < 0)
        fuzz_fail("packaging", zip_strerror(za));
    zip_set_file_compression(za, (zip_uint64_t)zip_name_locate(za, name, 0),
                             ZIP_CM_STORE, 0);
}

/* The package around the XML chunks of data, into out. */
static void
fuzz_package(const uint8_t *data, size_t size, struct pd_buf *out)
{
    static const char *const names[] = {
        "word/document.xml", "word/numbering.xml", "word/styles.xml"
    };
    zip_error_t ze;
    zip_source_t *src;
    zip_t *za;
    zip_stat_t st;
    const uint8_t *p = data, *end = data + size;
    char chunk[65536];
    zip_int64_t n;
    int i;

    zip_error_init(&ze);
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    if (za == NULL)
        fuzz_fail("packaging", zip_error_strerror(&ze));
    zip_source_keep(src);
    add(za, "[Content_Types].xml", ct, sizeof(ct) - 1);
    add(za, "_rels/.rels", rels, sizeof(rels) - 1);
    add(za, "word/_rels/document.xml.rels", doc_rels, sizeof(doc_rels) - 1);
    for (i = 0; i < 3 && p <= end; i++) {
        const uint8_t *q = p;

        while (q + 2 < end && !(q[0] == '\n' && q[1] == 1 && q[2] == '\n'))
            q++;
        if (q + 2 >= end)
            q = end;
        add(za, names[i], p, (size_t)(q - p));
        p = q + 3;
    }
    if (zip_close(za) < 0)
        fuzz_fail("packaging", zip_strerror(za));
    zip_stat_init(&st);
    if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0)
        fuzz_fail("packaging", "cannot read the archive");
    while ((n = zip_source_read(src, chunk, sizeof(chunk))) > 0)
        pd_buf_put(out, chunk, (size_t)n);
    zip_source_close(src);
    zip_source_free(src);
}

#include "fuzz_reader.h"
