/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the line-protocol encoder and the modules under it.
 * The input is read as a point: flags, bytes already in the output buffer,
 * a measurement, up to 8 tags, up to 8 fields of every type (or 64/65 tags,
 * 256/257 fields), a timestamp; each text raw bytes, one of a table of
 * telling ones, or a long repeated pattern near the 65535-byte limits.  The
 * rest of the input is raw bytes for the UTF-8 check and up to 4 doubles for
 * numfmt.  Besides the sanitizers' own findings it
 * checks, and aborts on a violation of:
 *
 * - lp_append_line: it succeeds exactly when an independent reading of the
 *   rules (lineproto.h) finds nothing wrong, and a failure's errno is one
 *   of the faults present; on success the buffer is what it held plus one
 *   line ending in LF, with no other LF or CR, that lp_model (strict)
 *   decodes back to the same measurement, tags (as a set), fields (in
 *   order, floats bit for bit) and timestamp; on failure the buffer is
 *   byte for byte as it was and there is a message.
 * - numfmt_double: NaN and infinities are -EDOM; anything else is its
 *   length, reads back to the same bits, is a JSON number, and has no more
 *   significant digits than needed; a buffer one byte short is -ENOSPC.
 * - utf8_valid agrees with a decoder written the other way round (decode
 *   the code point, then judge it).
 *
 *   make fuzz && build-fuzz/fuzz_lineproto -max_total_time=60 tests/fuzz/corpus/lineproto
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineproto.h"
#include "numfmt.h"
#include "strbuf.h"
#include "utf8.h"
#include "../lp_model.h"
#include "fuzz_bytes.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TEXTS	(1 + 2 * 8 + 2 * 8)
#define MAX_LONG	2

#define ASSERT(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_lineproto: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* The input, and the texts made of it. */
struct input {
	struct fuzz_bytes b;
	char		*texts[MAX_TEXTS];	/* owned, freed after the run */
	size_t		 ntexts;
	size_t		 nlong;			/* texts near the limits so far */
};

static const char *const telling[48] = {
	"time", "field", "_x", "#m", "m", "value", "quality", "mg/L as CaCO3", "µS/cm", "°C",
	"Lago Poopó", "a b", "a,b", "a=b", " ", ",", "=", "\"", "\\", "a\\", "\\ ", "x\ny",
	"x\ry", "x\ty", "\x7f", "\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	"\xf0\x9f\x8c\x8a", "", "Time", "_field", "_measurement", "station", "device", "unit",
	"alpha", "a", "ab", "é", "z", "foo\\\"bar", "{Hello\"{,}\" World}", "\"cpu\"", "eas\\t",
	"\x01", NULL,
};

/*
 * A text: a code byte, then raw bytes (code < 0xC0: code & 63 of them), an
 * entry of telling[] (0xC0..0xEF), or (0xF0..0xFF) a pattern of 1 to 4
 * bytes repeated to a length from 16 bits, or near 65535 or 32767.  At most
 * MAX_LONG of those a run (later ones are cut to 16 bytes), which keeps a
 * run quick.
 */
static const char *
text(struct input *in)
{
	uint8_t c = fz_u8(&in->b);
	size_t n, pl;
	uint8_t pat[4];
	char *s;

	if (c >= 0xC0 && c < 0xF0)
		return telling[c - 0xC0];
	if (in->ntexts == MAX_TEXTS)
		return "t";
	if (c < 0xC0) {
		n = c & 63;
		if (n > in->b.n)
			n = in->b.n;
		s = malloc(n + 1);
		memcpy(s, in->b.p, n);
		in->b.p += n;
		in->b.n -= n;
	} else {
		uint16_t len = fz_u16(&in->b);

		n = c & 8 ? 65528 + (len & 15) : c & 4 ? 32760 + (len & 15) : len;
		if (n > 16 && in->nlong++ >= MAX_LONG)
			n = 16;
		pl = 1 + (c & 3);
		for (size_t k = 0; k < pl; k++)
			pat[k] = fz_u8(&in->b);
		s = malloc(n + pl + 1);
		memcpy(s, pat, pl);
		for (size_t have = pl; have < n; have *= 2)
			memcpy(s + have, s, have < n - have ? have : n - have);
	}
	s[n] = '\0';
	in->texts[in->ntexts++] = s;
	return s;
}

