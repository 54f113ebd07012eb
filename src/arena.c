/*
 * arena.c - the region allocator that owns every node and string of a
 * document.  Allocation is a pointer bump inside a chunk; a chunk that is
 * full is kept and a larger one started.  pd_arena_free() walks the chunk
 * list once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paidoc.h"
#include "internal.h"

#define ALIGN       16
#define FIRST_CHUNK (16 * 1024)
#define MAX_CHUNK   (4 * 1024 * 1024)

struct chunk {
    struct chunk *next;
    size_t used;
    size_t size;
    /* data follows, aligned */
};

struct pd_arena {
    struct chunk *head;
    size_t next_size;
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
void *
pd_arena_alloc(struct pd_arena *a, size_t n)
{
    struct chunk *c = pd_xmalloc(HDR + n);

    memset((char *)c + HDR, 0, n);
    c->used = c->size = n;
    c->next = a->head;
    a->head = c;
    return (char *)c + HDR;
}
#else
void *
pd_arena_alloc(struct pd_arena *a, size_t n)
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
        c = pd_xmalloc(HDR + size);
        c->used = 0;
        c->size = size;
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
    memset(p, 0, n);
    return p;
}
#endif

char *
pd_arena_strndup(struct pd_arena *a, const char *s, size_t n)
{
    char *p = pd_arena_alloc(a, n + 1);

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
