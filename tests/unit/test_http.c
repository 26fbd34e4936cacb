/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the HTTP client: URL parsing, percent-encoding and Basic
 * credentials (pure), then requests against a server thread on 127.0.0.1
 * that answers as each case needs: keep-alive reuse, a connection the
 * server closed while idle, one it closed on a request (retried once,
 * transparently), a fresh connection closed without an answer (not
 * retried), Connection: close, a chunked error answer, a garbage answer, a
 * server that never answers (timeout, and the abort descriptor), and a
 * refused connection, each with its message.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"
#include "now.h"
#include "tap.h"

static void
test_url(void)
{
	static const struct {
		const char *url;
		int tls;
		const char *host, *port, *authority, *target;
	} good[] = {
		{ "http://127.0.0.1:8086", 0, "127.0.0.1", "8086", "127.0.0.1:8086", "" },
		{ "https://influx.example.org/prefix", 1, "influx.example.org", "443",
		  "influx.example.org:443", "/prefix" },
		{ "http://localhost", 0, "localhost", "80", "localhost:80", "" },
		{ "http://[::1]:8086/write?db=x", 0, "::1", "8086", "[::1]:8086", "/write?db=x" },
		{ "https://[fe80::1]", 1, "fe80::1", "443", "[fe80::1]:443", "" },
		{ "http://h:65535?q=1", 0, "h", "65535", "h:65535", "?q=1" },
	};
	static const struct {
		const char *url, *msg;
	} bad[] = {
		{ "ftp://host", "must start with http:// or https://" },
		{ "HTTP://host", "must start with http:// or https://" },
		{ "host:8086", "must start with http:// or https://" },
		{ "http://", "has no valid host" },
		{ "http://:8086", "has no valid host" },
		{ "http://user:pw@host", "must not hold a user or a password" },
		{ "http://host:0", "out of range" },
		{ "http://host:70000", "out of range" },
		{ "http://host:", "must be a number" },
		{ "http://host:80a", "must be a number" },
		{ "http://host:123456", "must be a number" },
		{ "http://[::1", "without its ']'" },
		{ "http://[zz]:80", "is not an IPv6 address" },
		{ "http://[]:80", "is not an IPv6 address" },
		{ "http://[::1]x", "unexpected 'x' after the host" },
		{ "http://::1:80", "is not a host name or an address" },
		{ "http://ho st", "printable ASCII without spaces" },
		{ "http://h\xc3\xa9", "printable ASCII without spaces" },
		{ "http://host/a#frag", "must not have a fragment" },
	};
	struct http_url u;
	char err[300];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int rc = http_url_parse(good[i].url, &u, err, sizeof(err));

		CHECK_EQ_INT(0, rc, "%s parses", good[i].url);
		if (rc != 0)
			continue;
		CHECK_EQ_INT(good[i].tls, u.tls, "%s: tls", good[i].url);
		CHECK_EQ_STR(good[i].host, u.host, "%s: host", good[i].url);
		CHECK_EQ_STR(good[i].port, u.port, "%s: port", good[i].url);
		CHECK_EQ_STR(good[i].authority, u.authority, "%s: authority", good[i].url);
		CHECK_EQ_STR(good[i].target, good[i].url + u.target_off, "%s: target", good[i].url);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK_EQ_INT(-EINVAL, http_url_parse(bad[i].url, &u, err, sizeof(err)),
		    "%s is refused", bad[i].url);
		CHECK(strstr(err, bad[i].msg) != NULL, "%s: '%s' has '%s'", bad[i].url, err,
		    bad[i].msg);
	}
}

