/*
 * cli.h - the paidoc program (src/main.c and src/cli_*.c): what its parts
 * share.  Not part of the library.
 */
#ifndef PD_CLI_H
#define PD_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

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
 * cli_sha256.c
 */
struct cli_sha256 {
    uint32_t h[8];
    uint64_t len;               /**< bytes hashed */
    unsigned char buf[64];      /**< a partial block */
    size_t nbuf;
};
void cli_sha256_init(struct cli_sha256 *c);
void cli_sha256_update(struct cli_sha256 *c, const void *data, size_t len);
void cli_sha256_final(struct cli_sha256 *c, char hex[65]);

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

/**
 * An input's bytes: a large regular file is mapped (no copy, no zeroed
 * pages), anything else is read into buf.
 */
struct cli_input {
    const unsigned char *data;  /**< len bytes; never NULL */
    size_t len;
    struct pd_buf buf;          /**< the bytes when read */
    void *map;                  /**< the mapping, or NULL */
    size_t map_len;
};

/** Read the input at path ("-": stdin), at most max bytes; 0 or the exit
 *  status after an error message.  Release with cli_input_free(). */
int cli_read_input(const char *path, struct cli_input *in, size_t max);

/** Release an input (also one that failed or is all zeros). */
void cli_input_free(struct cli_input *in);

/*
 * An output: a temporary file next to its target, written as the writer
 * goes (the writer's pd_buf streams into it) and renamed over the target
 * when everything succeeded, so that a failure leaves the old file as it
 * was.  Devices, pipes and the /dev and /proc links to them are written in
 * place, whole, at the end; standard output is streamed or kept whole.
 */
struct cli_output {
    const char *name;           /**< for messages: as given, "<stdout>" */
    char path[PATH_MAX];        /**< the file replaced (links resolved) */
    int fd;                     /**< where the sink writes; -1: kept whole */
    int slot;                   /**< the temporary file, -1: none */
    int to_stdout, direct;
    int existed;                /**< path existed: mode and size below */
    mode_t mode;
    off_t old_size;
    int err;                    /**< errno of a failed write */
    uintmax_t bytes;            /**< bytes written */
    int hash;                   /**< (set by the caller) compute sha */
    struct cli_sha256 sha;      /**< of the bytes written, when hash */
};

/** Open the output name (NULL or "-": standard output, streamed when
 *  stream_stdout is set) and make buf stream into it; 0 or an exit
 *  status after an error message. */
int cli_output_open(struct cli_output *o, const char *name,
                    int stream_stdout, struct pd_buf *buf);

/** After the writer: pass the rest of buf, sync and close the temporary
 *  file; 0 or an exit status (the output is then aborted). */
int cli_output_close(struct cli_output *o, struct pd_buf *buf);

/** Rename the closed temporary over the target (or write buf when it was
 *  kept whole); 0 or an exit status. */
int cli_output_publish(struct cli_output *o, const struct pd_buf *buf);

/** Remove the temporary file of an output not published. */
void cli_output_abort(struct cli_output *o);

/** Publish out at name: open, close and publish in one. */
int cli_publish(const char *name, struct pd_buf *out);

/**
 * With on set, outputs are not fsynced (cli_output_close(), also for
 * cli_publish()): a new file is renamed into place at once (there is no
 * old content to lose), and the caller must sync the file system before
 * it reports success; a file that would
 * replace an existing one stays a temporary file, listed in
 * cli_pending_renames(), for the caller to rename after that sync, so the
 * old content is never replaced by data not yet on disk.
 */
void cli_set_lazy_sync(int on);

/** The renames held back by lazy sync: "tmp\0target\0" pairs. */
struct pd_buf *cli_pending_renames(void);

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
