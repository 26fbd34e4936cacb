/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for secret: the first line, with "\n" or "\r\n" or neither;
 * refusals of files open to the group or others, owned by someone else, empty,
 * too large, directories, FIFOs, missing files; symbolic links judged by their
 * target; a buffer too small; secret_check's same refusals.  No message may hold the secret.  Files are
 * made in a fresh temporary directory and removed at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"
#include "tap.h"

static char dir[64];

/* Write len bytes of text to dir/name with mode; the path into path. */
static void
put(const char *name, const char *text, size_t len, mode_t mode, char *path, size_t plen)
{
	int fd;

	snprintf(path, plen, "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) != 0) {
		perror(path);
		exit(2);
	}
	close(fd);
}

/* Read path expecting rc; on success the secret want; the message in err. */
static void
expect(const char *what, const char *path, int rc, const char *want, char *err, size_t errlen)
{
	char buf[64];
	int got;

	memset(buf, 'x', sizeof(buf));
	got = secret_read(path, buf, sizeof(buf), err, errlen);
	CHECK_EQ_INT(rc, got, "%s: return", what);
	if (rc == 0) {
		CHECK_EQ_STR(want, buf, "%s: the secret", what);
		CHECK_EQ_STR("", err, "%s: no message", what);
	} else {
		CHECK_EQ_STR("", buf, "%s: an empty secret on failure", what);
		CHECK(strstr(err, path) != NULL, "%s: the message names the file: %s", what, err);
		CHECK(strstr(err, "hunter2") == NULL && strstr(err, "s3cret") == NULL,
		    "%s: the message does not hold the secret", what);
	}
}

static void
test_reads(void)
{
	char path[96], err[300];
	static const char big_ok[] = "s3cret\n";
	char text[SECRET_FILE_MAX + 1];

	put("plain", "s3cret\n", 7, 0600, path, sizeof(path));
	expect("a line ending in \\n", path, 0, "s3cret", err, sizeof(err));
	put("nonl", "s3cret", 6, 0600, path, sizeof(path));
	expect("no newline", path, 0, "s3cret", err, sizeof(err));
	put("crlf", "s3cret\r\n", 8, 0600, path, sizeof(path));
	expect("a line ending in \\r\\n", path, 0, "s3cret", err, sizeof(err));
	put("lines", "first line\nsecond line\n", 23, 0600, path, sizeof(path));
	expect("only the first line", path, 0, "first line", err, sizeof(err));
	put("spaces", " a b c \n", 8, 0600, path, sizeof(path));
	expect("spaces are kept", path, 0, " a b c ", err, sizeof(err));
	put("ro", "s3cret\n", 7, 0400, path, sizeof(path));
	expect("mode 0400", path, 0, "s3cret", err, sizeof(err));

	/* Exactly SECRET_FILE_MAX bytes is still a secret file. */
	memset(text, '#', sizeof(text));
	memcpy(text, big_ok, sizeof(big_ok) - 1);
	put("max", text, SECRET_FILE_MAX, 0600, path, sizeof(path));
	expect("a file of SECRET_FILE_MAX bytes", path, 0, "s3cret", err, sizeof(err));

	/* A secret that just fits, and one a byte too long. */
	{
		char buf[8];

		put("fit", "1234567\n", 8, 0600, path, sizeof(path));
		CHECK_EQ_INT(0, secret_read(path, buf, sizeof(buf), err, sizeof(err)),
		    "a secret of len - 1 bytes fits");
		CHECK_EQ_STR("1234567", buf, "and is whole");
		put("nofit", "12345678\n", 9, 0600, path, sizeof(path));
		CHECK_EQ_INT(-ERANGE, secret_read(path, buf, sizeof(buf), err, sizeof(err)),
		    "a secret of len bytes does not fit");
		CHECK_EQ_STR("", buf, "and nothing of it is left in buf");
		CHECK(strstr(err, "longer than 7 bytes") != NULL, "the message says the limit: %s", err);
		CHECK(strstr(err, "12345678") == NULL, "the message does not hold the secret");
	}
	/* err may be left out. */
	put("plain", "s3cret\n", 7, 0600, path, sizeof(path));
	{
		char buf[16];

		CHECK_EQ_INT(0, secret_read(path, buf, sizeof(buf), NULL, 0), "err may be NULL");
		put("loose", "s3cret\n", 7, 0644, path, sizeof(path));
		CHECK_EQ_INT(-EPERM, secret_read(path, buf, sizeof(buf), NULL, 0),
		    "err may be NULL on failure too");
	}
}

