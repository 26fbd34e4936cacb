/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hook_run with real programs: /bin/sh scripts written into a
 * temporary directory (removed at the end) and a few programs of the base
 * system.  Exit statuses, exactly the environment and arguments given, the
 * input byte for byte (also 1 MiB, read or not read at all), output of both
 * streams together and cut short, "/" as the working directory, a clean
 * signal state and a process group of its own, the timeout (the whole group
 * killed, SIGKILL for a program that ignores SIGTERM), programs that cannot
 * be started, no descriptor of the caller leaking into the program, no child
 * left behind, and four threads running hooks at once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hook.h"
#include "now.h"
#include "tap.h"

#define MIB		(1024 * 1024)
#define OUT_KEPT	(HOOK_OUTPUT_MAX - 1)

static char dir[64];
static char *env_std[] = {
	"PATH=/usr/bin:/bin",
	"LAKEWATCH_STATION=pp-01",
	"LAKEWATCH_POINT=level.depth",
	"LAKEWATCH_MESSAGE=depth 0.42 m below 0.5 m",
	NULL,
};

/* "#   label: text" with newlines and other control characters escaped. */
static void
diag(const char *label, const char *s)
{
	printf("#   %s: \"", label);
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			fputs("\\n", stdout);
		else if ((unsigned char)*s < 0x20)
			printf("\\x%02x", (unsigned char)*s);
		else
			putchar(*s);
	}
	puts("\"");
}

/* Like CHECK_EQ_STR, for strings as long as a hook's output. */
#define CHECK_OUT(want, got, ...) do {					\
	const char *out_w_ = (want), *out_g_ = (got);			\
	bool out_ok_ = strcmp(out_w_, out_g_) == 0;			\
	CHECK(out_ok_, __VA_ARGS__);					\
	if (!out_ok_) {							\
		diag("want", out_w_);					\
		diag("got", out_g_);					\
	}								\
} while (0)

/* Write an executable /bin/sh script NAME with body into dir; its path in path. */
static void
script(const char *name, const char *body, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "we");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
}

/* Run a script with no arguments and the standard environment. */
static int
run(const char *path, const char *input, size_t len, int64_t timeout_ms, struct hook_result *res)
{
	char *argv[] = { (char *)path, NULL };

	return hook_run(path, argv, env_std, input, len, timeout_ms, res);
}

/*
 * The state letter of a process and its process group, from /proc/PID/stat;
 * false when there is no such process.
 */
static bool
proc_stat(const char *pid, char *state, long *pgrp)
{
	char path[64], buf[512], *p;
	long ppid;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && sscanf(p + 1, " %c %ld %ld", state, &ppid, pgrp) == 3;
}

/* Whether a process is still running (a zombie is not). */
static bool
alive(long pid)
{
	char name[32], state;
	long pgrp;

	snprintf(name, sizeof(name), "%ld", pid);
	return proc_stat(name, &state, &pgrp) && state != 'Z' && state != 'X';
}

/* Whether any process of group pgrp still runs. */
static bool
group_alive(long pgrp)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool found = false;

	if (d == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		char state;
		long g;

		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && proc_stat(e->d_name, &state, &g))
			found = g == pgrp && state != 'Z' && state != 'X';
	}
	closedir(d);
	return found;
}

/*
 * Whether a process, or with group set every process of that group, is gone
 * within a second (orphans are reaped by init, if it reaps at all, not by us).
 */
static bool
gone_within(long pid, bool group)
{
	for (int i = 0; i < 100; i++) {
		if (!(group ? group_alive(pid) : alive(pid)))
			return true;
		usleep(10000);
	}
	return false;
}

static bool
gone(long pid)
{
	return gone_within(pid, false);
}

/* A number written into dir/name by a script, or -1. */
static long
read_number(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* How many descriptors this process has open. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own */
}

