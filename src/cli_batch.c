/*
 * cli_batch.c - -d DIR: every input converted on its own, N at a time.
 *
 * The conversions run in N worker processes, each fed input numbers
 * through a pipe: a crash, a time limit or an exhausted memory in one
 * document ends only its worker, which is replaced, and the single-file
 * code (which may exit) serves unchanged.  Workers live for the whole run,
 * so a small file costs its conversion and not a new process.  A worker's
 * standard error and manifest line go to two temporary files, unlinked as
 * soon as they are made (nothing is left behind whatever ends the run),
 * which the parent reads when the worker reports the input done or dies.
 * Errors of one input are printed together, and the manifest is written in
 * input order, so the result does not depend on -j.
 */
#define _GNU_SOURCE     /* syncfs */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "internal.h"
#include "cli.h"

struct job {
    char *input;            /* the path to read */
    char *base;             /* DIR/SUBDIRS/NAME, to which .EXT is added */
    char *record;           /* manifest line (malloc), or NULL */
    int status;
};

/* A worker process and the parent's ends of its pipes and files. */
struct worker {
    pid_t pid;              /* 0: not running */
    int to_fd;              /* parent -> worker: job numbers */
    int from_fd;            /* worker -> parent: exit status of a job */
    int err_fd;             /* the worker's standard error */
    int rec_fd;             /* its manifest line, -1 without --manifest */
    int busy;
    size_t job;             /* the job it is on, when busy */
};

struct batch {
    const struct cli *c;
    struct job *jobs;
    size_t njobs, cap;
    dev_t out_dev;          /* the output directory, not to be walked */
    ino_t out_ino;
    int have_out;
    const char *tmpdir;     /* for the unlinked temporary files */
    int progress;           /* stderr is a terminal */
    double start, last_shown;
    size_t done, failed;
};

static char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;

    return memcpy(pd_xmalloc(n), s, n);
}

static char *
join(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    char *s = pd_xmalloc(n + m + 2);

    memcpy(s, a, n);
    s[n] = '/';
    memcpy(s + n + 1, b, m + 1);
    return s;
}

static double
now(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* Add input path, whose outputs go to outdir/rel minus its extension. */
static void
add_job(struct batch *b, const char *path, const char *rel)
{
    struct job *j;
    const char *slash = strrchr(rel, '/'), *dot = strrchr(rel, '.');
    size_t stem = dot != NULL && dot > (slash ? slash + 1 : rel)
                ? (size_t)(dot - rel) : strlen(rel);
    size_t n = strlen(b->c->outdir);

    if (b->njobs == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 64;
        b->jobs = pd_xrealloc(b->jobs, b->cap * sizeof(*b->jobs));
    }
    j = &b->jobs[b->njobs++];
    memset(j, 0, sizeof(*j));
    j->input = xstrdup(path);
    j->base = pd_xmalloc(n + stem + 2);
    memcpy(j->base, b->c->outdir, n);
    j->base[n] = '/';
    memcpy(j->base + n + 1, rel, stem);
    j->base[n + 1 + stem] = '\0';
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* -r: the documents under dir (formats known by extension), sorted,
 * skipping hidden entries, symbolic links to directories and the output
 * directory. */
static int
walk(struct batch *b, const char *dir, const char *rel, int depth)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int status = 0;

    if (depth > 64)
        return cli_error(PD_ERR_NOINPUT, dir, "directories nested too deep");
    if ((d = opendir(dir)) == NULL)
        return cli_error(PD_ERR_NOINPUT, dir, "cannot open: %s",
                         strerror(errno));
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            names = pd_xrealloc(names, cap * sizeof(*names));
        }
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), by_name);
    for (i = 0; i < n; i++) {
        char *path = join(dir, names[i]);
        char *sub = *rel ? join(rel, names[i]) : xstrdup(names[i]);
        const struct pd_format *f;
        struct stat st, lst;

        if (stat(path, &st) == 0 && lstat(path, &lst) == 0) {
            if (S_ISDIR(st.st_mode)) {
                if (!S_ISLNK(lst.st_mode) && !(b->have_out &&
                    st.st_dev == b->out_dev && st.st_ino == b->out_ino)) {
                    int s = walk(b, path, sub, depth + 1);

                    status = s > status ? s : status;
                }
            } else if (S_ISREG(st.st_mode) &&
                       (f = pd_format_by_path(names[i])) != NULL &&
                       f->read != NULL) {
                add_job(b, path, sub);
            }
        }
        free(path);
        free(sub);
        free(names[i]);
    }
    free(names);
    return status;
}

