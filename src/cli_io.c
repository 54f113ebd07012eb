/*
 * cli_io.c - the program's contact with the file system: reading inputs,
 * publishing outputs so that a failed run loses nothing, error messages,
 * signals and the time limit.
 */
#define _XOPEN_SOURCE 700     /* realpath */
#define _DEFAULT_SOURCE       /* MAP_POPULATE */
#define _GNU_SOURCE           /* mremap() */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "internal.h"

static char last_error[1024];
static int lazy_sync;
static struct pd_buf pending;   /* "tmp\0target\0" pairs (lazy_sync) */

void
cli_set_lazy_sync(int on)
{
    lazy_sync = on;
}

struct pd_buf *
cli_pending_renames(void)
{
    return &pending;
}

int
cli_error(int status, const char *file, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
    if (file != NULL)
        fprintf(stderr, "paidoc: %s: %s\n", file, last_error);
    else
        fprintf(stderr, "paidoc: %s\n", last_error);
    return status;
}

const char *
cli_last_error(void)
{
    return last_error;
}

/*
 * Signals.  The temporary output file is removed when a signal ends the
 * program; SIGALRM is the time limit.  The handler only uses
 * async-signal-safe calls, on data prepared before the alarm was armed.
 */
/* The temporary outputs being written: one per product, and the
 * manifest. */
#define NTMP (CLI_MAX_PRODUCTS + 1)
static volatile sig_atomic_t tmp_live[NTMP];
static char tmp_paths[NTMP][PATH_MAX];
static char alarm_msg[PATH_MAX + 100];
static size_t alarm_msg_len;
static char alarm_record[2 * PATH_MAX + 200];
static size_t alarm_record_len;
static int alarm_fd = -1;
static const char *volatile bus_name;  /* the input mapped, or NULL */

