/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the control socket: a server in a temporary directory with
 * handlers that record their calls, talked to with ctl_request and with raw
 * sockets.  ping, ack and maintenance (the handlers see what was asked and
 * who asked: the connecting user, never a "by" of the request), every error
 * reply, a request ended by the end of data, lines at and over the limit, a
 * client that sends nothing (the next one is served after the timeout),
 * garbage, a client that leaves without reading; the socket's mode 0660
 * whatever the umask, its directory made, a second server refused, a stale
 * socket replaced, something else at the path left alone; ctl_stop prompt
 * while a client hangs, and the file removed; the client's errors (not
 * running, stale, permission denied, timeout, reply too long); and the log
 * line of each request served.  As root, a child process of another uid
 * checks "uid N" and permission denied.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"
#include "jsonparse.h"
#include "log.h"
#include "now.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Descriptions of checks quote replies and may be cut short: that is fine. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#ifndef LW_VERSION
#define LW_VERSION	"unknown"
#endif

static char		 dir[64];
static char		 sock[128];
static char		 me[64];		/* this process's user name, or "uid N" */
static char		 logpath[128];

/* What the handlers were called with. */
static struct {
	pthread_mutex_t	 lock;
	int		 nack;
	int		 nmaint;
	char		 target[256];
	char		 by[64];
	char		 note[512];
	char		 device[256];
	bool		 on;
	int64_t		 for_ms;
	int		 rc;		/* what the next call returns */
	bool		 say;		/* and whether it says why */
} rec = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int
on_ack(void *arg, const char *target, const char *by, const char *note, char *reply, size_t len)
{
	int rc;

	(void)arg;
	pthread_mutex_lock(&rec.lock);
	rec.nack++;
	snprintf(rec.target, sizeof(rec.target), "%s", target);
	snprintf(rec.by, sizeof(rec.by), "%s", by);
	snprintf(rec.note, sizeof(rec.note), "%s", note);
	rc = rec.rc;
	if (rc == 0)
		snprintf(reply, len, "acknowledged %s", target);
	else if (rec.say)
		snprintf(reply, len, "no alert %s", target);
	pthread_mutex_unlock(&rec.lock);
	return rc;
}

static int
on_maint(void *arg, const char *device, bool on, int64_t for_ms, const char *by, char *reply,
    size_t len)
{
	(void)arg;
	pthread_mutex_lock(&rec.lock);
	rec.nmaint++;
	snprintf(rec.device, sizeof(rec.device), "%s", device);
	snprintf(rec.by, sizeof(rec.by), "%s", by);
	rec.on = on;
	rec.for_ms = for_ms;
	snprintf(reply, len, "%s in maintenance: %s", device, on ? "on" : "off");
	pthread_mutex_unlock(&rec.lock);
	return 0;
}

static const struct ctl_handlers handlers = { NULL, on_ack, on_maint, NULL, NULL };

static int
calls(void)
{
	int n;

	pthread_mutex_lock(&rec.lock);
	n = rec.nack + rec.nmaint;
	pthread_mutex_unlock(&rec.lock);
	return n;
}

/* A reply line parsed: its "ok", and "message" or "error" in text. */
static bool
reply_ok(const char *reply, char *text, size_t len)
{
	static struct jp_node nodes[64];
	static char arena[8192];
	const char *s = "";
	bool ok = false;

	text[0] = '\0';
	if (jp_parse(reply, strlen(reply), nodes, NELEM(nodes), arena, sizeof(arena), NULL) < 0)
		return false;
	if (jp_get_bool(nodes, &nodes[0], "ok", &ok) != 0)
		return false;
	if (jp_get_string(nodes, &nodes[0], ok ? "message" : "error", &s) == 0)
		snprintf(text, len, "%s", s);
	return ok;
}

/* ctl_request to sock with a 5 s limit; the reply's ok and text. */
static int
ask(const char *req, bool *ok, char *text, size_t len)
{
	char reply[CTL_REPLY_MAX], err[256];
	int rc = ctl_request(sock, req, reply, sizeof(reply), 5000, err, sizeof(err));

	*ok = rc == 0 && reply_ok(reply, text, len);
	if (rc != 0)
		snprintf(text, len, "%s", err);
	return rc;
}

