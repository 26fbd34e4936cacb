/* SPDX-License-Identifier: MIT */
/*
 * A small line-protocol decoder for the tests: the reference the encoder's
 * output is read back with (decode(encode(point)) must be the point), in
 * test_lineproto and fuzz_lineproto.  It follows InfluxDB 1.6.7's parser
 * (models/points.go) for what it reads:
 *
 * - A byte is escaped when the byte before it is a backslash (1.6.7's
 *   scanners look back one byte, so in "\\ " the space is escaped).  The
 *   measurement ends at an unescaped ',' or ' ', a tag key at an unescaped
 *   '=', a tag value at an unescaped ',' or ' ' (an unescaped '=' in it is
 *   "invalid tag format"), a field key at an unescaped '='.
 * - Unescaping replaces "\," and "\ " in the measurement, and "\,", "\="
 *   and "\ " in tag keys, tag values and field keys; any other backslash
 *   stays as it is ("eas\t" is four bytes, "reg\\=ion" is "reg\=ion").
 *   1.6.7 also turns "\=" and "\"" in a measurement into '=' and '"' when
 *   it stores it; the model keeps them, as the docs and the series key do.
 * - String field values: from '"' to the next '"' not taken by a
 *   backslash (a backslash takes the byte after it); then "\\" is '\' and
 *   "\"" is '"', and every other backslash stays.
 * - Floats: [-](digits[.[digits]] | .digits)[(e|E)[+|-]digits], finite
 *   (1e309 is refused); integers: [-]digits 'i' within int64; booleans: t,
 *   T, true, True, TRUE, f, F, false, False, FALSE.  Unsigned ("1u") is
 *   refused as the 1.x OSS builds do.
 * - An optional integer timestamp.  Its range depends on the precision,
 *   which the line does not say, so any int64 is taken.
 * - Empty tag values, duplicate tag keys, a missing field are errors.
 *
 * It reads one line: a '\n' is an error outside a string value (1.6.7
 * would start a new point there) and it does not read comments.  Call it
 * in the C locale (floats are read with strtod).
 *
 * LPM_STRICT additionally accepts only the one form the encoder writes:
 * exactly one space between the parts and none around, a timestamp, tags
 * sorted by key, no duplicate field key, no control character but TAB (in
 * string values), valid UTF-8, a backslash in a name only before a byte it
 * escapes there, in a string value only before '\' or '"', floats as JSON
 * numbers (-?(0|[1-9]digits)[.digits][e[+|-]digits]), integers and the
 * timestamp without leading zeros or "-0", booleans only as t and f.
 *
 * Header-only, static functions, so each test includes it as is.
 */
#ifndef LW_TESTS_LP_MODEL_H
#define LW_TESTS_LP_MODEL_H

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lineproto.h"
#include "utf8.h"

#define LPM_LENIENT	0
#define LPM_STRICT	1

/* Decoded text, NUL-terminated (n does not count the NUL), owned. */
struct lpm_text {
	char		*s;
	size_t		 n;
};

struct lpm_tag {
	struct lpm_text	 key;
	struct lpm_text	 value;
};

struct lpm_field {
	struct lpm_text	 key;
	enum lp_type	 type;
	double		 f;
	int64_t		 i;
	bool		 b;
	struct lpm_text	 s;
};

/* A decoded line; tags and fields in the order of the line. */
struct lpm_point {
	struct lpm_text	 measurement;
	struct lpm_tag	*tags;
	size_t		 ntags;
	struct lpm_field *fields;
	size_t		 nfields;
	bool		 has_time;
	int64_t		 time;
};

struct lpm_in {
	const char	*p;
	size_t		 n;
	size_t		 i;
	int		 strict;
	const char	*why;
};

static inline void
lpm_free(struct lpm_point *pt)
{
	free(pt->measurement.s);
	for (size_t k = 0; k < pt->ntags; k++) {
		free(pt->tags[k].key.s);
		free(pt->tags[k].value.s);
	}
	free(pt->tags);
	for (size_t k = 0; k < pt->nfields; k++) {
		free(pt->fields[k].key.s);
		free(pt->fields[k].s.s);
	}
	free(pt->fields);
	memset(pt, 0, sizeof(*pt));
}

static inline int
lpm_err(struct lpm_in *in, const char *why)
{
	if (in->why == NULL)
		in->why = why;
	return -EINVAL;
}

static inline int
lpm_cmp(const struct lpm_text *a, const struct lpm_text *b)
{
	int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);

	if (c != 0)
		return c;
	return a->n < b->n ? -1 : a->n > b->n;
}