static void
on_signal(int sig)
{
    size_t i;

    for (i = 0; i < NTMP; i++)
        if (tmp_live[i])
            unlink(tmp_paths[i]);
    /* Outputs held back for a rename after the sync (cli_set_lazy_sync):
     * the old files stay. */
    for (i = 0; i < pending.len; i++) {
        unlink(pending.data + i);
        i += strlen(pending.data + i) + 1;
        i += strlen(pending.data + i);
    }
    if (sig == SIGBUS && bus_name != NULL) {
        /* The mapped input was truncated while being read. */
        const char *m1 = "paidoc: ", *m2 = ": read error: the file shrank "
                         "while it was read\n";
        ssize_t r = write(2, m1, strlen(m1));

        r = write(2, bus_name, strlen(bus_name));
        r = write(2, m2, strlen(m2));
        (void)r;
        _exit(PD_ERR_IO);
    }
    if (sig == SIGALRM) {
        /* A failed write cannot be reported: we are leaving anyway. */
        ssize_t r = write(2, alarm_msg, alarm_msg_len);

        if (alarm_fd >= 0)
            r = write(alarm_fd, alarm_record, alarm_record_len);
        (void)r;
        _exit(PD_ERR_DATA);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void
cli_catch_signals(void)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    signal(SIGALRM, on_signal);
    signal(SIGBUS, on_signal);
}

void
cli_arm_time_limit(unsigned seconds, const char *name, int record_fd)
{
    char msg[64], *rec;
    json_t *o;
    int n;

    if (seconds == 0)
        return;
    n = snprintf(alarm_msg, sizeof(alarm_msg),
                 "paidoc: %s: time limit exceeded (%u s)\n", name, seconds);
    alarm_msg_len = n < 0 ? 0 : (size_t)n >= sizeof(alarm_msg)
                  ? sizeof(alarm_msg) - 1 : (size_t)n;
    alarm_fd = -1;
    alarm_record_len = 0;
    if (record_fd >= 0) {
        /* The manifest line the handler writes, made now: jansson is not
         * for signal handlers. */
        snprintf(msg, sizeof(msg), "time limit exceeded (%u s)", seconds);
        o = json_pack("{s:s, s:i, s:s, s:[], s:[]}", "input", name,
                      "status", PD_ERR_DATA, "error", msg, "outputs",
                      "warnings");
        rec = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
        if (rec != NULL && strlen(rec) + 1 < sizeof(alarm_record)) {
            alarm_record_len = (size_t)snprintf(alarm_record,
                                                sizeof(alarm_record), "%s\n",
                                                rec);
            alarm_fd = record_fd;
        }
        free(rec);
        json_decref(o);
    }
    alarm(seconds);
}

void
cli_disarm_time_limit(void)
{
    alarm(0);
}

/*
 * A pipe's bytes go into in->buf up to READ_BIG; a bigger input moves to
 * an anonymous mapping marked for transparent huge pages, which grows by
 * doubling.  A buffer of 4 KiB pages faults once a page (about 12 us each
 * on the VMs we measure on) and realloc() copies it into fresh pages as
 * it doubles: 20 MB from a pipe took three times as long as from a file.
 */
#define READ_BIG ((size_t)1 << 20)

/* Move in->buf into a mapping of cap bytes; -1 with errno on failure. */
static int
grow_map(struct cli_input *in, size_t cap)
{
    char *p;

#if defined(MREMAP_MAYMOVE)
    if (in->map != NULL) {
        p = mremap(in->map, in->map_len, cap, MREMAP_MAYMOVE);
        if (p == MAP_FAILED)
            return -1;
        in->map = p;
        in->map_len = cap;
        return 0;
    }
#endif
    if ((p = pd_map_huge(cap)) == NULL)
        return -1;
    if (in->map != NULL) {
        memcpy(p, in->map, in->len);
        munmap(in->map, in->map_len);
    } else {
        memcpy(p, in->buf.data, in->buf.len);
        in->len = in->buf.len;
        pd_buf_free(&in->buf);
    }
    in->map = p;
    in->map_len = cap;
    return 0;
}

/*
 * Read all of fd into in (in->buf, or in->map once it is big); -1 with
 * errno on failure or above max bytes.
 */
static int
read_all(int fd, struct cli_input *in, size_t max)
{
    for (;;) {
        ssize_t n;
        char *at;
        size_t room;

        if (in->map == NULL && in->buf.len + 65536 > READ_BIG &&
            grow_map(in, 4 * READ_BIG) < 0)
            return -1;
        if (in->map == NULL) {
            pd_buf_grow(&in->buf, 65536);
            at = in->buf.data + in->buf.len;
            room = in->buf.cap - in->buf.len - 1;
        } else {
            if (in->map_len - in->len < 65536 &&
                (in->map_len > ((size_t)-1) / 2 ||
                 grow_map(in, 2 * in->map_len) < 0)) {
                errno = ENOMEM;
                return -1;
            }
            at = (char *)in->map + in->len;
            room = in->map_len - in->len;
        }
        n = read(fd, at, room);
        if (n == 0)
            return 0;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (in->map == NULL) {
            in->buf.len += (size_t)n;
            in->buf.data[in->buf.len] = '\0';
        } else {
            in->len += (size_t)n;
        }
        if ((in->map == NULL ? in->buf.len : in->len) > max) {
            errno = EFBIG;
            return -1;
        }
    }
}

/*
 * Inputs of at least this size are mapped rather than read: the reader
 * then works on the page cache itself, without copying every byte into
 * freshly zeroed memory (for 20 MB, a tenth of a txt -> html run).
 */
#define MAP_MIN ((off_t)1 << 20)

/*
 * Map the rest of the regular file fd (st its fstat), from its current
 * offset: standard input redirected from a file may have been read in
 * part already.  The offset is then moved to the end, as reading would.
 * Returns 1 when mapped, 0 when the file is better read (small, or not
 * mappable).
 */
static int
map_input(int fd, const struct stat *st, const char *path,
          struct cli_input *in)
{
    off_t off = fd == 0 ? lseek(fd, 0, SEEK_CUR) : 0, base;
    long page = sysconf(_SC_PAGESIZE);
    void *m;

    if (off < 0 || off > st->st_size || st->st_size - off < MAP_MIN ||
        (uintmax_t)st->st_size > (uintmax_t)SIZE_MAX || page <= 0)
        return 0;
    base = off - off % page;
    m = mmap(NULL, (size_t)(st->st_size - base), PROT_READ,
             MAP_PRIVATE | MAP_POPULATE, fd, base);
    if (m == MAP_FAILED)
        return 0;           /* not mappable (some file systems): read it */
    if (fd == 0)
        (void)lseek(fd, 0, SEEK_END);
    in->map = m;
    in->map_len = (size_t)(st->st_size - base);
    in->data = (const unsigned char *)m + (off - base);
    in->len = (size_t)(st->st_size - off);
    /* Shrinking the file under us would be a SIGBUS: it is reported as
     * a read error (see on_signal()). */
    bus_name = path;
    return 1;
}

int
cli_read_input(const char *path, struct cli_input *in, size_t max)
{
    int fd = 0, status = 0;
    struct stat st;

    memset(in, 0, sizeof(*in));
    in->data = (const unsigned char *)"";
    if (strcmp(path, "-") != 0) {
        fd = open(path, O_RDONLY);
        if (fd < 0)
            return cli_error(PD_ERR_NOINPUT, path, "cannot open: %s",
                             strerror(errno));
    }
    if (fstat(fd, &st) < 0)
        memset(&st, 0, sizeof(st));     /* neither mapped nor refused */
    if (S_ISDIR(st.st_mode)) {
        if (fd != 0)
            close(fd);
        return cli_error(PD_ERR_NOINPUT, path, "cannot read: is a directory");
    }
    /* A regular file's size is known: refuse it before reading (reading
     * a 3 GB file up to a 1 GiB cap took 2 GB and 20 s). */
    if (S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uintmax_t)st.st_size > (uintmax_t)max) {
        if (fd != 0)
            close(fd);
        return cli_error(PD_ERR_DATA, path,
                         "input too large (more than %zu bytes)", max);
    }
    if (S_ISREG(st.st_mode) && map_input(fd, &st, path, in)) {
        if (fd != 0)
            close(fd);
        return 0;
    }
    if (read_all(fd, in, max) < 0) {
        if (errno == EFBIG)
            status = cli_error(PD_ERR_DATA, path,
                               "input too large (more than %zu bytes)", max);
        else
            status = cli_error(PD_ERR_IO, path, "read error: %s",
                               strerror(errno));
    }
    if (fd != 0)
        close(fd);
    if (in->map != NULL)
        in->data = in->map;
    else if (in->buf.data != NULL) {
        in->data = (const unsigned char *)in->buf.data;
        in->len = in->buf.len;
    }
    return status;
}