/* A raw client: connected to path, or -1. */
static int
raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Write all of buf to fd (MSG_NOSIGNAL); false on failure. */
static bool
raw_send(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Read to the end of data (at most len - 1 bytes, 5 s); what was read. */
static size_t
raw_read_all(int fd, char *buf, size_t len)
{
	struct timeval tv = { 5, 0 };
	size_t got = 0;
	ssize_t r;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (got < len - 1 && (r = recv(fd, buf + got, len - 1 - got, 0)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
	return got;
}

static void
test_commands(void)
{
	char text[1024];
	bool ok;
	int rc;

	rc = ask("{\"cmd\":\"ping\"}", &ok, text, sizeof(text));
	CHECK(rc == 0 && ok, "ping is answered (%d %s)", rc, text);
	{
		char reply[CTL_REPLY_MAX], err[256];
		struct jp_node nodes[16];
		char arena[512];
		const char *s = "";

		rc = ctl_request(sock, "{\"cmd\":\"ping\"}", reply, sizeof(reply), 5000, err,
		    sizeof(err));
		CHECK(rc == 0 && jp_parse(reply, strlen(reply), nodes, 16, arena, sizeof(arena),
		    NULL) == 4, "the ping reply is one object of three members: %s", reply);
		CHECK(jp_get_string(nodes, &nodes[0], "station", &s) == 0 && strcmp(s, "pp-test") == 0,
		    "it names the station");
		CHECK(jp_get_string(nodes, &nodes[0], "version", &s) == 0 &&
		    strcmp(s, LW_VERSION) == 0, "and the version");
		CHECK(strchr(reply, '\n') == NULL, "the reply's line end is removed");
	}
	CHECK_EQ_INT(0, calls(), "ping calls no handler");

	rc = ask("{\"cmd\":\"ack\",\"alert\":\"sonde.ph/value\",\"note\":\"probe cleaned\"}", &ok,
	    text, sizeof(text));
	CHECK(rc == 0 && ok && strcmp(text, "acknowledged sonde.ph/value") == 0,
	    "ack is done, with the handler's message: %s", text);
	CHECK_EQ_INT(1, rec.nack, "the ack handler is called once");
	CHECK_EQ_STR("sonde.ph/value", rec.target, "with the target");
	CHECK_EQ_STR("probe cleaned", rec.note, "the note");
	CHECK_EQ_STR(me, rec.by, "and who asked: the connecting user");

	rc = ask("{\"note\":\"\\u00e9t\\u00e9\",\"alert\":\"sonde\",\"cmd\":\"ack\"}", &ok, text,
	    sizeof(text));
	CHECK(rc == 0 && ok && strcmp(rec.target, "sonde") == 0 &&
	    strcmp(rec.note, "\xc3\xa9t\xc3\xa9") == 0, "members in any order, escapes decoded");
	rc = ask("{\"cmd\":\"ack\",\"alert\":\"sonde.ph\"}", &ok, text, sizeof(text));
	CHECK(rc == 0 && ok && strcmp(rec.target, "sonde.ph") == 0 && rec.note[0] == '\0',
	    "no note: the handler gets \"\"");
	rc = ask("{\"cmd\":\"ack\",\"alert\":\"level/comm\",\"note\":\"\"}", &ok, text, sizeof(text));
	CHECK(rc == 0 && ok && strcmp(rec.target, "level/comm") == 0, "an empty note is no note");

	rec.rc = -ENOENT;
	rec.say = true;
	rc = ask("{\"cmd\":\"ack\",\"alert\":\"sonde.nope\"}", &ok, text, sizeof(text));
	CHECK(rc == 0 && !ok && strcmp(text, "no alert sonde.nope") == 0,
	    "a handler's refusal is the error: %s", text);
	rec.say = false;
	rec.rc = -EIO;
	rc = ask("{\"cmd\":\"ack\",\"alert\":\"sonde\"}", &ok, text, sizeof(text));
	CHECK(rc == 0 && !ok && strcmp(text, strerror(EIO)) == 0,
	    "one that says nothing: its errno's text: %s", text);
	rec.rc = 0;

	rc = ask("{\"cmd\":\"maintenance\",\"device\":\"sonde\",\"state\":\"on\",\"for\":\"2h\"}",
	    &ok, text, sizeof(text));
	CHECK(rc == 0 && ok && strcmp(text, "sonde in maintenance: on") == 0,
	    "maintenance on for 2h: %s", text);
	CHECK(rec.nmaint == 1 && strcmp(rec.device, "sonde") == 0 && rec.on &&
	    rec.for_ms == 7200000, "the handler gets the device, on and 7200000 ms");
	CHECK_EQ_STR(me, rec.by, "and who asked");
	rc = ask("{\"cmd\":\"maintenance\",\"device\":\"level\",\"state\":\"on\"}", &ok, text,
	    sizeof(text));
	CHECK(rc == 0 && ok && rec.on && rec.for_ms == 0 && strcmp(rec.device, "level") == 0,
	    "maintenance on without for: for_ms 0 (until turned off)");
	rc = ask("{\"cmd\":\"maintenance\",\"device\":\"level\",\"state\":\"off\"}", &ok, text,
	    sizeof(text));
	CHECK(rc == 0 && ok && !rec.on && rec.for_ms == 0, "maintenance off");
	rc = ask("{\"cmd\":\"maintenance\",\"device\":\"sonde\",\"state\":\"on\",\"for\":\"1500ms\"}",
	    &ok, text, sizeof(text));
	CHECK(rc == 0 && ok && rec.for_ms == 1500, "for 1500ms");
}

static void
test_errors(void)
{
	char long_alert[200], long_note[300], deep[128], req[512];
	static const struct {
		const char	*req;
		const char	*error;
	} cases[] = {
		{ "not json", "not valid JSON: expected a value" },
		{ "", "not valid JSON: empty text" },
		{ "   ", "not valid JSON: empty text" },
		{ "[1]", "a request is a JSON object, like {\"cmd\":\"ping\"}, not an array" },
		{ "\"ping\"", "a request is a JSON object, like {\"cmd\":\"ping\"}, not a string" },
		{ "{}", "a request needs \"cmd\"" },
		{ "{\"command\":\"ping\"}", "a request needs \"cmd\"" },
		{ "{\"cmd\":1}", "\"cmd\" must be a string, not a number" },
		{ "{\"cmd\":null}", "\"cmd\" must be a string, not null" },
		{ "{\"cmd\":\"frob\"}", "unknown command \"frob\" (there are ping, ack, maintenance, status, reload)" },
		{ "{\"cmd\":\"PING\"}", "unknown command \"PING\"" },
		{ "{\"cmd\":\"ping\",\"x\":1}", "unknown field \"x\" (ping takes no other)" },
		{ "{\"cmd\":\"ping\",\"cmd\":\"ack\"}", "not valid JSON: a key is given twice" },
		{ "{\"cmd\":\"ping\"} x", "not valid JSON: text after the value" },
		{ "{\"cmd\":\"ping\",}", "not valid JSON: expected a key" },
		{ "{\"cmd\":\"ping\"", "not valid JSON: an object is not closed" },
		{ "{\"cmd\":\"p\xffng\"}", "not valid JSON: not valid UTF-8" },
		{ "{\"cmd\":\"ping\",\"n\":1e999}", "cannot be read: a number beyond the range" },
		{ "{\"cmd\":\"ack\"}", "ack needs \"alert\"" },
		{ "{\"cmd\":\"ack\",\"alert\":5}", "\"alert\" must be a string, not a number" },
		{ "{\"cmd\":\"ack\",\"alert\":[\"a\"]}", "\"alert\" must be a string, not an array" },
		{ "{\"cmd\":\"ack\",\"alert\":\"\"}", "\"alert\" must not be empty" },
		{ "{\"cmd\":\"ack\",\"alert\":\"a\\nb\"}", "\"alert\" must be one line of text" },
		{ "{\"cmd\":\"ack\",\"alert\":\"x\",\"note\":null}", "\"note\" must be a string, not null" },
		{ "{\"cmd\":\"ack\",\"alert\":\"x\",\"note\":{}}", "\"note\" must be a string, not an object" },
		{ "{\"cmd\":\"ack\",\"alert\":\"x\",\"note\":\"a\\tb\"}", "\"note\" must be one line of text" },
		{ "{\"cmd\":\"ack\",\"alert\":\"x\",\"by\":\"mallory\"}", "\"by\" is not taken from a request" },
		{ "{\"cmd\":\"ack\",\"alert\":\"x\",\"notes\":\"y\"}", "unknown field \"notes\" (ack takes alert, note)" },
		{ "{\"cmd\":\"maintenance\",\"state\":\"on\"}", "maintenance needs \"device\"" },
		{ "{\"cmd\":\"maintenance\",\"device\":\"sonde\"}", "maintenance needs \"state\"" },
		{ "{\"cmd\":\"maintenance\",\"device\":\"sonde\",\"state\":\"maybe\"}", "\"state\" must be \"on\" or \"off\", not \"maybe\"" },
		{ "{\"cmd\":\"maintenance\",\"device\":\"sonde\",\"state\":true}", "\"state\" must be a string, not a boolean" },
		{ "{\"cmd\":\"maintenance\",\"device\":\"sonde\",\"state\":\"off\",\"for\":\"2h\"}", "\"for\" goes only with \"state\":\"on\"" },
		{ "{\"cmd\":\"maintenance\",\"device\":\"sonde\",\"state\":\"on\",\"for\":\"2x\"}", "\"for\" must be a duration like \"90m\" or \"2h\", not \"2x\"" },
		{ "{\"cmd\":\"maintenance\",\"device\":\"sonde\",\"state\":\"on\",\"for\":\"1.5h\"}", "\"for\" must be a duration" },
		{ "{\"cmd\":\"maintenance\",\"device\":\"sonde\",\"state\":\"on\",\"for\":\"0s\"}", "\"for\" must be longer than 0" },
		{ "{\"cmd\":\"maintenance\",\"device\":\"sonde\",\"state\":\"on\",\"for\":7200}", "\"for\" must be a string, not a number" },
		{ "{\"cmd\":\"maintenance\",\"device\":\"sonde\",\"state\":\"on\",\"for\":\"\"}", "\"for\" must not be empty" },
		{ "{\"cmd\":\"maintenance\",\"device\":\"\",\"state\":\"on\"}", "\"device\" must not be empty" },
		{ "{\"cmd\":\"maintenance\",\"device\":\"sonde\",\"state\":\"on\",\"until\":\"x\"}", "unknown field \"until\" (maintenance takes device, state, for)" },
	};
	int before = calls();
	char text[1024];
	bool ok;
	int rc;

	for (size_t i = 0; i < NELEM(cases); i++) {
		rc = ask(cases[i].req, &ok, text, sizeof(text));
		CHECK(rc == 0 && !ok && strstr(text, cases[i].error) != NULL,
		    "error reply %zu: %s -> %s (got %s)", i, cases[i].req, cases[i].error, text);
	}
	CHECK_EQ_INT(before, calls(), "none of them reaches a handler");
	memset(long_alert, 'a', sizeof(long_alert));
	snprintf(req, sizeof(req), "{\"cmd\":\"ack\",\"alert\":\"%.*s\"}", CTL_NAME_MAX, long_alert);
	rc = ask(req, &ok, text, sizeof(text));
	CHECK(rc == 0 && !ok && strstr(text, "\"alert\" is longer than 127 bytes") != NULL,
	    "an alert of %d bytes: %s", CTL_NAME_MAX, text);
	snprintf(req, sizeof(req), "{\"cmd\":\"ack\",\"alert\":\"%.*s\"}", CTL_NAME_MAX - 1,
	    long_alert);
	rc = ask(req, &ok, text, sizeof(text));
	CHECK(rc == 0 && ok, "one of %d bytes is taken", CTL_NAME_MAX - 1);
	before = calls();
	memset(long_note, 'n', sizeof(long_note));
	snprintf(req, sizeof(req), "{\"cmd\":\"ack\",\"alert\":\"x\",\"note\":\"%.*s\"}",
	    CTL_NOTE_MAX, long_note);
	rc = ask(req, &ok, text, sizeof(text));
	CHECK(rc == 0 && !ok && strstr(text, "\"note\" is longer than 255 bytes") != NULL,
	    "a note of %d bytes: %s", CTL_NOTE_MAX, text);
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	rc = ask(deep, &ok, text, sizeof(text));
	CHECK(rc == 0 && !ok && strstr(text, "cannot be read: arrays and objects nested too deep"),
	    "nesting too deep: %s", text);
	/* A client's long word is quoted cut short, and the reply stays UTF-8. */
	snprintf(req, sizeof(req), "{\"cmd\":\"%s\"}", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x");
	rc = ask(req, &ok, text, sizeof(text));
	CHECK(rc == 0 && !ok && strstr(text, "\xc3\xa9...\" (there are") != NULL,
	    "a long unknown command is quoted cut on a character: %s", text);
	CHECK_EQ_INT(before, calls(), "no refused request reaches a handler");
}

static void
test_raw(void)
{
	char buf[CTL_REPLY_MAX * 2], text[1024], big[CTL_REQUEST_MAX + 64];
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	bool ok;
	int fd;

	/* The end of the data ends a request too. */
	fd = raw_connect(sock);
	CHECK(fd >= 0 && raw_send(fd, "{\"cmd\":\"ping\"}", 14) && shutdown(fd, SHUT_WR) == 0,
	    "a request without a line end, then the end of data");
	raw_read_all(fd, buf, sizeof(buf));
	CHECK(reply_ok(buf, text, sizeof(text)), "is answered: %.*s", (int)strcspn(buf, "\n"), buf);
	CHECK(strlen(buf) > 0 && buf[strlen(buf) - 1] == '\n' && strchr(buf, '\n') ==
	    buf + strlen(buf) - 1, "with one line ending in a line end");
	close(fd);

	/* Anything after the first line is ignored; CR LF is fine. */
	fd = raw_connect(sock);
	raw_send(fd, "{\"cmd\":\"ping\"}\r\n{\"cmd\":\"frob\"}\n", 31);
	raw_read_all(fd, buf, sizeof(buf));
	CHECK(reply_ok(buf, text, sizeof(text)) && strchr(buf, '\n') == buf + strlen(buf) - 1,
	    "CR LF, and a second line is ignored: one reply");
	close(fd);

	/* A line of exactly CTL_REQUEST_MAX bytes, '\n' included, is read. */
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"cmd\":\"ping\"}", 14);
	big[CTL_REQUEST_MAX - 1] = '\n';
	fd = raw_connect(sock);
	raw_send(fd, big, CTL_REQUEST_MAX);
	raw_read_all(fd, buf, sizeof(buf));
	CHECK(reply_ok(buf, text, sizeof(text)), "a line of %d bytes is read", CTL_REQUEST_MAX);
	close(fd);
	/* One more byte is too many. */
	big[CTL_REQUEST_MAX - 1] = ' ';
	big[CTL_REQUEST_MAX] = '\n';
	fd = raw_connect(sock);
	raw_send(fd, big, CTL_REQUEST_MAX + 1);
	raw_read_all(fd, buf, sizeof(buf));
	ok = reply_ok(buf, text, sizeof(text));
	CHECK(!ok && strstr(text, "the request is longer than 8192 bytes") != NULL,
	    "one of %d is refused: %s", CTL_REQUEST_MAX + 1, text);
	close(fd);
	/* An endless line without a line end: refused, not waited for. */
	memset(big, 'x', sizeof(big));
	fd = raw_connect(sock);
	raw_send(fd, big, sizeof(big));
	raw_read_all(fd, buf, sizeof(buf));
	CHECK(!reply_ok(buf, text, sizeof(text)) && strstr(text, "longer than") != NULL,
	    "%zu bytes without a line end are refused", sizeof(big));
	close(fd);

	/* Garbage, NULs and all: an error reply each time, never a crash. */
	{
		static struct jp_node nodes[16];
		int bad = 0;

		for (int round = 0; round < 40; round++) {
			size_t n = 1 + tap_rand(&seed) % 600;

			for (size_t i = 0; i < n; i++)
				big[i] = (char)tap_rand(&seed);
			if (round % 4 == 0)
				big[0] = '{';
			big[n] = '\n';
			fd = raw_connect(sock);
			raw_send(fd, big, n + 1);
			raw_read_all(fd, buf, sizeof(buf));
			close(fd);
			if (strstr(buf, "\"ok\":false") == NULL ||
			    jp_parse(buf, strlen(buf), nodes, NELEM(nodes), text, sizeof(text), NULL) < 0)
				bad++;
		}
		CHECK_EQ_INT(0, bad, "40 requests of random bytes: each refused with a JSON reply");
	}

	/* Connect and leave; connect, ask and leave without reading. */
	fd = raw_connect(sock);
	close(fd);
	fd = raw_connect(sock);
	raw_send(fd, "{\"cmd\":\"ping\"}\n", 15);
	close(fd);
	CHECK(ask("{\"cmd\":\"ping\"}", &ok, text, sizeof(text)) == 0 && ok,
	    "clients that leave early do not hurt the next one");
}

/* A client that connects and sends nothing holds the next one up for the timeout only. */
static void
test_silent_client(void)
{
	char buf[1024], text[512];
	int64_t t0, dt;
	bool ok;
	int fd = raw_connect(sock), rc;

	CHECK(fd >= 0, "a silent client connects");
	t0 = now_mono_ms();
	rc = ask("{\"cmd\":\"ping\"}", &ok, text, sizeof(text));
	dt = now_mono_ms() - t0;
	CHECK(rc == 0 && ok, "the next client is served (%s)", text);
	CHECK(dt >= CTL_IO_TIMEOUT_MS - 300 && dt < CTL_IO_TIMEOUT_MS + 1500,
	    "after the %d ms timeout: %lld ms", CTL_IO_TIMEOUT_MS, (long long)dt);
	raw_read_all(fd, buf, sizeof(buf));
	ok = reply_ok(buf, text, sizeof(text));
	CHECK(!ok && strstr(text, "no whole request line within 2 s") != NULL,
	    "the silent one is told why it was dropped: %s", text);
	close(fd);
	/* Half a request, then silence: the same. */
	fd = raw_connect(sock);
	raw_send(fd, "{\"cmd\":", 7);
	raw_read_all(fd, buf, sizeof(buf));
	CHECK(!reply_ok(buf, text, sizeof(text)) && strstr(text, "no whole request line") != NULL,
	    "half a request, then silence: dropped after the timeout");
	close(fd);
}

/* A server that takes connections and never answers (for the client's timeout). */
static void
test_client_errors(void)
{
	char reply[64], err[256], path[160], big[CTL_REQUEST_MAX + 8];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int64_t t0, dt;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/none.sock", dir);
	rc = ctl_request(path, "{\"cmd\":\"ping\"}", reply, sizeof(reply), 1000, err, sizeof(err));
	CHECK(rc == -ENOENT && strstr(err, "the daemon is not running (no socket at ") &&
	    strstr(err, path), "no socket: -ENOENT, %s", err);

	/* A socket file nobody listens on. */
	snprintf(path, sizeof(path), "%s/stale.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	rc = ctl_request(path, "{\"cmd\":\"ping\"}", reply, sizeof(reply), 1000, err, sizeof(err));
	CHECK(rc == -ECONNREFUSED && strstr(err, "the daemon is not running (") &&
	    strstr(err, "is left from an earlier run"), "a stale socket: -ECONNREFUSED, %s", err);

	/* One that listens but never answers. */
	snprintf(path, sizeof(path), "%s/mute.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 4) == 0, "a mute server");
	t0 = now_mono_ms();
	rc = ctl_request(path, "{\"cmd\":\"ping\"}", reply, sizeof(reply), 300, err, sizeof(err));
	dt = now_mono_ms() - t0;
	CHECK(rc == -ETIMEDOUT && strstr(err, "no reply from the daemon within 300ms") != NULL,
	    "no reply: -ETIMEDOUT, %s", err);
	CHECK(dt >= 280 && dt < 1500, "after the time given: %lld ms", (long long)dt);
	close(fd);
	unlink(path);

	rc = ctl_request(sock, "{\"cmd\":\"ping\"}", reply, 8, 1000, err, sizeof(err));
	CHECK(rc == -EMSGSIZE && strstr(err, "longer than 7 bytes"), "a reply too long: %s", err);
	CHECK_EQ_STR("", reply, "and reply is empty");
	rc = ctl_request(sock, "{\"cmd\":\n\"ping\"}", reply, sizeof(reply), 1000, err, sizeof(err));
	CHECK(rc == -EINVAL && strstr(err, "one line"), "a request with a line break: %s", err);
	memset(big, ' ', sizeof(big));
	big[CTL_REQUEST_MAX] = '\0';
	rc = ctl_request(sock, big, reply, sizeof(reply), 1000, err, sizeof(err));
	CHECK(rc == -EMSGSIZE && strstr(err, "longer than 8192"), "a request too long: %s", err);
	big[CTL_REQUEST_MAX - 1] = '\0';
	memcpy(big, "{\"cmd\":\"ping\"}", 14);
	{
		char r2[CTL_REPLY_MAX];

		rc = ctl_request(sock, big, r2, sizeof(r2), 3000, err, sizeof(err));
		CHECK(rc == 0 && strstr(r2, "\"ok\":true"), "one of 8191 bytes and its line end: %s",
		    r2);
	}
}

static void
test_socket_file(void)
{
	struct ctl *c2 = NULL;
	char err[512], path[256], sub[160];
	struct stat st;
	int rc, fd;

	CHECK(stat(sock, &st) == 0 && S_ISSOCK(st.st_mode), "the socket file is there");
	CHECK_EQ_INT(0660, st.st_mode & 07777, "mode 0660, though the umask was 077");

	rc = ctl_start(sock, "other", &handlers, &c2, err, sizeof(err));
	CHECK(rc == -EADDRINUSE && strstr(err, "another server answers on it"),
	    "a second server on the path fails while the first runs: %s", err);
	{
		char text[256];
		bool ok;

		CHECK(ask("{\"cmd\":\"ping\"}", &ok, text, sizeof(text)) == 0 && ok,
		    "and the first still serves it");
	}

	/* Something that is not a socket is left alone. */
	snprintf(path, sizeof(path), "%s/file.sock", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	close(fd);
	rc = ctl_start(path, "x", &handlers, &c2, err, sizeof(err));
	CHECK(rc == -EEXIST && strstr(err, "not a socket") && stat(path, &st) == 0 &&
	    S_ISREG(st.st_mode), "a file at the path: -EEXIST, left alone: %s", err);
	unlink(path);

	/* A stale socket is replaced. */
	snprintf(path, sizeof(path), "%s/stale2.sock", dir);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		bind(fd, (struct sockaddr *)&sa, sizeof(sa));
		close(fd);
	}
	rc = ctl_start(path, "x", &handlers, &c2, err, sizeof(err));
	CHECK(rc == 0, "a stale socket file is replaced (%s)", err);
	{
		char reply[256], e2[256];

		rc = ctl_request(path, "{\"cmd\":\"ping\"}", reply, sizeof(reply), 2000, e2,
		    sizeof(e2));
		CHECK(rc == 0 && strstr(reply, "\"station\":\"x\""), "and served: %s", reply);
	}
	ctl_stop(c2);
	CHECK(stat(path, &st) != 0 && errno == ENOENT, "ctl_stop removes the file");

	/* The directory is made when its parent exists. */
	snprintf(sub, sizeof(sub), "%s/run", dir);
	snprintf(path, sizeof(path), "%s/control.sock", sub);
	rc = ctl_start(path, "x", &handlers, &c2, err, sizeof(err));
	CHECK(rc == 0 && stat(sub, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0750,
	    "a missing directory is made, mode 0750 (%s)", err);
	ctl_stop(c2);
	rmdir(sub);
	snprintf(path, sizeof(path), "%s/no/such/control.sock", dir);
	rc = ctl_start(path, "x", &handlers, &c2, err, sizeof(err));
	CHECK(rc == -ENOENT && strstr(err, "does not exist"), "but not two levels: %s", err);
	snprintf(path, sizeof(path), "%s/%0120d.sock", dir, 0);
	rc = ctl_start(path, "x", &handlers, &c2, err, sizeof(err));
	CHECK(rc == -ENAMETOOLONG && strstr(err, "longer than 107 bytes"), "a path too long: %s",
	    err);
	rc = ctl_start("", "x", &handlers, &c2, err, sizeof(err));
	CHECK_EQ_INT(-EINVAL, rc, "no path");

	/* Without handlers, ack and maintenance say they are not available. */
	snprintf(path, sizeof(path), "%s/bare.sock", dir);
	rc = ctl_start(path, "x", NULL, &c2, err, sizeof(err));
	CHECK(rc == 0, "a server without handlers");
	{
		char reply[512], e2[256];

		ctl_request(path, "{\"cmd\":\"ack\",\"alert\":\"a\"}", reply, sizeof(reply), 2000, e2,
		    sizeof(e2));
		CHECK(strstr(reply, "\"error\":\"ack is not available\"") != NULL, "ack: %s", reply);
		ctl_request(path, "{\"cmd\":\"maintenance\",\"device\":\"a\",\"state\":\"off\"}", reply,
		    sizeof(reply), 2000, e2, sizeof(e2));
		CHECK(strstr(reply, "\"error\":\"maintenance is not available\"") != NULL,
		    "maintenance: %s", reply);
	}
	ctl_stop(c2);
	ctl_stop(NULL);
	CHECK(1, "ctl_stop(NULL) is allowed");
}

/*
 * The client as another user: `test_ctl --as UID PATH REQUEST ok|denied`,
 * run by exec, so that the child is a process of its own (and not checked
 * as a copy of this one).  Exit 0 when the outcome is the one wanted.
 */
static int
as_user(char **argv)
{
	char reply[512], err[256];
	uid_t uid = (uid_t)strtoul(argv[2], NULL, 10);
	int rc;

	if (setgid((gid_t)uid) != 0 || setuid(uid) != 0)
		return 2;
	rc = ctl_request(argv[3], argv[4], reply, sizeof(reply), 3000, err, sizeof(err));
	if (strcmp(argv[5], "ok") == 0)
		return rc == 0 && strstr(reply, "\"ok\":true") != NULL ? 0 : 1;
	return rc == -EACCES && strstr(err, "permission denied on ") != NULL &&
	    strstr(err, "ask to be added to the lakewatch group") != NULL ? 0 : 1;
}

static char	 self[4096];		/* this program, for as_user */

static bool
run_as(const char *uid, const char *request, const char *want)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		execl(self, self, "--as", uid, sock, request, want, (char *)NULL);
		_exit(3);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* As root: a client of another uid is "uid N", and one not allowed is told so. */
static void
test_other_users(void)
{
	bool ok;

	if (geteuid() != 0) {
		tap_count += 2;
		printf("ok %d - another uid's name # SKIP not root\n", tap_count - 1);
		printf("ok %d - permission denied # SKIP not root\n", tap_count);
		return;
	}
	chmod(sock, 0666);
	ok = run_as("54321", "{\"cmd\":\"ack\",\"alert\":\"sonde\"}", "ok");
	CHECK(ok && strcmp(rec.by, "uid 54321") == 0, "a user without a name is \"uid 54321\": %s",
	    rec.by);
	chmod(sock, 0660);
	ok = run_as("54321", "{\"cmd\":\"ping\"}", "denied");
	CHECK(ok, "another user outside the group: permission denied, ask for the group");
}

/* ctl_stop is prompt while a client hangs, and removes the file. */
static void
test_stop(struct ctl *c)
{
	struct stat st;
	int64_t t0, dt;
	int fd = raw_connect(sock);
	char buf[64];

	raw_send(fd, "{\"cm", 4);
	/* Let the server take the connection and wait on it. */
	poll(NULL, 0, 200);
	t0 = now_mono_ms();
	ctl_stop(c);
	dt = now_mono_ms() - t0;
	CHECK(dt < 500, "ctl_stop with a client hanging takes %lld ms", (long long)dt);
	CHECK(stat(sock, &st) != 0 && errno == ENOENT, "the socket file is gone");
	CHECK(raw_read_all(fd, buf, sizeof(buf)) == 0, "the hanging client is dropped, no reply");
	close(fd);
	CHECK(raw_connect(sock) < 0, "nobody answers any more");
}

static void
test_log(void)
{
	char want[256], *text = NULL;
	size_t len = 0;
	FILE *f;

	fflush(stderr);
	f = fopen(logpath, "r");
	if (f != NULL) {
		char chunk[4096];
		size_t n;
		FILE *m = open_memstream(&text, &len);

		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fwrite(chunk, 1, n, m);
		fclose(m);
		fclose(f);
	}
	CHECK(text != NULL, "the log was captured");
	if (text == NULL)
		return;
	snprintf(want, sizeof(want), "control: %s (pid %d): ack 'sonde.ph/value' (note 'probe "
	    "cleaned'): acknowledged sonde.ph/value\n", me, (int)getpid());
	CHECK(strstr(text, want) != NULL, "an ack is logged with who, what and the outcome: %.*s",
	    (int)strlen(want) - 1, want);
	snprintf(want, sizeof(want), "control: %s (pid %d): maintenance 'sonde' on for 2h: sonde in "
	    "maintenance: on\n", me, (int)getpid());
	CHECK(strstr(text, want) != NULL, "so is maintenance: %.*s", (int)strlen(want) - 1, want);
	snprintf(want, sizeof(want), "control: %s (pid %d): a request: refused: unknown command "
	    "\"frob\"", me, (int)getpid());
	CHECK(strstr(text, want) != NULL, "and a refusal: %s", want);
	CHECK(strstr(text, ": ack: refused: \"alert\" must be one line of text") != NULL,
	    "a refused ack");
	CHECK(strstr(text, "ping: pong\n") == NULL,
	    "a ping, which changes nothing, is not logged above debug");
	CHECK(strstr(text, "a request: refused: no whole request line within 2 s") != NULL,
	    "a silent client");
	{
		int lines = 0, bad = 0;

		for (char *p = text; *p; p++)
			if (*p == '\n')
				lines++;
		for (char *p = text; (p = strstr(p, "test_ctl: ")) != NULL; p++)
			if (p != text && p[-1] != '\n')
				bad++;
		CHECK(lines > 50 && bad == 0, "%d log lines, each one whole (no client text broke one)",
		    lines);
	}
	free(text);
}

int
main(int argc, char **argv)
{
	struct passwd pw, *res = NULL;
	char pwbuf[2048], err[512];
	struct ctl *c = NULL;
	int saved_err, logfd, rc;

	if (argc == 6 && strcmp(argv[1], "--as") == 0)
		return as_user(argv);
	if (realpath(argv[0], self) == NULL)
		snprintf(self, sizeof(self), "%s", argv[0]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "%s", "/tmp/lw-ctl.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	/* Others may pass (the tests as root run a client of another uid). */
	chmod(dir, 0711);
	snprintf(sock, sizeof(sock), "%s/control.sock", dir);
	snprintf(logpath, sizeof(logpath), "%s/log", dir);
	if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &res) == 0 && res != NULL)
		snprintf(me, sizeof(me), "%s", pw.pw_name);
	else
		snprintf(me, sizeof(me), "uid %u", (unsigned)geteuid());

	/* The server's log goes to a file, checked at the end. */
	saved_err = dup(STDERR_FILENO);
	logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	dup2(logfd, STDERR_FILENO);
	close(logfd);
	log_init("test_ctl", LOG_LEVEL_INFO);

	umask(077);
	rc = ctl_start(sock, "pp-test", &handlers, &c, err, sizeof(err));
	umask(022);
	CHECK(rc == 0, "ctl_start in %s (%s)", dir, err);
	if (rc != 0)
		return tap_done();
	test_socket_file();
	test_commands();
	test_errors();
	test_raw();
	test_client_errors();
	test_other_users();
	test_silent_client();
	test_stop(c);

	dup2(saved_err, STDERR_FILENO);
	close(saved_err);
	test_log();
	unlink(logpath);
	{
		char p[160];

		snprintf(p, sizeof(p), "%s/stale.sock", dir);
		unlink(p);
	}
	CHECK(rmdir(dir) == 0, "the temporary directory is left empty (%s)", strerror(errno));
	return tap_done();
}
