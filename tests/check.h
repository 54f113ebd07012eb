/*
 * check.h - the PASS/FAIL reporting of the C test programs that assert
 * (api.c, workflow.c): one line per check, as tests/prop scripts print,
 * and a count of failures for the exit status.
 */
#ifndef PD_CHECK_H
#define PD_CHECK_H

#include <stdio.h>

static int failed;

#define CHECK(name, cond)                                                  \
    do {                                                                   \
        if (cond)                                                          \
            printf("PASS %s\n", name);                                     \
        else {                                                             \
            printf("FAIL %s: %s (line %d)\n", name, #cond, __LINE__);      \
            failed++;                                                      \
        }                                                                  \
    } while (0)

#endif /* PD_CHECK_H */
