/*
 * internal.h - helpers shared by the core and the converters, not part of
 * the public API.
 */
#ifndef PD_INTERNAL_H
#define PD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "paidoc.h"

/**
 * Between two blocks a writer calls pd_buf_checkpoint(): with a sink set
 * and at least PD_BUF_FLUSH_AT bytes, all but the last PD_BUF_KEEP are
 * passed on.  Writers may look back at most PD_BUF_KEEP bytes across a
 * checkpoint (the last character written, a trailing newline).
 */
#define PD_BUF_FLUSH_AT ((size_t)64 << 10)
#define PD_BUF_KEEP ((size_t)16)
void pd_buf_checkpoint(struct pd_buf *b);

/**
 * pd_add_text() that points the new text node at s instead of copying it:
 * s must stay valid as long as the document (opts->borrow_input).  Text
 * merged into a preceding text node is copied as usual.
 */
struct pd_node *pd_add_text_ref(struct pd_builder *b, const char *s,
                                size_t len);

/**
 * Nonzero when one of the 8 bytes of the uint64_t w is the byte c: a byte
 * of w ^ (c repeated) is zero just there (SWAR, for scans that take eight
 * bytes a step).
 */
#define PD_HAS_BYTE(w, c)                                                  \
    ((((w) ^ (UINT64_C(0x0101010101010101) * (unsigned char)(c))) -       \
      UINT64_C(0x0101010101010101)) &                                      \
     ~((w) ^ (UINT64_C(0x0101010101010101) * (unsigned char)(c))) &       \
     UINT64_C(0x8080808080808080))

/*
 * Sixteen bytes a step where SSE2 is there (always on x86-64): the hot
 * scans (text validation, HTML escaping, columns, markers) take twice the
 * bytes of a SWAR step with fewer instructions each.  Each such scan keeps
 * its portable form for other targets (and for its last bytes).
 */
#if defined(__SSE2__)
#include <emmintrin.h>
#define PD_SSE2 1

/** Sixteen bytes from p, any alignment. */
static inline __m128i
pd_load16(const void *p)
{
    return _mm_loadu_si128((const __m128i *)p);
}

/** Bit n set when byte n of v is c. */
static inline unsigned
pd_eq16(__m128i v, char c)
{
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}

/** Bit n set when byte n of v has its top bit set, i.e. for nonzero bytes
 *  of a comparison result. */
static inline unsigned
pd_mask16(__m128i v)
{
    return (unsigned)_mm_movemask_epi8(v);
}

/** Index of the lowest set bit; m is not 0. */
static inline unsigned
pd_ctz(unsigned m)
{
    return (unsigned)__builtin_ctz(m);
}

/**
 * Of a 16-byte window classified into bytes that stand alone (a: ASCII
 * the caller accepts), lead bytes of three-byte characters it accepts
 * (l) and continuation bytes (c), one bit per byte: how many bytes from
 * the start are whole characters of those kinds, 0..16.  A byte is in
 * place when it stands alone or leads and no lead one or two bytes
 * before wants it as a continuation, or when it is a continuation that
 * such a lead wants; the run ends at the first byte out of place, or
 * before a character the window cuts off.  This is how text mostly made
 * of CJK characters (three bytes each, full-width punctuation included)
 * and ASCII between them is checked without a step per character.
 */
static inline unsigned
pd_run3(unsigned a, unsigned l, unsigned c)
{
    unsigned want = (l << 1 | l << 2) & 0xFFFFu;
    unsigned bad = (~(a | l | c) | (c ^ want)) & 0xFFFFu;
    unsigned n = bad ? pd_ctz(bad) : 16;

    /* Back up over a character that the end of the run cuts. */
    if (n >= 1 && (l >> (n - 1) & 1u))
        n -= 1;
    else if (n >= 2 && (l >> (n - 2) & 1u))
        n -= 2;
    return n;
}

