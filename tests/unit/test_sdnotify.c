/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for sdnotify: a real AF_UNIX datagram socket, bound in a
 * temporary directory and under an abstract name, plays the service manager;
 * every message must arrive exactly (bytes and length, no NUL, the abstract
 * address without a trailing NUL), with our pid in its credentials as systemd
 * reads them.  NOTIFY_SOCKET unset is a quiet no-op; malformed values are
 * refused with a message; a full queue gives -EAGAIN at once instead of
 * blocking; a vanished manager gives an error, not a crash; several threads
 * may send at once.  Then WATCHDOG_USEC and WATCHDOG_PID, valid and not.
 */
#define _GNU_SOURCE	/* struct ucred, SO_PASSCRED */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sdnotify.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char tmpdir[256];

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A datagram socket bound to path ('@' first: abstract), receiving credentials. */
static int
receiver(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	socklen_t alen;
	int one = 1;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memcpy(a.sun_path, name, len);
	if (name[0] == '@') {
		a.sun_path[0] = '\0';
		alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	} else {
		alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	}
	if (bind(fd, (struct sockaddr *)&a, alen) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * One datagram within timeout_ms into buf (NUL added after it): its length,
 * or -1 when none came.  The sender's pid goes to *pid when not NULL.
 */
static ssize_t
receive(int fd, char *buf, size_t len, int timeout_ms, pid_t *pid)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	union {
		char		 buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr	 align;
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = len - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	ssize_t n;

	if (pid != NULL)
		*pid = 0;
	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS && pid != NULL) {
			struct ucred uc;

			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			*pid = uc.pid;
		}
	}
	return n;
}

/* The descriptor the next socket(2) gets: the lowest free one. */
static int
next_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

static int
is_dgram_socket(int fd)
{
	int type = 0;
	socklen_t len = sizeof(type);

	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM;
}

static void
test_unset(void)
{
	char err[256] = "untouched";
	int fd = next_fd();

	unsetenv("NOTIFY_SOCKET");
	CHECK_EQ_INT(0, sdnotify_open(err, sizeof(err)), "unset: open says there is no socket");
	CHECK_EQ_STR("", err, "unset: no message");
	CHECK_EQ_INT(0, sdnotify_enabled(), "unset: not enabled");
	CHECK(fcntl(fd, F_GETFD) == -1, "unset: no descriptor opened");
	CHECK_EQ_INT(0, sdnotify_send("READY=1"), "unset: send is a no-op");
	CHECK_EQ_INT(0, sdnotify_send(""), "unset: even a bad message is a no-op");
	CHECK_EQ_INT(0, sdnotify_status("%d/%d devices up", 1, 2), "unset: status is a no-op");
	sdnotify_close();
	sdnotify_close();
	CHECK(1, "unset: close twice is harmless");
}

/* Send msg and expect exactly it (length len) at rfd. */
static void
expect_msg(int rfd, const char *what, const char *msg, size_t len)
{
	static char buf[2 * SDNOTIFY_MAX];
	pid_t pid;
	int rc = sdnotify_send(msg);
	ssize_t n;

	CHECK_EQ_INT(1, rc, "%s: sent", what);
	n = receive(rfd, buf, sizeof(buf), 2000, &pid);
	CHECK_EQ_INT((long long)len, n, "%s: received, whole", what);
	CHECK(n == (ssize_t)len && memcmp(buf, msg, len) == 0, "%s: exactly the bytes sent", what);
	CHECK_EQ_INT(getpid(), pid, "%s: the kernel names our pid as the sender", what);
}