static void
test_refusals(void)
{
	static const struct {
		const char	*what;
		mode_t		 mode;
	} modes[] = {
		{ "mode 0640", 0640 }, { "mode 0644", 0644 }, { "mode 0604", 0604 },
		{ "mode 0620 (group may write)", 0620 }, { "mode 0602 (others may write)", 0602 },
		{ "mode 0610 (group may execute)", 0610 }, { "mode 0601", 0601 },
		{ "mode 0666", 0666 }, { "mode 0440", 0440 },
	};
	char path[96], link_path[96], err[300], want[300];
	char text[SECRET_FILE_MAX + 2];

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		put("loose", "hunter2\n", 8, modes[i].mode, path, sizeof(path));
		expect(modes[i].what, path, -EPERM, NULL, err, sizeof(err));
		snprintf(want, sizeof(want), "secret file %s is open to its group or others "
		    "(mode %04o): chmod 600 %s", path, (unsigned)modes[i].mode, path);
		CHECK_EQ_STR(want, err, "%s: the message says the fix", modes[i].what);
		CHECK(strstr(err, "hunter2") == NULL, "%s: the message does not hold the secret",
		    modes[i].what);
	}

	put("empty", "", 0, 0600, path, sizeof(path));
	expect("an empty file", path, -ENODATA, NULL, err, sizeof(err));
	snprintf(want, sizeof(want), "secret file %s is empty", path);
	CHECK_EQ_STR(want, err, "an empty file: the message");
	put("nl", "\n", 1, 0600, path, sizeof(path));
	expect("a lone newline", path, -ENODATA, NULL, err, sizeof(err));
	snprintf(want, sizeof(want), "secret file %s has nothing on its first line, where the "
	    "secret must be", path);
	CHECK_EQ_STR(want, err, "an empty first line: the message");
	put("crlf-only", "\r\nhunter2\n", 10, 0600, path, sizeof(path));
	expect("an empty first line ending in \\r\\n", path, -ENODATA, NULL, err, sizeof(err));
	CHECK(strstr(err, "hunter2") == NULL, "the later lines are not shown");

	put("nul", "hun\0ter2\n", 9, 0600, path, sizeof(path));
	expect("a NUL byte", path, -EILSEQ, NULL, err, sizeof(err));
	put("cr", "hun\rter2\n", 9, 0600, path, sizeof(path));
	expect("a carriage return inside the line", path, -EILSEQ, NULL, err, sizeof(err));
	CHECK(strstr(err, "ter2") == NULL, "a carriage return: no part of the secret in the message");

	memset(text, 'a', sizeof(text));
	text[0] = 'k';
	put("long", text, SECRET_FILE_MAX + 1, 0600, path, sizeof(path));
	expect("a file one byte too large", path, -EFBIG, NULL, err, sizeof(err));
	snprintf(want, sizeof(want), "secret file %s is larger than %d bytes: it must hold the "
	    "secret alone, on its first line", path, SECRET_FILE_MAX);
	CHECK_EQ_STR(want, err, "a file too large: the message");
	CHECK(strstr(err, "kaaa") == NULL, "a file too large: nothing of it in the message");

	snprintf(path, sizeof(path), "%s/subdir", dir);
	mkdir(path, 0700);
	expect("a directory", path, -EISDIR, NULL, err, sizeof(err));
	rmdir(path);

	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600) == 0) {
		expect("a FIFO (and no hang)", path, -EINVAL, NULL, err, sizeof(err));
		snprintf(want, sizeof(want), "secret file %s is not a regular file", path);
		CHECK_EQ_STR(want, err, "a FIFO: the message");
		unlink(path);
	}

	snprintf(path, sizeof(path), "%s/missing", dir);
	expect("a missing file", path, -ENOENT, NULL, err, sizeof(err));
	snprintf(want, sizeof(want), "secret file %s: No such file or directory", path);
	CHECK_EQ_STR(want, err, "a missing file: the message");

	/* A symbolic link is followed and its target judged. */
	put("target", "s3cret\n", 7, 0600, path, sizeof(path));
	snprintf(link_path, sizeof(link_path), "%s/link", dir);
	unlink(link_path);
	CHECK(symlink("target", link_path) == 0, "a symbolic link is made");
	expect("a symbolic link to a private file", link_path, 0, "s3cret", err, sizeof(err));
	chmod(path, 0644);
	expect("a symbolic link to a file open to others", link_path, -EPERM, NULL, err, sizeof(err));
	unlink(link_path);
	CHECK(symlink("nowhere", link_path) == 0, "a dangling symbolic link is made");
	expect("a dangling symbolic link", link_path, -ENOENT, NULL, err, sizeof(err));
	unlink(link_path);

	/* Ownership: only root can give a file away to test it. */
	put("theirs", "hunter2\n", 8, 0600, path, sizeof(path));
	if (geteuid() == 0 && chown(path, 65534, 65534) == 0) {
		expect("a file owned by another user", path, -EPERM, NULL, err, sizeof(err));
		snprintf(want, sizeof(want), "secret file %s is owned by uid 65534, not by the user "
		    "reading it (uid 0): chown 0 %s", path, path);
		CHECK_EQ_STR(want, err, "another user's file: the message says the fix");
	} else {
		printf("ok %d - a file owned by another user # SKIP not root\n", ++tap_count);
	}
	/* A file the user may not open at all (root may, and then it has no group bits). */
	put("unreadable", "hunter2\n", 8, 0000, path, sizeof(path));
	if (geteuid() != 0)
		expect("a file without read permission", path, -EACCES, NULL, err, sizeof(err));
	else
		expect("mode 0000, read by root", path, 0, "hunter2", err, sizeof(err));
	CHECK_EQ_INT(-EINVAL, secret_read(NULL, text, sizeof(text), err, sizeof(err)), "no path");
}