/* A double: mostly a telling one from a table, sometimes any bit pattern. */
static double
num(struct input *in)
{
	static const double table[] = {
		1.0, 0.0, -0.0, -1.0, 0.1, 17.625, 20.0, 100.0, 1e300, -1e300, 5e-324, 1e-300,
		1.7976931348623157e308, 2.2250738585072014e-308, 1e15, 999999999999999.0,
		9007199254740993.0, 123456789012345678.0, 0.30000000000000004, 1e-5, 1e21,
		INFINITY, -INFINITY, NAN,
	};
	uint8_t b = fz_u8(&in->b);
	uint64_t bits;
	double d;

	if (b < 128)
		return table[b % (sizeof(table) / sizeof(table[0]))];
	bits = fz_u64(&in->b);
	memcpy(&d, &bits, sizeof(d));
	return d;
}

/* ---- an independent reading of the rules ---- */

enum { BAD_INVAL = 1, BAD_DOM = 2, BAD_BIG = 4 };

/* UTF-8 by decoding each code point, then judging it. */
static bool
oracle_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp, min;
		size_t len;

		if ((c & 0x80) == 0) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

enum kind { K_MEAS, K_TKEY, K_TVAL, K_FKEY, K_STR };

/* What is wrong with s as a kind, as a BAD_ mask; its escaped length in *esc. */
static int
oracle_text(const char *s, enum kind k, size_t *esc)
{
	size_t n;
	int bad = 0;

	*esc = 0;
	if (s == NULL)
		return BAD_INVAL;
	n = strlen(s);
	if (n > 65535)
		bad |= BAD_BIG;
	if (n == 0 && k != K_STR)
		bad |= BAD_INVAL;
	if (!oracle_utf8((const unsigned char *)s, n))
		bad |= BAD_INVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0x7F || (c < 0x20 && !(k == K_STR && c == '\t')))
			bad |= BAD_INVAL;
		if (c == '\\' && k != K_STR)
			bad |= BAD_INVAL;
		*esc += 1 + (k == K_STR ? c == '\\' || c == '"' :
		    c == ',' || c == ' ' || (c == '=' && k != K_MEAS));
	}
	if (k != K_TVAL && k != K_STR && s[0] == '_')
		bad |= BAD_INVAL;
	if (k == K_MEAS && s[0] == '#')
		bad |= BAD_INVAL;
	if ((k == K_TKEY || k == K_FKEY) && strcmp(s, "time") == 0)
		bad |= BAD_INVAL;
	if (k == K_TKEY && strcmp(s, "field") == 0)
		bad |= BAD_INVAL;
	return bad;
}

static int
oracle(const char *meas, const struct lp_tag *tags, size_t ntags, const struct lp_field *fields,
    size_t nfields)
{
	size_t esc, key = 0, longest = 0;
	int bad = 0;

	if (ntags > 0 && tags == NULL)
		return BAD_INVAL;
	if (nfields == 0 || fields == NULL)
		return BAD_INVAL;
	if (ntags > 64 || nfields > 256)
		bad |= BAD_BIG;
	bad |= oracle_text(meas, K_MEAS, &esc);
	key += esc;
	for (size_t i = 0; i < ntags; i++) {
		bad |= oracle_text(tags[i].key, K_TKEY, &esc);
		key += 1 + esc;
		bad |= oracle_text(tags[i].value, K_TVAL, &esc);
		key += 1 + esc;
		for (size_t j = 0; j < i; j++)
			if (tags[i].key != NULL && tags[j].key != NULL &&
			    strcmp(tags[i].key, tags[j].key) == 0)
				bad |= BAD_INVAL;
	}
	for (size_t i = 0; i < nfields; i++) {
		const struct lp_field *f = &fields[i];

		bad |= oracle_text(f->key, K_FKEY, &esc);
		if (esc > longest)
			longest = esc;
		for (size_t j = 0; j < i; j++)
			if (f->key != NULL && fields[j].key != NULL &&
			    strcmp(f->key, fields[j].key) == 0)
				bad |= BAD_INVAL;
		if (f->type == LP_FLOAT && !isfinite(f->f))
			bad |= BAD_DOM;
		else if (f->type == LP_STRING)
			bad |= oracle_text(f->s, K_STR, &esc);
		else if (f->type != LP_FLOAT && f->type != LP_INT && f->type != LP_BOOL)
			bad |= BAD_INVAL;
	}
	if (key + 4 + longest > 65535)
		bad |= BAD_BIG;
	return bad;
}