/* Whether c is one of the bytes of set (never NUL). */
static inline bool
lpm_in_set(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* Whether the byte at j is escaped: the byte before it, inside the name, is a backslash. */
static inline bool
lpm_escaped_at(const struct lpm_in *in, size_t start, size_t j)
{
	return j > start && in->p[j - 1] == '\\';
}

/*
 * Unescape raw[0..n) into *out: a backslash before a byte of set is
 * dropped.  In strict mode every backslash must be such an escape, and no
 * control character may appear; text must be valid UTF-8.
 */
static inline int
lpm_unescape(struct lpm_in *in, const char *raw, size_t n, const char *set, struct lpm_text *out)
{
	char *s = malloc(n + 1);
	size_t o = 0;

	if (s == NULL)
		return lpm_err(in, "out of memory");
	for (size_t j = 0; j < n; j++) {
		unsigned char c = (unsigned char)raw[j];

		if (in->strict && (c < 0x20 || c == 0x7F)) {
			free(s);
			return lpm_err(in, "control character in a name");
		}
		if (c == '\\' && j + 1 < n && lpm_in_set(raw[j + 1], set)) {
			s[o++] = raw[++j];
			continue;
		}
		if (c == '\\' && in->strict) {
			free(s);
			return lpm_err(in, "backslash that escapes nothing in a name");
		}
		s[o++] = (char)c;
	}
	s[o] = '\0';
	if (in->strict && !utf8_valid(s, o)) {
		free(s);
		return lpm_err(in, "invalid UTF-8 in a name");
	}
	out->s = s;
	out->n = o;
	return 0;
}

static inline bool
lpm_digits(const char *s, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i > start;
}

/*
 * An integer of n bytes ([-]digits; strict: no leading zeros, no "-0");
 * what is the complaint about its form, range the one about its size.
 */
static inline int
lpm_int(struct lpm_in *in, const char *s, size_t n, int64_t *ret, const char *what,
    const char *range)
{
	size_t i = 0;
	bool neg = false;
	uint64_t mag = 0, lim;

	if (i < n && s[i] == '-') {
		neg = true;
		i++;
	}
	if (!lpm_digits(s, n, &i) || i != n)
		return lpm_err(in, what);
	if (in->strict && ((s[neg] == '0' && n > (size_t)neg + 1) || (neg && s[1] == '0')))
		return lpm_err(in, "integer not in its shortest form");
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (i = neg; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (mag > (lim - d) / 10)
			return lpm_err(in, range);
		mag = mag * 10 + d;
	}
	*ret = neg ? (mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag) : (int64_t)mag;
	return 0;
}

/* A float of n bytes by the grammar of the mode, then strtod. */
static inline int
lpm_float(struct lpm_in *in, const char *s, size_t n, double *ret)
{
	char buf[512];
	size_t i = 0, ip;
	double v;

	if (i < n && s[i] == '-')
		i++;
	ip = i;
	if (in->strict) {
		if (!lpm_digits(s, n, &i) || (s[ip] == '0' && i - ip > 1))
			return lpm_err(in, "float not a JSON number");
		if (i < n && s[i] == '.') {
			i++;
			if (!lpm_digits(s, n, &i))
				return lpm_err(in, "float not a JSON number");
		}
	} else {
		bool intpart = lpm_digits(s, n, &i), frac = false;

		if (i < n && s[i] == '.') {
			i++;
			frac = lpm_digits(s, n, &i);
		}
		if (!intpart && !frac)
			return lpm_err(in, "invalid number");
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!lpm_digits(s, n, &i))
			return lpm_err(in, "invalid number");
	}
	if (i != n || n >= sizeof(buf))
		return lpm_err(in, "invalid number");
	memcpy(buf, s, n);
	buf[n] = '\0';
	v = strtod(buf, NULL);
	if (isinf(v))
		return lpm_err(in, "invalid float (out of range)");
	*ret = v;
	return 0;
}

