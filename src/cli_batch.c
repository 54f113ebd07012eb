/*
 * cli_batch.c - -d DIR: every input converted on its own, N at a time.
 *
 * Each input is converted in a child process of its own: a crash, a time
 * limit or an exhausted memory in one document cannot take the others
 * down, and the single-file code (which may exit) serves unchanged.  A
 * child's standard error and manifest line go to temporary files that are
 * unlinked as soon as they are opened, so nothing is left behind whatever
 * ends the run; the parent prints the errors of one input together when
 * it ends, and writes the manifest in input order, so the result does not
 * depend on -j.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
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
    int err_fd, rec_fd;     /* while it runs: its stderr, its manifest
                               line (-1 without --manifest) */
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

/* The child: convert job i, with stderr and the manifest line going to the
 * job's files. */
static void
run_child(struct batch *b, size_t i)
{
    const struct cli *c = b->c;
    struct job *j = &b->jobs[i];
    char path[PATH_MAX + 64], *outputs[CLI_MAX_PRODUCTS];
    struct pd_buf rec = {0};
    int status, p;

    dup2(j->err_fd, 2);
    close(j->err_fd);
    for (p = 0; p < c->nprod; p++) {
        output_name(path, sizeof(path), j, &c->prod[p]);
        outputs[p] = xstrdup(path);
    }
    cli_arm_time_limit(c->time_limit, j->input, j->rec_fd);
    status = cli_convert(c, &j->input, 1, outputs,
                         j->rec_fd >= 0 ? &rec : NULL);
    cli_disarm_time_limit();
    if (j->rec_fd >= 0) {
        size_t off = 0;

        while (off < rec.len) {
            ssize_t w = write(j->rec_fd, rec.data + off, rec.len - off);

            if (w <= 0)
                break;
            off += (size_t)w;
        }
    }
    fflush(stderr);
    _exit(status);
}

/* What a job's child wrote to fd, as a malloc'd string; NULL if nothing.
 * fd is closed. */
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
    close(fd);
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

/* Job i's child ended with wait status ws. */
static void
finish(struct batch *b, size_t i, int ws)
{
    struct job *j = &b->jobs[i];
    char *err;

    if (WIFEXITED(ws))
        j->status = WEXITSTATUS(ws);
    else
        j->status = PD_ERR_INTERNAL;
    err = slurp(j->err_fd);
    j->err_fd = -1;
    if (err != NULL || !WIFEXITED(ws)) {
        if (b->progress)
            fputs("\r\033[K", stderr);
        if (err != NULL)
            fputs(err, stderr);
        if (!WIFEXITED(ws))
            fprintf(stderr, "paidoc: %s: crashed (signal %d); please "
                    "report this with the input\n", j->input,
                    WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
    }
    free(err);
    if (b->c->manifest != NULL) {
        j->record = slurp(j->rec_fd);
        j->rec_fd = -1;
        if (j->record == NULL) {
            /* The child died before it could say anything. */
            json_t *o = json_object();
            char msg[100], *s;

            snprintf(msg, sizeof(msg), WIFSIGNALED(ws) ? "crashed (signal %d)"
                     : "ended with status %d", WIFSIGNALED(ws) ? WTERMSIG(ws)
                     : j->status);
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
    b->done++;
    if (j->status != 0)
        b->failed++;
    show_progress(b, 0);
}

static int
run_all(struct batch *b)
{
    pid_t *running = pd_xmalloc((size_t)b->c->jobs * sizeof(*running));
    size_t *slot_job = pd_xmalloc((size_t)b->c->jobs * sizeof(*slot_job));
    size_t next = 0, i;
    int nrun = 0, k, ws, worst = 0;
    pid_t pid;

    fflush(stdout);
    fflush(stderr);
    while (b->done < b->njobs) {
        while (nrun < b->c->jobs && next < b->njobs) {
            struct job *j = &b->jobs[next];

            j->err_fd = anon_file(b);
            j->rec_fd = b->c->manifest != NULL ? anon_file(b) : -1;
            if (j->err_fd < 0 || (b->c->manifest != NULL && j->rec_fd < 0)) {
                worst = cli_error(PD_ERR_CANTCREAT, b->tmpdir,
                                  "cannot create a temporary file: %s",
                                  strerror(errno));
                goto out;
            }
            pid = fork();
            if (pid < 0) {
                close(j->err_fd);
                if (j->rec_fd >= 0)
                    close(j->rec_fd);
                if (nrun > 0)
                    break;      /* wait for one to end, then retry */
                worst = cli_error(PD_ERR_INTERNAL, NULL, "cannot fork: %s",
                                  strerror(errno));
                goto out;
            }
            if (pid == 0)
                run_child(b, next);
            running[nrun] = pid;
            slot_job[nrun++] = next++;
        }
        pid = waitpid(-1, &ws, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            worst = cli_error(PD_ERR_INTERNAL, NULL, "wait: %s",
                              strerror(errno));
            goto out;
        }
        for (k = 0; k < nrun && running[k] != pid; k++)
            ;
        if (k == nrun)
            continue;           /* not ours */
        i = slot_job[k];
        running[k] = running[nrun - 1];
        slot_job[k] = slot_job[nrun - 1];
        nrun--;
        finish(b, i, ws);
        if (b->jobs[i].status > worst)
            worst = b->jobs[i].status;
    }
out:
    /* After a failure of our own, let the running children finish (their
     * outputs are whole or absent), then say what they said. */
    while (nrun > 0) {
        pid = waitpid(-1, &ws, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (k = 0; k < nrun && running[k] != pid; k++)
            ;
        if (k == nrun)
            continue;
        finish(b, slot_job[k], ws);
        running[k] = running[nrun - 1];
        slot_job[k] = slot_job[nrun - 1];
        nrun--;
    }
    free(running);
    free(slot_job);
    show_progress(b, 1);
    return worst;
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