/* The first extension of a format: "html" of "html htm". */
static void
output_name(char *out, size_t cap, const struct job *j,
            const struct cli_product *p)
{
    const char *ext = p->fmt->extensions;
    int elen = (int)strcspn(ext, " ");

    if (p->has_mode)
        snprintf(out, cap, "%s.%s.%.*s", j->base, p->mode_name, elen, ext);
    else
        snprintf(out, cap, "%s.%.*s", j->base, elen, ext);
}

struct out_ref {
    char *path;
    size_t job;
};

static int
by_path(const void *a, const void *b)
{
    const struct out_ref *x = a, *y = b;
    int d = strcmp(x->path, y->path);

    return d ? d : (x->job > y->job) - (x->job < y->job);
}

/* Two inputs must not write the same output: a.txt and a.md both give
 * a.html.  Checked before anything is written. */
static int
check_collisions(const struct batch *b)
{
    size_t n = b->njobs * (size_t)b->c->nprod, k = 0, i;
    struct out_ref *refs = pd_xmalloc((n ? n : 1) * sizeof(*refs));
    char name[PATH_MAX + 64];
    int status = 0, p;

    for (i = 0; i < b->njobs; i++)
        for (p = 0; p < b->c->nprod; p++) {
            output_name(name, sizeof(name), &b->jobs[i], &b->c->prod[p]);
            refs[k].path = xstrdup(name);
            refs[k++].job = i;
        }
    qsort(refs, n, sizeof(*refs), by_path);
    for (i = 1; i < n; i++)
        if (strcmp(refs[i].path, refs[i - 1].path) == 0 && status == 0)
            status = cli_error(PD_ERR_USAGE, refs[i].path,
                               "would be written from both %s and %s",
                               b->jobs[refs[i - 1].job].input,
                               b->jobs[refs[i].job].input);
    for (i = 0; i < n; i++)
        free(refs[i].path);
    free(refs);
    return status;
}