static void
test_status(void)
{
	struct hook_result res;
	char path[128];
	int rc;

	script("exit0", "exit 0", path, sizeof(path));
	rc = run(path, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, rc, "exit 0: it ran");
	CHECK_EQ_INT(0, res.status, "exit 0: status");
	CHECK_EQ_INT(0, res.signal, "exit 0: no signal");
	CHECK(!res.timed_out, "exit 0: not timed out");
	CHECK_OUT("", res.output, "exit 0: no output");
	CHECK(res.elapsed_ms >= 0 && res.elapsed_ms < 2000, "exit 0: elapsed %lld ms",
	    (long long)res.elapsed_ms);

	script("exit3", "echo failing; exit 3", path, sizeof(path));
	rc = run(path, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, rc, "exit 3: it ran (the status is the caller's business)");
	CHECK_EQ_INT(3, res.status, "exit 3: status");
	CHECK_EQ_INT(0, res.signal, "exit 3: no signal");
	CHECK_OUT("failing\n", res.output, "exit 3: its output");

	script("selfkill", "kill -USR1 $$; sleep 1", path, sizeof(path));
	rc = run(path, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, rc, "killed by a signal: it ran");
	CHECK_EQ_INT(-1, res.status, "killed by a signal: no status");
	CHECK_EQ_INT(SIGUSR1, res.signal, "killed by a signal: which");
	CHECK(!res.timed_out, "killed by a signal: not timed out");
}

static void
test_env_args(void)
{
	char *env_argv[] = { "env", NULL };
	char *sh_argv[] = { "lw-notify", "-c",
	    "printf '[%s]' \"$0\" \"$@\"; tr '\\0' '|' </proc/$$/cmdline",
	    "zero", "one", "two words", "", "*", NULL };
	char *empty_env[] = { NULL };
	struct hook_result res;
	int rc;

	rc = hook_run("/usr/bin/env", env_argv, env_std, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, rc, "env: it ran");
	CHECK_OUT("PATH=/usr/bin:/bin\nLAKEWATCH_STATION=pp-01\nLAKEWATCH_POINT=level.depth\n"
	    "LAKEWATCH_MESSAGE=depth 0.42 m below 0.5 m\n", res.output,
	    "the program sees exactly the environment given, in order");
	rc = hook_run("/usr/bin/env", env_argv, empty_env, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, rc, "env, empty environment: it ran");
	CHECK_OUT("", res.output, "an empty environment is empty (nothing of ours is inherited)");
	rc = hook_run("/usr/bin/env", env_argv, NULL, NULL, 0, 5000, &res);
	CHECK_OUT("", res.output, "a NULL environment is empty");

	rc = hook_run("/bin/sh", sh_argv, env_std, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, rc, "arguments: it ran");
	CHECK_OUT("[zero][one][two words][][*]lw-notify|-c|printf '[%s]' \"$0\" \"$@\"; "
	    "tr '\\0' '|' </proc/$$/cmdline|zero|one|two words||*|", res.output,
	    "every argument arrives as given, argv[0] too");
}