static void
test_messages(int rfd, const char *kind)
{
	static char big[SDNOTIFY_MAX + 2], buf[2 * SDNOTIFY_MAX];
	static const char *const msgs[] = {
		"READY=1",
		"STATUS=3/3 devices up, backlog 0, 0 active alerts",
		"WATCHDOG=1",
		"RELOADING=1\nSTATUS=reloading /etc/lakewatch/lakewatch.conf",
		"STOPPING=1",
		"STATUS=Lago Poopó: 1/2 devices up",
	};
	char what[64];
	ssize_t n;

	for (size_t i = 0; i < NELEM(msgs); i++) {
		snprintf(what, sizeof(what), "%s: message %zu", kind, i);
		expect_msg(rfd, what, msgs[i], strlen(msgs[i]));
	}

	memset(big, 'x', sizeof(big));
	memcpy(big, "STATUS=", 7);
	big[SDNOTIFY_MAX] = '\0';
	snprintf(what, sizeof(what), "%s: a message of SDNOTIFY_MAX bytes", kind);
	expect_msg(rfd, what, big, SDNOTIFY_MAX);
	big[SDNOTIFY_MAX] = 'x';
	big[SDNOTIFY_MAX + 1] = '\0';
	CHECK_EQ_INT(-EMSGSIZE, sdnotify_send(big), "%s: one byte more is refused", kind);
	CHECK_EQ_INT(-EINVAL, sdnotify_send(""), "%s: an empty message is refused", kind);
	CHECK_EQ_INT(-EINVAL, sdnotify_send(NULL), "%s: NULL is refused", kind);
	CHECK_EQ_INT(-1, receive(rfd, buf, sizeof(buf), 50, NULL),
	    "%s: nothing was sent for the refused ones", kind);

	CHECK_EQ_INT(1, sdnotify_status("%u/%u devices up,\nbacklog %d\r\t%s", 2u, 3u, 7, "x\x7f"),
	    "%s: status sent", kind);
	n = receive(rfd, buf, sizeof(buf), 2000, NULL);
	CHECK(n > 0, "%s: status received", kind);
	CHECK(strcmp(buf, "STATUS=2/3 devices up, backlog 7  x ") == 0,
	    "%s: status: control characters made spaces, no second line: \"%.100s\"", kind, buf);

	memset(big, 'y', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ_INT(1, sdnotify_status("%s", big), "%s: a long status is sent", kind);
	n = receive(rfd, buf, sizeof(buf), 2000, NULL);
	CHECK_EQ_INT(SDNOTIFY_MAX, n, "%s: a long status is cut to SDNOTIFY_MAX", kind);
	CHECK(n > 7 && strncmp(buf, "STATUS=yyy", 10) == 0, "%s: cut at its end", kind);
}

/* A full receive queue: -EAGAIN at once, never a blocked send. */
static void
test_full_queue(int rfd)
{
	char buf[64];
	int64_t t0 = mono_ms();
	int rc = 1, sent = 0;

	while (sent < 100000 && (rc = sdnotify_send("WATCHDOG=1")) == 1)
		sent++;
	CHECK_EQ_INT(-EAGAIN, rc, "full queue: -EAGAIN (after %d messages)", sent);
	CHECK(mono_ms() - t0 < 2000, "full queue: the send did not block");
	CHECK(sent > 0, "full queue: some were sent first");
	while (receive(rfd, buf, sizeof(buf), 0, NULL) > 0)
		;
	CHECK_EQ_INT(1, sdnotify_send("WATCHDOG=1"), "full queue: sends again once drained");
	CHECK(receive(rfd, buf, sizeof(buf), 2000, NULL) == 10, "full queue: and it arrives");
}

#define NTHREADS	4
#define PER_THREAD	100

static void *
sender(void *arg)
{
	int *failed = arg;

	for (int i = 0; i < PER_THREAD; i++) {
		int rc;

		while ((rc = sdnotify_send("WATCHDOG=1")) == -EAGAIN)
			sched_yield();
		if (rc != 1)
			(*failed)++;
	}
	return NULL;
}

/* Several threads sending at once: every message arrives whole. */
static void
test_threads(int rfd)
{
	pthread_t th[NTHREADS];
	int failed[NTHREADS] = { 0 };
	int got = 0, whole = 0, nfailed = 0;
	char buf[64];
	ssize_t n;

	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, sender, &failed[i]);
	while (got < NTHREADS * PER_THREAD && (n = receive(rfd, buf, sizeof(buf), 5000, NULL)) > 0) {
		got++;
		whole += n == 10 && strcmp(buf, "WATCHDOG=1") == 0;
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		nfailed += failed[i];
	}
	CHECK_EQ_INT(0, nfailed, "threads: no send failed");
	CHECK_EQ_INT(NTHREADS * PER_THREAD, got, "threads: every message arrived");
	CHECK_EQ_INT(got, whole, "threads: each one whole");
}