/* A field value that is not a string: the n bytes at s. */
static inline int
lpm_scalar(struct lpm_in *in, const char *s, size_t n, struct lpm_field *f)
{
	static const char *const trues[] = { "t", "T", "true", "True", "TRUE" };
	static const char *const falses[] = { "f", "F", "false", "False", "FALSE" };

	if (n == 0)
		return lpm_err(in, "missing field value");
	for (size_t k = 0; k < 5; k++) {
		if (k > 0 && in->strict)
			break;
		if (strlen(trues[k]) == n && memcmp(s, trues[k], n) == 0) {
			f->type = LP_BOOL;
			f->b = true;
			return 0;
		}
		if (strlen(falses[k]) == n && memcmp(s, falses[k], n) == 0) {
			f->type = LP_BOOL;
			f->b = false;
			return 0;
		}
	}
	if (s[n - 1] == 'i') {
		f->type = LP_INT;
		return lpm_int(in, s, n - 1, &f->i, "invalid number", "integer out of range");
	}
	if (s[n - 1] == 'u')
		return lpm_err(in, "invalid number (unsigned is not accepted by InfluxDB 1.x)");
	if (strchr("tTfF", s[0]) != NULL)
		return lpm_err(in, "invalid boolean");
	f->type = LP_FLOAT;
	return lpm_float(in, s, n, &f->f);
}

/* A quoted string value from in->i (at the '"'); in->i ends past the closing quote. */
static inline int
lpm_string(struct lpm_in *in, struct lpm_text *out)
{
	size_t j = in->i + 1, start = j, o = 0;
	char *s;

	while (j < in->n && in->p[j] != '"')
		j += in->p[j] == '\\' && j + 1 < in->n ? 2 : 1;
	if (j >= in->n)
		return lpm_err(in, "unbalanced quotes");
	if ((s = malloc(j - start + 1)) == NULL)
		return lpm_err(in, "out of memory");
	for (size_t k = start; k < j; k++) {
		unsigned char c = (unsigned char)in->p[k];

		if (in->strict && ((c < 0x20 && c != '\t') || c == 0x7F)) {
			free(s);
			return lpm_err(in, "control character in a string value");
		}
		if (c == '\\' && k + 1 < j && (in->p[k + 1] == '\\' || in->p[k + 1] == '"')) {
			s[o++] = in->p[++k];
			continue;
		}
		if (c == '\\' && in->strict) {
			free(s);
			return lpm_err(in, "backslash that escapes nothing in a string value");
		}
		s[o++] = (char)c;
	}
	s[o] = '\0';
	if (in->strict && !utf8_valid(s, o)) {
		free(s);
		return lpm_err(in, "invalid UTF-8 in a string value");
	}
	out->s = s;
	out->n = o;
	in->i = j + 1;
	return 0;
}

/* Past the one space (strict) or the spaces (lenient) at in->i; false if none. */
static inline bool
lpm_space(struct lpm_in *in)
{
	if (in->i >= in->n || in->p[in->i] != ' ')
		return false;
	in->i++;
	if (!in->strict)
		while (in->i < in->n && (in->p[in->i] == ' ' || in->p[in->i] == '\t'))
			in->i++;
	return true;
}

static inline int
lpm_grow(struct lpm_in *in, void **arr, size_t n, size_t size)
{
	void *p = realloc(*arr, (n + 1) * size);

	if (p == NULL)
		return lpm_err(in, "out of memory");
	memset((char *)p + n * size, 0, size);
	*arr = p;
	return 0;
}

static inline int
lpm_tags(struct lpm_in *in, struct lpm_point *pt)
{
	for (;;) {
		size_t start = in->i, j;
		struct lpm_tag *t;
		int rc;

		/* The key: up to an unescaped '='. */
		if (start >= in->n || lpm_in_set(in->p[start], "=, "))
			return lpm_err(in, "missing tag key");
		for (j = start + 1; ; j++) {
			if (j >= in->n || ((in->p[j] == ',' || in->p[j] == ' ') &&
			    !lpm_escaped_at(in, start, j)))
				return lpm_err(in, "missing tag value");
			if (in->p[j] == '=' && !lpm_escaped_at(in, start, j))
				break;
		}
		if ((rc = lpm_grow(in, (void **)&pt->tags, pt->ntags, sizeof(*pt->tags))) < 0)
			return rc;
		t = &pt->tags[pt->ntags++];
		if ((rc = lpm_unescape(in, in->p + start, j - start, ",= ", &t->key)) < 0)
			return rc;

		/* The value: up to an unescaped ',' or ' '. */
		start = j + 1;
		if (start >= in->n || in->p[start] == ',' || in->p[start] == ' ')
			return lpm_err(in, "missing tag value");
		for (j = start + 1; ; j++) {
			if (j >= in->n)
				return lpm_err(in, "missing fields");
			if (lpm_escaped_at(in, start, j))
				continue;
			if (in->p[j] == '=')
				return lpm_err(in, "invalid tag format");
			if (in->p[j] == ',' || in->p[j] == ' ')
				break;
		}
		if ((rc = lpm_unescape(in, in->p + start, j - start, ",= ", &t->value)) < 0)
			return rc;
		in->i = j;
		if (in->p[j] == ' ')
			break;
		in->i++;
	}
	for (size_t a = 0; a < pt->ntags; a++)
		for (size_t b = a + 1; b < pt->ntags; b++)
			if (lpm_cmp(&pt->tags[a].key, &pt->tags[b].key) == 0)
				return lpm_err(in, "duplicate tags");
	if (in->strict)
		for (size_t a = 1; a < pt->ntags; a++)
			if (lpm_cmp(&pt->tags[a - 1].key, &pt->tags[a].key) > 0)
				return lpm_err(in, "tags not sorted by key");
	return 0;
}