static void
test_input(void)
{
	static const char alert[] = "{\"station\":\"pp-01\",\"point\":\"level.depth\","
	    "\"severity\":\"critical\",\"value\":0.42}\n";
	static const char raw[] = "a\001b\rc\n\td\177e\033[31m\000z";
	struct hook_result res;
	char path[128], want[64];
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	char *big;
	int rc;

	script("cat", "exec cat", path, sizeof(path));
	rc = run(path, alert, strlen(alert), 5000, &res);
	CHECK_EQ_INT(0, rc, "cat: it ran");
	CHECK_OUT(alert, res.output, "the input reaches the program exactly");
	rc = run(path, raw, sizeof(raw) - 1, 5000, &res);
	CHECK_OUT("a?b?c\n\td?e?[31m?z", res.output,
	    "control characters but newline and tab come back as '?' (NUL too)");
	rc = run(path, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, res.status, "no input: standard input is at its end at once");

	big = malloc(MIB);
	if (big == NULL)
		exit(2);
	for (size_t i = 0; i < MIB; i++)
		big[i] = (char)('a' + tap_rand(&rng) % 26);
	script("wc", "exec wc -c", path, sizeof(path));
	rc = run(path, big, MIB, 10000, &res);
	CHECK_EQ_INT(0, rc, "1 MiB read: it ran");
	CHECK_OUT("1048576\n", res.output, "1 MiB read: every byte arrives");
	script("head", "exec cat", path, sizeof(path));
	rc = run(path, big, MIB, 10000, &res);
	CHECK_EQ_INT(0, res.status, "1 MiB echoed: status 0 (never blocked on its output)");
	CHECK_EQ_INT(OUT_KEPT, strlen(res.output), "1 MiB echoed: the output is cut at %d bytes",
	    OUT_KEPT);
	CHECK(memcmp(res.output, big, OUT_KEPT) == 0, "1 MiB echoed: the first bytes kept");
	script("tail", "exec tail -c 16", path, sizeof(path));
	rc = run(path, big, MIB, 10000, &res);
	memcpy(want, big + MIB - 16, 16);
	want[16] = '\0';
	CHECK_OUT(want, res.output, "1 MiB read: the last bytes are the input's");

	/* SIGPIPE is at its default here: a write to the closed pipe must not kill us. */
	script("noread", "echo done", path, sizeof(path));
	rc = run(path, big, MIB, 10000, &res);
	CHECK_EQ_INT(0, rc, "1 MiB not read: it ran");
	CHECK_EQ_INT(0, res.status, "1 MiB not read: status 0");
	CHECK_OUT("done\n", res.output, "1 MiB not read: its output");
	CHECK(res.elapsed_ms < 2000, "1 MiB not read: no hang (%lld ms)", (long long)res.elapsed_ms);
	script("partial", "head -c 5; echo; sleep 0.2", path, sizeof(path));
	rc = run(path, big, MIB, 10000, &res);
	memcpy(want, big, 5);
	strcpy(want + 5, "\n");
	CHECK_OUT(want, res.output, "reads 5 bytes and closes its input: no hang");
	CHECK_EQ_INT(0, res.status, "reads 5 bytes: status 0");
	{
		sigset_t pending;

		sigpending(&pending);
		CHECK(!sigismember(&pending, SIGPIPE), "no SIGPIPE is left pending for the caller");
	}
	free(big);
}

static void
test_output(void)
{
	struct hook_result res;
	char path[128], want[HOOK_OUTPUT_MAX];
	int rc;

	script("both", "echo out; echo err >&2; echo out2; printf 'no newline' >&2", path,
	    sizeof(path));
	rc = run(path, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, rc, "stdout and stderr: it ran");
	CHECK_OUT("out\nerr\nout2\nno newline", res.output, "stdout and stderr together, in order");

	script("lots", "head -c 3000000 /dev/zero | tr '\\0' x; echo end >&2; exit 5", path,
	    sizeof(path));
	rc = run(path, NULL, 0, 10000, &res);
	memset(want, 'x', OUT_KEPT);
	want[OUT_KEPT] = '\0';
	CHECK_OUT(want, res.output, "3 MB of output: the first %d bytes", OUT_KEPT);
	CHECK_EQ_INT(5, res.status, "3 MB of output: read to the end, it exits by itself");
	CHECK(!res.timed_out, "3 MB of output: not timed out");

	script("pwd", "pwd; pwd -P", path, sizeof(path));
	rc = run(path, NULL, 0, 5000, &res);
	CHECK_OUT("/\n/\n", res.output, "the working directory is /");
}

