/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer, for text built up piece by piece (a batch of
 * InfluxDB lines, a JSON payload).  Pure: no I/O, no logging.  The caller
 * owns the buffer and everything in it; one thread at a time.
 *
 * data is NULL until something is appended, and from then on always has a
 * NUL after its len bytes, so it can be passed as a C string when what was
 * appended holds no NUL.  The functions that append either append all they
 * were given or, on -ENOMEM, leave len and the bytes as they were.
 */
#ifndef LW_STRBUF_H
#define LW_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char		*data;		/* len bytes and a NUL, or NULL */
	size_t		 len;		/* bytes in use, the NUL not counted */
	size_t		 cap;		/* bytes allocated at data */
};

/* An empty buffer that owns no memory yet (a zeroed struct is one too). */
void	 sb_init(struct strbuf *);

/* Release the memory; the buffer is then as sb_init left it. */
void	 sb_free(struct strbuf *);

/* Empty the buffer, keeping its memory for what comes next. */
void	 sb_reset(struct strbuf *);

/* Append n bytes (any bytes, NULs too).  0 or -ENOMEM. */
int	 sb_append(struct strbuf *, const char *, size_t n);

/* Append a NUL-terminated string.  0 or -ENOMEM. */
int	 sb_appends(struct strbuf *, const char *);

/* Append one byte.  0 or -ENOMEM. */
int	 sb_appendc(struct strbuf *, char);

/*
 * Append as printf would print.  0, -ENOMEM, or -EINVAL when vsnprintf
 * fails (an unconvertible wide character).  Numbers are formatted in the
 * calling thread's locale: floats meant for other programs go through
 * numfmt_double() instead.
 */
int	 sb_printf(struct strbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 sb_vprintf(struct strbuf *, const char *fmt, va_list)
	    __attribute__((format(printf, 2, 0)));

/*
 * Cut the buffer back to its first len bytes (a length saved earlier, to
 * undo appends).  A len at or past the end leaves the buffer alone.
 */
void	 sb_truncate(struct strbuf *, size_t len);

#endif