/**
 * pd_run3() over 16-byte blocks one after another, for long runs: the
 * next block is loaded whatever this one holds, so the blocks do not
 * wait for each other (a window that starts where the last one ended
 * must wait for its length, and took about as long as a loop over the
 * characters).  *carry is what leads at the end of the previous block
 * want of this one (0 at the start of a run).  Returns the bits of the
 * bytes out of place and sets *carry for the next block.
 */
static inline unsigned
pd_run3_block(unsigned a, unsigned l, unsigned c, unsigned *carry)
{
    unsigned want = l << 1 | l << 2 | *carry;

    *carry = want >> 16;
    return (~(a | l | c) | (c ^ want)) & 0xFFFFu;
}

/**
 * Where a run of blocks from start that is in place up to stop ends on a
 * whole character: before a three-byte character it cuts.  In a run, a
 * byte from C0 on can only be such a lead.
 */
static inline size_t
pd_run3_end(const unsigned char *s, size_t start, size_t stop)
{
    if (stop > start && s[stop - 1] >= 0xC0)
        return stop - 1;
    if (stop - start >= 2 && s[stop - 2] >= 0xC0)
        return stop - 2;
    return stop;
}
#endif

/**
 * n bytes of fresh (zero) memory mapped at a 2 MiB boundary and marked for
 * transparent huge pages, or NULL.  Release with munmap(p, n).  On a VM a
 * 4 KiB page costs about 12 us to fault in and a 2 MiB one about 70 us:
 * big buffers that will be filled come from here.
 */
void *pd_map_huge(size_t n);

/**
 * A block for an array that may grow big (a table per heading, per
 * line): p (NULL at first) holds *cap bytes, of which the first `used`
 * are kept; returns it with room for at least n bytes and sets *cap.
 * Below PD_BIG_MIN bytes it is malloc'ed; from there on it is whole
 * 2 MiB pages from pd_map_huge(), in which it grows without moving
 * until they are full: some tens of kilobytes in 4 KiB pages cost as
 * much to fault in as a huge page, and megabytes cost some hundred
 * times more.  A block got from NULL is zero; bytes a growth adds are
 * not cleared.  Release with pd_big_free(p, cap).
 */
#define PD_BIG_MIN ((size_t)64 << 10)
void *pd_big_grow(void *p, size_t used, size_t *cap, size_t n);
void pd_big_free(void *p, size_t cap);

/** malloc/realloc that abort with one line on out of memory. */
void *pd_xmalloc(size_t n);
void *pd_xrealloc(void *p, size_t n);

/**
 * Decode the UTF-8 character at s[*i] (len bytes in all) and advance *i.
 * An invalid or truncated sequence gives U+FFFD and advances one byte.
 */
uint32_t pd_utf8_decode(const char *s, size_t len, size_t *i);

/** Decode the character that ends just before s[*i] and move *i back. */
uint32_t pd_utf8_decode_prev(const char *s, size_t *i);

/** Append the UTF-8 encoding of c to b. */
void pd_utf8_put(struct pd_buf *b, uint32_t c);

/** Offset of the first invalid UTF-8 byte in s, or len when all is valid. */
size_t pd_utf8_check(const char *s, size_t len);

/**
 * pd_utf8_check() that also stops at a NUL or CR byte, and sets *ctl to 1
 * when a C0 control other than tab, LF and FF comes before where it
 * stopped (else 0).  One pass for what a text reader must know of its
 * input before it can read it in place.
 */
size_t pd_utf8_check_text(const char *s, size_t len, int *ctl);

/**
 * 1 for characters of CJK scripts and their punctuation: Han, kana,
 * Hangul, CJK symbols, full-width forms.  Between two of these, joining
 * wrapped lines adds no space.
 */
int pd_is_cjk(uint32_t c);

/** Value of an ASCII or full-width digit (numbered headings use both),
 *  or -1. */
int pd_digit_val(uint32_t c);

/** 1 for CJK ideographs only (Han). */
int pd_is_han(uint32_t c);

