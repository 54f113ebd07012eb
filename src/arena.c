/*
 * arena.c - the region allocator that owns every node and string of a
 * document.  Allocation is a pointer bump inside a chunk; a chunk that is
 * full is kept and a larger one started.  pd_arena_free() walks the chunk
 * list once.
 */
#define _DEFAULT_SOURCE     /* madvise(), MADV_HUGEPAGE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "paidoc.h"
#include "internal.h"
#include "arena.h"

#define ALIGN       16
#define FIRST_CHUNK (16 * 1024)
#define MAX_CHUNK   (4 * 1024 * 1024)
#define HUGE_PAGE   ((size_t)2 * 1024 * 1024)

struct chunk {
    struct chunk *next;
    size_t used;
    size_t size;
    /* data follows, aligned */
};

struct pd_arena {
    struct chunk *head;
    size_t next_size;
    char *last;             /* the most recent allocation, or NULL */
    struct chunk *last_chunk;   /* the chunk it is in */
};

#define HDR ((sizeof(struct chunk) + ALIGN - 1) & ~(size_t)(ALIGN - 1))

void *
pd_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL) {
        fputs("paidoc: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *
pd_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL) {
        fputs("paidoc: out of memory\n", stderr);
        abort();
    }
    return p;
}

struct pd_arena *
pd_arena_new(void)
{
    struct pd_arena *a = pd_xmalloc(sizeof(*a));

    a->head = NULL;
    a->next_size = FIRST_CHUNK;
    a->last = NULL;
    a->last_chunk = NULL;
    return a;
}

void
pd_arena_free(struct pd_arena *a)
{
    struct chunk *c, *next;

    if (a == NULL)
        return;
    for (c = a->head; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

#ifdef PD_ARENA_DEBUG
/*
 * Debug build: every allocation is its own chunk of exactly the requested
 * size, so that the sanitizers see the bounds of each object.
 */
static void *
bump(struct pd_arena *a, size_t n)
{
    struct chunk *c = pd_xmalloc(HDR + n);

    c->used = c->size = n;
    c->next = a->head;
    a->head = c;
    return (char *)c + HDR;
}

/* Never in place: a copy keeps every object's bounds exact. */
void *
pd_arena_resize_last(struct pd_arena *a, void *p, size_t n)
{
    (void)a;
    (void)p;
    (void)n;
    return NULL;
}
#else
/*
 * A chunk of n bytes.  Big ones are aligned to 2 MiB and marked for
 * transparent huge pages: a 20 MB document then costs some tens of page
 * faults instead of some thousands (they were a fifth of the time of
 * txt -> html on a 4 KiB-page VM).
 */
static struct chunk *
new_chunk(size_t size)
{
    struct chunk *c;
    size_t n = HDR + size;

#if defined(MADV_HUGEPAGE)
    if (n >= HUGE_PAGE && n > size) {
        void *p = NULL;

        n = (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
        if (n < size || posix_memalign(&p, HUGE_PAGE, n) != 0 || p == NULL) {
            fputs("paidoc: out of memory\n", stderr);
            abort();
        }
        (void)madvise(p, n, MADV_HUGEPAGE);
        c = p;
        c->size = n - HDR;
        return c;
    }
#endif
    if (n < size) {
        fputs("paidoc: out of memory\n", stderr);
        abort();
    }
    c = pd_xmalloc(n);
    c->size = size;
    return c;
}

/* n bytes, not cleared. */
static void *
bump(struct pd_arena *a, size_t n)
{
    struct chunk *c = a->head;
    size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    char *p;

    if (need < n) {
        fputs("paidoc: out of memory\n", stderr);
        abort();
    }
    if (c == NULL || c->size - c->used < need) {
        size_t size = a->next_size;

        if (size < need)
            size = need;
        c = new_chunk(size);
        c->used = 0;
        /*
         * A big allocation gets a chunk of its own, kept behind the
         * current one so the space left there is not wasted.
         */
        if (need > a->next_size / 2 && a->head != NULL) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
            if (a->next_size < MAX_CHUNK)
                a->next_size *= 2;
        }
    }
    p = (char *)c + HDR + c->used;
    c->used += need;
    a->last = p;
    a->last_chunk = c;
    return p;
}

void *
pd_arena_resize_last(struct pd_arena *a, void *p, size_t n)
{
    struct chunk *c = a->last_chunk;
    size_t start, need;

    if (p == NULL || p != a->last || c == NULL)
        return NULL;
    start = (size_t)((char *)p - ((char *)c + HDR));
    need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (need < n || need > c->size - start)
        return NULL;
    c->used = start + need;
    return p;
}
#endif

void *
pd_arena_alloc_raw(struct pd_arena *a, size_t n)
{
    return bump(a, n);
}

void *
pd_arena_alloc(struct pd_arena *a, size_t n)
{
    void *p = bump(a, n);

    memset(p, 0, n);
    return p;
}

char *
pd_arena_strndup(struct pd_arena *a, const char *s, size_t n)
{
    char *p = bump(a, n + 1);    /* every byte is written: no clearing */

    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
pd_arena_strdup(struct pd_arena *a, const char *s)
{
    return s ? pd_arena_strndup(a, s, strlen(s)) : NULL;
}
