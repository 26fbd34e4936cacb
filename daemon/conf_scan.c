/* SPDX-License-Identifier: MIT */
/*
 * A look at the configuration's text, and at every file it includes, before
 * libconfig 1.5 parses it, for the things libconfig gets wrong (checked on
 * Debian 12's libconfig 1.5-0.4):
 *
 * - @include of a directory or a file that fails to read makes its flex
 *   scanner print "input in flex scanner failed" and exit(2); a FIFO or a
 *   device would block it or feed it for ever.  Every included file is read
 *   here first: it must be a regular file that reads whole.
 * - A missing include is reported as "cannot open include file" without its
 *   name; here it is named, with the reason.
 * - With an include directory set, libconfig prefixes it to absolute paths
 *   too, so an absolute @include can never be found: said so here.
 * - A backslash in an @include path other than \\ or \" is echoed to stdout
 *   by flex's default rule: refused.
 * - Integers that do not fit in 32 bits (64 with an L suffix) are silently
 *   wrapped: 99999999999 reads as 1215752191.  Reported here, since nothing
 *   after parsing can tell.
 * - A NUL byte ends the text libconfig sees: reported.
 *
 * The scanner follows libconfig's lexical rules closely enough to find every
 * @include libconfig acts on: comments (#, //, slash-star), strings with
 * their escapes, and @include only at the start of a line outside them, with
 * the lexical state carried from an included file back into its includer as
 * flex does.  Paths of nested includes are taken from the main file's
 * directory, like libconfig's.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"

enum scan_state {
	SC_INITIAL,
	SC_COMMENT,
	SC_STRING,
};

struct scanner {
	struct conf_loader	*L;
	size_t			 nbad;
	bool			 eof_comment;	/* the last scan ended in a # or // comment */
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	    c == '-' || c == '_' || c == '*';
}

static size_t
digits(const char *t, size_t i, size_t len)
{
	size_t n = 0;

	while (i + n < len && is_digit(t[i + n]))
		n++;
	return n;
}

/* Length of an exponent [eE][-+]?[0-9]+ at i, or 0. */
static size_t
exponent(const char *t, size_t i, size_t len)
{
	size_t n = 1, d;

	if (i >= len || (t[i] != 'e' && t[i] != 'E'))
		return 0;
	if (i + n < len && (t[i + n] == '-' || t[i + n] == '+'))
		n++;
	d = digits(t, i + n, len);
	return d ? n + d : 0;
}

/* Length of an L or LL suffix at i. */
static size_t
suffix(const char *t, size_t i, size_t len)
{
	if (i < len && t[i] == 'L')
		return i + 1 < len && t[i + 1] == 'L' ? 2 : 1;
	return 0;
}

/*
 * The longest number token at i, as libconfig's float, integer, integer64,
 * hex and hex64 rules match it; 0 when none does.  *kind: 'f', 'i', 'I' (64),
 * 'x', 'X' (64).
 */
static size_t
number(const char *t, size_t i, size_t len, char *kind)
{
	size_t best = 0, s = (t[i] == '-' || t[i] == '+') ? 1 : 0;
	size_t d = digits(t, i + s, len);

	if (s == 0 && i + 2 < len && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X') &&
	    is_xdigit(t[i + 2])) {
		size_t n = 2, l;

		while (i + n < len && is_xdigit(t[i + n]))
			n++;
		l = suffix(t, i + n, len);
		best = n + l;
		*kind = l ? 'X' : 'x';
	}
	if (d > 0) {
		size_t l = suffix(t, i + s + d, len);

		if (s + d + l > best) {
			best = s + d + l;
			*kind = l ? 'I' : 'i';
		}
	}
	/* [-+]?[0-9]*\.[0-9]*([eE][-+]?[0-9]+)? */
	if (i + s + d < len && t[i + s + d] == '.') {
		size_t n = s + d + 1;

		n += digits(t, i + n, len);
		n += exponent(t, i + n, len);
		if (n > best) {
			best = n;
			*kind = 'f';
		}
	}
	/* [-+]?[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+ */
	if (d > 0) {
		size_t n = s + d, e;

		if (i + n < len && t[i + n] == '.')
			n += 1 + digits(t, i + n + 1, len);
		e = exponent(t, i + n, len);
		if (e > 0 && n + e > best) {
			best = n + e;
			*kind = 'f';
		}
	}
	return best;
}

