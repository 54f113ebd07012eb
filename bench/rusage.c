/*
 * rusage.c - run a command and report its wall time and peak RSS.
 *
 *     rusage OUTFILE COMMAND [ARG...]
 *
 * Runs COMMAND with standard input from /dev/null and standard output to
 * OUTFILE (created or truncated), waits for it with wait4() and prints
 * one line on standard output: "WALL USER SYS MAXRSS_KIB EXIT" (seconds,
 * KiB).  EXIT is the
 * exit status, or 128 + the signal number.  Being a small process of its
 * own, it keeps the child's peak RSS free of the parent's pages (a child
 * forked from Python starts with Python's resident set).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    struct timespec t0, t1;
    struct rusage ru;
    int status, code;
    pid_t pid;

    if (argc < 3) {
        fputs("usage: rusage OUTFILE COMMAND [ARG...]\n", stderr);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid = fork();
    if (pid < 0) {
        perror("rusage: fork");
        return 2;
    }
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0) {
            perror("rusage: redirect");
            _exit(127);
        }
        close(in);
        close(out);
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("rusage: wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    code = WIFEXITED(status) ? WEXITSTATUS(status)
         : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
    printf("%.6f %.6f %.6f %ld %d\n", (double)(t1.tv_sec - t0.tv_sec) +
           (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
           (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
           ru.ru_maxrss, code);
    return 0;
}
