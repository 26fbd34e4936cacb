/* SPDX-License-Identifier: MIT */
/*
 * The JSON reader (see jsonparse.h): recursive descent over the text, at
 * most JP_MAX_DEPTH calls deep, writing nodes in document order and decoded
 * strings into the caller's arena.
 *
 * Why the stated sizes always suffice, for any text, valid or not, up to
 * where it is found wrong.  Every value but the first has a byte before it
 * that is its own: the '[' of its array for a first element, else ',', or
 * the ':' of its member.  Every value also has a byte that belongs to
 * nothing else: a scalar's first, the ']' or '}' of a closed container, the
 * '[' or '{' of one that has no children yet.  Only a container that is
 * still open and has children lacks it, and at most JP_MAX_DEPTH are open.
 * So n values take at least (n - 1) + (n - JP_MAX_DEPTH) bytes, that is
 * n <= (len + 1 + JP_MAX_DEPTH) / 2, which JP_NODES_FOR(len) is not below
 * (a valid text needs no more than (len + 1) / 2).  A string's decoded
 * bytes are never more than its escaped ones (an escape shrinks or keeps
 * its length: "\n" is 1 byte for 2, "\u00e9" 2 for 6, a surrogate pair 4
 * for 12), and its NUL fits in the place of its two quotes; a long number
 * is copied, with a NUL, behind what the arena holds, to be read by strtod
 * (a short one is read from a buffer of the reader's own).  So the arena
 * never needs more than len + 1 bytes.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonparse.h"
#include "numfmt.h"
#include "utf8.h"

struct parser {
	const char	*p;		/* the next byte to read */
	const char	*end;
	struct jp_node	*nodes;
	size_t		 max;
	size_t		 n;		/* nodes used */
	char		*arena;
	size_t		 alen;
	size_t		 aused;
	int		 depth;		/* containers open */
	const char	*why;
};

static int
fail(struct parser *P, int err, const char *why)
{
	P->why = why;
	return err;
}

static void
skip_ws(struct parser *P)
{
	while (P->p < P->end &&
	    (*P->p == ' ' || *P->p == '\t' || *P->p == '\n' || *P->p == '\r'))
		P->p++;
}

