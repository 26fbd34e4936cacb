/* SPDX-License-Identifier: MIT */
/*
 * Running a notification program (see hook.h).  posix_spawn starts it: glibc
 * does it with clone(CLONE_VM | CLONE_VFORK), so nothing runs between fork
 * and exec but the spawn's own actions (dup2 of the pipes onto 0, 1 and 2,
 * chdir "/", close every descriptor from 3 up), and an exec failure comes
 * back as posix_spawn's result.  Every descriptor made here is close-on-exec
 * from the start, so a hook started by another thread at the same moment
 * cannot inherit them either.
 *
 * The calling thread then waits in poll(2) on three things: the program's
 * end (a pidfd; every 10 ms with waitid when pidfd_open is not there), its
 * output (read as it comes, so it never blocks on a full pipe) and its input
 * (written as the pipe takes it, non-blocking).  The program is observed to
 * have exited with WNOWAIT and reaped only after its group has been killed:
 * until then the zombie keeps its pid, so the group's id cannot have been
 * given to another process.  SIGPIPE is blocked in the calling thread during
 * the call, and the one a write to a closed pipe raises is taken back, so
 * the caller's disposition of SIGPIPE does not matter.
 *
 * Under valgrind, which runs that clone as a plain fork, posix_spawn cannot
 * see an exec failure: the program seems to start and exits 127.
 */
#define _GNU_SOURCE	/* posix_spawn_file_actions_addchdir_np, addclosefrom_np, pipe2 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hook.h"
#include "now.h"

#define CHUNK		65536			/* bytes a read or write moves at most */
#define TICK_MS		10			/* how often to look without a pidfd */
#define DRAIN_MAX	(1024 * 1024)		/* output read after the program exited */

/* Set once pidfd_open turned out not to exist here (old kernel, seccomp, valgrind). */
static atomic_bool no_pidfd;

/* One state of a run, so the helpers can share it. */
struct run {
	pid_t			 pid;
	int			 pidfd;		/* -1 without one */
	int			 in_w;		/* parent's end of the program's stdin, or -1 */
	int			 out_r;		/* parent's end of its stdout+stderr, or -1 */
	const char		*input;		/* what is still to be written */
	size_t			 input_left;
	bool			 epipe;		/* a write raised SIGPIPE (or would have) */
	bool			 lost;		/* reaped by someone else: its pid is not ours */
	size_t			 kept;		/* bytes in res->output */
	struct hook_result	*res;
};

static void
close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

/* Control characters other than newline and tab become '?'. */
static void
sanitize(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
			s[i] = '?';
	}
}

/* Fill res for a program that could not be started; -e. */
static int
failed(struct hook_result *res, const char *path, int e)
{
	char buf[128];
	const char *why = e == EINVAL && path != NULL && path[0] != '/' ?
	    "not an absolute path" : strerror_r(e, buf, sizeof(buf));

	res->status = -1;
	res->signal = 0;
	res->timed_out = false;
	res->elapsed_ms = 0;
	snprintf(res->output, sizeof(res->output), "cannot run %s: %s", path ? path : "(null)", why);
	sanitize(res->output, strlen(res->output));
	return -e;
}

/* A pipe, close-on-exec, with both ends above 2 so that no dup2 onto 0..2 clobbers one. */
static int
pipe_above_stdio(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -errno;
	for (int i = 0; i < 2; i++) {
		int fd, e;

		if (fds[i] > 2)
			continue;
		fd = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		e = errno;
		close(fds[i]);
		fds[i] = fd;
		if (fd == -1) {
			close_fd(&fds[0]);
			close_fd(&fds[1]);
			return -e;
		}
	}
	return 0;
}

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -errno;
	return 0;
}

/* Keep what fits of n output bytes, drop the rest. */
static void
keep(struct run *r, const char *p, size_t n)
{
	size_t room = sizeof(r->res->output) - 1 - r->kept;

	if (n > room)
		n = room;
	memcpy(r->res->output + r->kept, p, n);
	r->kept += n;
}

