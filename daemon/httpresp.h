/* SPDX-License-Identifier: MIT */
/*
 * An incremental parser of one HTTP/1.1 (or 1.0) response to a request that
 * is not HEAD: the status line, the headers the InfluxDB forwarder needs,
 * and the body, of which the first bytes (up to a cap given at creation) are
 * kept for error messages.  The answer may arrive in pieces of any size,
 * down to one byte at a time.  Pure: no I/O, no logging.  The caller owns
 * the parser; one thread at a time.
 *
 * Framing follows RFC 9112, section 6.3: 1xx answers other than 101 are
 * skipped (the final answer follows them); 204 and 304 have no body;
 * Transfer-Encoding with chunked last is chunked, any other
 * Transfer-Encoding, or neither it nor Content-Length, runs to the end of
 * the connection (httpresp_eof); otherwise Content-Length bytes.  Anything
 * malformed (a bad status line, a header line without a colon or with
 * control bytes, obsolete line folding, conflicting Content-Lengths, a bad
 * chunk size, lines or headers past the limits below, an answer cut short)
 * is -EBADMSG with a message saying what.
 */
#ifndef LW_HTTPRESP_H
#define LW_HTTPRESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTPRESP_LINE_MAX	8192	/* bytes of one status, header or chunk-size line */
#define HTTPRESP_HEAD_MAX	65536	/* bytes of the head (status line and headers) */
#define HTTPRESP_FIELDS_MAX	100	/* header lines of one head */
#define HTTPRESP_BODY_CAP_MAX	(1u << 20)

/* What the head said; strings are NUL-terminated, cut to their size, "" when absent. */
struct httpresp_head {
	int		 status;		/* 100..999 */
	int		 minor;			/* HTTP/1.minor: 0 or 1 */
	char		 reason[64];		/* the reason phrase */
	int64_t		 content_length;	/* -1 when absent (or chunked) */
	bool		 chunked;		/* Transfer-Encoding ends in chunked */
	bool		 until_close;		/* the body runs to the end of the connection */
	bool		 close;			/* the connection cannot be reused after it */
	char		 retry_after[32];	/* Retry-After */
	char		 content_type[64];	/* Content-Type */
	char		 influx_error[256];	/* X-Influxdb-Error */
};

struct httpresp;

/*
 * A parser keeping up to body_cap (0..HTTPRESP_BODY_CAP_MAX) bytes of the
 * body.  0 and *ret (the caller owns it: httpresp_free), -EINVAL or -ENOMEM.
 */
int	 httpresp_new(size_t body_cap, struct httpresp **ret);
void	 httpresp_free(struct httpresp *);

/* Forget everything, ready for the answer to the next request. */
void	 httpresp_reset(struct httpresp *);

/*
 * Parse n more bytes of the answer.  *used is how many belong to it (fewer
 * than n only when it is complete: the rest is not part of this answer).
 * 1 when the answer is complete, 0 when more is needed, -EBADMSG (see
 * httpresp_error) when it is malformed; after 1 or -EBADMSG further calls
 * return the same and use nothing.
 */
int	 httpresp_feed(struct httpresp *, const char *data, size_t n, size_t *used);

/*
 * The connection ended.  1 when that completes the answer (a body that runs
 * to the end of the connection, or an answer already complete), else
 * -EBADMSG: nothing at all arrived, or the answer was cut short.
 */
int	 httpresp_eof(struct httpresp *);

/* Whether any byte of the answer has arrived since the last reset. */
bool	 httpresp_started(const struct httpresp *);

/* Whether the head is complete (the fields of httpresp_head are then final). */
bool	 httpresp_have_head(const struct httpresp *);

/* The head so far; valid until the next reset or free. */
const struct httpresp_head *httpresp_head(const struct httpresp *);

/*
 * The first bytes of the body (decoded from chunks), NUL-terminated, and
 * their count in *len (at most the cap); valid until the next call.
 */
const char *httpresp_body(const struct httpresp *, size_t *len);

/* How many body bytes arrived in all (the kept ones and the rest). */
uint64_t httpresp_body_total(const struct httpresp *);

/* After -EBADMSG, what was wrong; "" otherwise. */
const char *httpresp_error(const struct httpresp *);

#endif
