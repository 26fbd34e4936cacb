/* SPDX-License-Identifier: MIT */
/*
 * The HTTP/1.1 response parser (see httpresp.h).  The head and the chunk
 * framing go byte by byte through a line buffer; body bytes go in bulk.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httpresp.h"

enum state {
	ST_STATUS,		/* the status line */
	ST_HEADER,		/* header lines, up to the empty one */
	ST_BODY_LEN,		/* Content-Length bytes */
	ST_BODY_CLOSE,		/* everything up to the end of the connection */
	ST_CHUNK_SIZE,		/* a chunk-size line */
	ST_CHUNK_DATA,		/* the bytes of a chunk */
	ST_CHUNK_END,		/* the CRLF after them */
	ST_TRAILER,		/* trailer lines after the last chunk */
	ST_DONE,
	ST_ERROR,
};

struct httpresp {
	enum state		 state;
	bool			 started;
	bool			 have_head;
	bool			 cr;			/* ST_CHUNK_END: the CR came */
	struct httpresp_head	 head;
	/* What the headers said, settled at the end of the head. */
	bool			 have_length;
	bool			 te;			/* a Transfer-Encoding header */
	bool			 te_chunked;		/* its last coding is chunked */
	bool			 conn_close;
	bool			 conn_keepalive;
	unsigned		 fields;
	size_t			 head_bytes;
	uint64_t		 left;			/* of Content-Length or the chunk */
	char			 line[HTTPRESP_LINE_MAX];
	size_t			 linelen;
	char			 error[160];
	size_t			 cap;
	size_t			 body_len;		/* kept, at body[] */
	uint64_t		 body_total;
	char			 body[];		/* cap + 1 */
};

int
httpresp_new(size_t body_cap, struct httpresp **ret)
{
	struct httpresp *r;

	if (body_cap > HTTPRESP_BODY_CAP_MAX)
		return -EINVAL;
	r = malloc(sizeof(*r) + body_cap + 1);
	if (r == NULL)
		return -ENOMEM;
	r->cap = body_cap;
	httpresp_reset(r);
	*ret = r;
	return 0;
}

void
httpresp_free(struct httpresp *r)
{
	free(r);
}

static void
head_reset(struct httpresp *r)
{
	memset(&r->head, 0, sizeof(r->head));
	r->head.content_length = -1;
	r->have_length = false;
	r->te = false;
	r->te_chunked = false;
	r->conn_close = false;
	r->conn_keepalive = false;
	r->fields = 0;
}

void
httpresp_reset(struct httpresp *r)
{
	r->state = ST_STATUS;
	r->started = false;
	r->have_head = false;
	r->cr = false;
	head_reset(r);
	r->head_bytes = 0;
	r->left = 0;
	r->linelen = 0;
	r->error[0] = '\0';
	r->body_len = 0;
	r->body_total = 0;
	r->body[0] = '\0';
}

__attribute__((format(printf, 2, 3)))
static int
fail(struct httpresp *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	r->state = ST_ERROR;
	return -EBADMSG;
}