/* An anonymous temporary file: created and unlinked at once. */
static int
anon_file(const struct batch *b)
{
    char path[PATH_MAX];
    int fd;

    snprintf(path, sizeof(path), "%s/.paidoc.XXXXXX", b->tmpdir);
    fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

/* Convert job i in a worker: stderr already goes to the worker's file;
 * the manifest line is written to rec_fd. */
static int
do_job(struct batch *b, size_t i, int rec_fd)
{
    const struct cli *c = b->c;
    struct job *j = &b->jobs[i];
    char path[PATH_MAX + 64], *outputs[CLI_MAX_PRODUCTS];
    struct pd_buf rec = {0};
    int status, p;

    for (p = 0; p < c->nprod; p++) {
        output_name(path, sizeof(path), j, &c->prod[p]);
        outputs[p] = xstrdup(path);
    }
    cli_arm_time_limit(c->time_limit, j->input, rec_fd);
    status = cli_convert(c, &j->input, 1, outputs, rec_fd >= 0 ? &rec : NULL);
    cli_disarm_time_limit();
    if (rec_fd >= 0) {
        size_t off = 0;

        while (off < rec.len) {
            ssize_t w = write(rec_fd, rec.data + off, rec.len - off);

            if (w <= 0)
                break;
            off += (size_t)w;
        }
    }
    pd_buf_free(&rec);
    for (p = 0; p < c->nprod; p++)
        free(outputs[p]);
    fflush(stderr);
    return status;
}

/* Read exactly n bytes; 1, or 0 at end of file or on error. */
static int
read_full(int fd, void *p, size_t n)
{
    char *q = p;

    while (n > 0) {
        ssize_t r = read(fd, q, n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        q += r;
        n -= (size_t)r;
    }
    return 1;
}

/* Write all of n bytes; 1, or 0 on error. */
static int
write_full(int fd, const void *p, size_t n)
{
    const char *q = p;

    while (n > 0) {
        ssize_t w = write(fd, q, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return 0;
        q += w;
        n -= (size_t)w;
    }
    return 1;
}

/* A job's result: its exit status, then the renames it left to the
 * parent (a length and "tmp\0target\0" pairs). */
static int
send_result(int fd, int status, const struct pd_buf *renames)
{
    size_t n = renames->len;

    return write_full(fd, &status, sizeof(status)) &&
           write_full(fd, &n, sizeof(n)) &&
           write_full(fd, renames->data ? renames->data : "", n);
}

/* The worker: jobs until the parent closes the pipe. */
static void
worker_main(struct batch *b, struct worker *w)
{
    size_t i;
    int status;

    signal(SIGPIPE, SIG_DFL);
    dup2(w->err_fd, 2);
    cli_set_lazy_sync(1);       /* the parent syncs once at the end */
    pd_buf_clear(cli_pending_renames());    /* the parent's, not ours */
#ifdef __GLIBC__
    /* Keep freed memory for the next input instead of giving it back to
     * the kernel: a page fault costs more than converting a small file's
     * share of a page. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
    while (read_full(w->to_fd, &i, sizeof(i))) {
        /* Each job starts with empty files (the parent has read them). */
        if (ftruncate(w->err_fd, 0) < 0 || lseek(w->err_fd, 0, SEEK_SET) < 0 ||
            (w->rec_fd >= 0 && (ftruncate(w->rec_fd, 0) < 0 ||
                                lseek(w->rec_fd, 0, SEEK_SET) < 0)))
            _exit(PD_ERR_IO);
        status = do_job(b, i, w->rec_fd);
        if (!send_result(w->from_fd, status, cli_pending_renames()))
            _exit(PD_ERR_IO);
        pd_buf_clear(cli_pending_renames());
    }
    _exit(0);
}

static int
start_worker(struct batch *b, struct worker *ws, int nw, struct worker *w)
{
    int down[2], up[2], k;

    if (pipe(down) < 0)
        return cli_error(PD_ERR_INTERNAL, NULL, "cannot make a pipe: %s",
                         strerror(errno));
    if (pipe(up) < 0) {
        close(down[0]);
        close(down[1]);
        return cli_error(PD_ERR_INTERNAL, NULL, "cannot make a pipe: %s",
                         strerror(errno));
    }
    fflush(stderr);
    w->pid = fork();
    if (w->pid < 0) {
        w->pid = 0;
        close(down[0]);
        close(down[1]);
        close(up[0]);
        close(up[1]);
        return cli_error(PD_ERR_INTERNAL, NULL, "cannot fork: %s",
                         strerror(errno));
    }
    if (w->pid == 0) {
        /* The other workers' pipes must not stay open here, or they would
         * never see the end of their input. */
        for (k = 0; k < nw; k++)
            if (&ws[k] != w && ws[k].pid != 0) {
                close(ws[k].to_fd);
                close(ws[k].from_fd);
            }
        close(down[1]);
        close(up[0]);
        w->to_fd = down[0];
        w->from_fd = up[1];
        worker_main(b, w);
    }
    close(down[0]);
    close(up[1]);
    w->to_fd = down[1];
    w->from_fd = up[0];
    w->busy = 0;
    return 0;
}

static void
stop_worker(struct worker *w)
{
    int ws;

    close(w->to_fd);
    close(w->from_fd);
    while (waitpid(w->pid, &ws, 0) < 0 && errno == EINTR)
        ;
    w->pid = 0;
}

/* What a worker wrote to fd for its last job, as a malloc'd string; NULL
 * if nothing. */
static char *
slurp(int fd)
{
    struct pd_buf buf = {0};
    ssize_t n;

    if (fd < 0)
        return NULL;
    if (lseek(fd, 0, SEEK_SET) == 0)
        for (;;) {
            pd_buf_grow(&buf, 4096);
            n = read(fd, buf.data + buf.len, buf.cap - buf.len - 1);
            if (n <= 0)
                break;
            buf.len += (size_t)n;
        }
    if (buf.len == 0) {
        pd_buf_free(&buf);
        return NULL;
    }
    buf.data[buf.len] = '\0';
    return buf.data;
}

static void
show_progress(struct batch *b, int final)
{
    double t = now(), rate;

    if (!b->progress || (!final && t - b->last_shown < 0.1))
        return;
    b->last_shown = t;
    rate = t > b->start ? (double)b->done / (t - b->start) : 0;
    fprintf(stderr, "\r\033[Kpaidoc: %zu/%zu files, %.1f files/s, %zu failed%s",
            b->done, b->njobs, rate, b->failed, final ? "\n" : "");
}

/* Worker w finished its job with exit status `status`, or died with wait
 * status ws (died = 1). */
static void
finish(struct batch *b, struct worker *w, int died, int status, int ws)
{
    struct job *j = &b->jobs[w->job];
    int crashed = died && !WIFEXITED(ws);
    char *err;

    if (died)
        j->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : PD_ERR_INTERNAL;
    else
        j->status = status;
    if (died && j->status == 0)
        j->status = PD_ERR_INTERNAL;
    err = slurp(w->err_fd);
    if (err != NULL || crashed) {
        if (b->progress)
            fputs("\r\033[K", stderr);
        if (err != NULL)
            fputs(err, stderr);
        if (crashed)
            fprintf(stderr, "paidoc: %s: crashed (signal %d); please "
                    "report this with the input\n", j->input,
                    WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
    }
    free(err);
    if (b->c->manifest != NULL) {
        j->record = slurp(w->rec_fd);
        if (j->record == NULL) {
            /* The worker died before it could say anything. */
            json_t *o = json_object();
            char msg[100], *s;

            if (crashed)
                snprintf(msg, sizeof(msg), "crashed (signal %d)",
                         WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
            else
                snprintf(msg, sizeof(msg), "ended with status %d", j->status);
            json_object_set_new(o, "input", json_string(j->input));
            json_object_set_new(o, "status", json_integer(j->status));
            json_object_set_new(o, "error", json_string(msg));
            json_object_set_new(o, "outputs", json_array());
            json_object_set_new(o, "warnings", json_array());
            s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
            json_decref(o);
            j->record = pd_xmalloc(strlen(s) + 2);
            sprintf(j->record, "%s\n", s);
            free(s);
        }
    }
    w->busy = 0;
    b->done++;
    if (j->status != 0)
        b->failed++;
    show_progress(b, 0);
}

/* Read a job's result (see send_result); the renames are added to the
 * parent's own list, which a signal handler may walk: signals wait while
 * it grows.  1, or 0 when the worker died. */
static int
read_result(int fd, int *status)
{
    struct pd_buf *r = cli_pending_renames();
    sigset_t all, old;
    size_t n;
    int ok = 1;

    if (!read_full(fd, status, sizeof(*status)) ||
        !read_full(fd, &n, sizeof(n)))
        return 0;
    if (n > 0) {
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, &old);
        pd_buf_grow(r, n);
        if (read_full(fd, r->data + r->len, n))
            r->len += n;
        else
            ok = 0;
        sigprocmask(SIG_SETMASK, &old, NULL);
    }
    return ok;
}

/* After the sync, put the outputs that replace existing files in place;
 * when the sync failed (synced = 0), remove them and keep the old files. */
static int
finish_renames(int synced)
{
    struct pd_buf *r = cli_pending_renames();
    size_t i = 0;
    int status = 0;

    while (i < r->len) {
        const char *tmp = r->data + i;
        const char *target = tmp + strlen(tmp) + 1;

        if (!synced) {
            unlink(tmp);
        } else if (rename(tmp, target) < 0) {
            status = cli_error(PD_ERR_CANTCREAT, target, "cannot create: %s",
                               strerror(errno));
            unlink(tmp);
        }
        i = (size_t)(target - r->data) + strlen(target) + 1;
    }
    r->len = 0;
    return status;
}

static int
run_all(struct batch *b)
{
    int nw = b->c->jobs < (int)b->njobs ? b->c->jobs : (int)b->njobs;
    struct worker *ws = pd_xmalloc((size_t)nw * sizeof(*ws));
    struct pollfd *pfd = pd_xmalloc((size_t)nw * sizeof(*pfd));
    size_t next = 0;
    int k, np, worst = 0, status, wstat;

    /* A worker that died must not take the parent with it. */
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);

    memset(ws, 0, (size_t)nw * sizeof(*ws));
    fflush(stdout);
    for (k = 0; k < nw; k++) {
        ws[k].err_fd = anon_file(b);
        ws[k].rec_fd = b->c->manifest != NULL ? anon_file(b) : -1;
        if (ws[k].err_fd < 0 || (b->c->manifest != NULL && ws[k].rec_fd < 0)) {
            worst = cli_error(PD_ERR_CANTCREAT, b->tmpdir, "cannot create a "
                              "temporary file: %s", strerror(errno));
            nw = k + 1;
            goto out;
        }
        if ((worst = start_worker(b, ws, nw, &ws[k])) != 0) {
            nw = k + 1;
            goto out;
        }
    }
    while (b->done < b->njobs) {
        /* Give every idle worker the next input. */
        for (k = 0; k < nw && next < b->njobs; k++) {
            if (ws[k].busy || ws[k].pid == 0)
                continue;
            ws[k].job = next;
            ws[k].busy = 1;
            if (write(ws[k].to_fd, &next, sizeof(next)) != sizeof(next)) {
                /* It died idle: its end of file is seen below. */
            }
            next++;
        }
        np = 0;
        for (k = 0; k < nw; k++)
            if (ws[k].busy) {
                pfd[np].fd = ws[k].from_fd;
                pfd[np].events = POLLIN;
                pfd[np++].revents = 0;
            }
        if (np == 0)
            break;      /* no worker left: only after start_worker failed */
        if (poll(pfd, (nfds_t)np, -1) < 0) {
            if (errno == EINTR)
                continue;
            worst = cli_error(PD_ERR_INTERNAL, NULL, "poll: %s",
                              strerror(errno));
            goto out;
        }
        for (k = 0; k < nw; k++) {
            struct worker *w = &ws[k];
            int i;

            if (!w->busy)
                continue;
            for (i = 0; i < np && pfd[i].fd != w->from_fd; i++)
                ;
            if (i == np || pfd[i].revents == 0)
                continue;
            if (read_result(w->from_fd, &status)) {
                finish(b, w, 0, status, 0);
            } else {
                /* The worker died on this input (time limit, crash):
                 * report it and start a new one. */
                close(w->to_fd);
                close(w->from_fd);
                while (waitpid(w->pid, &wstat, 0) < 0 && errno == EINTR)
                    ;
                w->pid = 0;
                finish(b, w, 1, 0, wstat);
                if (next < b->njobs && (status = start_worker(b, ws, nw, w))
                    != 0) {
                    worst = status;
                    goto out;
                }
            }
            if (b->jobs[w->job].status > worst)
                worst = b->jobs[w->job].status;
        }
    }
out:
    for (k = 0; k < nw; k++) {
        if (ws[k].pid != 0)
            stop_worker(&ws[k]);
        if (ws[k].err_fd > 0)
            close(ws[k].err_fd);
        if (ws[k].rec_fd > 0)
            close(ws[k].rec_fd);
    }
    free(ws);
    free(pfd);
    signal(SIGPIPE, old_pipe);
    show_progress(b, 1);
    return worst;
}

static int
sync_outputs(const char *dir)
{
#ifdef __linux__
    int fd = open(dir, O_RDONLY | O_DIRECTORY);

    if (fd < 0)
        return 0;       /* nothing was written there */
    if (syncfs(fd) < 0) {
        int e = errno;

        close(fd);
        return cli_error(PD_ERR_IO, dir, "sync: %s", strerror(e));
    }
    close(fd);
#else
    (void)dir;
    sync();
#endif
    return 0;
}

int
cli_batch(const struct cli *c, char **files, int nfiles)
{
    struct batch b;
    struct stat st;
    struct pd_buf manifest = {0};
    const char *tmp = getenv("TMPDIR");
    size_t i;
    int status = 0, s, k;

    memset(&b, 0, sizeof(b));
    b.c = c;
    if (stat(c->outdir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return cli_error(PD_ERR_CANTCREAT, c->outdir,
                             "not a directory");
        b.have_out = 1;
        b.out_dev = st.st_dev;
        b.out_ino = st.st_ino;
    }
    for (k = 0; k < nfiles; k++) {
        const char *slash;

        if (strcmp(files[k], "-") == 0) {
            status = cli_error(PD_ERR_USAGE, NULL,
                               "-d converts files; standard input has no "
                               "name to write under");
            goto out;
        }
        if (c->recursive && stat(files[k], &st) == 0 && S_ISDIR(st.st_mode)) {
            s = walk(&b, files[k], "", 0);
            status = s > status ? s : status;
            continue;
        }
        slash = strrchr(files[k], '/');
        add_job(&b, files[k], slash ? slash + 1 : files[k]);
    }
    if ((s = check_collisions(&b)) != 0) {
        status = s;
        goto out;
    }
    if (b.njobs == 0)
        goto out;
    b.tmpdir = tmp && *tmp ? tmp : "/tmp";
    b.progress = isatty(2);
    b.start = now();
    s = run_all(&b);
    status = s > status ? s : status;
    /* New outputs were not synced one by one (an fsync per small file
     * costs more than its conversion): one sync of the file system now,
     * before success is reported. */
    s = sync_outputs(c->outdir);
    status = s > status ? s : status;
    s = finish_renames(s == 0);
    status = s > status ? s : status;
    if (b.failed > 0)
        fprintf(stderr, "paidoc: %zu of %zu input%s failed\n", b.failed,
                b.njobs, b.njobs == 1 ? "" : "s");
    if (c->manifest != NULL) {
        for (i = 0; i < b.njobs; i++)
            if (b.jobs[i].record != NULL)
                pd_buf_puts(&manifest, b.jobs[i].record);
        if ((s = cli_make_parents(c->manifest)) == 0)
            s = cli_publish(c->manifest, &manifest);
        status = s > status ? s : status;
        pd_buf_free(&manifest);
    }
out:
    for (i = 0; i < b.njobs; i++) {
        free(b.jobs[i].input);
        free(b.jobs[i].base);
        free(b.jobs[i].record);
    }
    free(b.jobs);
    return status;
}