static void
test_escape_and_auth(void)
{
	static const struct {
		const char *in, *out;
	} esc[] = {
		{ "lakewatch", "lakewatch" },
		{ "", "" },
		{ "a b", "a%20b" },
		{ "AZaz09-._~", "AZaz09-._~" },
		{ "x&y=z?#/+%", "x%26y%3Dz%3F%23%2F%2B%25" },
		{ "Poop\xc3\xb3", "Poop%C3%B3" },
		{ "\x01\x7f\xff", "%01%7F%FF" },
	};
	static const struct {
		const char *user, *pw, *out;
	} auth[] = {
		{ "Aladdin", "open sesame", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==" },
		{ "lw", "", "Basic bHc6" },
		{ "lw", "p", "Basic bHc6cA==" },
		{ "lw", "pw", "Basic bHc6cHc=" },
		{ "", "", "Basic Og==" },
	};
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < sizeof(esc) / sizeof(esc[0]); i++) {
		sb_reset(&sb);
		sb_appends(&sb, "db=");
		CHECK_EQ_INT(0, http_escape(&sb, esc[i].in), "escape %zu", i);
		CHECK_EQ_STR(esc[i].out, sb.data + 3, "escape %zu", i);
	}
	for (size_t i = 0; i < sizeof(auth) / sizeof(auth[0]); i++) {
		sb_reset(&sb);
		CHECK_EQ_INT(0, http_basic_auth(&sb, auth[i].user, auth[i].pw), "basic %zu", i);
		CHECK_EQ_STR(auth[i].out, sb.data, "basic %s:%s", auth[i].user, auth[i].pw);
	}
	sb_free(&sb);
}

/* ---- a server thread ---- */

enum mode {
	M_KEEP,		/* answer every request, keep the connection */
	M_IDLE_CLOSE,	/* answer, then close the connection */
	M_RACE,		/* first connection: answer one, read the next, close; then M_KEEP */
	M_NOANSWER,	/* read the request, close */
	M_CLOSE_HDR,	/* answer with Connection: close */
	M_CHUNKED,	/* a chunked 400 with X-Influxdb-Error */
	M_GARBAGE,	/* not HTTP */
	M_SILENT,	/* read and never answer */
};

struct server {
	int		 lfd;
	int		 port;
	enum mode	 mode;
	pthread_t	 thread;
	atomic_int	 accepts;
	atomic_int	 requests;
	char		 last[4096];	/* the last request, head and body */
	pthread_mutex_t	 mu;
};

/* Read one request (head and Content-Length body) into s->last; false at EOF. */
static bool
read_request(struct server *s, int fd)
{
	char buf[4096];
	size_t n = 0;
	char *end;

	for (;;) {
		ssize_t k = recv(fd, buf + n, sizeof(buf) - 1 - n, 0);

		if (k <= 0)
			return false;
		n += (size_t)k;
		buf[n] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
		if (n == sizeof(buf) - 1)
			return false;
	}
	const char *cl = strstr(buf, "Content-Length: ");
	size_t want = (size_t)(end + 4 - buf) + (cl != NULL ? strtoul(cl + 16, NULL, 10) : 0);
	while (n < want && n < sizeof(buf) - 1) {
		ssize_t k = recv(fd, buf + n, sizeof(buf) - 1 - n, 0);

		if (k <= 0)
			return false;
		n += (size_t)k;
	}
	buf[n] = '\0';
	pthread_mutex_lock(&s->mu);
	memcpy(s->last, buf, n + 1);
	pthread_mutex_unlock(&s->mu);
	atomic_fetch_add(&s->requests, 1);
	return true;
}

static void
say(int fd, const char *s)
{
	send(fd, s, strlen(s), MSG_NOSIGNAL);
}

