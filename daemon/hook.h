/* SPDX-License-Identifier: MIT */
/*
 * Running a notification program (SPEC "Notifications") without letting it
 * harm the daemon: it gets exactly the environment the caller built, its
 * input on standard input, "/" as its working directory, no descriptor of
 * the daemon but 0, 1 and 2, default signal dispositions and an empty
 * signal mask, and a process group of its own.  Its standard output and
 * standard error are read together; the first bytes are kept.  When it
 * outlives its timeout its whole group gets SIGTERM, and SIGKILL after
 * HOOK_GRACE_MS.  Whatever the program leaves running in its group when it
 * exits is killed (SIGKILL): a program that wants something to outlive it
 * must start it in a session of its own (setsid).
 *
 * hook_run keeps nothing between calls (but whether pidfds work here, in an
 * atomic flag): it may be called from any thread at the same time as other
 * threads run, or run hooks.  It never logs; the caller does.  The
 * process must not ignore SIGCHLD nor reap with waitpid(-1), or the
 * program's status is lost (res->status -1).
 */
#ifndef LW_HOOK_H
#define LW_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOOK_GRACE_MS		2000	/* from SIGTERM to SIGKILL after a timeout */
#define HOOK_OUTPUT_MAX		1024	/* bytes of output kept, with the NUL */

struct hook_result {
	int		 status;		/* exit status 0..255, or -1 */
	int		 signal;		/* the signal that ended it, or 0 */
	bool		 timed_out;		/* it was still running at the timeout */
	int64_t		 elapsed_ms;		/* from the start until it was reaped */
	char		 output[HOOK_OUTPUT_MAX]; /* first bytes of stdout+stderr, NUL-ended */
};

/*
 * Run the program at path (absolute; no PATH search) with argv and envp
 * (the whole of its environment; NULL for an empty one), write the
 * input_len bytes at input to its standard input and then close it, and
 * wait for it to exit, at most timeout_ms (> 0) plus HOOK_GRACE_MS.  The
 * output is collected into res->output: at most HOOK_OUTPUT_MAX - 1 bytes,
 * each control character other than newline and tab replaced by '?'; the
 * rest is read and dropped.  A program that does not read its input, or
 * exits before it has all of it, is no error: the input left is dropped.
 *
 * 0 when the program ran, whatever became of it (see res); -errno when it
 * could not be started (-ENOENT, -EACCES, -ENOEXEC, -EMFILE, -EINVAL for a
 * timeout <= 0, ...), with res->status -1 and "cannot run PATH: reason" in
 * res->output.  Every process started is reaped before it returns.  The
 * caller owns everything passed in; nothing is kept.
 */
int	 hook_run(const char *path, char *const argv[], char *const envp[], const char *input,
	     size_t input_len, int64_t timeout_ms, struct hook_result *res);

#endif
