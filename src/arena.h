/*
 * arena.h - arena operations for the core (src/node.c), beyond the
 * public pd_arena_* of paidoc.h.
 */
#ifndef PD_ARENA_H
#define PD_ARENA_H

#include <stddef.h>

struct pd_arena;

/** pd_arena_alloc() without clearing: for bytes the caller writes. */
void *pd_arena_alloc_raw(struct pd_arena *a, size_t n);

/**
 * Resize the most recent allocation p of a to n bytes in place and return
 * p: shrinking always works, growing when its chunk has the room.  When p
 * is not the most recent allocation, or there is no room, returns NULL
 * and changes nothing.  New bytes are not cleared.  Lets text that is
 * appended piece by piece grow without copying all that came before each
 * time.  (Always NULL in the PD_ARENA_DEBUG build.)
 */
void *pd_arena_resize_last(struct pd_arena *a, void *p, size_t n);

#endif /* PD_ARENA_H */