static void *
server_main(void *arg)
{
	struct server *s = arg;
	static const char ok[] = "HTTP/1.1 204 No Content\r\nX-Influxdb-Version: 1.6.7\r\n\r\n";

	for (;;) {
		int fd = accept(s->lfd, NULL, NULL);
		int nth;

		if (fd < 0)
			return NULL;
		nth = atomic_fetch_add(&s->accepts, 1);
		switch (s->mode) {
		case M_KEEP:
			while (read_request(s, fd))
				say(fd, ok);
			break;
		case M_IDLE_CLOSE:
			if (read_request(s, fd))
				say(fd, ok);
			break;
		case M_RACE:
			if (nth == 0) {
				if (read_request(s, fd))
					say(fd, ok);
				read_request(s, fd);
			} else {
				while (read_request(s, fd))
					say(fd, ok);
			}
			break;
		case M_NOANSWER:
			read_request(s, fd);
			break;
		case M_CLOSE_HDR:
			if (read_request(s, fd))
				say(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
			break;
		case M_CHUNKED:
			if (read_request(s, fd))
				say(fd, "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n"
				    "X-Influxdb-Error: partial write: dropped=2\r\nRetry-After: 3\r\n\r\n"
				    "10\r\n{\"error\":\"partia\r\n14\r\nl write: dropped=2\"}\r\n0\r\n\r\n");
			while (read_request(s, fd))
				say(fd, ok);
			break;
		case M_GARBAGE:
			if (read_request(s, fd))
				say(fd, "SSH-2.0-OpenSSH_9.2\r\n");
			break;
		case M_SILENT:
			while (read_request(s, fd))
				;
			break;
		}
		close(fd);
	}
}

static int
server_start(struct server *s, enum mode mode)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);

	memset(s, 0, sizeof(*s));
	s->mode = mode;
	pthread_mutex_init(&s->mu, NULL);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(s->lfd, 8) != 0 || getsockname(s->lfd, (struct sockaddr *)&a, &al) != 0)
		return -1;
	s->port = ntohs(a.sin_port);
	return pthread_create(&s->thread, NULL, server_main, s) == 0 ? 0 : -1;
}

static void
server_stop(struct server *s)
{
	shutdown(s->lfd, SHUT_RDWR);
	pthread_join(s->thread, NULL);
	close(s->lfd);
	pthread_mutex_destroy(&s->mu);
}

static struct http *
client(const struct server *s, int abort_fd)
{
	struct http_opts o = { .tls_verify = true, .connect_timeout_ms = 2000,
	    .abort_fd = abort_fd, .body_max = 64 };
	struct http *h = NULL;
	char url[64], err[200];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/write?db=lw", s->port);
	if (http_new(url, &o, &h, err, sizeof(err)) != 0)
		printf("# http_new: %s\n", err);
	return h;
}

static int
post(struct http *h, const char *body, struct http_answer *a)
{
	return http_post(h, http_target(h), "Content-Type: text/plain\r\n", body, strlen(body),
	    2000, a);
}

/* Wait up to 2 s for the server to have seen n requests. */
static void
await_requests(struct server *s, int n)
{
	for (int i = 0; i < 200 && atomic_load(&s->requests) < n; i++)
		usleep(10000);
}

static void
test_keepalive(void)
{
	struct server s;
	struct http_answer a;
	struct http *h;

	if (server_start(&s, M_KEEP) != 0) {
		CHECK(0, "a server on 127.0.0.1");
		return;
	}
	h = client(&s, -1);
	CHECK_EQ_INT(0, post(h, "m v=1 1", &a), "first request");
	CHECK_EQ_INT(204, a.status, "first answer");
	CHECK_EQ_STR("", a.body, "no body");
	pthread_mutex_lock(&s.mu);
	CHECK(strncmp(s.last, "POST /write?db=lw HTTP/1.1\r\n", 28) == 0, "the request line: %.40s",
	    s.last);
	CHECK(strstr(s.last, "\r\nHost: 127.0.0.1:") != NULL, "a Host header");
	CHECK(strstr(s.last, "\r\nContent-Length: 7\r\n") != NULL, "Content-Length");
	CHECK(strstr(s.last, "\r\nContent-Type: text/plain\r\n\r\nm v=1 1") != NULL,
	    "the caller's header, then the body");
	pthread_mutex_unlock(&s.mu);
	CHECK(http_connected(h), "kept alive");
	CHECK_EQ_INT(0, post(h, "m v=2 2", &a), "second request");
	CHECK_EQ_INT(204, a.status, "second answer");
	CHECK_EQ_INT(0, post(h, "", &a), "an empty body");
	CHECK_EQ_INT(1, atomic_load(&s.accepts), "one connection for three requests");
	CHECK_EQ_INT(3, atomic_load(&s.requests), "three requests");
	http_free(h);
	server_stop(&s);
}