static inline int
lpm_fields(struct lpm_in *in, struct lpm_point *pt)
{
	for (;;) {
		size_t start = in->i, j;
		struct lpm_field *f;
		int rc;

		if (start >= in->n || lpm_in_set(in->p[start], "=, "))
			return lpm_err(in, "missing field key");
		for (j = start + 1; ; j++) {
			if (j >= in->n || ((in->p[j] == ',' || in->p[j] == ' ') &&
			    !lpm_escaped_at(in, start, j)))
				return lpm_err(in, "missing field value");
			if (in->p[j] == '=' && !lpm_escaped_at(in, start, j))
				break;
		}
		if ((rc = lpm_grow(in, (void **)&pt->fields, pt->nfields, sizeof(*pt->fields))) < 0)
			return rc;
		f = &pt->fields[pt->nfields++];
		if ((rc = lpm_unescape(in, in->p + start, j - start, ",= ", &f->key)) < 0)
			return rc;
		in->i = j + 1;
		if (in->i < in->n && in->p[in->i] == '"') {
			f->type = LP_STRING;
			if ((rc = lpm_string(in, &f->s)) < 0)
				return rc;
		} else {
			for (j = in->i; j < in->n && in->p[j] != ',' && in->p[j] != ' '; j++)
				;
			if ((rc = lpm_scalar(in, in->p + in->i, j - in->i, f)) < 0)
				return rc;
			in->i = j;
		}
		if (in->i < in->n && in->p[in->i] == ',') {
			in->i++;
			continue;
		}
		if (in->i < in->n && in->p[in->i] != ' ')
			return lpm_err(in, "invalid field format");
		break;
	}
	if (in->strict)
		for (size_t a = 0; a < pt->nfields; a++)
			for (size_t b = a + 1; b < pt->nfields; b++)
				if (lpm_cmp(&pt->fields[a].key, &pt->fields[b].key) == 0)
					return lpm_err(in, "duplicate field key");
	return 0;
}

/*
 * Decode the n bytes at line (one line, without its '\n') into *pt, which
 * the caller frees with lpm_free() whatever the result.  0, or -EINVAL
 * with the reason in *why (may be NULL).
 */
