/*
 * arena.c - the region allocator that owns every node and string of a
 * document.  Allocation is a pointer bump inside a chunk; a chunk that is
 * full is kept and a larger one started.  pd_arena_free() walks the chunk
 * list once.
 */
#define _DEFAULT_SOURCE     /* madvise(), MADV_HUGEPAGE */
#include <stdint.h>
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
    size_t dirty;           /* bytes from here on are known to be zero */
    size_t mapped;          /* bytes of its own mapping (munmap), or 0 */
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

void *
pd_map_huge(size_t n)
{
    size_t map = n + HUGE_PAGE;
    char *p, *q;

    if (map < n)
        return NULL;
    p = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    /* Keep the 2 MiB-aligned n bytes inside, unmap the rest. */
    q = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (q > p)
        munmap(p, (size_t)(q - p));
    if (q + n < p + map)
        munmap(q + n, (size_t)(p + map - (q + n)));
#if defined(MADV_HUGEPAGE)
    (void)madvise(q, n, MADV_HUGEPAGE);
#endif
    return q;
}

void *
pd_big_grow(void *p, size_t used, size_t *cap, size_t n)
{
    void *q;
    size_t map;

    if (n <= *cap)
        return p;
    if (n < PD_BIG_MIN) {
        /* calloc: a new block is zero (a slot table, say). */
        if (p == NULL) {
            if ((q = calloc(1, n)) == NULL) {
                fputs("paidoc: out of memory\n", stderr);
                abort();
            }
        } else
            q = pd_xrealloc(p, n);
        *cap = n;
        return q;
    }
    map = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    if (map < n || (q = pd_map_huge(map)) == NULL) {
        fputs("paidoc: out of memory\n", stderr);
        abort();
    }
    if (used > 0)
        memcpy(q, p, used);
    pd_big_free(p, *cap);
    *cap = map;
    return q;
}

void
pd_big_free(void *p, size_t cap)
{
    if (p == NULL)
        return;
    if (cap >= PD_BIG_MIN)
        munmap(p, cap);
    else
        free(p);
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
#ifndef PD_ARENA_DEBUG
        if (c->mapped > 0) {
            munmap(c, c->mapped);
            continue;
        }
#endif
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
bump(struct pd_arena *a, size_t n, int clear)
{
    struct chunk *c = pd_xmalloc(HDR + n);

    c->used = c->size = n;
    c->next = a->head;
    a->head = c;
    if (clear)
        memset((char *)c + HDR, 0, n);
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
 * txt -> html on a 4 KiB-page VM).  They are mapped here rather than
 * taken from malloc: fresh anonymous pages are zero.  Every chunk starts
 * out zero, so what pd_arena_alloc() hands out needs clearing only where
 * earlier allocations were (clearing every node was a second pass over
 * it, after the kernel's own).
 */
static struct chunk *
new_chunk(size_t size)
{
    struct chunk *c;
    size_t n = HDR + size;

#if defined(MADV_HUGEPAGE)
    if (n >= HUGE_PAGE && n > size) {
        n = (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
        if (n < size || (c = pd_map_huge(n)) == NULL) {
            fputs("paidoc: out of memory\n", stderr);
            abort();
        }
        c->size = n - HDR;
        c->dirty = 0;
        c->mapped = n;
        return c;
    }
#endif
    if (n < size) {
        fputs("paidoc: out of memory\n", stderr);
        abort();
    }
    /* calloc: the pages of a chunk it maps afresh are not cleared again
     * (from 128 KiB on, in glibc), and the small ones are cleared once
     * for all their allocations. */
    c = calloc(1, n);
    if (c == NULL) {
        fputs("paidoc: out of memory\n", stderr);
        abort();
    }
    c->size = size;
    c->dirty = 0;
    c->mapped = 0;
    return c;
}

/*
 * The size of the chunk after one of size: 16 KiB, 64 KiB, then whole
 * huge pages (2 MiB, 4 MiB).  A small document stays in the two small
 * chunks.  A bigger one goes to huge pages as soon as it can: on this
 * VM a 4 KiB page costs about 12 us to fault in, a 2 MiB huge page
 * about 70 us, so the 1.2 MB tree of a 1 MB document took 3-4 ms in
 * 4 KiB pages (a quarter of txt -> html) and takes 0.1 ms in one huge
 * page.  Where the kernel has no huge page at hand it maps 4 KiB pages
 * as they are touched, as before.
 */
static size_t
grow(size_t size)
{
    if (size < 4 * FIRST_CHUNK)
        return 4 * FIRST_CHUNK;
    if (size < HUGE_PAGE - HDR)
        return HUGE_PAGE - HDR;
    return MAX_CHUNK - HDR;
}

/* n bytes, cleared when clear is set. */
static void *
bump(struct pd_arena *a, size_t n, int clear)
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
            a->next_size = grow(a->next_size);
        }
    }
    p = (char *)c + HDR + c->used;
    /* Only what was handed out before (and given back) needs clearing. */
    if (clear && c->used < c->dirty)
        memset(p, 0, c->dirty - c->used < n ? c->dirty - c->used : n);
    c->used += need;
    if (c->dirty < c->used)
        c->dirty = c->used;
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
    if (c->dirty < c->used)
        c->dirty = c->used;
    return p;
}
#endif

void *
pd_arena_alloc_raw(struct pd_arena *a, size_t n)
{
    return bump(a, n, 0);
}

void *
pd_arena_alloc(struct pd_arena *a, size_t n)
{
    return bump(a, n, 1);
}

char *
pd_arena_strndup(struct pd_arena *a, const char *s, size_t n)
{
    char *p = bump(a, n + 1, 0);     /* every byte is written */

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
