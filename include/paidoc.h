/*
 * paidoc.h - the public interface of libpaidoc.
 *
 * paidoc converts documents that carry paid-section markers between plain
 * text, Markdown, HTML, DOCX and JSON.  Every reader builds one document
 * tree (struct pd_doc); every writer reads only that tree.  This header is
 * the whole public API: the tree, the arena that owns it, the builder that
 * readers use, the iterator that writers use, output buffers, diagnostics,
 * options and the registry of formats.
 *
 * Conventions
 *  - Every exported symbol starts with pd_ (types) or PD_ (constants).
 *  - Functions that can fail return 0 on success and -1 on failure; the
 *    reason is then in the struct pd_diag passed in.
 *  - Strings are UTF-8.  Node text is a (pointer, length) pair and is also
 *    NUL-terminated for convenience; it may not contain NUL bytes.
 *  - Out of memory is not an error path: the allocator prints one line and
 *    aborts, as cmark does.
 */
#ifndef PAIDOC_H
#define PAIDOC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the library and program, as printed by `paidoc --version`. */
#define PD_VERSION "0.2.0"

/** Version of the JSON serialisation of the tree ("version" field). */
#define PD_JSON_VERSION 1

/*
 * ------------------------------------------------------------------------
 * Arena
 * ------------------------------------------------------------------------
 */

/**
 * A region allocator.  Every node and string of a document comes from the
 * document's arena and lives until pd_doc_free(); nothing is freed on its
 * own.  Compiled with -DPD_ARENA_DEBUG every allocation is a separate
 * malloc() so that AddressSanitizer and valgrind see overruns.
 */
struct pd_arena;

/** Create an empty arena.  Never returns NULL (aborts on out of memory). */
struct pd_arena *pd_arena_new(void);

/** Free an arena and everything allocated from it.  NULL is allowed. */
void pd_arena_free(struct pd_arena *a);

/** Allocate n zeroed bytes, aligned for any type, owned by the arena. */
void *pd_arena_alloc(struct pd_arena *a, size_t n);

/**
 * Copy n bytes of s into the arena and append a NUL.  The copy is owned by
 * the arena; s is only borrowed.
 */
char *pd_arena_strndup(struct pd_arena *a, const char *s, size_t n);

/** pd_arena_strndup() of a NUL-terminated string; NULL gives NULL. */
char *pd_arena_strdup(struct pd_arena *a, const char *s);

/*
 * ------------------------------------------------------------------------
 * Output buffer
 * ------------------------------------------------------------------------
 */

/**
 * A growable byte buffer.  Writers append to one; the caller owns it and
 * releases it with pd_buf_free().  Initialise with `struct pd_buf b = {0};`.
 * data is NUL-terminated after every append (the NUL is not counted in
 * len), so text output can be used as a C string.
 *
 * A buffer may be given a sink (pd_buf_set_sink()): the writers then hand
 * their output to it in pieces as they go, between blocks, instead of
 * keeping all of it, and the caller ends with pd_buf_flush().
 */
struct pd_buf {
    char *data;     /**< bytes, owned by the buffer; NULL while empty */
    size_t len;     /**< bytes used */
    size_t cap;     /**< bytes allocated */
    /** The sink, or NULL; see pd_buf_set_sink(). */
    int (*sink)(void *ud, const char *p, size_t n);
    void *sink_ud;
    int sink_failed;    /**< a sink call returned -1; later ones are
                             skipped */
};

/**
 * Send b's output to sink: whenever a writer reaches a point where it no
 * longer looks back (between blocks) with at least 64 KiB in b, all but
 * the last few bytes are passed to sink(ud, p, n) and dropped from b.
 * sink returns 0, or -1 after a failure (it keeps its own error, e.g.
 * errno); after a failure nothing more is passed on.  A writer's output
 * is then what the sink received plus what pd_buf_flush() passes at the
 * end.  The writers check nothing else, so the caller must call
 * pd_buf_flush() and look at its result even when the writer succeeded.
 */
