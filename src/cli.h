/*
 * cli.h - the paidoc program (src/main.c and src/cli_*.c): what its parts
 * share.  Not part of the library.
 */
#ifndef PD_CLI_H
#define PD_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "paidoc.h"

#define CLI_MAX_PRODUCTS 16
#define CLI_MAX_META 64

/** One output of a conversion: a format and, optionally, its paid mode. */
struct cli_product {
    const struct pd_format *fmt;
    int has_mode;               /**< a mode was given with the format */
    pd_paid_mode mode;          /**< the mode used for this product */
    const char *mode_name;      /**< "preview", ...; for NAME.MODE.EXT */
};

/** Everything the command line asked for. */
struct cli {
    struct pd_opts opts;
    const struct pd_format *from;       /**< NULL: per input */
    struct cli_product prod[CLI_MAX_PRODUCTS];
    int nprod;
    const char *meta[CLI_MAX_META];     /**< KEY=VALUE */
    int nmeta;
    int strict;
    unsigned time_limit;                /**< seconds, 0: none */
    const char *outdir;                 /**< -d */
    int jobs;                           /**< -j */
    int recursive;                      /**< -r */
    const char *manifest;               /**< --manifest */
};

/*
 * cli_io.c: reading inputs, publishing outputs, errors, signals.
 */

/** Print "paidoc: FILE: msg" (FILE may be NULL), remember msg for the
 *  manifest, and return status. */
int cli_error(int status, const char *file, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/** The message of the last cli_error(), "" if none. */
const char *cli_last_error(void);

/** Read the input at path ("-": stdin) into buf, at most max bytes;
 *  0 or the exit status after an error message. */
int cli_read_input(const char *path, struct pd_buf *buf, size_t max);

/** Publish out at path atomically (see cli_io.c); 0 or an exit status. */
int cli_publish(const char *path, const struct pd_buf *out);

/**
 * With on set, cli_publish() does not fsync: a new file is renamed into
 * place at once (there is no old content to lose), and the caller must
 * sync the file system before it reports success; a file that would
 * replace an existing one stays a temporary file, listed in
 * cli_pending_renames(), for the caller to rename after that sync, so the
 * old content is never replaced by data not yet on disk.
 */
void cli_set_lazy_sync(int on);

/** The renames held back by lazy sync: "tmp\0target\0" pairs. */
struct pd_buf *cli_pending_renames(void);

/** Write out to standard output; 0 or an exit status. */
int cli_write_stdout(const struct pd_buf *out);

/** Create the directories above path (mkdir -p of its dirname). */
int cli_make_parents(const char *path);

/** Catch SIGINT, SIGTERM, SIGHUP and SIGALRM: remove a temporary output,
 *  then end as the signal says (SIGALRM: the time limit, exit 65). */
void cli_catch_signals(void);

/** Arm the time limit for input `name` (0 seconds: none).  When it
 *  expires the temporary output is removed, the message printed, the
 *  prepared manifest record written to record_fd (if >= 0), and the
 *  process exits 65. */
void cli_arm_time_limit(unsigned seconds, const char *name, int record_fd);
void cli_disarm_time_limit(void);

/*
 * cli_sha256.c
 */
void cli_sha256_hex(const void *data, size_t len, char hex[65]);

/*
 * main.c: one conversion, shared by single runs and batch workers.
 */

/**
 * Read files[0..nfiles) as one document and write every product: to
 * outputs[i] (NULL or "-": standard output).  When record is not NULL a
 * manifest line (JSON, ending in a newline) is appended to it.  Returns 0
 * or the exit status; messages are printed.
 */
int cli_convert(const struct cli *c, char **files, int nfiles,
                char **outputs, struct pd_buf *record);

/*
 * cli_batch.c: -d.
 */
int cli_batch(const struct cli *c, char **files, int nfiles);

#endif