/** 1 for Unicode white space usable as a separator (incl. U+3000). */
int pd_is_space(uint32_t c);

/**
 * 1 when c may appear in well-formed XML 1.0 (the Char production); used
 * before every libxml2 write.
 */
int pd_is_xml_char(uint32_t c);

/**
 * Decode the bytes of a text input into UTF-8 with LF line ends, appended
 * to out: UTF-8 with or without BOM, UTF-16 LE/BE with BOM, else GB18030
 * when the bytes are not UTF-8; `encoding` (may be NULL) forces an iconv
 * encoding.  A NUL byte or undecodable bytes are a PD_ERR_DATA error
 * ("not a text file: byte 0xNN at offset N").  Returns 0 or -1.
 */
int pd_decode_text(const unsigned char *in, size_t len, const char *encoding,
                   struct pd_buf *out, struct pd_diag *d);

/**
 * 1 when pd_decode_text() would only copy in[*skip..len): no encoding
 * asked for, no UTF-16 BOM, no NUL, no CR, valid UTF-8 (*skip: 3 after a
 * UTF-8 BOM, which it drops, else 0).  A reader can then read the input
 * where it is, without a copy as big as the input.  When it returns 1 and
 * ctl is not NULL, *ctl says whether C0 controls other than tab, LF and
 * FF occur (see pd_utf8_check_text()).
 */
int pd_decode_as_is(const unsigned char *in, size_t len, const char *encoding,
                    size_t *skip, int *ctl);

/** What a paid marker does. */
enum pd_marker_kind {
    PD_MARK_NONE = 0,
    PD_MARK_BEGIN,          /**< ##paidbegin## or $$paidbegin$$ */
    PD_MARK_END,            /**< ##paidend## or $$paidend$$ */
    PD_MARK_PAGEBREAK,      /**< ##pagebreak## */
    PD_MARK_REST            /**< <!--members-only--> (Ghost), <!--more-->
                                 (WordPress): the rest of the document is
                                 paid; there is no end marker */
};

/** One spelling of a marker. */
struct pd_marker_spelling {
    const char *text;
    size_t len;
    enum pd_marker_kind kind;
};

/** Every spelling, ended by a row whose text is NULL. */
extern const struct pd_marker_spelling pd_markers[];

/**
 * The first marker in s[from..len): returns its offset and stores its
 * spelling in *which, or returns len and stores NULL.
 */
size_t pd_marker_find(const char *s, size_t from, size_t len,
                      const struct pd_marker_spelling **which);

/** pd_marker_find() that also stops at the byte stop (-1: none), with
 *  *which NULL when that is what it found. */
size_t pd_marker_find_stop(const char *s, size_t from, size_t len, int stop,
                           const struct pd_marker_spelling **which);

/** The length of the marker spelled at s[0..len), or 0 when none is. */
size_t pd_marker_at(const char *s, size_t len);

/**
 * The marker that an HTML comment whose content (between `<!--` and
 * `-->`) is s[0..len) stands for, or NULL: `paidbegin`, `paidend`,
 * `members-only`, `more` (also `more` followed by WordPress's link text),
 * ASCII case-insensitive, white space around the word ignored.
 */
const struct pd_marker_spelling *pd_marker_comment(const char *s,
                                                   size_t len);

/**
 * The same for the source text of an HTML block or inline HTML: s[0..len)
 * must be exactly one comment, white space around it allowed.
 */
const struct pd_marker_spelling *pd_marker_html(const char *s, size_t len);

/**
 * For a paid style without an end marker (ghost, wordpress), whose
 * marker is spelled `marker`: the first paid section of doc, or NULL.
 * When blocks follow it (free text, which becomes paid, or later paid
 * sections, whose markers are dropped) one warning through d says so.
 */
const struct pd_node *pd_paid_rest_first(const struct pd_doc *doc,
                                         const char *style,
                                         const char *marker,
                                         struct pd_diag *d);

