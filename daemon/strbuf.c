/* SPDX-License-Identifier: MIT */
/*
 * Growable byte buffer (see strbuf.h).  The capacity at least doubles on
 * each growth, so appending n bytes one at a time costs O(n); every size
 * computation is checked, so a request that would wrap size_t is -ENOMEM
 * rather than a short allocation.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define SB_MIN_CAP	64

void
sb_init(struct strbuf *sb)
{
	sb->data = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void
sb_free(struct strbuf *sb)
{
	free(sb->data);
	sb_init(sb);
}

void
sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->data != NULL)
		sb->data[0] = '\0';
}

/* Room for extra more bytes and the NUL.  0 or -ENOMEM; nothing moves on failure. */
static int
reserve(struct strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - 1 - sb->len)
		return -ENOMEM;
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return 0;
	cap = sb->cap < SB_MIN_CAP ? SB_MIN_CAP : sb->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(sb->data, cap);
	if (p == NULL)
		return -ENOMEM;
	sb->data = p;
	sb->cap = cap;
	return 0;
}

int
sb_append(struct strbuf *sb, const char *s, size_t n)
{
	int rc;

	if (n == 0)
		return 0;
	if ((rc = reserve(sb, n)) < 0)
		return rc;
	memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
	return 0;
}

int
sb_appends(struct strbuf *sb, const char *s)
{
	return sb_append(sb, s, strlen(s));
}

int
sb_appendc(struct strbuf *sb, char c)
{
	return sb_append(sb, &c, 1);
}

int
sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list aq;
	size_t room;
	int n, again, rc;

	/* First into what room there is; when that is too little, grow and again. */
	room = sb->cap > sb->len ? sb->cap - sb->len : 0;
	va_copy(aq, ap);
	n = vsnprintf(room ? sb->data + sb->len : NULL, room, fmt, aq);
	va_end(aq);
	if (n < 0)
		goto fail;
	if ((size_t)n >= room) {
		if ((rc = reserve(sb, (size_t)n)) < 0) {
			if (sb->data != NULL)
				sb->data[sb->len] = '\0';
			return rc;
		}
		va_copy(aq, ap);
		again = vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, aq);
		va_end(aq);
		if (again != n)
			goto fail;
	}
	sb->len += (size_t)n;
	return 0;
fail:
	if (sb->data != NULL)
		sb->data[sb->len] = '\0';
	return -EINVAL;
}

int
sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = sb_vprintf(sb, fmt, ap);
	va_end(ap);
	return rc;
}

void
sb_truncate(struct strbuf *sb, size_t len)
{
	if (len >= sb->len)
		return;
	sb->len = len;
	sb->data[len] = '\0';
}