/* ---- numfmt ---- */

static bool
json_number(const char *s)
{
	size_t i = 0;

	if (s[i] == '-')
		i++;
	if (s[i] == '0')
		i++;
	else if (s[i] >= '1' && s[i] <= '9')
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return false;
	if (s[i] == '.') {
		if (!(s[++i] >= '0' && s[i] <= '9'))
			return false;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (s[i] == 'e' || s[i] == 'E') {
		i++;
		if (s[i] == '+' || s[i] == '-')
			i++;
		if (!(s[i] >= '0' && s[i] <= '9'))
			return false;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return s[i] == '\0';
}

static bool
reads_back(const char *s, double v)
{
	double d = strtod(s, NULL);

	return memcmp(&d, &v, sizeof(d)) == 0;
}

static void
fuzz_numfmt(double v)
{
	char buf[NUMFMT_DOUBLE_MAX], shorter[NUMFMT_DOUBLE_MAX], tmp[64];
	int rc = numfmt_double(buf, sizeof(buf), v), digits = 0;
	bool seen = false;
	size_t zeros = 0;

	if (!isfinite(v)) {
		ASSERT(rc == -EDOM && buf[0] == '\0', "%g gave %d", v, rc);
		return;
	}
	ASSERT(rc > 0 && (size_t)rc == strlen(buf), "%.17g gave %d \"%s\"", v, rc, buf);
	ASSERT(reads_back(buf, v), "\"%s\" does not read back as %a", buf, v);
	ASSERT(json_number(buf), "\"%s\" is not a JSON number", buf);
	/* Significant digits: from the first non-zero digit to the last one. */
	for (const char *p = buf; *p != '\0' && *p != 'e'; p++) {
		if (*p < '0' || *p > '9')
			continue;
		if (*p != '0') {
			digits += seen ? (int)zeros + 1 : 1;
			zeros = 0;
			seen = true;
		} else if (seen) {
			zeros++;
		}
	}
	if (digits == 0)
		digits = 1;
	for (int p = 1; p < digits; p++) {
		int k = snprintf(tmp, sizeof(tmp), "%.*g", p, v);

		ASSERT(!(k > 0 && (size_t)k < sizeof(tmp) && reads_back(tmp, v)),
		    "\"%s\" has %d digits, but \"%s\" reads back", buf, digits, tmp);
	}
	ASSERT(numfmt_double(shorter, (size_t)rc, v) == -ENOSPC && shorter[0] == '\0',
	    "%d bytes for \"%s\" is not -ENOSPC", rc, buf);
	ASSERT(numfmt_double(shorter, (size_t)rc + 1, v) == rc && strcmp(shorter, buf) == 0,
	    "%d bytes for \"%s\" are not enough", rc + 1, buf);
}

/* ---- the point ---- */

static void
fuzz_point(struct input *in)
{
	static struct lp_tag tags[LP_MAX_TAGS + 1];
	static struct lp_field fields[LP_MAX_FIELDS + 1];
	static char tkeys[LP_MAX_TAGS + 1][8], fkeys[LP_MAX_FIELDS + 1][8];
	uint8_t flags = fz_u8(&in->b), plen = fz_u8(&in->b) & 63;
	const char *meas, *why = NULL, *dwhy = NULL;
	const struct lp_tag *tp = tags;
	const struct lp_field *fp = fields;
	size_t ntags, nfields;
	struct strbuf sb;
	int64_t ts;
	int rc, bad;

	sb_init(&sb);
	for (uint8_t k = 0; k < plen; k++)
		sb_appendc(&sb, (char)fz_u8(&in->b));
	meas = text(in);
	if (flags & 1)
		meas = NULL;

	ntags = fz_u8(&in->b) % 9;
	for (size_t k = 0; k < ntags; k++) {
		tags[k].key = text(in);
		tags[k].value = text(in);
	}
	if (flags & 4) {
		/* The tag limit: 64 or 65, the given ones first. */
		size_t want = LP_MAX_TAGS + (flags >> 7);

		for (size_t k = ntags; k < want; k++) {
			snprintf(tkeys[k], sizeof(tkeys[k]), "t%03zu", k);
			tags[k] = (struct lp_tag){ tkeys[k], "v" };
		}
		ntags = want;
	}
	if ((flags & 2) && ntags > 0)
		tp = NULL;

	nfields = fz_u8(&in->b) % 9;
	for (size_t k = 0; k < nfields; k++) {
		uint8_t t = fz_u8(&in->b);

		fields[k] = (struct lp_field){ .key = text(in) };
		switch (t % 5) {
		case 0:
			fields[k].type = LP_FLOAT;
			fields[k].f = num(in);
			fuzz_numfmt(fields[k].f);
			break;
		case 1:
			fields[k].type = LP_INT;
			fields[k].i = (int64_t)fz_u64(&in->b);
			break;
		case 2:
			fields[k].type = LP_STRING;
			fields[k].s = text(in);
			break;
		case 3:
			fields[k].type = LP_BOOL;
			fields[k].b = t & 8;
			break;
		default:
			fields[k].type = (enum lp_type)(4 + t / 5);
			break;
		}
	}
	if (flags & 8) {
		size_t want = LP_MAX_FIELDS + ((flags >> 6) & 1);

		for (size_t k = nfields; k < want; k++) {
			snprintf(fkeys[k], sizeof(fkeys[k]), "f%03zu", k);
			fields[k] = (struct lp_field){ .key = fkeys[k], .type = LP_INT, .i = (int64_t)k };
		}
		nfields = want;
	}
	if (flags & 16)
		fp = NULL;
	ts = (int64_t)fz_u64(&in->b);

	{
		size_t before = sb.len;
		char *saved = malloc(before + 1);

		memcpy(saved, sb.data ? sb.data : "", before);
		saved[before] = '\0';
		bad = oracle(meas, tp, ntags, fp, nfields);
		rc = lp_append_line(&sb, meas, tp, ntags, fp, nfields, ts, &why);
		if (rc < 0) {
			int cls = rc == -EINVAL ? BAD_INVAL : rc == -EDOM ? BAD_DOM :
			    rc == -E2BIG ? BAD_BIG : 0;

			ASSERT(bad != 0, "refused (%d, %s) a point the rules allow", rc,
			    why ? why : "?");
			ASSERT(cls & bad, "errno %d (%s), but the faults are %#x", rc, why ? why : "?",
			    (unsigned)bad);
			ASSERT(why != NULL, "no message for %d", rc);
			ASSERT(sb.len == before && (before == 0 || memcmp(sb.data, saved, before) == 0) &&
			    (sb.data == NULL || sb.data[before] == '\0'), "the buffer changed on failure");
		} else {
			const char *line = sb.data + before;
			size_t n = sb.len - before;
			struct lpm_point pt;

			ASSERT(rc == 0, "returned %d", rc);
			ASSERT(bad == 0, "wrote a point with faults %#x: %.200s", (unsigned)bad, line);
			ASSERT(memcmp(sb.data, saved, before) == 0, "the bytes before the line changed");
			ASSERT(n > 0 && line[n - 1] == '\n' && sb.data[sb.len] == '\0',
			    "not ended by LF and NUL");
			ASSERT(memchr(line, '\n', n - 1) == NULL, "a LF inside the line: %.200s", line);
			ASSERT(memchr(line, '\r', n) == NULL, "a CR in the line: %.200s", line);
			ASSERT(lpm_decode(line, n - 1, LPM_STRICT, &pt, &dwhy) == 0,
			    "does not decode: %s: %.300s", dwhy, line);
			ASSERT(lpm_equals(&pt, meas, tp, ntags, fp, nfields, ts, &dwhy),
			    "decodes to another point: %s: %.300s", dwhy, line);
			lpm_free(&pt);
		}
		free(saved);
	}
	sb_free(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { { data, size }, { NULL }, 0, 0 };

	fuzz_point(&in);
	for (size_t k = 0; k < in.ntexts; k++) {
		const char *s = in.texts[k];

		ASSERT(utf8_valid(s, strlen(s)) == oracle_utf8((const unsigned char *)s, strlen(s)),
		    "utf8_valid and the decoder disagree on a text of %zu bytes", strlen(s));
		free(in.texts[k]);
	}
	/* The rest: raw bytes for UTF-8, then a few doubles. */
	if (in.b.n > 0) {
		size_t n = in.b.n < 64 ? in.b.n : 64;

		ASSERT(utf8_valid((const char *)in.b.p, n) == oracle_utf8(in.b.p, n),
		    "utf8_valid and the decoder disagree on %zu raw bytes", n);
	}
	for (int k = 0; k < 4 && in.b.n > 0; k++)
		fuzz_numfmt(num(&in));
	return 0;
}