static void
test_path(void)
{
	char path[300], err[256];
	int fd, rfd, probe;

	snprintf(path, sizeof(path), "%s/notify.sock", tmpdir);
	rfd = receiver(path);
	CHECK(rfd >= 0, "path: the receiver is bound at %s", path);
	if (rfd < 0)
		return;
	setenv("NOTIFY_SOCKET", path, 1);
	probe = next_fd();
	CHECK_EQ_INT(1, sdnotify_open(err, sizeof(err)), "path: open");
	CHECK_EQ_STR("", err, "path: no message");
	CHECK_EQ_INT(1, sdnotify_enabled(), "path: enabled");
	CHECK(is_dgram_socket(probe), "path: a datagram socket was made");
	CHECK((fcntl(probe, F_GETFD) & FD_CLOEXEC) != 0, "path: close-on-exec");
	CHECK_EQ_INT(1, sdnotify_open(NULL, 0), "path: open again (no message buffer)");
	fd = next_fd();
	CHECK(is_dgram_socket(probe) && fd == probe + 1, "path: open again keeps one socket");

	test_messages(rfd, "path");
	test_full_queue(rfd);
	test_threads(rfd);

	/* The manager goes away: an error, no crash, no signal. */
	close(rfd);
	CHECK(sdnotify_send("WATCHDOG=1") < 0, "path: nobody listening: an error");
	unlink(path);
	CHECK_EQ_INT(-ENOENT, sdnotify_send("WATCHDOG=1"), "path: socket file gone: -ENOENT");
	/* It comes back at the same path (as systemd re-binds it): messages reach it. */
	rfd = receiver(path);
	CHECK(rfd >= 0, "path: a new receiver at the same path");
	if (rfd >= 0) {
		expect_msg(rfd, "path: after the manager re-bound its socket", "READY=1", 7);
		close(rfd);
	}
	unlink(path);

	sdnotify_close();
	CHECK_EQ_INT(0, sdnotify_enabled(), "path: closed");
	CHECK(fcntl(probe, F_GETFD) == -1, "path: the socket is closed");
	CHECK_EQ_INT(0, sdnotify_send("READY=1"), "path: send after close is a no-op");
	sdnotify_close();
}

static void
test_abstract(void)
{
	char name[108], err[256];
	int rfd;

	snprintf(name, sizeof(name), "@lakewatch-test-%ld-%lld", (long)getpid(),
	    (long long)mono_ms());
	rfd = receiver(name);
	CHECK(rfd >= 0, "abstract: the receiver is bound at %s", name);
	if (rfd < 0)
		return;
	setenv("NOTIFY_SOCKET", name, 1);
	CHECK_EQ_INT(1, sdnotify_open(err, sizeof(err)), "abstract: open");
	CHECK_EQ_STR("", err, "abstract: no message");
	/* Exact delivery also proves the address carries no trailing NUL. */
	test_messages(rfd, "abstract");
	close(rfd);
	CHECK_EQ_INT(-ECONNREFUSED, sdnotify_send("READY=1"), "abstract: gone: -ECONNREFUSED");
	sdnotify_close();
}

static void
test_bad_values(void)
{
	char longpath[200], longabs[200], err[256];
	struct sockaddr_un a;
	static const char *const bad[] = {
		"", "relative/notify.sock", "notify", "@", "/", "vsock:2:1234", " /run/x",
	};

	for (size_t i = 0; i < NELEM(bad); i++) {
		setenv("NOTIFY_SOCKET", bad[i], 1);
		err[0] = '\0';
		CHECK_EQ_INT(-EINVAL, sdnotify_open(err, sizeof(err)), "bad '%s': -EINVAL", bad[i]);
		CHECK(strstr(err, "NOTIFY_SOCKET") != NULL && strstr(err, bad[i]) != NULL,
		    "bad '%s': the message names it: %s", bad[i], err);
		CHECK_EQ_INT(0, sdnotify_enabled(), "bad '%s': not enabled", bad[i]);
		CHECK_EQ_INT(0, sdnotify_send("READY=1"), "bad '%s': send is a no-op", bad[i]);
	}

	/* A path takes sun_path with its NUL; an abstract name the whole of it. */
	memset(longpath, 'p', sizeof(longpath));
	longpath[0] = '/';
	longpath[sizeof(a.sun_path) - 1] = '\0';
	setenv("NOTIFY_SOCKET", longpath, 1);
	CHECK_EQ_INT(1, sdnotify_open(err, sizeof(err)), "a path of %zu bytes fits",
	    sizeof(a.sun_path) - 1);
	CHECK(sdnotify_send("READY=1") < 0, "and sending to it fails (nobody there)");
	longpath[sizeof(a.sun_path) - 1] = 'p';
	longpath[sizeof(a.sun_path)] = '\0';
	setenv("NOTIFY_SOCKET", longpath, 1);
	CHECK_EQ_INT(-ENAMETOOLONG, sdnotify_open(err, sizeof(err)), "a path of %zu bytes does not",
	    sizeof(a.sun_path));
	CHECK(strstr(err, "too long") != NULL, "the message says so: %s", err);
	CHECK_EQ_INT(0, sdnotify_enabled(), "and the earlier socket was closed");

	memset(longabs, 'a', sizeof(longabs));
	longabs[0] = '@';
	longabs[sizeof(a.sun_path)] = '\0';
	setenv("NOTIFY_SOCKET", longabs, 1);
	CHECK_EQ_INT(1, sdnotify_open(err, sizeof(err)), "an abstract name of %zu bytes fits",
	    sizeof(a.sun_path));
	longabs[sizeof(a.sun_path)] = 'a';
	longabs[sizeof(a.sun_path) + 1] = '\0';
	setenv("NOTIFY_SOCKET", longabs, 1);
	CHECK_EQ_INT(-ENAMETOOLONG, sdnotify_open(err, sizeof(err)),
	    "an abstract name of %zu bytes does not", sizeof(a.sun_path) + 1);
	CHECK_EQ_INT(-ENAMETOOLONG, sdnotify_open(NULL, 0), "the same without a message buffer");
	sdnotify_close();
	unsetenv("NOTIFY_SOCKET");
}