/*
 * One read of the output: > 0 bytes read, 0 at end of file (the output is
 * closed then), -EAGAIN when there is nothing now, another -errno when the
 * pipe failed (closed too).
 */
static ssize_t
read_output(struct run *r)
{
	char buf[CHUNK];
	ssize_t n = read(r->out_r, buf, sizeof(buf));

	if (n > 0) {
		keep(r, buf, (size_t)n);
		return n;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return -EAGAIN;
	n = n == 0 ? 0 : -errno;
	close_fd(&r->out_r);
	return n;
}

/* Write what the input pipe takes now; it is closed once all is written or it fails. */
static void
write_input(struct run *r)
{
	size_t n = r->input_left < CHUNK ? r->input_left : CHUNK;
	ssize_t w = n > 0 ? write(r->in_w, r->input, n) : 0;

	if (w > 0) {
		r->input += w;
		r->input_left -= (size_t)w;
	} else if (w == -1 && (errno == EAGAIN || errno == EINTR)) {
		return;
	} else if (w == -1 && errno == EPIPE) {
		r->epipe = true;
	}
	if (r->input_left == 0 || w <= 0)
		close_fd(&r->in_w);
}

/*
 * A signal to the program's group, and to the program itself in case it left
 * the group (it is not reaped yet, so its pid is still its own).
 */
static void
signal_group(const struct run *r, int sig)
{
	kill(-r->pid, sig);
	kill(r->pid, sig);
}

/* Whether the program has exited (it is not reaped). */
static bool
has_exited(struct run *r)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)r->pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1) {
		if (errno == EINTR)
			return false;
		r->lost = true;		/* ECHILD: another waitpid took it */
		return true;
	}
	return si.si_pid == r->pid;
}

/* Start the program; 0, or a positive errno from posix_spawn. */
static int
spawn(struct run *r, const char *path, char *const argv[], char *const envp[], int in_r,
    int out_w)
{
	static char *const no_env[] = { NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int rc;

	rc = posix_spawn_file_actions_init(&fa);
	if (rc != 0)
		return rc;
	rc = posix_spawnattr_init(&attr);
	if (rc != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return rc;
	}
	sigemptyset(&none);
	sigfillset(&all);
	if ((rc = posix_spawn_file_actions_adddup2(&fa, in_r, 0)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, out_w, 1)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, out_w, 2)) != 0 ||
	    (rc = posix_spawn_file_actions_addchdir_np(&fa, "/")) != 0 ||
	    (rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) != 0 ||
	    (rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF)) != 0 ||
	    (rc = posix_spawnattr_setpgroup(&attr, 0)) != 0 ||
	    (rc = posix_spawnattr_setsigmask(&attr, &none)) != 0 ||
	    (rc = posix_spawnattr_setsigdefault(&attr, &all)) != 0)
		goto out;
	rc = posix_spawn(&r->pid, path, &fa, &attr, argv, envp != NULL ? envp : no_env);
out:
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/*
 * Serve the program's input and output until it exits, sending its group
 * SIGTERM at the deadline and SIGKILL HOOK_GRACE_MS later.
 */
static void
supervise(struct run *r, int64_t start_ms, int64_t timeout_ms)
{
	int64_t deadline = start_ms + timeout_ms, kill_at = -1;
	bool killed = false;

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = r->pidfd, .events = POLLIN },
			{ .fd = r->out_r, .events = POLLIN },
			{ .fd = r->in_w, .events = POLLOUT },
		};
		int64_t now = now_mono_ms(), wait;
		int n;

		if (!r->res->timed_out && now >= deadline) {
			r->res->timed_out = true;
			signal_group(r, SIGTERM);
			kill_at = now + HOOK_GRACE_MS;
		} else if (!killed && kill_at >= 0 && now >= kill_at) {
			signal_group(r, SIGKILL);
			killed = true;
		}
		if (killed)
			wait = -1;
		else
			wait = (r->res->timed_out ? kill_at : deadline) - now;
		if (r->pidfd < 0 && (wait < 0 || wait > TICK_MS))
			wait = TICK_MS;
		n = poll(pfd, 3, (int)(wait > 60000 ? 60000 : wait));
		if (n == -1 && errno != EINTR) {
			/* Cannot wait for it any more: it ends now. */
			signal_group(r, SIGKILL);
			return;
		}
		if (n <= 0) {
			if (r->pidfd < 0 && has_exited(r))
				return;
			continue;
		}
		if (pfd[2].revents != 0)
			write_input(r);
		if (pfd[1].revents != 0)
			(void)read_output(r);
		if ((r->pidfd < 0 || pfd[0].revents != 0) && has_exited(r))
			return;
	}
}