static void
test_signals(void)
{
	char *grep_argv[] = { "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status", NULL };
	char *pg_argv[] = { "sh", "-c", "read pid comm state ppid pgrp rest </proc/$$/stat; "
	    "echo \"$pid $pgrp\"", NULL };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe, old_usr2;
	sigset_t block, old_mask;
	struct hook_result res;
	unsigned long long blk = ~0ull, ign_mask = ~0ull;
	long pid = 0, pgrp = -1;
	int rc;

	/* As in the daemon: TERM, INT and HUP blocked, PIPE ignored; USR2 ignored for good measure. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigaction(SIGUSR2, &ign, &old_usr2);
	rc = hook_run("/usr/bin/grep", grep_argv, env_std, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, rc, "signal state: it ran");
	CHECK(sscanf(res.output, "SigBlk: %llx SigIgn: %llx", &blk, &ign_mask) == 2,
	    "signal state: read");
	CHECK(blk == 0, "the program blocks no signal (SigBlk %llx)", blk);
	/*
	 * glibc's posix_spawn sets its two internal signals (32 and 33, below
	 * SIGRTMIN) to SIG_IGN in the child, and sigaddset refuses them: they
	 * belong to the C library, and one that needs them installs its handlers.
	 */
	CHECK((ign_mask & ~(3ull << 31)) == 0, "the program ignores no signal (SigIgn %llx)", ign_mask);
	rc = hook_run("/bin/sh", pg_argv, env_std, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, rc, "process group: it ran");
	CHECK(sscanf(res.output, "%ld %ld", &pid, &pgrp) == 2 && pid == pgrp && pgrp != getpgrp(),
	    "it leads a process group of its own (pid %ld, group %ld)", pid, pgrp);
	sigaction(SIGUSR2, &old_usr2, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
}

static void
test_timeout(void)
{
	struct hook_result res;
	char path[128], body[512];
	long leader, child;
	int rc;

	snprintf(body, sizeof(body), "echo $$ >%s/leader; sleep 100 & echo $! >%s/child; "
	    "echo started; sleep 100", dir, dir);
	script("sleeper", body, path, sizeof(path));
	rc = run(path, NULL, 0, 300, &res);
	CHECK_EQ_INT(0, rc, "timeout: it ran");
	CHECK(res.timed_out, "timeout: timed out");
	CHECK_EQ_INT(SIGTERM, res.signal, "timeout: ended by SIGTERM");
	CHECK_EQ_INT(-1, res.status, "timeout: no exit status");
	CHECK(res.elapsed_ms >= 300 && res.elapsed_ms < 1000, "timeout: elapsed %lld ms, about 300",
	    (long long)res.elapsed_ms);
	CHECK_OUT("started\n", res.output, "timeout: the output until then is kept");
	leader = read_number("leader");
	child = read_number("child");
	CHECK(leader > 0 && gone(leader), "timeout: the program (%ld) is gone", leader);
	CHECK(child > 0 && gone(child), "timeout: its background child (%ld) is gone too", child);
	CHECK(leader > 0 && gone_within(leader, true), "timeout: nothing is left in its process group");

	script("trapexit", "trap 'echo caught; exit 7' TERM; sleep 100 & wait", path, sizeof(path));
	rc = run(path, NULL, 0, 300, &res);
	CHECK(res.timed_out, "exits on SIGTERM with a status: timed out");
	CHECK_EQ_INT(7, res.status, "exits on SIGTERM with a status: the status");
	CHECK_EQ_INT(0, res.signal, "exits on SIGTERM with a status: no signal");
	CHECK_OUT("caught\n", res.output, "exits on SIGTERM with a status: its output");

	snprintf(body, sizeof(body), "trap '' TERM; echo $$ >%s/leader; sleep 100", dir);
	script("stubborn", body, path, sizeof(path));
	rc = run(path, NULL, 0, 300, &res);
	CHECK_EQ_INT(0, rc, "ignores SIGTERM: it ran");
	CHECK(res.timed_out, "ignores SIGTERM: timed out");
	CHECK_EQ_INT(SIGKILL, res.signal, "ignores SIGTERM: SIGKILL after the grace");
	CHECK(res.elapsed_ms >= 300 + HOOK_GRACE_MS && res.elapsed_ms < 300 + HOOK_GRACE_MS + 700,
	    "ignores SIGTERM: elapsed %lld ms, about %d", (long long)res.elapsed_ms,
	    300 + HOOK_GRACE_MS);
	leader = read_number("leader");
	CHECK(leader > 0 && gone_within(leader, true),
	    "ignores SIGTERM: its group is gone, the sleep it ran too");

	/* A program that exits leaving a child behind that holds the output open. */
	snprintf(body, sizeof(body), "sleep 100 & echo $! >%s/child; echo bye", dir);
	script("leaver", body, path, sizeof(path));
	rc = run(path, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, res.status, "leaves a child behind: status 0");
	CHECK(!res.timed_out && res.elapsed_ms < 1000,
	    "leaves a child behind: returns when the program exits (%lld ms)",
	    (long long)res.elapsed_ms);
	CHECK_OUT("bye\n", res.output, "leaves a child behind: its output");
	child = read_number("child");
	CHECK(child > 0 && gone(child), "leaves a child behind: the child (%ld) is killed", child);
}

/*
 * Valgrind runs the clone(CLONE_VM | CLONE_VFORK) of posix_spawn as a plain
 * fork, so the error of a failed exec never reaches the parent there: the
 * program "runs" and exits 127.
 */
static bool
under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p != NULL && strstr(p, "vgpreload") != NULL;
}