static void
test_reconnects(void)
{
	struct server s;
	struct http_answer a;
	struct http *h;

	/* Closed while idle: noticed before sending. */
	server_start(&s, M_IDLE_CLOSE);
	h = client(&s, -1);
	CHECK_EQ_INT(0, post(h, "a", &a), "idle close: first");
	await_requests(&s, 1);
	usleep(50000);
	CHECK_EQ_INT(0, post(h, "b", &a), "idle close: second, on a new connection");
	CHECK_EQ_INT(204, a.status, "idle close: its answer");
	CHECK_EQ_INT(2, atomic_load(&s.accepts), "idle close: two connections");
	CHECK_EQ_INT(2, atomic_load(&s.requests), "idle close: two requests");
	http_free(h);
	server_stop(&s);

	/* Closed on a request: sent once more on a new connection. */
	server_start(&s, M_RACE);
	h = client(&s, -1);
	CHECK_EQ_INT(0, post(h, "a", &a), "race: first");
	CHECK_EQ_INT(0, post(h, "b", &a), "race: second, retried transparently");
	CHECK_EQ_INT(204, a.status, "race: its answer");
	CHECK_EQ_INT(2, atomic_load(&s.accepts), "race: two connections");
	CHECK_EQ_INT(3, atomic_load(&s.requests), "race: the second request went twice");
	http_free(h);
	server_stop(&s);

	/* A fresh connection closed without an answer: not retried. */
	server_start(&s, M_NOANSWER);
	h = client(&s, -1);
	CHECK_EQ_INT(-ECONNRESET, post(h, "a", &a), "no answer: refused");
	CHECK_EQ_STR("the server closed the connection without an answer", http_error(h),
	    "no answer: message");
	CHECK_EQ_INT(1, atomic_load(&s.accepts), "no answer: not retried");
	http_free(h);
	server_stop(&s);

	/* Connection: close, then a new connection. */
	server_start(&s, M_CLOSE_HDR);
	h = client(&s, -1);
	CHECK_EQ_INT(0, post(h, "a", &a), "Connection: close: answered");
	CHECK_EQ_INT(200, a.status, "Connection: close: status");
	CHECK_EQ_STR("ok", a.body, "Connection: close: body");
	CHECK(!http_connected(h), "Connection: close: closed");
	CHECK_EQ_INT(0, post(h, "b", &a), "Connection: close: the next request");
	CHECK_EQ_INT(2, atomic_load(&s.accepts), "Connection: close: two connections");
	http_free(h);
	server_stop(&s);
}

static void
test_answers(void)
{
	struct server s;
	struct http_answer a;
	struct http *h;

	server_start(&s, M_CHUNKED);
	h = client(&s, -1);
	if (post(h, "a", &a) != 0) {
		CHECK(0, "chunked: answered: %s", http_error(h));
		http_free(h);
		server_stop(&s);
		return;
	}
	CHECK_EQ_INT(400, a.status, "chunked: status");
	CHECK_EQ_STR("{\"error\":\"partial write: dropped=2\"}", a.body, "chunked: body");
	CHECK_EQ_STR("partial write: dropped=2", a.head->influx_error, "chunked: X-Influxdb-Error");
	CHECK_EQ_STR("3", a.head->retry_after, "chunked: Retry-After");
	CHECK(http_connected(h), "chunked: kept alive");
	CHECK_EQ_INT(0, post(h, "b", &a), "chunked: then another request");
	CHECK_EQ_INT(204, a.status, "chunked: on the same connection");
	CHECK_EQ_INT(1, atomic_load(&s.accepts), "chunked: one connection");
	http_free(h);
	server_stop(&s);

	server_start(&s, M_GARBAGE);
	h = client(&s, -1);
	CHECK_EQ_INT(-EBADMSG, post(h, "a", &a), "garbage: refused");
	CHECK(strstr(http_error(h), "not an HTTP answer: not an HTTP/1.x status line: "
	    "'SSH-2.0-OpenSSH_9.2'") != NULL, "garbage: message: %s", http_error(h));
	CHECK(!http_connected(h), "garbage: closed");
	http_free(h);
	server_stop(&s);
}

