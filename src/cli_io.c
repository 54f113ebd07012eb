/*
 * cli_io.c - the program's contact with the file system: reading inputs,
 * publishing outputs so that a failed run loses nothing, error messages,
 * signals and the time limit.
 */
#define _XOPEN_SOURCE 700     /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

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
static volatile sig_atomic_t have_tmp;
static char tmp_path[PATH_MAX];
static char alarm_msg[PATH_MAX + 100];
static size_t alarm_msg_len;
static char alarm_record[2 * PATH_MAX + 200];
static size_t alarm_record_len;
static int alarm_fd = -1;

static void
on_signal(int sig)
{
    size_t i;

    if (have_tmp)
        unlink(tmp_path);
    /* Outputs held back for a rename after the sync (cli_set_lazy_sync):
     * the old files stay. */
    for (i = 0; i < pending.len; i++) {
        unlink(pending.data + i);
        i += strlen(pending.data + i) + 1;
        i += strlen(pending.data + i);
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

/* Read all of fd into buf; -1 with errno on failure or above max bytes. */
static int
read_all(int fd, struct pd_buf *buf, size_t max)
{
    for (;;) {
        ssize_t n;

        pd_buf_grow(buf, 65536);
        n = read(fd, buf->data + buf->len, buf->cap - buf->len - 1);
        if (n == 0)
            return 0;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf->len += (size_t)n;
        if (buf->len > max) {
            errno = EFBIG;
            return -1;
        }
    }
}

int
cli_read_input(const char *path, struct pd_buf *buf, size_t max)
{
    int fd = 0, status = 0;
    struct stat st;

    if (strcmp(path, "-") != 0) {
        fd = open(path, O_RDONLY);
        if (fd < 0)
            return cli_error(PD_ERR_NOINPUT, path, "cannot open: %s",
                             strerror(errno));
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(fd);
            return cli_error(PD_ERR_NOINPUT, path,
                             "cannot read: is a directory");
        }
        /* A regular file's size is known: refuse it before reading
         * (reading a 3 GB file up to a 1 GiB cap took 2 GB and 20 s). */
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
            (uintmax_t)st.st_size > (uintmax_t)max) {
            close(fd);
            return cli_error(PD_ERR_DATA, path,
                             "input too large (more than %zu bytes)", max);
        }
    }
    if (read_all(fd, buf, max) < 0) {
        if (errno == EFBIG)
            status = cli_error(PD_ERR_DATA, path,
                               "input too large (more than %zu bytes)", max);
        else
            status = cli_error(PD_ERR_IO, path, "read error: %s",
                               strerror(errno));
    }
    if (fd != 0)
        close(fd);
    return status;
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

/* 1 when the file at path holds exactly out (st: its stat). */
static int
same_content(const char *path, const struct stat *st, const struct pd_buf *out)
{
    char chunk[65536];
    size_t off = 0;
    int fd, same = 1;

    if (!S_ISREG(st->st_mode) || (uintmax_t)st->st_size != out->len ||
        (fd = open(path, O_RDONLY)) < 0)
        return 0;
    while (same) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            same = n == 0 && off == out->len;
            break;
        }
        same = off + (size_t)n <= out->len &&
               memcmp(out->data + off, chunk, (size_t)n) == 0;
        off += (size_t)n;
    }
    close(fd);
    return same;
}

/*
 * Publish out at name: a temporary file in the same directory, written,
 * synced and closed, then renamed over the target.  On any failure the
 * temporary file is removed and an existing file is left as it was.  A
 * symbolic link is followed and its target replaced (the link stays);
 * devices, pipes and the /dev and /proc links to them are written in
 * place, as there is nothing to rename over.
 */
int
cli_publish(const char *name, const struct pd_buf *out)
{
    const char *path = name, *slash;
    char resolved[PATH_MAX];
    struct stat st;
    mode_t mode, mask;
    int fd, n, e, existed = 0;

    if (stat(name, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return cli_error(PD_ERR_CANTCREAT, name,
                             "cannot create: is a directory");
        if (!S_ISREG(st.st_mode) || strncmp(name, "/dev/", 5) == 0 ||
            strncmp(name, "/proc/", 6) == 0)
            return write_direct(name, out);
    }
    if (lstat(name, &st) == 0 && S_ISLNK(st.st_mode)) {
        if (realpath(name, resolved) == NULL)
            return cli_error(PD_ERR_CANTCREAT, name, "cannot create: %s",
                             strerror(errno));
        path = resolved;
    }
    /* In a batch, an output that would not change is left alone: a
     * rebuild then costs a read, not a replacement (and rsync or a CDN
     * sees nothing new). */
    if (lazy_sync && stat(path, &st) == 0 && same_content(path, &st, out))
        return 0;
    slash = strrchr(path, '/');
    if (slash != NULL)
        n = snprintf(tmp_path, sizeof(tmp_path), "%.*s/.%s.tmp.XXXXXX",
                     (int)(slash - path), path, slash + 1);
    else
        n = snprintf(tmp_path, sizeof(tmp_path), ".%s.tmp.XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof(tmp_path))
        return cli_error(PD_ERR_CANTCREAT, name,
                         "cannot create: name too long");
    fd = mkstemp(tmp_path);
    if (fd < 0)
        return cli_error(PD_ERR_CANTCREAT, name, "cannot create: %s",
                         strerror(errno));
    have_tmp = 1;
    if (stat(path, &st) == 0) {
        mode = st.st_mode & 07777;
        existed = 1;
    } else {
        mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (write_all(fd, out->data ? out->data : "", out->len) < 0 ||
        fchmod(fd, mode) < 0 || (!lazy_sync && fsync(fd) < 0)) {
        e = errno;
        close(fd);
        goto fail;
    }
    if (close(fd) < 0) {
        e = errno;
        goto fail;
    }
    if (lazy_sync && existed) {
        /* The old file stays until the new one is on disk: the caller
         * renames after its one sync. */
        pd_buf_put(&pending, tmp_path, strlen(tmp_path) + 1);
        pd_buf_put(&pending, path, strlen(path) + 1);
        have_tmp = 0;
        return 0;
    }
    if (rename(tmp_path, path) < 0) {
        e = errno;
        unlink(tmp_path);
        have_tmp = 0;
        return cli_error(PD_ERR_CANTCREAT, name, "cannot create: %s",
                         strerror(e));
    }
    have_tmp = 0;
    return 0;
fail:
    unlink(tmp_path);
    have_tmp = 0;
    return cli_error(PD_ERR_IO, name, "write error: %s", strerror(e));
}

int
cli_write_stdout(const struct pd_buf *out)
{
    if (write_all(1, out->data ? out->data : "", out->len) < 0)
        return cli_error(PD_ERR_IO, "<stdout>", "write error: %s",
                         strerror(errno));
    return 0;
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