void pd_buf_set_sink(struct pd_buf *b,
                     int (*sink)(void *ud, const char *p, size_t n),
                     void *ud);

/** Pass everything in b to its sink (none: do nothing).  Returns 0, or -1
 *  when this or an earlier sink call failed. */
int pd_buf_flush(struct pd_buf *b);

/** Append n bytes. */
void pd_buf_put(struct pd_buf *b, const void *p, size_t n);
/** Append a NUL-terminated string. */
void pd_buf_puts(struct pd_buf *b, const char *s);
/** Append one byte. */
void pd_buf_putc(struct pd_buf *b, int c);
/** Append printf-style formatted text. */
void pd_buf_printf(struct pd_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/** Make sure at least n more bytes fit without another allocation. */
void pd_buf_grow(struct pd_buf *b, size_t n);
/** Drop the contents but keep the allocation. */
void pd_buf_clear(struct pd_buf *b);
/** Free the allocation and reset the buffer to empty. */
void pd_buf_free(struct pd_buf *b);

/*
 * ------------------------------------------------------------------------
 * Diagnostics
 * ------------------------------------------------------------------------
 */

/**
 * Error classes.  The values are the <sysexits.h> codes the program exits
 * with, so the CLI maps them one to one.
 */
enum pd_status {
    PD_OK = 0,              /**< success */
    PD_ERR_USAGE = 64,      /**< bad option, unknown format */
    PD_ERR_DATA = 65,       /**< input is malformed, or a limit was exceeded */
    PD_ERR_NOINPUT = 66,    /**< an input cannot be opened */
    PD_ERR_INTERNAL = 70,   /**< a bug or an unexpected library failure */
    PD_ERR_CANTCREAT = 73,  /**< the output cannot be created */
    PD_ERR_IO = 74          /**< read or write error */
};

/**
 * Called once per warning.  file is pd_diag.file (may be NULL), line the
 * 1-based input line or 0 when unknown, msg the text without a trailing
 * newline.  All three are borrowed for the duration of the call.
 */
typedef void (*pd_warn_fn)(void *ud, const char *file, unsigned line,
                           const char *msg);

/**
 * Where readers and writers report.  Library code never prints: warnings
 * go to the callback, the one fatal error is stored in the struct and the
 * function returns -1.  Initialise with `struct pd_diag d = {0};` and set
 * the fields marked (in).
 */
struct pd_diag {
    const char *file;   /**< (in) input name for messages, borrowed */
    pd_warn_fn warn;    /**< (in) warning callback, or NULL to only count */
    void *ud;           /**< (in) passed to warn */
    unsigned nwarn;     /**< number of warnings so far */
    int status;         /**< enum pd_status of the error, PD_OK if none */
    unsigned line;      /**< input line of the error, 0 if none */
    char msg[512];      /**< the error message, without file name */
};

/**
 * Report a recoverable problem at input line `line` (0 if unknown):
 * counts it and calls the callback.  Conversion continues; callers that
 * want --strict behaviour check nwarn afterwards.
 */
void pd_warn(struct pd_diag *d, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Record a fatal error of class status (enum pd_status) and return -1, so
 * that `return pd_error(d, PD_ERR_DATA, 0, "...");` reads naturally.  Only
 * the first error is kept.  d may be NULL.
 */
int pd_error(struct pd_diag *d, int status, unsigned line,
             const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * ------------------------------------------------------------------------
 * The document tree
 * ------------------------------------------------------------------------
 */

/**
 * Node types.  Blocks come first, then inlines; PD_NODE_FIRST_INLINE
 * separates them.  pd_node_type_name[] has one name per value, used by the
 * JSON and tree writers.
 */
typedef enum pd_node_type {
    PD_NODE_NONE = 0,
    /* Blocks */
    PD_NODE_DOCUMENT,       /**< the root; contains blocks */
    PD_NODE_TITLE,          /**< document title; contains inlines */
    PD_NODE_HEADING,        /**< as.heading; contains inlines */
    PD_NODE_PARAGRAPH,      /**< contains inlines */
    PD_NODE_BULLET_LIST,    /**< as.list; contains list items */
    PD_NODE_ORDERED_LIST,   /**< as.list; contains list items */
    PD_NODE_LIST_ITEM,      /**< contains blocks */
    PD_NODE_BLOCK_QUOTE,    /**< contains blocks */
    PD_NODE_CODE_BLOCK,     /**< text, as.code.info; leaf */
    PD_NODE_THEMATIC_BREAK, /**< leaf */
    PD_NODE_PAGE_BREAK,     /**< leaf */
    PD_NODE_PAID,           /**< paid section; contains blocks, never PAID */
    PD_NODE_PAYWALL,        /**< notice replacing paid text (--paid preview);
                                 contains inlines */
    PD_NODE_RAW_BLOCK,      /**< text, as.raw.format; leaf */
    /* Inlines */
    PD_NODE_TEXT,           /**< text; leaf */
    PD_NODE_EMPH,           /**< contains inlines */
    PD_NODE_STRONG,         /**< contains inlines */
    PD_NODE_CODE,           /**< inline code: text; leaf */
    PD_NODE_LINK,           /**< as.link; contains inlines */
    PD_NODE_LINE_BREAK,     /**< hard line break; leaf */
    PD_NODE_RAW_INLINE,     /**< text, as.raw.format; leaf */
    PD_NODE__MAX
} pd_node_type;

/** First inline type: a type t is a block when t < PD_NODE_FIRST_INLINE. */
#define PD_NODE_FIRST_INLINE PD_NODE_TEXT

/** Lower-case name of every node type ("paragraph", "paid", ...). */
extern const char *const pd_node_type_name[PD_NODE__MAX];

/** How the items of an ordered list are numbered. */
typedef enum pd_list_numbering {
    PD_NUM_DECIMAL = 0,     /**< 1 2 3 */
    PD_NUM_LOWER_ALPHA,     /**< a b c */
    PD_NUM_UPPER_ALPHA,     /**< A B C */
    PD_NUM_CIRCLED          /**< ① ② ③ (no delimiter) */
} pd_list_numbering;

/** What follows or surrounds the number of an ordered list item. */
typedef enum pd_list_delim {
    PD_DELIM_PERIOD = 0,    /**< 1. */
    PD_DELIM_PAREN,         /**< 1) */
    PD_DELIM_NONE           /**< ① */
} pd_list_delim;

/** Payload of bullet and ordered lists. */
struct pd_list {
    int start;              /**< number of the first item (ordered) */
    uint8_t numbering;      /**< pd_list_numbering (ordered) */
    uint8_t delim;          /**< pd_list_delim (ordered) */
    uint8_t tight;          /**< 1: items are not separated by blank lines */
    uint32_t bullet;        /**< bullet code point, e.g. '-' or U+2022 */
};

/**
 * One node.  Links are intrusive; a node has at most one parent.  Text
 * fields point into the owning document's arena.  Writers read the fields
 * directly; readers create nodes through the builder or pd_node_new().
 */
struct pd_node {
    struct pd_node *parent;     /**< NULL for the root */
    struct pd_node *first;      /**< first child */
    struct pd_node *last;       /**< last child */
    struct pd_node *prev;       /**< previous sibling */
    struct pd_node *next;       /**< next sibling */
    pd_node_type type;
    unsigned line;              /**< 1-based source line, 0 if unknown */
    const char *text;           /**< literal of TEXT, CODE, CODE_BLOCK,
                                     RAW_*; NULL otherwise.  len bytes,
                                     not always NUL-terminated */
    size_t len;                 /**< bytes in text */
    union {
        struct {
            int level;          /**< 1..6 */
            int run_in;         /**< 1: the next sibling, a paragraph,
                                     continues on the heading's line */
        } heading;
        struct pd_list list;
        struct {
            const char *url;    /**< target, never NULL for a link */
            const char *title;  /**< may be NULL */
        } link;
        struct {
            const char *info;   /**< info string / language, may be NULL */
        } code;
        struct {
            const char *format; /**< "html", ... */
        } raw;
    } as;
};

/** One metadata entry, in a list owned by the document. */
struct pd_meta {
    const char *key;            /**< "title", "author", "date", "lang", ... */
    const char *value;
    struct pd_meta *next;
};

/**
 * A document: the root node, metadata and the arena that owns both.
 * Create with pd_doc_new(), release everything with pd_doc_free().
 */
struct pd_doc {
    struct pd_node *root;       /**< a PD_NODE_DOCUMENT, never NULL */
    struct pd_meta *meta;       /**< metadata, most recent first */
    struct pd_arena *arena;     /**< owns every node and string */
};

/** Create an empty document.  Never returns NULL. */
struct pd_doc *pd_doc_new(void);

/** Free a document with all its nodes and strings.  NULL is allowed. */
void pd_doc_free(struct pd_doc *doc);

/**
 * A copy of doc's tree and metadata in a new document, e.g. to write one
 * read as several products with different paid modes.  Strings (text,
 * URLs, metadata) are shared with doc, not copied: free the copy before
 * doc.
 */
struct pd_doc *pd_doc_copy(const struct pd_doc *doc);

/**
 * Set metadata key to value (both copied into the arena); an existing
 * value for the key is replaced.  value NULL removes the key.
 */
void pd_doc_set_meta(struct pd_doc *doc, const char *key, const char *value);

/** The value of metadata key, or NULL.  Owned by the document. */
const char *pd_doc_meta(const struct pd_doc *doc, const char *key);

/**
 * The document's language: the "lang" metadata when set, else "zh-CN" when
 * CJK characters outnumber Latin letters in its text, else "en".  Returns a
 * string owned by the document or a static string.
 */
const char *pd_doc_lang(const struct pd_doc *doc);

/** 1 when pd_doc_lang() is a Chinese, Japanese or Korean language tag. */
int pd_doc_is_cjk(const struct pd_doc *doc);

/** Create a detached node of the given type in doc's arena. */
struct pd_node *pd_node_new(struct pd_doc *doc, pd_node_type type);

/** 1 when a node of type parent may contain a node of type child. */
int pd_can_contain(pd_node_type parent, pd_node_type child);

/** 1 when nodes of type t never have children (text, breaks, code...). */
int pd_node_is_leaf(pd_node_type t);

/** Append child (unlinked first if needed) as the last child of parent. */
void pd_node_append(struct pd_node *parent, struct pd_node *child);

/** Insert node (unlinked first if needed) just before sibling. */
void pd_node_insert_before(struct pd_node *sibling, struct pd_node *node);

/** Detach node from its parent and siblings; its children stay with it. */
void pd_node_unlink(struct pd_node *node);

/**
 * Replace node by its children: they move, in order, to node's place, and
 * node is unlinked.  Used to drop a paid section but keep its content.
 */
void pd_node_unwrap(struct pd_node *node);

/**
 * Append the plain text of node's subtree (TEXT and CODE literals, a space
 * for line breaks) to out.
 */
void pd_node_text(const struct pd_node *node, struct pd_buf *out);

/*
 * ------------------------------------------------------------------------
 * Builder (used by readers)
 * ------------------------------------------------------------------------
 */

/**
 * Builds a tree top-down: pd_push() opens a container as the last child of
 * the current node and makes it current, pd_pop() closes it.  Containment
 * rules and a depth limit are enforced here, once for every reader.
 */
struct pd_builder {
    struct pd_doc *doc;         /**< the document being built (borrowed) */
    struct pd_node *cur;        /**< the open container */
    int depth;                  /**< open containers below the root */
    int max_depth;              /**< limit for depth; PD_MAX_DEPTH default */
    unsigned line;              /**< line stamped on new nodes */
};

/** Default nesting limit of the builder. */
#define PD_MAX_DEPTH 256

/** Start building into doc's root. */
void pd_builder_init(struct pd_builder *b, struct pd_doc *doc);

/**
 * Open a container of the given type inside the current node.  Returns the
 * node, or NULL when the current node cannot contain it or max_depth would
 * be exceeded; then nothing changes and the caller decides (flatten, warn).
 */
struct pd_node *pd_push(struct pd_builder *b, pd_node_type type);

/** Close the current container.  Does nothing at the root. */
void pd_pop(struct pd_builder *b);

/** Close containers until the current one is the root. */
void pd_pop_all(struct pd_builder *b);

/**
 * Add a leaf of the given type (not TEXT) to the current node and return
 * it, or NULL when the current node cannot contain it.
 */
struct pd_node *pd_add_leaf(struct pd_builder *b, pd_node_type type);

/**
 * Add text (copied) to the current node, merging it into a directly
 * preceding TEXT node.  Returns the TEXT node, or NULL when the current
 * node cannot contain inlines.  Empty text adds nothing and returns NULL.
 */
struct pd_node *pd_add_text(struct pd_builder *b, const char *s, size_t n);

/*
 * ------------------------------------------------------------------------
 * Iterator (used by writers)
 * ------------------------------------------------------------------------
 */

/** Events of the iterator. */
typedef enum pd_event {
    PD_EVENT_DONE = 0,  /**< the walk is over */
    PD_EVENT_ENTER,     /**< entering a node (leaves give only this) */
    PD_EVENT_EXIT       /**< leaving a container, after its children */
} pd_event;

/**
 * A depth-first walk without recursion or allocation.  Containers produce
 * ENTER and EXIT; leaves (pd_node_is_leaf) only ENTER.  The tree must not
 * be changed during a walk, except that pd_iter_skip() may be called.
 */
struct pd_iter {
    const struct pd_node *root;
    const struct pd_node *node;
    pd_event ev;
};

/** Start a walk of the subtree at root. */
void pd_iter_init(struct pd_iter *it, const struct pd_node *root);

/** Advance; stores the node in *node and returns the event. */
pd_event pd_iter_next(struct pd_iter *it, const struct pd_node **node);

/** After an ENTER of a container, skip its children: next comes its EXIT. */
void pd_iter_skip(struct pd_iter *it);

/*
 * ------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------
 */

/** What to do with paid sections (--paid). */
typedef enum pd_paid_mode {
    PD_PAID_KEEP = 0,   /**< keep and mark them (default) */
    PD_PAID_PREVIEW,    /**< remove them, leave a paywall notice */
    PD_PAID_FULL,       /**< drop the markers, keep the content */
    PD_PAID_ONLY        /**< keep only the paid content */
} pd_paid_mode;

/**
 * How paid sections are spelled in Markdown and HTML output (--paid-style),
 * for the CMS that reads them.  Every reader recognises every style.
 */
typedef enum pd_paid_style {
    PD_STYLE_DEFAULT = 0,    /**< ##paidbegin## / ##paidend## lines in md,
                                  <section class="paid"> in html */
    PD_STYLE_FASTADMIN,      /**< ##paidbegin## / ##paidend## paragraphs in
                                  md and html (FastAdmin CMS) */
    PD_STYLE_GHOST,          /**< <!--members-only--> before the paid part
                                  (Ghost's members-only card) */
    PD_STYLE_WORDPRESS,      /**< <!--more--> before the paid part */
    PD_STYLE_HTML_COMMENT    /**< <!--paidbegin--> ... <!--paidend--> */
} pd_paid_style;

/** Where a teaser boundary goes in a document without markers. */
typedef enum pd_teaser_kind {
    PD_TEASER_NONE = 0,
    PD_TEASER_RATIO,         /**< value: share of characters left free,
                                  0 < value < 1 (--free-ratio) */
    PD_TEASER_PARAGRAPHS,    /**< value: free blocks (--free-paragraphs) */
    PD_TEASER_HEADING        /**< value: the paid part starts at the Nth
                                  top-level heading (--free-until-heading) */
} pd_teaser_kind;

/**
 * Options shared by readers and writers.  Zero-initialised options are the
 * defaults.  All strings are borrowed.
 */
struct pd_opts {
    int standalone;             /**< html: a whole page */
    int unsafe;                 /**< pass raw HTML through */
    pd_paid_mode paid;          /**< applied by pd_apply_paid() */
    const char *paywall_text;   /**< notice text; NULL: by language */
    const char *paywall_url;    /**< notice link target, or NULL */
    const char *encoding;       /**< txt/md input encoding; NULL: detect */
    const char *css_url;        /**< html -s: link this instead of inlining */
    const char *style;          /**< docx style name; NULL: by language */
    const char *reference_doc;  /**< docx: styles from this file */
    size_t max_input;           /**< reject larger input; 0: PD_MAX_INPUT */
    int max_depth;              /**< nesting limit; 0: PD_MAX_DEPTH */
    size_t max_part;            /**< docx: decompressed bytes of one XML
                                     part; 0: 64 MiB */
    size_t max_total;           /**< docx: decompressed bytes of all parts
                                     read; 0: 256 MiB */
    pd_paid_style paid_style;   /**< md/html marker spelling */
    pd_teaser_kind teaser;      /**< applied by pd_apply_teaser() */
    double teaser_value;        /**< see pd_teaser_kind */
    int borrow_input;           /**< the input outlives the document: the
                                     txt reader may point text nodes into
                                     it instead of copying */
};

/** Default input size limit: 1 GiB. */
#define PD_MAX_INPUT ((size_t)1 << 30)

/**
 * Apply opts->paid to doc in place: PREVIEW replaces every paid section by
 * a PD_NODE_PAYWALL notice (text by language, linked to paywall_url), and
 * removes metadata values that contain paid text; FULL unwraps sections;
 * ONLY keeps the content of paid sections and nothing else; KEEP does
 * nothing.
 */
void pd_apply_paid(struct pd_doc *doc, const struct pd_opts *opts);

/**
 * Apply opts->teaser: when doc has no paid section, wrap the blocks from a
 * block boundary chosen by opts->teaser/teaser_value to the end in one paid
 * section (never inside a paragraph).  Returns 1 when a section was made,
 * 0 when not (no teaser asked, the document already has a paid section, or
 * the boundary falls at the very end; a warning through d says why).  Call
 * it before pd_apply_paid().
 */
int pd_apply_teaser(struct pd_doc *doc, const struct pd_opts *opts,
                    struct pd_diag *d);

/** Counts of a document (--stats, the batch manifest). */
struct pd_stats {
    size_t chars_free;      /**< characters (code points, not counting
                                 white space) outside paid sections */
    size_t chars_paid;      /**< the same inside paid sections */
    double preview_ratio;   /**< chars_free / (chars_free + chars_paid);
                                 1 for an empty document */
    size_t paragraphs;      /**< paragraphs, list items' too */
    size_t headings;        /**< headings, the title not included */
    size_t paid_sections;   /**< paid sections */
    size_t lists;           /**< lists */
    size_t page_breaks;     /**< page breaks */
};

/** Count doc into *st. */
void pd_doc_stats(const struct pd_doc *doc, struct pd_stats *st);

/**
 * Check a document before publishing (--lint): unbalanced or nested
 * markers, misspelled markers (##paidbegin#, full-width ＃＃paidbegin＃＃),
 * numbering gaps and skipped levels (一、 then 三、; 一、 then 1.), a paid
 * section that is empty or is the whole document.  doc is the document
 * read from src (src may be NULL for binary formats: then only the tree is
 * checked).  Each problem is reported with pd_warn() and its line; returns
 * their number.
 */
unsigned pd_lint(const struct pd_doc *doc, const unsigned char *src,
                 size_t len, struct pd_diag *d);

/*
 * ------------------------------------------------------------------------
 * Readers, writers and the registry
 * ------------------------------------------------------------------------
 */

/**
 * A reader parses len bytes of in (borrowed; need not be NUL-terminated)
 * and appends what it finds to doc.  Returns 0, or -1 with the error in d.
 */
typedef int (*pd_reader_fn)(struct pd_doc *doc, const unsigned char *in,
                            size_t len, const struct pd_opts *opts,
                            struct pd_diag *d);

/**
 * A writer appends the serialisation of doc to out.  It never changes the
 * document.  Returns 0, or -1 with the error in d (out may then hold part
 * of the output, which the caller discards).
 */
typedef int (*pd_writer_fn)(const struct pd_doc *doc, struct pd_buf *out,
                            const struct pd_opts *opts, struct pd_diag *d);

/** One format of the registry. */
struct pd_format {
    const char *name;           /**< canonical name: "txt", "md", ... */
    const char *aliases;        /**< other names, space separated, or "" */
    const char *extensions;     /**< file extensions, space separated */
    pd_reader_fn read;          /**< NULL when it cannot be read */
    pd_writer_fn write;         /**< NULL when it cannot be written */
    int binary;                 /**< output is binary (never to a tty) */
    const char *description;    /**< one line for --list-formats */
};

/** The formats, in display order; *n receives their number. */
const struct pd_format *pd_formats(size_t *n);

/** The format called name (or one of its aliases), or NULL. */
const struct pd_format *pd_format_by_name(const char *name);

/** The format whose extension path ends with, or NULL. */
const struct pd_format *pd_format_by_path(const char *path);

/**
 * Guess the format of len bytes of content: a zip signature is docx;
 * `<!DOCTYPE html`, a comment, or the start tag of an element that opens
 * a page or fragment (`<html`, `<p>`, `<h1 id=…>`, `<section` …; after a
 * BOM and white space) is html; a JSON object with a "version" field in
 * its first bytes is json; anything else is txt.  Never returns NULL.
 */
const struct pd_format *pd_format_sniff(const unsigned char *in, size_t len);

/** The readers and writers (also reachable through the registry). */
int pd_read_txt(struct pd_doc *, const unsigned char *, size_t,
                const struct pd_opts *, struct pd_diag *);
int pd_write_txt(const struct pd_doc *, struct pd_buf *,
                 const struct pd_opts *, struct pd_diag *);
int pd_write_md(const struct pd_doc *, struct pd_buf *,
                const struct pd_opts *, struct pd_diag *);
int pd_write_html(const struct pd_doc *, struct pd_buf *,
                  const struct pd_opts *, struct pd_diag *);
int pd_write_docx(const struct pd_doc *, struct pd_buf *,
                  const struct pd_opts *, struct pd_diag *);
int pd_read_md(struct pd_doc *, const unsigned char *, size_t,
               const struct pd_opts *, struct pd_diag *);
int pd_read_html(struct pd_doc *, const unsigned char *, size_t,
                 const struct pd_opts *, struct pd_diag *);
int pd_read_docx(struct pd_doc *, const unsigned char *, size_t,
                 const struct pd_opts *, struct pd_diag *);
int pd_read_json(struct pd_doc *, const unsigned char *, size_t,
                 const struct pd_opts *, struct pd_diag *);
int pd_write_json(const struct pd_doc *, struct pd_buf *,
                  const struct pd_opts *, struct pd_diag *);
int pd_read_tree(struct pd_doc *, const unsigned char *, size_t,
                 const struct pd_opts *, struct pd_diag *);
int pd_write_tree(const struct pd_doc *, struct pd_buf *,
                  const struct pd_opts *, struct pd_diag *);

#ifdef __cplusplus
}
#endif

#endif /* PAIDOC_H */
