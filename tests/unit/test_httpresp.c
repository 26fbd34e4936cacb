/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the HTTP response parser: framing by Content-Length,
 * chunks and the end of the connection, fed whole, byte by byte and split
 * at every position; the headers of interest; interim answers; the body
 * cap; and a table of malformed answers, each with its message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "httpresp.h"
#include "tap.h"

/* Feed s in pieces of step bytes (0: whole); the last result, bytes used in *used. */
static int
feed(struct httpresp *r, const char *s, size_t n, size_t step, size_t *used)
{
	size_t off = 0;
	int rc = 0;

	*used = 0;
	if (step == 0)
		step = n > 0 ? n : 1;
	while (off < n) {
		size_t k = n - off < step ? n - off : step, u;

		rc = httpresp_feed(r, s + off, k, &u);
		*used += u;
		if (rc != 0)
			break;
		off += k;
	}
	return rc;
}

static void
test_simple(void)
{
	static const char a[] = "HTTP/1.1 204 No Content\r\nContent-Type: application/json\r\n"
	    "Request-Id: 1\r\nX-Influxdb-Version: 1.6.7\r\n\r\n";
	struct httpresp *r;
	size_t used, len;

	CHECK_EQ_INT(0, httpresp_new(4096, &r), "new");
	CHECK(!httpresp_started(r), "nothing yet");
	CHECK_EQ_INT(1, feed(r, a, strlen(a), 0, &used), "a 204 is complete without a body");
	CHECK_EQ_INT(strlen(a), used, "all of it used");
	CHECK(httpresp_started(r) && httpresp_have_head(r), "started, with a head");
	const struct httpresp_head *h = httpresp_head(r);
	CHECK_EQ_INT(204, h->status, "status");
	CHECK_EQ_INT(1, h->minor, "HTTP/1.1");
	CHECK_EQ_STR("No Content", h->reason, "reason");
	CHECK_EQ_STR("application/json", h->content_type, "content type");
	CHECK(!h->close && !h->chunked && !h->until_close, "reusable");
	CHECK_EQ_INT(0, strlen(httpresp_body(r, &len)), "no body");
	CHECK_EQ_INT(0, len, "no body length");
	CHECK_EQ_INT(1, httpresp_feed(r, "x", 1, &used), "after the end: still complete");
	CHECK_EQ_INT(0, used, "and nothing used");
	CHECK_EQ_INT(1, httpresp_eof(r), "eof after a complete answer");
	httpresp_free(r);
}

/* The same answer fed whole, byte by byte, and in two pieces split anywhere. */
static void
test_splits(void)
{
	static const char a[] = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
	    "X-Influxdb-Error: partial write: field type conflict\r\n"
	    "retry-after:  7 \r\nContent-Length: 46\r\n\r\n"
	    "{\"error\":\"partial write: field type conflict\"}";
	static const char body[] = "{\"error\":\"partial write: field type conflict\"}";
	struct httpresp *r;
	size_t n = strlen(a), used, len;
	int bad = 0;

	CHECK_EQ_INT(46, strlen(body), "the body is 46 bytes");
	httpresp_new(4096, &r);
	for (size_t step = 0; step <= 3; step++) {
		httpresp_reset(r);
		CHECK_EQ_INT(1, feed(r, a, n, step, &used), "pieces of %zu: complete", step);
		CHECK_EQ_INT(n, used, "pieces of %zu: all used", step);
		CHECK_EQ_STR(body, httpresp_body(r, &len), "pieces of %zu: the body", step);
	}
	for (size_t cut = 1; cut < n; cut++) {
		size_t u1, u2;
		int rc1, rc2;

		httpresp_reset(r);
		rc1 = httpresp_feed(r, a, cut, &u1);
		rc2 = httpresp_feed(r, a + cut, n - cut, &u2);
		if (rc1 != 0 || u1 != cut || rc2 != 1 || u2 != n - cut ||
		    strcmp(httpresp_body(r, &len), body) != 0 || httpresp_head(r)->status != 400)
			bad++;
	}
	CHECK_EQ_INT(0, bad, "split at every position: the same answer");
	const struct httpresp_head *h = httpresp_head(r);
	CHECK_EQ_STR("7", h->retry_after, "Retry-After, any case, trimmed");
	CHECK_EQ_STR("partial write: field type conflict", h->influx_error, "X-Influxdb-Error");
	CHECK_EQ_INT(46, h->content_length, "Content-Length");
	CHECK_EQ_INT(46, httpresp_body_total(r), "body total");
	httpresp_free(r);
}