static inline int
lpm_decode(const char *line, size_t n, int strict, struct lpm_point *pt, const char **why)
{
	struct lpm_in in = { line, n, 0, strict, NULL };
	size_t start, j;
	int rc;

	memset(pt, 0, sizeof(*pt));
	/* One line: a LF may only be inside a string value, where the string scan meets it. */
	if (!strict)
		while (in.i < n && (line[in.i] == ' ' || line[in.i] == '\t'))
			in.i++;
	if (in.i >= n) {
		rc = lpm_err(&in, "empty line");
		goto out;
	}
	if (line[in.i] == '#') {
		rc = lpm_err(&in, "a comment, not a point");
		goto out;
	}

	/* The measurement: up to an unescaped ',' or ' '. */
	start = in.i;
	if (line[start] == ',' || line[start] == ' ') {
		rc = lpm_err(&in, "missing measurement");
		goto out;
	}
	for (j = start + 1; ; j++) {
		if (j >= n) {
			rc = lpm_err(&in, "missing fields");
			goto out;
		}
		if (lpm_escaped_at(&in, start, j))
			continue;
		if (line[j] == ',' || line[j] == ' ')
			break;
	}
	if ((rc = lpm_unescape(&in, line + start, j - start, ", ", &pt->measurement)) < 0)
		goto out;
	in.i = j;
	if (line[j] == ',') {
		in.i++;
		if ((rc = lpm_tags(&in, pt)) < 0)
			goto out;
	}
	if (!lpm_space(&in) || in.i >= n) {
		rc = lpm_err(&in, "missing fields");
		goto out;
	}
	if ((rc = lpm_fields(&in, pt)) < 0)
		goto out;

	/* The timestamp, or nothing. */
	if (in.i < n) {
		if (!lpm_space(&in)) {
			rc = lpm_err(&in, "invalid field format");
			goto out;
		}
	}
	if (in.i < n) {
		for (j = in.i; j < n && line[j] != ' ' && line[j] != '\t'; j++)
			;
		if ((rc = lpm_int(&in, line + in.i, j - in.i, &pt->time, "bad timestamp",
		    "bad timestamp (out of range)")) < 0)
			goto out;
		pt->has_time = true;
		in.i = j;
		if (!strict)
			while (in.i < n && (line[in.i] == ' ' || line[in.i] == '\t'))
				in.i++;
		if (in.i < n) {
			rc = lpm_err(&in, "bad timestamp (text after it)");
			goto out;
		}
	} else if (strict) {
		rc = lpm_err(&in, "no timestamp");
		goto out;
	}
	/* A LF anywhere outside a string value would have started another point. */
	rc = 0;
	for (size_t k = 0; k < pt->measurement.n && rc == 0; k++)
		if (pt->measurement.s[k] == '\n')
			rc = lpm_err(&in, "line break outside a string value");
	for (size_t t = 0; t < pt->ntags && rc == 0; t++)
		if (memchr(pt->tags[t].key.s, '\n', pt->tags[t].key.n) != NULL ||
		    memchr(pt->tags[t].value.s, '\n', pt->tags[t].value.n) != NULL)
			rc = lpm_err(&in, "line break outside a string value");
	for (size_t f = 0; f < pt->nfields && rc == 0; f++)
		if (memchr(pt->fields[f].key.s, '\n', pt->fields[f].key.n) != NULL)
			rc = lpm_err(&in, "line break outside a string value");
	if (rc == 0 && strict && memchr(line, '\n', n) != NULL)
		rc = lpm_err(&in, "line break in a string value");
out:
	if (why != NULL)
		*why = rc < 0 ? in.why : NULL;
	return rc;
}

static inline bool
lpm_text_is(const struct lpm_text *t, const char *s)
{
	return s != NULL && t->s != NULL && t->n == strlen(s) && memcmp(t->s, s, t->n) == 0;
}

/*
 * Whether pt is the point given: the same measurement, the same tags as a
 * set (any order), the same fields in the same order with the same types
 * and values (floats bit for bit, so -0 is not 0), and the timestamp if
 * the line has one (strict decoding makes sure it has).
 * *why names the first difference.
 */
static inline bool
lpm_equals(const struct lpm_point *pt, const char *measurement, const struct lp_tag *tags,
    size_t ntags, const struct lp_field *fields, size_t nfields, int64_t timestamp,
    const char **why)
{
	const char *w = NULL;

	if (!lpm_text_is(&pt->measurement, measurement))
		w = "measurement differs";
	else if (pt->ntags != ntags)
		w = "number of tags differs";
	else if (pt->nfields != nfields)
		w = "number of fields differs";
	else if (pt->has_time && pt->time != timestamp)
		w = "timestamp differs";
	for (size_t k = 0; k < ntags && w == NULL; k++) {
		size_t same = 0;

		for (size_t j = 0; j < pt->ntags; j++)
			if (lpm_text_is(&pt->tags[j].key, tags[k].key) &&
			    lpm_text_is(&pt->tags[j].value, tags[k].value))
				same++;
		if (same != 1)
			w = "a tag differs";
	}
	for (size_t k = 0; k < nfields && w == NULL; k++) {
		const struct lpm_field *d = &pt->fields[k];
		const struct lp_field *f = &fields[k];

		if (!lpm_text_is(&d->key, f->key))
			w = "a field key differs";
		else if (d->type != f->type)
			w = "a field type differs";
		else if (f->type == LP_FLOAT && memcmp(&d->f, &f->f, sizeof(d->f)) != 0)
			w = "a float field differs";
		else if (f->type == LP_INT && d->i != f->i)
			w = "an integer field differs";
		else if (f->type == LP_BOOL && d->b != f->b)
			w = "a boolean field differs";
		else if (f->type == LP_STRING && !lpm_text_is(&d->s, f->s))
			w = "a string field differs";
	}
	if (why != NULL)
		*why = w;
	return w == NULL;
}

#endif