static void
test_watchdog(void)
{
	char self[32], other[32];
	pid_t me = getpid();
	const struct {
		const char	*usec, *pid;
		int64_t		 want;
	} cases[] = {
		{ NULL, NULL, 0 },
		{ NULL, "1", 0 },
		{ NULL, "garbage", 0 },			/* no interval: the pid is not read */
		{ "2000000", NULL, 2000 },
		{ "60000000", NULL, 60000 },
		{ "1500", NULL, 1 },			/* rounded down */
		{ "999", NULL, 1 },			/* but never to 0 */
		{ "1", NULL, 1 },
		{ "18446744073709551614", NULL, 18446744073709551LL },
		{ "0", NULL, -EINVAL },
		{ "18446744073709551615", NULL, -EINVAL },	/* infinity */
		{ "18446744073709551616", NULL, -EINVAL },	/* past 64 bits */
		{ "", NULL, -EINVAL },
		{ "abc", NULL, -EINVAL },
		{ "20s", NULL, -EINVAL },
		{ "-2000000", NULL, -EINVAL },
		{ "+2000000", NULL, -EINVAL },
		{ " 2000000", NULL, -EINVAL },
		{ "2000000 ", NULL, -EINVAL },
		{ "0x1e8480", NULL, -EINVAL },
		{ "2000000", "", -EINVAL },
		{ "2000000", "0", -EINVAL },
		{ "2000000", "-1", -EINVAL },
		{ "2000000", "x12", -EINVAL },
		{ "2000000", "99999999999", -EINVAL },
		{ "garbage", "1", -EINVAL },
	};

	for (size_t i = 0; i < NELEM(cases); i++)
		CHECK_EQ_INT(cases[i].want, sdnotify_watchdog_parse(cases[i].usec, cases[i].pid, me),
		    "watchdog: WATCHDOG_USEC=%s WATCHDOG_PID=%s", cases[i].usec ? cases[i].usec : "(unset)",
		    cases[i].pid ? cases[i].pid : "(unset)");

	snprintf(self, sizeof(self), "%ld", (long)me);
	snprintf(other, sizeof(other), "%ld", (long)(me == 1 ? 2 : 1));
	CHECK_EQ_INT(2000, sdnotify_watchdog_parse("2000000", self, me), "watchdog: our pid");
	CHECK_EQ_INT(0, sdnotify_watchdog_parse("2000000", other, me), "watchdog: another pid");

	/* The same through the environment. */
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	CHECK_EQ_INT(0, sdnotify_watchdog_ms(), "env: nothing set: not enabled");
	setenv("WATCHDOG_USEC", "2000000", 1);
	CHECK_EQ_INT(2000, sdnotify_watchdog_ms(), "env: WATCHDOG_USEC=2000000 alone: 2000 ms");
	setenv("WATCHDOG_PID", self, 1);
	CHECK_EQ_INT(2000, sdnotify_watchdog_ms(), "env: and WATCHDOG_PID ours: 2000 ms");
	setenv("WATCHDOG_PID", other, 1);
	CHECK_EQ_INT(0, sdnotify_watchdog_ms(), "env: WATCHDOG_PID another's: not enabled");
	setenv("WATCHDOG_PID", "garbage", 1);
	CHECK_EQ_INT(-EINVAL, sdnotify_watchdog_ms(), "env: WATCHDOG_PID garbage: -EINVAL");
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "0", 1);
	CHECK_EQ_INT(-EINVAL, sdnotify_watchdog_ms(), "env: WATCHDOG_USEC=0: -EINVAL");
	setenv("WATCHDOG_USEC", "soon", 1);
	CHECK_EQ_INT(-EINVAL, sdnotify_watchdog_ms(), "env: WATCHDOG_USEC garbage: -EINVAL");
	unsetenv("WATCHDOG_USEC");
}

int
main(void)
{
	const char *t = getenv("TMPDIR");

	/* Short enough for sun_path whatever TMPDIR is. */
	snprintf(tmpdir, sizeof(tmpdir), "%s/lw-sdnotify.XXXXXX",
	    t != NULL && t[0] == '/' && strlen(t) < 60 ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_unset();
	test_path();
	test_abstract();
	test_bad_values();
	test_watchdog();
	rmdir(tmpdir);
	return tap_done();
}