/* Report an integer token that libconfig would wrap. */
static void
check_integer(struct scanner *S, size_t file, int line, const char *t, size_t n, char kind)
{
	char buf[64];
	bool wide = kind == 'I' || kind == 'X';
	bool bad;

	if (kind == 'f')
		return;
	if (n >= sizeof(buf)) {
		bad = true;
	} else {
		unsigned long long u;
		long long v;
		char *end;

		memcpy(buf, t, n);
		buf[n] = '\0';
		errno = 0;
		if (kind == 'x' || kind == 'X') {
			u = strtoull(buf, &end, 16);
			bad = errno != 0 || u > (wide ? (unsigned long long)LLONG_MAX : (unsigned long long)INT_MAX);
		} else {
			v = strtoll(buf, &end, 10);
			bad = errno != 0 || (!wide && (v < INT_MIN || v > INT_MAX));
		}
	}
	if (bad) {
		conf_err_file(S->L, file, line, "integer %.*s out of range %s", (int)(n > 40 ? 40 : n), t,
		    wide ? "for a 64-bit integer" : "-2147483648..2147483647");
		S->nbad++;
	}
}

static enum scan_state scan(struct scanner *, size_t file, const char *t, size_t len,
    unsigned depth, enum scan_state st);

/* Follow one @include: read the file and scan it; returns the state it ends in. */
static enum scan_state
include(struct scanner *S, size_t file, int line, const char *name, unsigned depth)
{
	struct conf_loader *L = S->L;
	enum scan_state st = SC_INITIAL;
	char *path = NULL, *shown = NULL, *text = NULL;
	size_t len = 0, idx;
	int rc;

	if (name[0] == '/') {
		conf_err_file(L, file, line, "cannot include '%s': give the path relative to the "
		    "directory of the main configuration file", name);
		goto bad;
	}
	if (depth >= CONF_INCLUDE_DEPTH) {
		conf_err_file(L, file, line, "cannot include '%s': @include nested more than %d deep",
		    name, CONF_INCLUDE_DEPTH);
		goto bad;
	}
	if (L->nincludes >= CONF_INCLUDE_FILES) {
		conf_err_file(L, file, line, "cannot include '%s': more than %d @include directives",
		    name, CONF_INCLUDE_FILES);
		goto bad;
	}
	L->nincludes++;
	/* Exactly the path libconfig 1.5 opens: include_dir "/" name. */
	path = malloc(strlen(L->incdir) + strlen(name) + 2);
	shown = conf_join(L->dir, name);
	if (path == NULL || shown == NULL)
		goto oom;
	strcpy(path, L->incdir);
	strcat(path, "/");
	strcat(path, name);
	rc = conf_read_text(path, true, &text, &len);
	if (rc != 0) {
		conf_err_file(L, file, line, "cannot open include file '%s': %s", shown,
		    rc == -ENODEV ? "not a regular file" :
		    rc == -EFBIG ? "larger than 4 MiB" : strerror(-rc));
		goto bad;
	}
	/* libconfig records an included file by its name as written. */
	idx = conf_file_add(L, name, file, line);
	if (L->oom)
		goto bad;
	S->eof_comment = false;
	st = scan(S, idx, text, len, depth + 1, SC_INITIAL);
	/* A comment ending the file needs its newline (flex's '$'). */
	if (S->eof_comment) {
		int lines = 1;

		for (size_t i = 0; i < len; i++)
			lines += text[i] == '\n';
		conf_err_file(L, idx, lines, "the comment on the last line needs a newline after it");
		S->nbad++;
		S->eof_comment = false;
	}
	free(text);
	free(path);
	free(shown);
	return st;
oom:
	L->oom = true;
bad:
	S->nbad++;
	free(text);
	free(path);
	free(shown);
	return st;
}