static bool
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The first bytes of the line s, printable ASCII only (others as '?'), for a message. */
static const char *
excerpt(char out[44], const char *s)
{
	size_t i;

	for (i = 0; i < 40 && s[i] != '\0'; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
	if (s[i] != '\0')
		memcpy(out + i, "...", 4);
	return out;
}

/* Copy the n bytes at s into dst (size dstlen), cut to fit, NUL-terminated. */
static void
copy_cut(char *dst, size_t dstlen, const char *s, size_t n)
{
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "HTTP/1.x SP 3DIGIT [SP reason]" */
static int
status_line(struct httpresp *r, const char *s, size_t n)
{
	char ex[44];
	size_t i;

	if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || !is_digit(s[7]) || s[8] != ' ' ||
	    !is_digit(s[9]) || !is_digit(s[10]) || !is_digit(s[11]) || (n > 12 && s[12] != ' '))
		return fail(r, "not an HTTP/1.x status line: '%s'", excerpt(ex, s));
	r->head.minor = s[7] - '0';
	r->head.status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (r->head.status < 100)
		return fail(r, "status %d out of range", r->head.status);
	for (i = 13; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return fail(r, "a control byte in the status line");
	if (n > 13)
		copy_cut(r->head.reason, sizeof(r->head.reason), s + 13, n - 13);
	return 0;
}

/* Whether the n bytes at s, a list element, are the token tok (any case). */
static bool
token_is(const char *s, size_t n, const char *tok)
{
	return n == strlen(tok) && strncasecmp(s, tok, n) == 0;
}

/*
 * Walk a comma-separated list: each element, trimmed, without parameters
 * after ';', to fn.  Empty elements are skipped.
 */
static void
each_element(struct httpresp *r, const char *v, size_t n,
    void (*fn)(struct httpresp *, const char *, size_t))
{
	size_t a = 0;

	while (a <= n) {
		size_t b = a;

		while (b < n && v[b] != ',')
			b++;
		size_t e = a;
		while (e < b && v[e] != ';')
			e++;
		while (a < e && (v[a] == ' ' || v[a] == '\t'))
			a++;
		while (e > a && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e > a)
			fn(r, v + a, e - a);
		a = b + 1;
	}
}

static void
te_element(struct httpresp *r, const char *s, size_t n)
{
	r->te_chunked = token_is(s, n, "chunked");
}

static void
conn_element(struct httpresp *r, const char *s, size_t n)
{
	if (token_is(s, n, "close"))
		r->conn_close = true;
	else if (token_is(s, n, "keep-alive"))
		r->conn_keepalive = true;
}

/* Content-Length: a number, or a list of the same number. */
static int
content_length(struct httpresp *r, const char *v, size_t n)
{
	char ex[44];
	size_t i = 0;

	if (n == 0)
		return fail(r, "an empty Content-Length");
	while (i < n) {
		int64_t x = 0;
		size_t start;

		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		start = i;
		while (i < n && is_digit(v[i])) {
			if (x > (INT64_MAX - 9) / 10)
				return fail(r, "Content-Length too large");
			x = x * 10 + (v[i++] - '0');
		}
		if (i == start)
			return fail(r, "Content-Length '%s' is not a number", excerpt(ex, v));
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (i < n && v[i] != ',')
			return fail(r, "Content-Length '%s' is not a number", excerpt(ex, v));
		i++;
		if (r->have_length && x != r->head.content_length)
			return fail(r, "conflicting Content-Length values");
		r->have_length = true;
		r->head.content_length = x;
	}
	return 0;
}

/* "name: value"; in a trailer (trailer) it is only checked. */
static int
header_line(struct httpresp *r, const char *s, size_t n, bool trailer)
{
	char ex[44];
	size_t i = 0, a, b;

	if (s[0] == ' ' || s[0] == '\t')
		return fail(r, "obsolete line folding in the %s", trailer ? "trailer" : "head");
	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	if (i == 0 || i == n || s[i] != ':')
		return fail(r, "a header line that is not 'name: value': '%s'", excerpt(ex, s));
	if (++r->fields > HTTPRESP_FIELDS_MAX)
		return fail(r, "more than %d header lines", HTTPRESP_FIELDS_MAX);
	for (size_t k = i + 1; k < n; k++)
		if (((unsigned char)s[k] < 0x20 && s[k] != '\t') || s[k] == 0x7f)
			return fail(r, "a control byte in a header line: '%s'", excerpt(ex, s));
	if (trailer)
		return 0;
	a = i + 1;
	b = n;
	while (a < b && (s[a] == ' ' || s[a] == '\t'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	const char *v = s + a;
	size_t vn = b - a;
	if (token_is(s, i, "content-length"))
		return content_length(r, v, vn);
	if (token_is(s, i, "transfer-encoding")) {
		r->te = true;
		each_element(r, v, vn, te_element);
	} else if (token_is(s, i, "connection")) {
		each_element(r, v, vn, conn_element);
	} else if (token_is(s, i, "retry-after")) {
		copy_cut(r->head.retry_after, sizeof(r->head.retry_after), v, vn);
	} else if (token_is(s, i, "content-type")) {
		copy_cut(r->head.content_type, sizeof(r->head.content_type), v, vn);
	} else if (token_is(s, i, "x-influxdb-error")) {
		copy_cut(r->head.influx_error, sizeof(r->head.influx_error), v, vn);
	}
	return 0;
}

/* The empty line after the headers: how the body is framed. */
static int
end_of_head(struct httpresp *r)
{
	struct httpresp_head *h = &r->head;

	if (h->status == 101)
		return fail(r, "an unasked-for 101 Switching Protocols");
	if (h->status < 200) {
		/* An interim answer: the real one follows. */
		head_reset(r);
		r->state = ST_STATUS;
		return 0;
	}
	r->have_head = true;
	h->close = r->conn_close || (h->minor == 0 && !r->conn_keepalive);
	if (h->status == 204 || h->status == 304) {
		r->state = ST_DONE;
		return 1;
	}
	if (r->te) {
		/* Transfer-Encoding wins over Content-Length; both at once is suspect. */
		if (r->have_length)
			h->close = true;
		h->content_length = -1;
		if (r->te_chunked) {
			h->chunked = true;
			r->state = ST_CHUNK_SIZE;
			return 0;
		}
		h->until_close = h->close = true;
		r->state = ST_BODY_CLOSE;
		return 0;
	}
	if (r->have_length) {
		r->left = (uint64_t)h->content_length;
		r->state = r->left > 0 ? ST_BODY_LEN : ST_DONE;
		return r->left > 0 ? 0 : 1;
	}
	h->until_close = h->close = true;
	r->state = ST_BODY_CLOSE;
	return 0;
}

/* "hex [; extensions]" */
static int
chunk_size(struct httpresp *r, const char *s, size_t n)
{
	char ex[44];
	uint64_t x = 0;
	size_t i = 0;

	while (i < n) {
		int d;
		char c = s[i];

		if (is_digit(c))
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (x >> 56)
			return fail(r, "a chunk size too large");
		x = x << 4 | (uint64_t)d;
		i++;
	}
	if (i == 0)
		return fail(r, "a bad chunk size line: '%s'", excerpt(ex, s));
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] != ';')
		return fail(r, "a bad chunk size line: '%s'", excerpt(ex, s));
	for (; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return fail(r, "a control byte in a chunk size line");
	r->left = x;
	r->state = x > 0 ? ST_CHUNK_DATA : ST_TRAILER;
	return 0;
}

/* A whole line (without its CRLF or LF) in the state that reads lines. */
static int
line_done(struct httpresp *r)
{
	const char *s = r->line;
	size_t n = r->linelen;

	r->line[n] = '\0';
	r->linelen = 0;
	if (memchr(s, '\0', n) != NULL || memchr(s, '\r', n) != NULL)
		return fail(r, "a NUL or CR inside a line");
	switch (r->state) {
	case ST_STATUS:
		return status_line(r, s, n) < 0 ? -EBADMSG : (r->state = ST_HEADER, 0);
	case ST_HEADER:
		return n == 0 ? end_of_head(r) : header_line(r, s, n, false);
	case ST_CHUNK_SIZE:
		return chunk_size(r, s, n);
	case ST_TRAILER:
		if (n > 0)
			return header_line(r, s, n, true);
		r->state = ST_DONE;
		return 1;
	default:
		return fail(r, "internal: a line in state %d", (int)r->state);
	}
}

static void
keep_body(struct httpresp *r, const char *data, size_t n)
{
	size_t room = r->cap - r->body_len;
	size_t k = n < room ? n : room;

	memcpy(r->body + r->body_len, data, k);
	r->body_len += k;
	r->body[r->body_len] = '\0';
	r->body_total += n;
}

int
httpresp_feed(struct httpresp *r, const char *data, size_t n, size_t *used)
{
	size_t i = 0;
	int rc = 0;

	*used = 0;
	if (r->state == ST_DONE)
		return 1;
	if (r->state == ST_ERROR)
		return -EBADMSG;
	if (n > 0)
		r->started = true;
	while (i < n && rc == 0) {
		size_t k;

		switch (r->state) {
		case ST_BODY_LEN:
		case ST_CHUNK_DATA:
			k = n - i < r->left ? n - i : (size_t)r->left;
			keep_body(r, data + i, k);
			i += k;
			r->left -= k;
			if (r->left == 0) {
				if (r->state == ST_CHUNK_DATA) {
					r->state = ST_CHUNK_END;
					r->cr = false;
				} else {
					r->state = ST_DONE;
					rc = 1;
				}
			}
			break;
		case ST_BODY_CLOSE:
			keep_body(r, data + i, n - i);
			i = n;
			break;
		case ST_CHUNK_END:
			if (data[i] == '\r' && !r->cr) {
				r->cr = true;
			} else if (data[i] == '\n') {
				r->state = ST_CHUNK_SIZE;
			} else {
				rc = fail(r, "chunk data not followed by CRLF");
				break;
			}
			i++;
			break;
		default:
			/* ST_STATUS, ST_HEADER, ST_CHUNK_SIZE, ST_TRAILER: lines. */
			if (r->state == ST_STATUS || r->state == ST_HEADER || r->state == ST_TRAILER) {
				if (++r->head_bytes > HTTPRESP_HEAD_MAX) {
					rc = fail(r, "a head of more than %d bytes", HTTPRESP_HEAD_MAX);
					break;
				}
			}
			if (data[i] == '\n') {
				i++;
				if (r->linelen > 0 && r->line[r->linelen - 1] == '\r')
					r->linelen--;
				rc = line_done(r);
				break;
			}
			if (r->linelen == sizeof(r->line) - 1) {
				rc = fail(r, "a line of more than %d bytes", HTTPRESP_LINE_MAX - 1);
				break;
			}
			r->line[r->linelen++] = data[i++];
			break;
		}
	}
	*used = i;
	return rc;
}

int
httpresp_eof(struct httpresp *r)
{
	switch (r->state) {
	case ST_DONE:
		return 1;
	case ST_BODY_CLOSE:
		r->state = ST_DONE;
		return 1;
	case ST_ERROR:
		return -EBADMSG;
	case ST_STATUS:
		if (!r->started)
			return fail(r, "the connection closed before any answer");
		/* fall through */
	case ST_HEADER:
		return fail(r, "the connection closed in the middle of the head");
	case ST_BODY_LEN:
		return fail(r, "the connection closed after %llu of %lld body bytes",
		    (unsigned long long)r->body_total, (long long)r->head.content_length);
	default:
		return fail(r, "the connection closed in the middle of a chunked body");
	}
}

bool
httpresp_started(const struct httpresp *r)
{
	return r->started;
}

bool
httpresp_have_head(const struct httpresp *r)
{
	return r->have_head;
}

const struct httpresp_head *
httpresp_head(const struct httpresp *r)
{
	return &r->head;
}

const char *
httpresp_body(const struct httpresp *r, size_t *len)
{
	*len = r->body_len;
	return r->body;
}

uint64_t
httpresp_body_total(const struct httpresp *r)
{
	return r->body_total;
}

const char *
httpresp_error(const struct httpresp *r)
{
	return r->error;
}