/* A program that cannot be started: want (-errno), and the message's reason if given. */
static void
expect_refused(const char *what, const char *path, int want, const char *reason)
{
	struct hook_result res;
	char msg[256];
	int rc;

	if (under_valgrind()) {
		printf("ok %d - %s # SKIP valgrind keeps posix_spawn from reporting exec errors\n",
		    ++tap_count, what);
		return;
	}
	rc = run(path, "input", 5, 5000, &res);
	CHECK_EQ_INT(want, rc, "%s: %d", what, want);
	CHECK(res.status == -1 && res.signal == 0 && !res.timed_out, "%s: status -1", what);
	if (reason != NULL) {
		snprintf(msg, sizeof(msg), "cannot run %s: %s", path, reason);
		CHECK_OUT(msg, res.output, "%s: the message", what);
	}
}

static void
test_cannot_start(void)
{
	char *argv[] = { "x", NULL };
	struct hook_result res;
	char path[128];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/missing", dir);
	expect_refused("a missing program", path, -ENOENT, "No such file or directory");
	script("noexec", "exit 0", path, sizeof(path));
	chmod(path, 0644);
	expect_refused("a program without execute permission", path, -EACCES, "Permission denied");
	expect_refused("a directory", dir, -EACCES, NULL);
	snprintf(path, sizeof(path), "%s/noshebang", dir);
	f = fopen(path, "we");
	if (f != NULL) {
		fputs("exit 0\n", f);
		fclose(f);
	}
	chmod(path, 0755);
	expect_refused("a script without #! (no shell is tried)", path, -ENOEXEC, "Exec format error");

	rc = hook_run("bin/true", argv, env_std, NULL, 0, 5000, &res);
	CHECK_EQ_INT(-EINVAL, rc, "a relative path: -EINVAL");
	CHECK_OUT("cannot run bin/true: not an absolute path", res.output, "a relative path: the message");
	CHECK_EQ_INT(-1, res.status, "a relative path: status -1");
	rc = hook_run("/bin/true", argv, env_std, NULL, 0, 0, &res);
	CHECK_EQ_INT(-EINVAL, rc, "a timeout of 0: -EINVAL");
	rc = hook_run("/bin/true", NULL, env_std, NULL, 0, 5000, &res);
	CHECK_EQ_INT(-EINVAL, rc, "no argv: -EINVAL");
}

/* "ls -l" of a fd directory as "N pipe" or "N other" for each descriptor. */
static void
fd_summary(const char *ls, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = strstr(ls, " -> "); p != NULL && n < len; p = strstr(p + 4, " -> ")) {
		const char *q = p;
		int m;

		while (q > ls && q[-1] >= '0' && q[-1] <= '9')
			q--;
		m = snprintf(out + n, len - n, "%.*s %s ", (int)(p - q), q,
		    strncmp(p + 4, "pipe:", 5) == 0 ? "pipe" : "other");
		if (m < 0)
			break;
		n += (size_t)m;
	}
}