struct aborter {
	int	 fd;
	int	 ms;
};

static void *
abort_later(void *arg)
{
	struct aborter *ab = arg;

	usleep((useconds_t)ab->ms * 1000);
	if (write(ab->fd, "x", 1) != 1)
		perror("write");
	return NULL;
}

static void
test_hangs(void)
{
	struct server s;
	struct http_answer a;
	struct http *h;
	int64_t t0, took;
	int p[2];

	server_start(&s, M_SILENT);
	h = client(&s, -1);
	t0 = now_mono_ms();
	CHECK_EQ_INT(-ETIMEDOUT, http_post(h, http_target(h), NULL, "a", 1, 300, &a),
	    "silence: times out");
	took = now_mono_ms() - t0;
	CHECK(took >= 290 && took < 1500, "silence: after the timeout (%lld ms)", (long long)took);
	CHECK_EQ_STR("timeout: no answer within 300 ms", http_error(h), "silence: message");
	http_free(h);

	if (pipe(p) != 0) {
		CHECK(0, "pipe");
		server_stop(&s);
		return;
	}
	h = client(&s, p[0]);
	struct aborter ab = { p[1], 100 };
	pthread_t t;
	pthread_create(&t, NULL, abort_later, &ab);
	t0 = now_mono_ms();
	CHECK_EQ_INT(-ECANCELED, http_post(h, http_target(h), NULL, "a", 1, 10000, &a),
	    "abort: the request is abandoned");
	took = now_mono_ms() - t0;
	pthread_join(t, NULL);
	CHECK(took >= 90 && took < 1000, "abort: at once (%lld ms)", (long long)took);
	CHECK_EQ_STR("stopped", http_error(h), "abort: message");
	CHECK_EQ_INT(-ECANCELED, http_post(h, http_target(h), NULL, "a", 1, 10000, &a),
	    "abort: a readable abort descriptor refuses the next one too");
	http_free(h);
	close(p[0]);
	close(p[1]);
	server_stop(&s);

	/* Nothing listens on the port any more. */
	struct http_opts o = { .connect_timeout_ms = 2000, .abort_fd = -1 };
	char url[64], err[200], want[100];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", s.port);
	CHECK_EQ_INT(0, http_new(url, &o, &h, err, sizeof(err)), "a client for a closed port");
	CHECK_EQ_STR("/", http_target(h), "the target of a URL without a path");
	CHECK_EQ_INT(-ECONNREFUSED, http_post(h, "/", NULL, "", 0, 1000, &a), "refused");
	snprintf(want, sizeof(want), "cannot connect to 127.0.0.1:%d: Connection refused", s.port);
	CHECK_EQ_STR(want, http_error(h), "refused: message");
	http_free(h);
	CHECK_EQ_INT(-EINVAL, http_new("gopher://x", &o, &h, err, sizeof(err)), "a bad URL");
	CHECK(strstr(err, "must start with http:// or https://") != NULL, "its message: %s", err);
}

int
main(void)
{
	test_url();
	test_escape_and_auth();
	test_keepalive();
	test_reconnects();
	test_answers();
	test_hangs();
	return tap_done();
}