/** Whether a paid section is open while a reader builds a document. */
struct pd_paid_state {
    int open;               /**< a section is open */
    unsigned line;          /**< where it opened */
    const char *spelling;   /**< how its begin was spelled */
    int rest;               /**< opened by a PD_MARK_REST marker: runs to
                                 the end of the document, no end marker */
};

/**
 * Carry out marker m, met at input line `line`, at the top level of b
 * (open blocks must be closed first): open or close the paid section, or
 * add a page break.  A begin inside a section or an end outside one is
 * ignored with a warning.  A PD_MARK_REST marker opens a section that no
 * end marker closes (an end is then ignored with a warning); met inside
 * an open section it makes that one run to the end, also with a warning.
 */
void pd_marker_apply(struct pd_builder *b, struct pd_paid_state *st,
                     const struct pd_marker_spelling *m, unsigned line,
                     struct pd_diag *d);

/**
 * At the end of the input: a section still open runs to the end of the
 * document (fail closed); warns and closes it (silently when a
 * PD_MARK_REST marker opened it: that is what it means).
 */
void pd_marker_finish(struct pd_builder *b, struct pd_paid_state *st,
                      struct pd_diag *d);

/**
 * Characters of node's subtree as pd_doc_stats() counts them: code points
 * of text, inline code and code blocks that are not white space (stats.c;
 * the teaser of teaser.c cuts by the same count).
 */
size_t pd_node_chars(const struct pd_node *node);

/**
 * A file under styles/ compiled into the program, by its path relative to
 * styles/ (e.g. "html/paidoc.css").  Returns NULL when there is none; the
 * data is NUL-terminated and static.
 */
const char *pd_resource(const char *name, size_t *len);

/**
 * pd_read_md() parsing the text in pieces of about chunk_bytes (at the
 * next safe boundary; SIZE_MAX: the whole text at once).  pd_read_md()
 * calls it with its default; tests force other sizes to check that the
 * tree and warnings do not depend on it.
 */
int pd_read_md_chunked(struct pd_doc *doc, const unsigned char *in,
                       size_t len, const struct pd_opts *opts,
                       struct pd_diag *d, size_t chunk_bytes);

/**
 * The converters that need libxml2 and libzip, as the paidoc program
 * loads them: the module paidoc-xml.so defines pd_xml_module
 * (src/xmlmod.c) and the program's src/cli_xml.c opens it on first use.
 * version is the PD_VERSION the module was built with; the program
 * refuses a module of another version.
 */
struct pd_xml_module {
    const char *version;
    pd_reader_fn read_docx;
    pd_writer_fn write_docx;
    pd_reader_fn read_html;
};
extern const struct pd_xml_module pd_xml_module;

/*
 * Streaming: writing a document while a reader is still building it, so
 * that a long input needs memory for the blocks in flight only, not for
 * its whole tree (src/stream.c).
 *
 * The reader calls pd_stream_point() where the tree holds only whole
 * blocks and open containers (between lines of text, say).  When enough
 * nodes were made since the last time, the stream writes the finished
 * blocks of the root and of an open paid section, all but the last one
 * of each (a writer may look at a node's next sibling, which the reader
 * may still add), and recycles the nodes of the blocks written before
 * that one (a writer may look at a node's previous sibling).  Nothing
 * else is written early: lists stay whole, since a later blank line can
 * still make a list loose.  pd_stream_finish() writes the rest once the
 * reader is done.
 *
 * The writer gets the events of pd_iter_next(), in the same order as a
 * walk of the finished tree, with the paid mode applied: `full` drops
 * the paid sections' own events, `only` also the blocks outside them,
 * `preview` writes a paywall notice for each section instead.  Only a
 * writer that needs nothing but those events, the nodes' parents and
 * their adjacent siblings can stream.  What it asks of the document
 * as a whole must be known before the first write: its language
 * (pd_doc_lang() looks at the first letters only), its title (the first
 * heading), so the stream waits for the blocks that decide them.
 */
