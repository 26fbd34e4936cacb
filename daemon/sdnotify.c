/* SPDX-License-Identifier: MIT */
/*
 * The notification protocol (see sdnotify.h).  The protocol is a stable
 * interface meant to be implemented without libsystemd: a datagram of
 * newline-separated assignments to an AF_UNIX socket, whose credentials the
 * kernel attaches (systemd sets SO_PASSCRED on its end and so knows which
 * process sent it; NotifyAccess=main takes the daemon's messages only).
 *
 * The address is kept and every message is a sendto(2) to it, rather than
 * connecting once: systemd binds its socket anew when it re-executes itself,
 * and a connected socket would go on pointing at the old one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

static int			 sd_fd = -1;
static struct sockaddr_un	 sd_addr;
static socklen_t		 sd_addrlen;

static void
seterr(char *err, size_t errlen, const char *fmt, const char *value)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, fmt, value);
}

int
sdnotify_open(char *err, size_t errlen)
{
	const char *e = getenv("NOTIFY_SOCKET");
	size_t len;
	int fd;

	sdnotify_close();
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (e == NULL)
		return 0;
	len = strlen(e);
	if ((e[0] != '/' && e[0] != '@') || len < 2) {
		seterr(err, errlen, "NOTIFY_SOCKET '%s': not an absolute path or '@' and an "
		    "abstract socket name, ignoring", e);
		return -EINVAL;
	}
	/* A path needs room for its NUL; an abstract name takes the whole field. */
	if (len > sizeof(sd_addr.sun_path) - (e[0] == '/' ? 1 : 0)) {
		seterr(err, errlen, "NOTIFY_SOCKET '%s': too long for a socket address, ignoring", e);
		return -ENAMETOOLONG;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		int saved = errno;
		char buf[128];

		if (err != NULL && errlen > 0) {
			if (strerror_r(saved, buf, sizeof(buf)) != 0)
				snprintf(buf, sizeof(buf), "error %d", saved);
			snprintf(err, errlen, "NOTIFY_SOCKET: socket: %s, ignoring", buf);
		}
		return -saved;
	}
	memset(&sd_addr, 0, sizeof(sd_addr));
	sd_addr.sun_family = AF_UNIX;
	memcpy(sd_addr.sun_path, e, len);
	if (e[0] == '@') {
		/* Abstract: a leading NUL, and the length says where the name ends. */
		sd_addr.sun_path[0] = '\0';
		sd_addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	} else {
		sd_addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	}
	sd_fd = fd;
	return 1;
}

int
sdnotify_enabled(void)
{
	return sd_fd >= 0;
}

int
sdnotify_send(const char *state)
{
	size_t len;
	ssize_t n;

	if (sd_fd < 0)
		return 0;
	if (state == NULL || state[0] == '\0')
		return -EINVAL;
	len = strlen(state);
	if (len > SDNOTIFY_MAX)
		return -EMSGSIZE;
	do {
		n = sendto(sd_fd, state, len, MSG_DONTWAIT | MSG_NOSIGNAL,
		    (const struct sockaddr *)&sd_addr, sd_addrlen);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return (size_t)n == len ? 1 : -EMSGSIZE;
}

int
sdnotify_status(const char *fmt, ...)
{
	char buf[SDNOTIFY_MAX + 1];
	const size_t pre = sizeof("STATUS=") - 1;
	va_list ap;
	int n;

	if (sd_fd < 0)
		return 0;
	memcpy(buf, "STATUS=", pre);
	va_start(ap, fmt);
	n = vsnprintf(buf + pre, sizeof(buf) - pre, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	for (char *p = buf + pre; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return sdnotify_send(buf);
}

void
sdnotify_close(void)
{
	if (sd_fd >= 0)
		close(sd_fd);
	sd_fd = -1;
	memset(&sd_addr, 0, sizeof(sd_addr));
	sd_addrlen = 0;
}

/* A decimal number, digits only, into *ret; false for anything else or overflow. */
static bool
parse_u64(const char *s, unsigned long long *ret)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return false;
	errno = 0;
	*ret = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

int64_t
sdnotify_watchdog_parse(const char *usec, const char *pid, pid_t self)
{
	unsigned long long u, p;

	if (usec == NULL)
		return 0;
	/* 0 and "infinity" (all bits set) are not an interval, as for systemd. */
	if (!parse_u64(usec, &u) || u == 0 || u == ~0ULL)
		return -EINVAL;
	if (pid != NULL) {
		if (!parse_u64(pid, &p) || p == 0 || p > (unsigned long long)INT32_MAX)
			return -EINVAL;
		if ((pid_t)p != self)
			return 0;
	}
	return u < 1000 ? 1 : (int64_t)(u / 1000);
}

int64_t
sdnotify_watchdog_ms(void)
{
	return sdnotify_watchdog_parse(getenv("WATCHDOG_USEC"), getenv("WATCHDOG_PID"), getpid());
}
