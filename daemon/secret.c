/* SPDX-License-Identifier: MIT */
/*
 * Secret files (see secret.h).  The checks are those of ssh and its keys: a
 * regular file, owned by the user that reads it, with no permission for the
 * group or others, so a secret left readable by the wrong people is refused
 * before it is ever used, with the command that fixes it.  The file is read
 * into a buffer on the stack that is wiped before returning; the caller
 * owns buf and is the one to wipe it when done.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"

static void msg(char *, size_t, const char *, ...) __attribute__((format(printf, 3, 4)));

static void
msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* A regular file of the effective user that no one else may use: 0, or -errno and why. */
static int
check_private(const char *path, const struct stat *st, char *err, size_t errlen)
{
	if (S_ISDIR(st->st_mode)) {
		msg(err, errlen, "secret file %s is a directory: name the file that holds the secret",
		    path);
		return -EISDIR;
	}
	if (!S_ISREG(st->st_mode)) {
		msg(err, errlen, "secret file %s is not a regular file", path);
		return -EINVAL;
	}
	if (st->st_uid != geteuid()) {
		msg(err, errlen, "secret file %s is owned by uid %u, not by the user reading it "
		    "(uid %u): chown %u %s", path, (unsigned)st->st_uid, (unsigned)geteuid(),
		    (unsigned)geteuid(), path);
		return -EPERM;
	}
	if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		msg(err, errlen, "secret file %s is open to its group or others (mode %04o): "
		    "chmod 600 %s", path, (unsigned)(st->st_mode & 07777), path);
		return -EPERM;
	}
	return 0;
}

/*
 * Open path and check it through the descriptor (so it cannot be swapped
 * in between): 0 and *fd, the caller's to close; or -errno and why.
 */
static int
open_private(const char *path, int *fd, struct stat *st, char *err, size_t errlen)
{
	int rc;

	/* O_NONBLOCK: a FIFO put in the file's place must not hang the daemon. */
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (*fd < 0) {
		rc = -errno;
		msg(err, errlen, "secret file %s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(*fd, st) != 0) {
		rc = -errno;
		msg(err, errlen, "secret file %s: %s", path, strerror(-rc));
	} else {
		rc = check_private(path, st, err, errlen);
	}
	if (rc != 0)
		close(*fd);
	return rc;
}

/* Read the whole file, at most cap bytes and one more to tell it is larger. */
static int
read_all(int fd, char *text, size_t cap, size_t *retlen)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, text + len, cap + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > cap)
			return -EFBIG;
	}
	*retlen = len;
	return 0;
}

int
secret_read(const char *path, char *buf, size_t len, char *err, size_t errlen)
{
	char text[SECRET_FILE_MAX + 1];
	size_t n = 0, end;
	struct stat st;
	int fd, rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (buf != NULL && len > 0)
		buf[0] = '\0';
	if (path == NULL || buf == NULL || len == 0) {
		msg(err, errlen, "secret file: no path or no buffer");
		return -EINVAL;
	}
	if ((rc = open_private(path, &fd, &st, err, errlen)) != 0)
		return rc;
	if (st.st_size > SECRET_FILE_MAX) {
		rc = -EFBIG;
		goto big;
	}
	rc = read_all(fd, text, SECRET_FILE_MAX, &n);
	if (rc == -EFBIG)
		goto big;
	if (rc != 0) {
		msg(err, errlen, "secret file %s: %s", path, strerror(-rc));
		goto out;
	}
	for (end = 0; end < n && text[end] != '\n'; end++)
		;
	if (end > 0 && text[end - 1] == '\r')
		end--;
	if (end == 0) {
		rc = -ENODATA;
		msg(err, errlen, n == 0 ? "secret file %s is empty" :
		    "secret file %s has nothing on its first line, where the secret must be", path);
		goto out;
	}
	if (memchr(text, '\0', end) != NULL || memchr(text, '\r', end) != NULL) {
		rc = -EILSEQ;
		msg(err, errlen, "secret file %s has a NUL byte or a carriage return in its first line",
		    path);
		goto out;
	}
	if (end >= len) {
		rc = -ERANGE;
		msg(err, errlen, "secret file %s: the secret is longer than %zu bytes", path, len - 1);
		goto out;
	}
	memcpy(buf, text, end);
	buf[end] = '\0';
	goto out;
big:
	msg(err, errlen, "secret file %s is larger than %d bytes: it must hold the secret alone, "
	    "on its first line", path, SECRET_FILE_MAX);
out:
	explicit_bzero(text, sizeof(text));
	close(fd);
	return rc;
}

int
secret_check(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (path == NULL) {
		msg(err, errlen, "secret file: no path");
		return -EINVAL;
	}
	if ((rc = open_private(path, &fd, &st, err, errlen)) == 0)
		close(fd);
	return rc;
}