/*
 * An @include directive at the start of line at i: [ \t]*@include[ \t]+" then
 * the path up to the closing quote.  Returns the length consumed, or 0 when
 * the line does not start with one.
 */
static size_t
directive(struct scanner *S, size_t file, int *line, const char *t, size_t i, size_t len,
    unsigned depth, enum scan_state *st)
{
	static const char kw[] = "@include";
	size_t j = i, k, n;
	int at = *line;
	bool backslash = false;
	char *name;

	while (j < len && (t[j] == ' ' || t[j] == '\t'))
		j++;
	if (len - j < sizeof(kw) - 1 || memcmp(t + j, kw, sizeof(kw) - 1) != 0)
		return 0;
	j += sizeof(kw) - 1;
	k = j;
	while (j < len && (t[j] == ' ' || t[j] == '\t'))
		j++;
	if (j == k || j >= len || t[j] != '"')
		return 0;
	k = ++j;
	for (; j < len && t[j] != '"'; j++) {
		if (t[j] == '\n')
			(*line)++;
		if (t[j] == '\\') {
			backslash = true;
			if (j + 1 < len && (t[j + 1] == '"' || t[j + 1] == '\\'))
				j++;
		}
	}
	if (j >= len) {
		conf_err_file(S->L, file, at, "unterminated @include path");
		S->nbad++;
		return len - i;
	}
	n = j - k;
	if (backslash || memchr(t + k, '\0', n) != NULL) {
		conf_err_file(S->L, file, at, "@include path with a backslash or a NUL byte");
		S->nbad++;
		return j + 1 - i;
	}
	name = strndup(t + k, n);
	if (name == NULL) {
		S->L->oom = true;
		S->nbad++;
		return j + 1 - i;
	}
	*st = include(S, file, at, name, depth);
	free(name);
	return j + 1 - i;
}

static enum scan_state
scan(struct scanner *S, size_t file, const char *t, size_t len, unsigned depth,
    enum scan_state st)
{
	size_t i = 0;
	int line = 1;

	while (i < len) {
		char c = t[i];

		if (c == '\0') {
			conf_err_file(S->L, file, line, "unexpected NUL byte");
			S->nbad++;
			i++;
			continue;
		}
		switch (st) {
		case SC_COMMENT:
			if (c == '*' && i + 1 < len && t[i + 1] == '/') {
				st = SC_INITIAL;
				i += 2;
				continue;
			}
			break;
		case SC_STRING:
			if (c == '\\' && i + 1 < len && (t[i + 1] == '"' || t[i + 1] == '\\')) {
				i += 2;
				continue;
			}
			if (c == '"') {
				st = SC_INITIAL;
				i++;
				continue;
			}
			break;
		case SC_INITIAL:
			if (i == 0 || t[i - 1] == '\n') {
				size_t n = directive(S, file, &line, t, i, len, depth, &st);

				if (n > 0) {
					i += n;
					continue;
				}
			}
			if (c == '"') {
				st = SC_STRING;
				i++;
				continue;
			}
			if (c == '/' && i + 1 < len && t[i + 1] == '*') {
				st = SC_COMMENT;
				i += 2;
				continue;
			}
			if (c == '#' || (c == '/' && i + 1 < len && t[i + 1] == '/')) {
				while (i < len && t[i] != '\n' && t[i] != '\0')
					i++;
				S->eof_comment = i == len;
				continue;
			}
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*') {
				while (i < len && is_name_char(t[i]))
					i++;
				continue;
			}
			if (is_digit(c) || c == '-' || c == '+' || c == '.') {
				char kind = 'f';
				size_t n = number(t, i, len, &kind);

				if (n > 0) {
					check_integer(S, file, line, t + i, n, kind);
					i += n;
					continue;
				}
			}
			break;
		}
		if (c == '\n')
			line++;
		i++;
	}
	return st;
}

size_t
conf_scan(struct conf_loader *L, size_t file, const char *text, size_t len)
{
	struct scanner S = { L, 0, false };

	scan(&S, file, text, len, 0, SC_INITIAL);
	return S.nbad;
}
