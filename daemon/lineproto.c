/* SPDX-License-Identifier: MIT */
/*
 * The line-protocol encoder (see lineproto.h for the rules).  A point is
 * checked whole before a byte is written, so a refused point never leaves
 * half a line behind; the only failure once writing has started is
 * -ENOMEM, and then the buffer is cut back to where it was.  Checking also
 * measures every name escaped, which is what the series-key limit counts.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lineproto.h"
#include "numfmt.h"
#include "strbuf.h"
#include "utf8.h"

/* The kinds of text in a line, each with its own rules and messages. */
enum elem { E_MEAS, E_TAG_KEY, E_TAG_VALUE, E_FIELD_KEY, E_STRING };

#define MESSAGES(what) {						\
	what " is NULL",						\
	what " is empty",						\
	what " is longer than 65535 bytes",				\
	what " is not valid UTF-8",					\
	what " contains a line break",					\
	what " contains a control character",				\
	what " contains a backslash",					\
	what " starts with '_'",					\
}

static const struct elem_msgs {
	const char	*null;
	const char	*empty;
	const char	*too_long;
	const char	*utf8;
	const char	*line_break;
	const char	*control;
	const char	*backslash;
	const char	*underscore;
} msgs[] = {
	[E_MEAS] = MESSAGES("measurement"),
	[E_TAG_KEY] = MESSAGES("tag key"),
	[E_TAG_VALUE] = MESSAGES("tag value"),
	[E_FIELD_KEY] = MESSAGES("field key"),
	[E_STRING] = MESSAGES("string field value"),
};

static int
fail(const char **why, const char *msg, int rc)
{
	if (why != NULL)
		*why = msg;
	return rc;
}

/* Whether c is written with a backslash before it in e. */
static bool
escaped(enum elem e, unsigned char c)
{
	switch (e) {
	case E_MEAS:
		return c == ',' || c == ' ';
	case E_TAG_KEY:
	case E_TAG_VALUE:
	case E_FIELD_KEY:
		return c == ',' || c == '=' || c == ' ';
	case E_STRING:
		return c == '\\' || c == '"';
	}
	return false;
}

/*
 * Check s by the rules for e (all but the reserved names, which depend on
 * where a key is used); its length goes to *ret_len and its length escaped
 * to *ret_esc.  0 or a negative errno with *why set.
 */
static int
check_text(const char *s, enum elem e, size_t *ret_len, size_t *ret_esc, const char **why)
{
	const struct elem_msgs *m = &msgs[e];
	size_t n, esc = 0;

	if (s == NULL)
		return fail(why, m->null, -EINVAL);
	n = strlen(s);
	if (n == 0 && e != E_STRING)
		return fail(why, m->empty, -EINVAL);
	if (n > LP_MAX_STRING)
		return fail(why, m->too_long, -E2BIG);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\r')
			return fail(why, m->line_break, -EINVAL);
		if ((c < 0x20 || c == 0x7F) && !(c == '\t' && e == E_STRING))
			return fail(why, m->control, -EINVAL);
		if (c == '\\' && e != E_STRING)
			return fail(why, m->backslash, -EINVAL);
		if (escaped(e, c))
			esc++;
	}
	if (!utf8_valid(s, n))
		return fail(why, m->utf8, -EINVAL);
	if (s[0] == '_' && (e == E_MEAS || e == E_TAG_KEY || e == E_FIELD_KEY))
		return fail(why, m->underscore, -EINVAL);
	if (s[0] == '#' && e == E_MEAS)
		return fail(why, "measurement starts with '#'", -EINVAL);
	*ret_len = n;
	*ret_esc = n + esc;
	return 0;
}

/* Go's bytes.Compare: unsigned bytes, then the shorter first. */
static int
key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/*
 * Sort idx[0..n) so that keys[idx[k]] ascend.  Insertion sort: n is at
 * most a few hundred, and usually a handful already in order.
 */
static void
sort_keys(const char *const *keys, const size_t *lens, uint16_t *idx, size_t n)
{
	for (size_t k = 0; k < n; k++)
		idx[k] = (uint16_t)k;
	for (size_t k = 1; k < n; k++) {
		uint16_t x = idx[k];
		size_t j = k;

		while (j > 0 && key_cmp(keys[idx[j - 1]], lens[idx[j - 1]], keys[x], lens[x]) > 0) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = x;
	}
}

/* Whether two neighbours in the sorted order have the same key. */
static bool
has_duplicate(const char *const *keys, const size_t *lens, const uint16_t *idx, size_t n)
{
	for (size_t k = 1; k < n; k++)
		if (key_cmp(keys[idx[k - 1]], lens[idx[k - 1]], keys[idx[k]], lens[idx[k]]) == 0)
			return true;
	return false;
}

/* Append the n bytes of s escaped as e wants.  0 or -ENOMEM. */
static int
put_escaped(struct strbuf *out, const char *s, size_t n, enum elem e)
{
	size_t from = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (!escaped(e, (unsigned char)s[i]))
			continue;
		if ((rc = sb_append(out, s + from, i - from)) < 0 ||
		    (rc = sb_appendc(out, '\\')) < 0)
			return rc;
		from = i;	/* the character itself goes with the next run */
	}
	return sb_append(out, s + from, n - from);
}