void
cli_input_free(struct cli_input *in)
{
    if (in->map != NULL) {
        munmap(in->map, in->map_len);
        bus_name = NULL;
    }
    pd_buf_free(&in->buf);
    memset(in, 0, sizeof(*in));
    in->data = (const unsigned char *)"";
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
static int
write_direct(const char *path, const struct pd_buf *out)
{
    int fd = open(path, O_WRONLY | O_TRUNC);

    if (fd < 0)
        return cli_error(PD_ERR_CANTCREAT, path, "cannot open: %s",
                         strerror(errno));
    if (write_all(fd, out->data ? out->data : "", out->len) < 0) {
        int e = errno;

        close(fd);
        return cli_error(PD_ERR_IO, path, "write error: %s", strerror(e));
    }
    if (close(fd) < 0)
        return cli_error(PD_ERR_IO, path, "write error: %s",
                         strerror(errno));
    return 0;
}

/* Read up to n bytes, retrying short reads; bytes read or -1. */
static ssize_t
read_full(int fd, char *p, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* 1 when the files at a and b (regular, same size) hold the same bytes. */
static int
same_files(const char *a, const char *b)
{
    static char x[65536], y[65536];
    int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY), same = 0;

    while (fa >= 0 && fb >= 0) {
        ssize_t na = read_full(fa, x, sizeof(x)), nb = read_full(fb, y,
                                                                sizeof(y));

        if (na < 0 || na != nb || memcmp(x, y, (size_t)na) != 0)
            break;
        if (na == 0) {
            same = 1;
            break;
        }
    }
    if (fa >= 0)
        close(fa);
    if (fb >= 0)
        close(fb);
    return same;
}

/* The sink of a streamed output: the file, its hash and size. */
static int
output_sink(void *ud, const char *p, size_t n)
{
    struct cli_output *o = ud;

    if (write_all(o->fd, p, n) < 0) {
        o->err = errno;
        return -1;
    }
    if (o->hash)
        cli_sha256_update(&o->sha, p, n);
    o->bytes += n;
    return 0;
}

int
cli_output_open(struct cli_output *o, const char *name, int stream_stdout,
                struct pd_buf *buf)
{
    const char *slash;
    char resolved[PATH_MAX];
    struct stat st;
    mode_t mask;
    int n, i;

    memset(o, 0, sizeof(*o));
    o->fd = -1;
    o->slot = -1;
    cli_sha256_init(&o->sha);
    if (name == NULL || strcmp(name, "-") == 0) {
        o->name = "<stdout>";
        o->to_stdout = 1;
        if (stream_stdout) {
            o->fd = 1;
            pd_buf_set_sink(buf, output_sink, o);
        }
        return 0;
    }
    o->name = name;
    if (strlen(name) >= sizeof(o->path))
        return cli_error(PD_ERR_CANTCREAT, name,
                         "cannot create: name too long");
    snprintf(o->path, sizeof(o->path), "%s", name);
    if (stat(name, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return cli_error(PD_ERR_CANTCREAT, name,
                             "cannot create: is a directory");
        if (!S_ISREG(st.st_mode) || strncmp(name, "/dev/", 5) == 0 ||
            strncmp(name, "/proc/", 6) == 0) {
            /* Nothing to rename over: written in place at the end. */
            o->direct = 1;
            return 0;
        }
    }
    if (lstat(name, &st) == 0 && S_ISLNK(st.st_mode)) {
        if (realpath(name, resolved) == NULL)
            return cli_error(PD_ERR_CANTCREAT, name, "cannot create: %s",
                             strerror(errno));
        snprintf(o->path, sizeof(o->path), "%s", resolved);
    }
    for (i = 0; i < NTMP && tmp_live[i]; i++)
        ;
    if (i == NTMP)
        return cli_error(PD_ERR_INTERNAL, name, "too many outputs");
    slash = strrchr(o->path, '/');
    if (slash != NULL)
        n = snprintf(tmp_paths[i], PATH_MAX, "%.*s/.%s.tmp.XXXXXX",
                     (int)(slash - o->path), o->path, slash + 1);
    else
        n = snprintf(tmp_paths[i], PATH_MAX, ".%s.tmp.XXXXXX", o->path);
    if (n < 0 || n >= PATH_MAX)
        return cli_error(PD_ERR_CANTCREAT, name,
                         "cannot create: name too long");
    o->fd = mkstemp(tmp_paths[i]);
    if (o->fd < 0)
        return cli_error(PD_ERR_CANTCREAT, name, "cannot create: %s",
                         strerror(errno));
    o->slot = i;
    tmp_live[i] = 1;
    if (stat(o->path, &st) == 0) {
        o->mode = st.st_mode & 07777;
        o->existed = 1;
        o->old_size = st.st_size;
    } else {
        mask = umask(0);
        umask(mask);
        o->mode = 0666 & ~mask;
    }
    pd_buf_set_sink(buf, output_sink, o);
    return 0;
}

/* Forget the temporary file (already renamed or removed). */
static void
drop_tmp(struct cli_output *o)
{
    if (o->slot >= 0)
        tmp_live[o->slot] = 0;
    o->slot = -1;
}

void
cli_output_abort(struct cli_output *o)
{
    if (o->slot >= 0) {
        if (o->fd >= 0)
            close(o->fd);
        unlink(tmp_paths[o->slot]);
        drop_tmp(o);
    }
    o->fd = -1;
}

int
cli_output_close(struct cli_output *o, struct pd_buf *buf)
{
    int e;

    if (buf->sink == NULL) {
        /* Kept whole: standard output (not streamed) or a device. */
        if (o->hash)
            cli_sha256_update(&o->sha, buf->data ? buf->data : "",
                              buf->len);
        o->bytes = buf->len;
        return 0;
    }
    if (pd_buf_flush(buf) < 0) {
        e = o->err;
        goto fail;
    }
    if (o->slot < 0)
        return 0;               /* standard output, streamed */
    if (fchmod(o->fd, o->mode) < 0 || (!lazy_sync && fsync(o->fd) < 0)) {
        e = errno;
        goto fail;
    }
    e = close(o->fd) < 0 ? errno : 0;
    o->fd = -1;
    if (e != 0)
        goto fail;
    return 0;
fail:
    cli_output_abort(o);
    return cli_error(PD_ERR_IO, o->name, "write error: %s", strerror(e));
}

int
cli_output_publish(struct cli_output *o, const struct pd_buf *buf)
{
    const char *tmp;
    int e;

    if (o->to_stdout) {
        if (o->fd < 0 && write_all(1, buf->data ? buf->data : "",
                                   buf->len) < 0)
            return cli_error(PD_ERR_IO, "<stdout>", "write error: %s",
                             strerror(errno));
        return 0;
    }
    if (o->direct)
        return write_direct(o->name, buf);
    tmp = tmp_paths[o->slot];
    /* In a batch, an output that would not change is left alone: a
     * rebuild then costs a read, not a replacement (and rsync or a CDN
     * sees nothing new). */
    if (lazy_sync && o->existed && (uintmax_t)o->old_size == o->bytes &&
        same_files(tmp, o->path)) {
        unlink(tmp);
        drop_tmp(o);
        return 0;
    }
    if (lazy_sync && o->existed) {
        /* The old file stays until the new one is on disk: the caller
         * renames after its one sync. */
        pd_buf_put(&pending, tmp, strlen(tmp) + 1);
        pd_buf_put(&pending, o->path, strlen(o->path) + 1);
        drop_tmp(o);
        return 0;
    }
    if (rename(tmp, o->path) < 0) {
        e = errno;
        cli_output_abort(o);
        return cli_error(PD_ERR_CANTCREAT, o->name, "cannot create: %s",
                         strerror(e));
    }
    drop_tmp(o);
    return 0;
}

int
cli_publish(const char *name, struct pd_buf *out)
{
    struct cli_output o;
    int status;

    if ((status = cli_output_open(&o, name, 0, out)) != 0 ||
        (status = cli_output_close(&o, out)) != 0)
        return status;
    return cli_output_publish(&o, out);
}

int
cli_make_parents(const char *path)
{
    char dir[PATH_MAX];
    size_t i, n = strlen(path);

    while (n > 0 && path[n - 1] != '/')
        n--;
    if (n == 0)
        return 0;
    if (n >= sizeof(dir))
        return cli_error(PD_ERR_CANTCREAT, path,
                         "cannot create: name too long");
    memcpy(dir, path, n);
    dir[n] = '\0';
    for (i = 1; i <= n; i++) {
        if (dir[i] != '/' && dir[i] != '\0')
            continue;
        dir[i] = '\0';
        if (mkdir(dir, 0777) < 0 && errno != EEXIST)
            return cli_error(PD_ERR_CANTCREAT, path,
                             "cannot create directory %s: %s", dir,
                             strerror(errno));
        if (i < n)
            dir[i] = '/';
    }
    return 0;
}