int
hook_run(const char *path, char *const argv[], char *const envp[], const char *input,
    size_t input_len, int64_t timeout_ms, struct hook_result *res)
{
	struct run r = { .pid = -1, .pidfd = -1, .in_w = -1, .out_r = -1, .input = input,
	    .input_left = input != NULL ? input_len : 0, .res = res };
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	sigset_t pipe_set, old_mask, pending;
	bool was_pending;
	int64_t start_ms;
	int rc, st = 0;
	pid_t w;

	memset(res, 0, sizeof(*res));
	if (path == NULL || path[0] != '/' || argv == NULL || argv[0] == NULL || timeout_ms <= 0)
		return failed(res, path, EINVAL);
	if ((rc = pipe_above_stdio(in)) != 0)
		return failed(res, path, -rc);
	if ((rc = pipe_above_stdio(out)) != 0) {
		close_fd(&in[0]);
		close_fd(&in[1]);
		return failed(res, path, -rc);
	}
	r.in_w = in[1];
	r.out_r = out[0];
	if ((rc = set_nonblock(r.in_w)) != 0 || (rc = set_nonblock(r.out_r)) != 0) {
		close_fd(&in[0]);
		close_fd(&out[1]);
		close_fd(&r.in_w);
		close_fd(&r.out_r);
		return failed(res, path, -rc);
	}

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE) == 1;

	start_ms = now_mono_ms();
	rc = spawn(&r, path, argv, envp, in[0], out[1]);
	/* The program's ends are its own now (or nobody's). */
	close_fd(&in[0]);
	close_fd(&out[1]);
	if (rc != 0) {
		close_fd(&r.in_w);
		close_fd(&r.out_r);
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
		return failed(res, path, rc);
	}
	/* The pid is ours until it is reaped, so the pidfd is the program's. */
	if (!atomic_load_explicit(&no_pidfd, memory_order_relaxed)) {
		r.pidfd = pidfd_open(r.pid, 0);
		if (r.pidfd == -1 && (errno == ENOSYS || errno == EPERM))
			atomic_store_explicit(&no_pidfd, true, memory_order_relaxed);
	}
	if (r.input_left == 0)
		close_fd(&r.in_w);

	supervise(&r, start_ms, timeout_ms);

	/* Whatever it left in its group goes with it; the zombie keeps the group's id. */
	if (!r.lost)
		signal_group(&r, SIGKILL);
	close_fd(&r.in_w);
	for (size_t drained = 0; r.out_r >= 0 && drained < DRAIN_MAX;) {
		ssize_t n = read_output(&r);

		if (n <= 0)
			break;
		drained += (size_t)n;
	}
	close_fd(&r.out_r);
	close_fd(&r.pidfd);
	w = -1;
	while (!r.lost && (w = waitpid(r.pid, &st, 0)) == -1 && errno == EINTR)
		;
	res->elapsed_ms = now_mono_ms() - start_ms;
	res->status = -1;
	if (w == r.pid && WIFEXITED(st))
		res->status = WEXITSTATUS(st);
	else if (w == r.pid && WIFSIGNALED(st))
		res->signal = WTERMSIG(st);

	if (r.epipe && !was_pending) {
		static const struct timespec zero = { 0, 0 };

		/* Take back the SIGPIPE the write raised, unless it was ignored. */
		while (sigtimedwait(&pipe_set, NULL, &zero) == -1 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);

	res->output[r.kept] = '\0';
	sanitize(res->output, r.kept);
	return 0;
}