struct pd_stream {
    /* Set by the caller */
    /** Called before the first event; nonzero (an exit status) stops the
     *  writing: later blocks are recycled unwritten. */
    int (*start)(void *ud);
    /** One event of the walk; nonzero skips the node's children. */
    int (*event)(void *ud, const struct pd_node *n, pd_event ev);
    void *ud;
    pd_paid_mode paid;          /**< paid mode; preview writes each
                                     section's paywall (opts) instead */
    const struct pd_opts *opts;
    int need_lang;              /**< the writer asks pd_doc_lang() */
    int need_title;             /**< ... and for the title (find_first) */
    /* Private */
    struct pd_doc *doc;
    int status;                 /**< start()'s result once started */
    int started;
    const struct pd_node *counted;  /**< last root child looked at for
                                         need_lang / need_title */
    size_t cjk, latin;          /**< letters counted in them */
    int title_seen;             /**< a heading was among them */
    struct pd_node *paywall;    /**< preview: the notice, made once */
    struct pd_node *kept;       /**< last root child written */
    struct pd_node *paid_open;  /**< paid section entered, not exited */
    struct pd_node *paid_kept;  /**< last child of paid_open written */
};

/**
 * What pd_doc_new() allocates: the public document and the stream's
 * state.  Recycled nodes are reused by pd_node_new() before the arena
 * gives new ones.
 */
struct pd_doc_x {
    struct pd_doc pub;          /* first: a pd_doc * points to a pd_doc_x */
    struct pd_stream *stream;
    struct pd_node *spare;      /* recycled nodes, linked by next */
    size_t made;                /* nodes made since the stream last wrote */
    const char *lang;           /* pd_doc_lang() fixed by the stream */
};

/**
 * pd_doc_lang() looks at the text of a document's first blocks only:
 * once more than this many letters (CJK characters and Latin letters)
 * are counted, the rest cannot change the answer.
 */
#define PD_LANG_LETTERS 4096

/**
 * Add the CJK characters and Latin letters of node's text, in order, to
 * *cjk and *latin; stops after the text node where their sum passes
 * PD_LANG_LETTERS.
 */
void pd_count_letters(const struct pd_node *node, size_t *cjk,
                      size_t *latin);

/** pd_doc_lang()'s answer for the letters pd_count_letters() counted. */
const char *pd_lang_of_counts(size_t cjk, size_t latin);

/** The paywall notice that replaces a paid section (--paid preview). */
struct pd_node *pd_paywall_node(struct pd_doc *doc,
                                const struct pd_opts *opts, int cjk);

/** Stream doc to s from now on (the reader has not started yet). */
void pd_stream_attach(struct pd_stream *s, struct pd_doc *doc);

/**
 * A point where b's tree holds only whole blocks and b's open containers:
 * write what can be written when enough has accumulated.  Cheap when
 * doc has no stream.
 */
void pd_stream_point(struct pd_builder *b);

/** The reader is done: write the rest.  Returns start()'s status. */
int pd_stream_finish(struct pd_stream *s);

/**
 * A writer driven one event at a time, as by the stream: begin(), the
 * events of a walk (a nonzero return skips the node's children), end().
 * The HTML, Markdown and text writers are such walkers.
 */
struct pd_walker;
struct pd_walker_ops {
    struct pd_walker *(*begin)(const struct pd_doc *doc, struct pd_buf *out,
                               const struct pd_opts *opts,
                               struct pd_diag *d);
    int (*event)(struct pd_walker *w, const struct pd_node *n, pd_event ev);
    void (*end)(struct pd_walker *w);
};
extern const struct pd_walker_ops pd_html_walker, pd_md_walker,
    pd_txt_walker;

/** Write doc with a walker over the whole tree (a pd_writer_fn). */
int pd_walk_write(const struct pd_walker_ops *ops, const struct pd_doc *doc,
                  struct pd_buf *out, const struct pd_opts *opts,
                  struct pd_diag *d);

#endif /* PD_INTERNAL_H */
