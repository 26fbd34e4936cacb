/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the HTTP response parser.  The input is a body cap
 * (first byte, times 4), a piece size (second byte, 1..32), and the bytes
 * of an answer.  The answer is parsed twice, whole and in pieces of that
 * size, then the end of the connection is announced.  Besides the
 * sanitizers' own findings it checks, and aborts on a violation of:
 *
 * - both runs agree on everything: the result, the bytes used, the head,
 *   the body kept, the body total and the message;
 * - a result is 1, 0 or -EBADMSG; 0 uses every byte; -EBADMSG comes with a
 *   message, and the parser stays refused; a complete answer stays
 *   complete and uses nothing more;
 * - the body kept is at most the cap, is the total or the cap, whichever
 *   is less, and is NUL-terminated;
 * - a complete head has a final status (200..999) and a framing that fits:
 *   chunked without a length, a length without chunks;
 * - a complete answer framed by Content-Length has exactly that many body
 *   bytes, and one framed by the head alone (204, 304) none.
 *
 *   make fuzz && build-fuzz/fuzz_httpresp -max_total_time=60 tests/fuzz/corpus/httpresp
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpresp.h"
#include "fuzz_bytes.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_httpresp: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

struct run {
	int		 rc;		/* of the last feed */
	int		 eof;		/* of httpresp_eof */
	size_t		 used;
};

/* Feed n bytes at p in pieces of step, checking each call. */
static struct run
run(struct httpresp *r, const char *p, size_t n, size_t step, size_t cap)
{
	struct run out = { 0, 0, 0 };
	size_t off = 0;

	httpresp_reset(r);
	ASSERT(!httpresp_started(r) && !httpresp_have_head(r), "reset left state");
	while (off < n) {
		size_t k = n - off < step ? n - off : step, u = (size_t)-1;
		int rc = httpresp_feed(r, p + off, k, &u);

		ASSERT(rc == 1 || rc == 0 || rc == -EBADMSG, "feed returned %d", rc);
		ASSERT(u <= k, "used %zu of %zu", u, k);
		ASSERT(rc != 0 || u == k, "more wanted but %zu of %zu used", u, k);
		ASSERT(rc != -EBADMSG || httpresp_error(r)[0] != '\0', "refused without a message");
		out.used += u;
		out.rc = rc;
		if (rc != 0)
			break;
		off += k;
	}
	if (out.rc != 0) {
		size_t u = (size_t)-1;
		int again = httpresp_feed(r, "HTTP/1.1 200 OK\r\n", 17, &u);

		ASSERT(again == out.rc && u == 0, "after %d a feed gave %d and used %zu", out.rc,
		    again, u);
	}

	size_t len;
	const char *body = httpresp_body(r, &len);
	uint64_t total = httpresp_body_total(r);
	ASSERT(len <= cap, "kept %zu of cap %zu", len, cap);
	ASSERT(len == (total < cap ? total : cap), "kept %zu of %llu with cap %zu", len,
	    (unsigned long long)total, cap);
	ASSERT(body[len] == '\0', "the body is not NUL-terminated");
	if (httpresp_have_head(r)) {
		const struct httpresp_head *h = httpresp_head(r);

		ASSERT(h->status >= 200 && h->status <= 999, "a final head with status %d",
		    h->status);
		ASSERT(!(h->chunked && h->content_length >= 0), "chunked with a length");
		ASSERT(!(h->chunked && h->until_close), "chunked and until the close");
		ASSERT(!h->until_close || h->close, "until the close but reusable");
		ASSERT(strlen(h->reason) < sizeof(h->reason) &&
		    strlen(h->retry_after) < sizeof(h->retry_after), "unterminated strings");
		if (out.rc == 1 && (h->status == 204 || h->status == 304))
			ASSERT(total == 0, "a %d with %llu body bytes", h->status,
			    (unsigned long long)total);
		else if (out.rc == 1 && !h->chunked && !h->until_close)
			ASSERT(h->content_length >= 0 && total == (uint64_t)h->content_length,
			    "Content-Length %lld but %llu body bytes", (long long)h->content_length,
			    (unsigned long long)total);
	}
	out.eof = httpresp_eof(r);
	ASSERT(out.eof == 1 || out.eof == -EBADMSG, "eof returned %d", out.eof);
	ASSERT(out.rc != 1 || out.eof == 1, "a complete answer is not complete at the end");
	ASSERT(out.eof == 1 || httpresp_error(r)[0] != '\0', "eof refused without a message");
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_bytes in = { data, size };
	size_t cap = (size_t)fz_u8(&in) * 4;
	size_t step = 1 + fz_u8(&in) % 32;
	struct httpresp *a, *b;
	struct httpresp_head ha, hb;
	size_t la, lb;

	if (httpresp_new(cap, &a) != 0 || httpresp_new(cap, &b) != 0)
		abort();
	struct run whole = run(a, (const char *)in.p, in.n, in.n > 0 ? in.n : 1, cap);
	struct run parts = run(b, (const char *)in.p, in.n, step, cap);

	ASSERT(whole.rc == parts.rc && whole.eof == parts.eof && whole.used == parts.used,
	    "whole: %d/%d/%zu, in pieces of %zu: %d/%d/%zu", whole.rc, whole.eof, whole.used,
	    step, parts.rc, parts.eof, parts.used);
	ha = *httpresp_head(a);
	hb = *httpresp_head(b);
	ASSERT(memcmp(&ha, &hb, sizeof(ha)) == 0 || (ha.status == hb.status &&
	    strcmp(ha.reason, hb.reason) == 0 && ha.content_length == hb.content_length &&
	    ha.chunked == hb.chunked && ha.close == hb.close && ha.until_close == hb.until_close &&
	    strcmp(ha.retry_after, hb.retry_after) == 0 &&
	    strcmp(ha.content_type, hb.content_type) == 0 &&
	    strcmp(ha.influx_error, hb.influx_error) == 0), "the heads differ");
	const char *ba = httpresp_body(a, &la), *bb = httpresp_body(b, &lb);
	ASSERT(la == lb && memcmp(ba, bb, la) == 0, "the bodies differ");
	ASSERT(httpresp_body_total(a) == httpresp_body_total(b), "the totals differ");
	ASSERT(strcmp(httpresp_error(a), httpresp_error(b)) == 0, "messages differ: '%s', '%s'",
	    httpresp_error(a), httpresp_error(b));
	httpresp_free(a);
	httpresp_free(b);
	return 0;
}