/* Whether the text goes on with the n bytes of word. */
static bool
looking_at(const struct parser *P, const char *word, size_t n)
{
	return (size_t)(P->end - P->p) >= n && memcmp(P->p, word, n) == 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The 4 hex digits after "\u" at P->p (which points at the 'u'); -1 if not. */
static long
read_u4(struct parser *P)
{
	long v = 0;

	if (P->end - P->p < 5)
		return -1;
	for (int i = 1; i <= 4; i++) {
		int h = hexval(P->p[i]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	P->p += 5;
	return v;
}

static int
put(struct parser *P, const char *bytes, size_t n)
{
	if (P->alen - P->aused < n)
		return fail(P, -ENOSPC, "the string arena is full");
	memcpy(P->arena + P->aused, bytes, n);
	P->aused += n;
	return 0;
}

/* Code point cp (valid, not a surrogate, not 0) as UTF-8 into the arena. */
static int
put_utf8(struct parser *P, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return put(P, b, n);
}

/* After a backslash: one escape, decoded into the arena. */
static int
escape(struct parser *P)
{
	char c, out;
	long cp, lo;

	if (P->p >= P->end)
		return fail(P, -EINVAL, "a string is not closed");
	c = *P->p;
	switch (c) {
	case '"': out = '"'; break;
	case '\\': out = '\\'; break;
	case '/': out = '/'; break;
	case 'b': out = '\b'; break;
	case 'f': out = '\f'; break;
	case 'n': out = '\n'; break;
	case 'r': out = '\r'; break;
	case 't': out = '\t'; break;
	case 'u':
		if ((cp = read_u4(P)) < 0)
			return fail(P, -EINVAL, "\\u must be followed by 4 hex digits");
		if (cp == 0)
			return fail(P, -EINVAL, "\\u0000 is refused: strings are handed out as "
			    "C strings");
		if (cp >= 0xDC00 && cp <= 0xDFFF)
			return fail(P, -EINVAL, "a lone low surrogate (\\uDC00-\\uDFFF) is no "
			    "character");
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (!looking_at(P, "\\u", 2))
				return fail(P, -EINVAL, "a high surrogate (\\uD800-\\uDBFF) "
				    "must be followed by a low one");
			P->p++;
			lo = read_u4(P);
			if (lo < 0)
				return fail(P, -EINVAL, "\\u must be followed by 4 hex digits");
			if (lo < 0xDC00 || lo > 0xDFFF)
				return fail(P, -EINVAL, "a high surrogate (\\uD800-\\uDBFF) "
				    "must be followed by a low one");
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		}
		return put_utf8(P, (uint32_t)cp);
	default:
		return fail(P, -EINVAL, "an unknown escape in a string (use \\\" \\\\ \\/ "
		    "\\b \\f \\n \\r \\t or \\uXXXX)");
	}
	P->p++;
	return put(P, &out, 1);
}

/* A string at P->p (a '"'): decoded into the arena, NUL-terminated. */
static int
string(struct parser *P, const char **ret, size_t *ret_len)
{
	size_t start;
	int rc;

	P->p++;
	start = P->aused;
	for (;;) {
		const char *run = P->p;

		/* Copy plain bytes in runs (the text is valid UTF-8 already). */
		while (P->p < P->end && *P->p != '"' && *P->p != '\\' &&
		    (unsigned char)*P->p >= 0x20)
			P->p++;
		if (P->p > run && (rc = put(P, run, (size_t)(P->p - run))) != 0)
			return rc;
		if (P->p >= P->end)
			return fail(P, -EINVAL, "a string is not closed");
		if (*P->p == '"')
			break;
		if (*P->p != '\\')
			return fail(P, -EINVAL, "a control character in a string (they must be "
			    "escaped, like \\n or \\u001f)");
		P->p++;
		if ((rc = escape(P)) != 0)
			return rc;
	}
	P->p++;
	if ((rc = put(P, "", 1)) != 0)
		return rc;
	*ret = P->arena + start;
	*ret_len = P->aused - start - 1;
	return 0;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A number at P->p (a '-' or a digit), by the JSON grammar, read with strtod. */
static int
number(struct parser *P, double *ret)
{
	const char *s = P->p, *q = P->p;
	char local[64], *buf;
	size_t n;
	double v;
	int err;

	if (q < P->end && *q == '-')
		q++;
	if (q >= P->end || !is_digit(*q))
		return fail(P, -EINVAL, "a '-' must be followed by a digit");
	if (*q == '0') {
		q++;
		if (q < P->end && is_digit(*q))
			return fail(P, -EINVAL, "a number must not have leading zeros");
	} else {
		while (q < P->end && is_digit(*q))
			q++;
	}
	if (q < P->end && *q == '.') {
		q++;
		if (q >= P->end || !is_digit(*q))
			return fail(P, -EINVAL, "a '.' in a number must be followed by a digit");
		while (q < P->end && is_digit(*q))
			q++;
	}
	if (q < P->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < P->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= P->end || !is_digit(*q))
			return fail(P, -EINVAL, "an exponent in a number must have digits");
		while (q < P->end && is_digit(*q))
			q++;
	}
	n = (size_t)(q - s);
	if (n < sizeof(local)) {
		buf = local;
	} else {
		/* A long one is read behind what the arena holds; it is not kept. */
		if (P->alen - P->aused < n + 1)
			return fail(P, -ENOSPC, "the string arena is full");
		buf = P->arena + P->aused;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	v = numfmt_strtod(buf, NULL, &err);
	if (err != 0)
		return fail(P, err, "no C locale to read numbers in");
	if (isinf(v))
		return fail(P, -ERANGE, "a number beyond the range of a double");
	P->p = q;
	*ret = v;
	return 0;
}

static int value(struct parser *P, int *ret_idx);

/* Append child c to the list whose last node is *last (-1: none yet) of parent. */
static void
link_child(struct parser *P, int parent, int *last, int c)
{
	if (*last < 0)
		P->nodes[parent].child = c;
	else
		P->nodes[*last].next = c;
	*last = c;
	P->nodes[parent].len++;
}

static int
array(struct parser *P, int self)
{
	int last = -1, c, rc;

	P->p++;
	skip_ws(P);
	if (P->p < P->end && *P->p == ']') {
		P->p++;
		return 0;
	}
	for (;;) {
		if ((rc = value(P, &c)) != 0)
			return rc;
		link_child(P, self, &last, c);
		skip_ws(P);
		if (P->p >= P->end)
			return fail(P, -EINVAL, "an array is not closed");
		if (*P->p == ']') {
			P->p++;
			return 0;
		}
		if (*P->p != ',')
			return fail(P, -EINVAL, "expected ',' or ']' after an array element");
		P->p++;
	}
}

/* Whether an earlier member of object self has the key. */
static bool
has_key(const struct parser *P, int self, const char *key, size_t len)
{
	for (int i = P->nodes[self].child; i >= 0; i = P->nodes[i].next)
		if (P->nodes[i].key_len == len && memcmp(P->nodes[i].key, key, len) == 0)
			return true;
	return false;
}

static int
object(struct parser *P, int self)
{
	int last = -1, c, rc;
	const char *key;
	size_t klen;

	P->p++;
	skip_ws(P);
	if (P->p < P->end && *P->p == '}') {
		P->p++;
		return 0;
	}
	for (;;) {
		if (P->p >= P->end)
			return fail(P, -EINVAL, "an object is not closed");
		if (*P->p != '"')
			return fail(P, -EINVAL, "expected a key (a string) in an object");
		if ((rc = string(P, &key, &klen)) != 0)
			return rc;
		if (has_key(P, self, key, klen))
			return fail(P, -EINVAL, "a key is given twice in an object");
		skip_ws(P);
		if (P->p >= P->end || *P->p != ':')
			return fail(P, -EINVAL, "expected ':' after an object key");
		P->p++;
		if ((rc = value(P, &c)) != 0)
			return rc;
		P->nodes[c].key = key;
		P->nodes[c].key_len = klen;
		link_child(P, self, &last, c);
		skip_ws(P);
		if (P->p >= P->end)
			return fail(P, -EINVAL, "an object is not closed");
		if (*P->p == '}') {
			P->p++;
			return 0;
		}
		if (*P->p != ',')
			return fail(P, -EINVAL, "expected ',' or '}' after an object member");
		P->p++;
		skip_ws(P);
	}
}

/* One value, after any whitespace; its node's index in *ret_idx. */
static int
value(struct parser *P, int *ret_idx)
{
	struct jp_node *nd;
	int idx, rc;

	skip_ws(P);
	if (P->p >= P->end)
		return fail(P, -EINVAL, P->n == 0 ? "empty text (no value)" : "expected a value");
	if (P->n >= P->max)
		return fail(P, -ENOSPC, "more values than nodes to hold them");
	idx = (int)P->n++;
	nd = &P->nodes[idx];
	memset(nd, 0, sizeof(*nd));
	nd->next = -1;
	nd->child = -1;
	*ret_idx = idx;
	switch (*P->p) {
	case '{':
	case '[':
		if (P->depth >= JP_MAX_DEPTH)
			return fail(P, -ENOSPC, "arrays and objects nested too deep");
		P->depth++;
		if (*P->p == '{') {
			nd->type = JP_OBJECT;
			rc = object(P, idx);
		} else {
			nd->type = JP_ARRAY;
			rc = array(P, idx);
		}
		P->depth--;
		return rc;
	case '"':
		nd->type = JP_STRING;
		return string(P, &nd->str, &nd->len);
	case 't':
		if (!looking_at(P, "true", 4))
			break;
		nd->type = JP_BOOL;
		nd->boolean = true;
		P->p += 4;
		return 0;
	case 'f':
		if (!looking_at(P, "false", 5))
			break;
		nd->type = JP_BOOL;
		P->p += 5;
		return 0;
	case 'n':
		if (!looking_at(P, "null", 4))
			break;
		nd->type = JP_NULL;
		P->p += 4;
		return 0;
	default:
		if (*P->p == '-' || is_digit(*P->p)) {
			nd->type = JP_NUMBER;
			return number(P, &nd->num);
		}
		break;
	}
	if (*P->p == '}' || *P->p == ']')
		return fail(P, -EINVAL, "expected a value, not a closing bracket");
	return fail(P, -EINVAL, "expected a value (an object, array, string, number, true, "
	    "false or null)");
}

int
jp_parse(const char *text, size_t len, struct jp_node *nodes, size_t max_nodes, char *arena,
    size_t arena_len, const char **why)
{
	struct parser P = { text, text + len, nodes, max_nodes, 0, arena, arena_len, 0, 0, "" };
	int idx, rc;

	if (max_nodes > INT_MAX)
		P.max = INT_MAX;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		rc = fail(&P, -EINVAL, "a byte order mark is not allowed before JSON text");
	else if (!utf8_valid(text, len))
		rc = fail(&P, -EINVAL, "not valid UTF-8");
	else if ((rc = value(&P, &idx)) == 0) {
		skip_ws(&P);
		if (P.p < P.end)
			rc = fail(&P, -EINVAL, "text after the value");
	}
	if (why != NULL)
		*why = P.why;
	return rc == 0 ? (int)P.n : rc;
}

const struct jp_node *
jp_child(const struct jp_node *nodes, const struct jp_node *n)
{
	if (n == NULL || (n->type != JP_ARRAY && n->type != JP_OBJECT) || n->child < 0)
		return NULL;
	return &nodes[n->child];
}

const struct jp_node *
jp_next(const struct jp_node *nodes, const struct jp_node *n)
{
	if (n == NULL || n->next < 0)
		return NULL;
	return &nodes[n->next];
}

const struct jp_node *
jp_get(const struct jp_node *nodes, const struct jp_node *obj, const char *key)
{
	size_t len = strlen(key);

	if (obj == NULL || obj->type != JP_OBJECT)
		return NULL;
	for (const struct jp_node *c = jp_child(nodes, obj); c != NULL; c = jp_next(nodes, c))
		if (c->key_len == len && memcmp(c->key, key, len) == 0)
			return c;
	return NULL;
}

/* The member key of obj of type t: 0 and it in *ret, -ENOENT, -EINVAL. */
static int
get_typed(const struct jp_node *nodes, const struct jp_node *obj, const char *key,
    enum jp_type t, const struct jp_node **ret)
{
	const struct jp_node *m = jp_get(nodes, obj, key);

	if (m == NULL)
		return -ENOENT;
	if (m->type != t)
		return -EINVAL;
	*ret = m;
	return 0;
}

int
jp_get_string(const struct jp_node *nodes, const struct jp_node *obj, const char *key,
    const char **ret)
{
	const struct jp_node *m = NULL;
	int rc = get_typed(nodes, obj, key, JP_STRING, &m);

	if (rc == 0)
		*ret = m->str;
	return rc;
}

int
jp_get_number(const struct jp_node *nodes, const struct jp_node *obj, const char *key,
    double *ret)
{
	const struct jp_node *m = NULL;
	int rc = get_typed(nodes, obj, key, JP_NUMBER, &m);

	if (rc == 0)
		*ret = m->num;
	return rc;
}

int
jp_get_bool(const struct jp_node *nodes, const struct jp_node *obj, const char *key, bool *ret)
{
	const struct jp_node *m = NULL;
	int rc = get_typed(nodes, obj, key, JP_BOOL, &m);

	if (rc == 0)
		*ret = m->boolean;
	return rc;
}

const char *
jp_type_name(enum jp_type t)
{
	static const char *const names[] = {
		[JP_NULL] = "null", [JP_BOOL] = "boolean", [JP_NUMBER] = "number",
		[JP_STRING] = "string", [JP_ARRAY] = "array", [JP_OBJECT] = "object",
	};

	if ((unsigned)t >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[t];
}