static int
put_value(struct strbuf *out, const struct lp_field *f, size_t slen)
{
	char num[NUMFMT_DOUBLE_MAX];	/* "-9223372036854775808i" fits too */
	int rc, n;

	switch (f->type) {
	case LP_FLOAT:
		if ((n = numfmt_double(num, sizeof(num), f->f)) < 0)
			return n;
		return sb_append(out, num, (size_t)n);
	case LP_INT:
		n = snprintf(num, sizeof(num), "%" PRId64 "i", f->i);
		return sb_append(out, num, (size_t)n);
	case LP_BOOL:
		return sb_appendc(out, f->b ? 't' : 'f');
	case LP_STRING:
		if ((rc = sb_appendc(out, '"')) < 0 ||
		    (rc = put_escaped(out, f->s, slen, E_STRING)) < 0)
			return rc;
		return sb_appendc(out, '"');
	}
	return -EINVAL;
}

int
lp_append_line(struct strbuf *out, const char *measurement, const struct lp_tag *tags,
    size_t ntags, const struct lp_field *fields, size_t nfields, int64_t timestamp,
    const char **why)
{
	const char *tkeys[LP_MAX_TAGS], *fkeys[LP_MAX_FIELDS];
	size_t tklen[LP_MAX_TAGS], tkesc[LP_MAX_TAGS], tvlen[LP_MAX_TAGS];
	size_t fklen[LP_MAX_FIELDS], fkesc[LP_MAX_FIELDS], slen[LP_MAX_FIELDS];
	uint16_t tidx[LP_MAX_TAGS], fidx[LP_MAX_FIELDS];
	size_t mlen, mesc, key, longest = 0, start;
	char ts[24];
	int rc, n;

	if (out == NULL)
		return fail(why, "no output buffer", -EINVAL);
	if (ntags > 0 && tags == NULL)
		return fail(why, "tags are NULL", -EINVAL);
	if (nfields == 0 || fields == NULL)
		return fail(why, "a point needs at least one field", -EINVAL);
	if (ntags > LP_MAX_TAGS)
		return fail(why, "more tags than a line may have", -E2BIG);
	if (nfields > LP_MAX_FIELDS)
		return fail(why, "more fields than a line may have", -E2BIG);

	if ((rc = check_text(measurement, E_MEAS, &mlen, &mesc, why)) < 0)
		return rc;
	key = mesc;

	for (size_t k = 0; k < ntags; k++) {
		size_t vesc;

		if ((rc = check_text(tags[k].key, E_TAG_KEY, &tklen[k], &tkesc[k], why)) < 0)
			return rc;
		if (strcmp(tags[k].key, "time") == 0)
			return fail(why, "tag key is \"time\", which is reserved", -EINVAL);
		if (strcmp(tags[k].key, "field") == 0)
			return fail(why, "tag key is \"field\", which is reserved", -EINVAL);
		if ((rc = check_text(tags[k].value, E_TAG_VALUE, &tvlen[k], &vesc, why)) < 0)
			return rc;
		tkeys[k] = tags[k].key;
		key += 1 + tkesc[k] + 1 + vesc;		/* ",key=value" */
	}
	sort_keys(tkeys, tklen, tidx, ntags);
	if (has_duplicate(tkeys, tklen, tidx, ntags))
		return fail(why, "two tags have the same key", -EINVAL);

	for (size_t k = 0; k < nfields; k++) {
		const struct lp_field *f = &fields[k];
		size_t sesc;

		if ((rc = check_text(f->key, E_FIELD_KEY, &fklen[k], &fkesc[k], why)) < 0)
			return rc;
		if (strcmp(f->key, "time") == 0)
			return fail(why, "field key is \"time\", which is reserved", -EINVAL);
		switch (f->type) {
		case LP_FLOAT:
			if (!isfinite(f->f))
				return fail(why, "float field value is NaN or infinite", -EDOM);
			break;
		case LP_STRING:
			if ((rc = check_text(f->s, E_STRING, &slen[k], &sesc, why)) < 0)
				return rc;
			break;
		case LP_INT:
		case LP_BOOL:
			break;
		default:
			return fail(why, "field has an unknown type", -EINVAL);
		}
		fkeys[k] = f->key;
		if (fkesc[k] > longest)
			longest = fkesc[k];
	}
	sort_keys(fkeys, fklen, fidx, nfields);
	if (has_duplicate(fkeys, fklen, fidx, nfields))
		return fail(why, "two fields have the same key", -EINVAL);
	if (key + 4 + longest > LP_MAX_KEY)
		return fail(why, "series key and field key are longer than 65535 bytes", -E2BIG);

	/* All is well: write, and only running out of memory can stop it now. */
	start = out->len;
	if ((rc = put_escaped(out, measurement, mlen, E_MEAS)) < 0)
		goto undo;
	for (size_t k = 0; k < ntags; k++) {
		const struct lp_tag *t = &tags[tidx[k]];

		if ((rc = sb_appendc(out, ',')) < 0 ||
		    (rc = put_escaped(out, t->key, tklen[tidx[k]], E_TAG_KEY)) < 0 ||
		    (rc = sb_appendc(out, '=')) < 0 ||
		    (rc = put_escaped(out, t->value, tvlen[tidx[k]], E_TAG_VALUE)) < 0)
			goto undo;
	}
	for (size_t k = 0; k < nfields; k++) {
		if ((rc = sb_appendc(out, k == 0 ? ' ' : ',')) < 0 ||
		    (rc = put_escaped(out, fields[k].key, fklen[k], E_FIELD_KEY)) < 0 ||
		    (rc = sb_appendc(out, '=')) < 0 ||
		    (rc = put_value(out, &fields[k], fields[k].type == LP_STRING ? slen[k] : 0)) < 0)
			goto undo;
	}
	n = snprintf(ts, sizeof(ts), " %" PRId64 "\n", timestamp);
	if ((rc = sb_append(out, ts, (size_t)n)) < 0)
		goto undo;
	return 0;
undo:
	sb_truncate(out, start);
	return fail(why, rc == -ENOMEM ? "out of memory" : "float field value cannot be written", rc);
}