static void
test_chunked(void)
{
	static const char a[] = "HTTP/1.1 500 Internal Server Error\r\n"
	    "Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"
	    "5\r\nhello\r\n"
	    "1;name=value\r\n,\r\n"
	    "A \r\n world, 10\r\n"
	    "0\r\nX-Trailer: yes\r\n\r\n";
	struct httpresp *r;
	size_t used, len;

	httpresp_new(4096, &r);
	for (size_t step = 0; step <= 2; step++) {
		httpresp_reset(r);
		CHECK_EQ_INT(1, feed(r, a, strlen(a), step, &used), "chunked, pieces of %zu", step);
		CHECK_EQ_INT(strlen(a), used, "chunked: all used");
		CHECK_EQ_STR("hello, world, 10", httpresp_body(r, &len), "chunks joined");
		CHECK(httpresp_head(r)->chunked && !httpresp_head(r)->close, "chunked, reusable");
		CHECK_EQ_INT(-1, httpresp_head(r)->content_length, "no length");
	}

	/* Transfer-Encoding and Content-Length: the chunks win, the connection closes. */
	static const char b[] = "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n"
	    "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
	httpresp_reset(r);
	CHECK_EQ_INT(1, feed(r, b, strlen(b), 0, &used), "TE and CL: complete");
	CHECK_EQ_STR("abc", httpresp_body(r, &len), "TE and CL: the chunks");
	CHECK(httpresp_head(r)->close, "TE and CL: not reused");

	/* A Transfer-Encoding that does not end in chunked runs to the close. */
	static const char c[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nxyz";
	httpresp_reset(r);
	CHECK_EQ_INT(0, feed(r, c, strlen(c), 0, &used), "TE gzip: more");
	CHECK(httpresp_head(r)->until_close && httpresp_head(r)->close, "TE gzip: until close");
	CHECK_EQ_INT(1, httpresp_eof(r), "TE gzip: eof completes it");
	CHECK_EQ_STR("xyz", httpresp_body(r, &len), "TE gzip: body");

	/* Extra bytes after the last chunk are not used. */
	static const char d[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nHTTP";
	httpresp_reset(r);
	CHECK_EQ_INT(1, feed(r, d, strlen(d), 0, &used), "extra bytes: complete");
	CHECK_EQ_INT(strlen(d) - 4, used, "extra bytes: not used");
	httpresp_free(r);
}

static void
test_close_and_versions(void)
{
	struct httpresp *r;
	size_t used, len;
	static const char a[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";
	static const char b[] = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
	static const char c[] = "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok";
	static const char d[] = "HTTP/1.1 503 Service Unavailable\r\nConnection: foo, close\r\n"
	    "Content-Length: 0\r\n\r\n";
	static const char e[] = "HTTP/1.1 200\nContent-Length: 3\n\nabc";
	static const char f[] = "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n";
	static const char g[] = "HTTP/1.1 200 OK\r\nContent-Length: 4, 4\r\n\r\nabcd";

	httpresp_new(4096, &r);
	CHECK_EQ_INT(0, feed(r, a, strlen(a), 0, &used), "no length: more until the close");
	CHECK(httpresp_head(r)->until_close && httpresp_head(r)->close, "no length: until close");
	CHECK_EQ_INT(1, httpresp_eof(r), "no length: eof completes");
	CHECK_EQ_STR("until the end", httpresp_body(r, &len), "no length: body");

	httpresp_reset(r);
	CHECK_EQ_INT(1, feed(r, b, strlen(b), 0, &used), "HTTP/1.0");
	CHECK(httpresp_head(r)->close && httpresp_head(r)->minor == 0, "HTTP/1.0 closes");
	httpresp_reset(r);
	CHECK_EQ_INT(1, feed(r, c, strlen(c), 0, &used), "HTTP/1.0 keep-alive");
	CHECK(!httpresp_head(r)->close, "HTTP/1.0 with keep-alive is kept");
	httpresp_reset(r);
	CHECK_EQ_INT(1, feed(r, d, strlen(d), 0, &used), "Connection: close");
	CHECK(httpresp_head(r)->close && httpresp_head(r)->status == 503, "Connection: close closes");
	httpresp_reset(r);
	CHECK_EQ_INT(1, feed(r, e, strlen(e), 1, &used), "LF line ends, no reason");
	CHECK_EQ_STR("abc", httpresp_body(r, &len), "LF line ends: body");
	CHECK_EQ_STR("", httpresp_head(r)->reason, "no reason phrase");
	httpresp_reset(r);
	CHECK_EQ_INT(1, feed(r, f, strlen(f), 0, &used), "304 has no body");
	httpresp_reset(r);
	CHECK_EQ_INT(1, feed(r, g, strlen(g), 0, &used), "a Content-Length list of one value");
	CHECK_EQ_STR("abcd", httpresp_body(r, &len), "its body");
	httpresp_free(r);
}

static void
test_interim(void)
{
	static const char a[] = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
	    "Link: </x>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\n!";
	struct httpresp *r;
	size_t used, len;

	httpresp_new(16, &r);
	CHECK_EQ_INT(1, feed(r, a, strlen(a), 1, &used), "interim answers are skipped");
	CHECK_EQ_INT(201, httpresp_head(r)->status, "the final status");
	CHECK_EQ_STR("!", httpresp_body(r, &len), "the final body");
	httpresp_free(r);
}

static void
test_cap(void)
{
	struct httpresp *r;
	size_t used, len;
	char a[200];
	const char *body;

	snprintf(a, sizeof(a), "HTTP/1.1 404 Not Found\r\nContent-Length: 30\r\n\r\n%s",
	    "0123456789abcdefghijABCDEFGHIJ");
	CHECK_EQ_INT(-EINVAL, httpresp_new(HTTPRESP_BODY_CAP_MAX + 1, &r), "a cap too large");
	httpresp_new(8, &r);
	CHECK_EQ_INT(1, feed(r, a, strlen(a), 7, &used), "a body over the cap: complete");
	body = httpresp_body(r, &len);
	CHECK_EQ_INT(8, len, "kept up to the cap");
	CHECK_EQ_STR("01234567", body, "the first bytes, NUL-terminated");
	CHECK_EQ_INT(30, httpresp_body_total(r), "but all counted");
	httpresp_free(r);

	httpresp_new(0, &r);
	CHECK_EQ_INT(1, feed(r, a, strlen(a), 0, &used), "cap 0: complete");
	CHECK_EQ_STR("", httpresp_body(r, &len), "cap 0: nothing kept");
	httpresp_free(r);
}

static void
test_malformed(void)
{
	static const struct {
		const char *in;
		const char *msg;	/* a part of the message */
	} cases[] = {
		{ "HTTP/2 200 OK\r\n\r\n", "not an HTTP/1.x status line" },
		{ "HTTP/1.1 20 OK\r\n\r\n", "not an HTTP/1.x status line" },
		{ "HTTP/1.1 200OK\r\n\r\n", "not an HTTP/1.x status line" },
		{ "ICY 200 OK\r\n\r\n", "not an HTTP/1.x status line: 'ICY 200 OK'" },
		{ "\r\nHTTP/1.1 200 OK\r\n\r\n", "not an HTTP/1.x status line" },
		{ "HTTP/1.1 099 Low\r\n\r\n", "status 99 out of range" },
		{ "HTTP/1.1 200 O\x01K\r\n\r\n", "a control byte in the status line" },
		{ "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "not 'name: value'" },
		{ "HTTP/1.1 200 OK\r\nName : v\r\n\r\n", "not 'name: value'" },
		{ "HTTP/1.1 200 OK\r\n: v\r\n\r\n", "not 'name: value'" },
		{ "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", "obsolete line folding" },
		{ "HTTP/1.1 200 OK\r\nA: b\x7f\r\n\r\n", "a control byte in a header line" },
		{ "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", "a NUL or CR inside a line" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
		  "conflicting Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n", "conflicting Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "is not a number" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "is not a number" },
		{ "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "an empty Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "too large" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "a bad chunk size" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "a bad chunk size" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3 x\r\n", "a bad chunk size" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
		  "a chunk size too large" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
		  "chunk data not followed by CRLF" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
		  "not 'name: value'" },
		{ "HTTP/1.1 101 Switching Protocols\r\n\r\n", "101" },
	};
	struct httpresp *r;
	size_t used;

	httpresp_new(64, &r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t step = 0; step <= 1; step++) {
			httpresp_reset(r);
			int rc = feed(r, cases[i].in, strlen(cases[i].in), step, &used);

			CHECK_EQ_INT(-EBADMSG, rc, "case %zu (pieces of %zu) is refused", i, step);
			CHECK(strstr(httpresp_error(r), cases[i].msg) != NULL,
			    "case %zu: message '%s' has '%s'", i, httpresp_error(r), cases[i].msg);
		}
		CHECK_EQ_INT(-EBADMSG, httpresp_feed(r, "x", 1, &used), "case %zu: stays refused", i);
		CHECK_EQ_INT(-EBADMSG, httpresp_eof(r), "case %zu: eof too", i);
	}

	/* A NUL inside the head. */
	static const char nul[] = "HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n";
	httpresp_reset(r);
	CHECK_EQ_INT(-EBADMSG, feed(r, nul, sizeof(nul) - 1, 0, &used), "a NUL in a header");

	/* The limits. */
	char *big = malloc(HTTPRESP_HEAD_MAX + 8000);
	size_t n = (size_t)snprintf(big, 100, "HTTP/1.1 200 OK\r\nA: ");
	memset(big + n, 'x', HTTPRESP_LINE_MAX);
	httpresp_reset(r);
	CHECK_EQ_INT(-EBADMSG, feed(r, big, n + HTTPRESP_LINE_MAX, 0, &used), "a line too long");
	CHECK(strstr(httpresp_error(r), "a line of more than") != NULL, "its message: %s",
	    httpresp_error(r));
	n = (size_t)snprintf(big, 100, "HTTP/1.1 200 OK\r\n");
	for (int k = 0; k <= HTTPRESP_FIELDS_MAX; k++)
		n += (size_t)snprintf(big + n, 20, "H%d: v\r\n", k);
	httpresp_reset(r);
	CHECK_EQ_INT(-EBADMSG, feed(r, big, n, 0, &used), "too many header lines");
	CHECK(strstr(httpresp_error(r), "header lines") != NULL, "its message: %s",
	    httpresp_error(r));
	n = (size_t)snprintf(big, 100, "HTTP/1.1 200 OK\r\n");
	while (n <= HTTPRESP_HEAD_MAX) {
		memcpy(big + n, "Long: ", 6);
		memset(big + n + 6, 'y', 7000);
		memcpy(big + n + 7006, "\r\n", 2);
		n += 7008;
	}
	httpresp_reset(r);
	CHECK_EQ_INT(-EBADMSG, feed(r, big, n, 0, &used), "a head too large");
	CHECK(strstr(httpresp_error(r), "a head of more than") != NULL, "its message: %s",
	    httpresp_error(r));
	free(big);
	httpresp_free(r);
}

static void
test_eof(void)
{
	static const struct {
		const char *in;
		const char *msg;
	} cases[] = {
		{ "", "before any answer" },
		{ "HTTP/1.1 2", "in the middle of the head" },
		{ "HTTP/1.1 200 OK\r\nContent-Le", "in the middle of the head" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "after 3 of 10 body bytes" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
		  "in the middle of a chunked body" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
		  "in the middle of a chunked body" },
	};
	struct httpresp *r;
	size_t used;

	httpresp_new(64, &r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		httpresp_reset(r);
		CHECK_EQ_INT(0, feed(r, cases[i].in, strlen(cases[i].in), 0, &used),
		    "cut %zu: more wanted", i);
		CHECK_EQ_INT(-EBADMSG, httpresp_eof(r), "cut %zu: eof is an error", i);
		CHECK(strstr(httpresp_error(r), cases[i].msg) != NULL, "cut %zu: '%s' has '%s'", i,
		    httpresp_error(r), cases[i].msg);
	}
	httpresp_free(r);
}

int
main(void)
{
	test_simple();
	test_splits();
	test_chunked();
	test_close_and_versions();
	test_interim();
	test_cap();
	test_malformed();
	test_eof();
	return tap_done();
}