/* secret_check: the same refusals for a file another library reads, of any size and content. */
static void
test_check(void)
{
	char path[96], err[300], want[300], big[3 * SECRET_FILE_MAX];

	memset(big, 'k', sizeof(big));
	put("client.key", big, sizeof(big), 0600, path, sizeof(path));
	CHECK_EQ_INT(0, secret_check(path, err, sizeof(err)), "a private file of any size passes");
	CHECK_EQ_STR("", err, "with no message");
	put("empty.key", "", 0, 0600, path, sizeof(path));
	CHECK_EQ_INT(0, secret_check(path, err, sizeof(err)), "its content is not looked at");
	put("loose.key", "-----BEGIN PRIVATE KEY-----\n", 28, 0644, path, sizeof(path));
	CHECK_EQ_INT(-EPERM, secret_check(path, err, sizeof(err)), "a key open to others is refused");
	snprintf(want, sizeof(want), "secret file %s is open to its group or others (mode 0644): "
	    "chmod 600 %s", path, path);
	CHECK_EQ_STR(want, err, "with the fix");
	CHECK(strstr(err, "BEGIN") == NULL, "and nothing of its content");
	snprintf(path, sizeof(path), "%s/missing.key", dir);
	CHECK_EQ_INT(-ENOENT, secret_check(path, err, sizeof(err)), "a missing key");
	CHECK(strstr(err, path) != NULL, "names the file: %s", err);
	CHECK_EQ_INT(-EISDIR, secret_check(dir, err, sizeof(err)), "a directory");
	CHECK_EQ_INT(-EINVAL, secret_check(NULL, NULL, 0), "no path, and no room for a message");
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/lw-test-secret-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_reads();
	test_refusals();
	test_check();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return tap_done();
}