static void
test_fds(void)
{
	char *ls_argv[] = { "ls", "/proc/self/fd", NULL };
	/* No pipeline: the shell would hold its pipe while ls looks. */
	char *lsl_argv[] = { "sh", "-c", "ls -l /proc/$$/fd", NULL };
	struct hook_result res;
	char summary[256];
	int leak_file, leak_sock, leak_dup, rc;

	/* Descriptors without close-on-exec, as a careless library might leave them. */
	leak_file = open("/dev/null", O_RDONLY);
	leak_sock = socket(AF_INET, SOCK_STREAM, 0);
	leak_dup = dup(leak_file);
	rc = hook_run("/usr/bin/ls", ls_argv, env_std, NULL, 0, 5000, &res);
	CHECK_EQ_INT(0, rc, "ls /proc/self/fd: it ran");
	CHECK_OUT("0\n1\n2\n3\n", res.output,
	    "only 0, 1 and 2 (and the one ls reads the directory with) are open in the program");
	rc = hook_run("/bin/sh", lsl_argv, env_std, NULL, 0, 5000, &res);
	fd_summary(res.output, summary, sizeof(summary));
	CHECK_OUT("0 pipe 1 pipe 2 pipe ", summary, "the shell has 0, 1 and 2 only, and they are pipes");
	close(leak_dup);
	close(leak_sock);
	close(leak_file);

	/* With 0, 1 and 2 closed in the caller, the pipes must not land on them. */
	{
		int saved[3];
		char *echo_argv[] = { "sh", "-c", "cat; echo; echo err >&2", NULL };

		fflush(stdout);
		for (int i = 0; i < 3; i++)
			saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 10);
		close(0);
		close(1);
		close(2);
		rc = hook_run("/bin/sh", echo_argv, env_std, "in", 2, 5000, &res);
		for (int i = 0; i < 3; i++) {
			dup2(saved[i], i);
			close(saved[i]);
		}
		CHECK_EQ_INT(0, rc, "caller without 0, 1, 2: it ran");
		CHECK_OUT("in\nerr\n", res.output,
		    "caller without 0, 1, 2: the program's input and output are right");
	}
}

struct worker {
	int			 n;
	const char		*path;
	int			 failures;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < 8; i++) {
		struct hook_result res;
		char input[64], want[64];
		char *argv[] = { (char *)w->path, NULL };
		int status = (w->n * 8 + i) % 256;

		snprintf(input, sizeof(input), "thread %d run %d\n%d\n", w->n, i, status);
		snprintf(want, sizeof(want), "thread %d run %d\n", w->n, i);
		if (hook_run(w->path, argv, env_std, input, strlen(input), 5000, &res) != 0 ||
		    res.status != status || strcmp(res.output, want) != 0)
			w->failures++;
	}
	return NULL;
}

static void
test_threads(void)
{
	struct worker w[4];
	pthread_t t[4];
	char path[128];

	script("echo-exit", "read line; echo \"$line\"; read status; sleep 0.05; exit $status", path,
	    sizeof(path));
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ .n = i, .path = path };
		pthread_create(&t[i], NULL, worker_main, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ_INT(0, w[i].failures, "thread %d: 8 hooks, each its own input, output, status", i);
	}
}

int
main(void)
{
	int fds_before, fds_after;
	pid_t w;
	char cmd[128];

	snprintf(dir, sizeof(dir), "/tmp/lw-test-hook-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	fds_before = count_fds();
	test_status();
	test_env_args();
	test_input();
	test_output();
	test_signals();
	test_timeout();
	test_cannot_start();
	test_fds();
	test_threads();
	fds_after = count_fds();
	CHECK_EQ_INT(fds_before, fds_after, "no descriptor of ours is left open");
	w = waitpid(-1, NULL, WNOHANG);
	CHECK(w == -1 && errno == ECHILD, "no child is left, not even a zombie");

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return tap_done();
}
