/* SPDX-License-Identifier: MIT */
/* JSON strings and numbers (see json.h). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "json.h"
#include "numfmt.h"
#include "timefmt.h"
#include "utf8.h"

int
json_string(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s), mark = sb->len;
	int rc = 0;

	if (!utf8_valid(s, n))
		return -EILSEQ;
	rc = sb_appendc(sb, '"');
	for (size_t i = 0; rc == 0 && i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7] = "\\u00";

		switch (c) {
		case '"': rc = sb_append(sb, "\\\"", 2); break;
		case '\\': rc = sb_append(sb, "\\\\", 2); break;
		case '\n': rc = sb_append(sb, "\\n", 2); break;
		case '\r': rc = sb_append(sb, "\\r", 2); break;
		case '\t': rc = sb_append(sb, "\\t", 2); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 0xf];
				rc = sb_append(sb, esc, 6);
			} else {
				rc = sb_appendc(sb, (char)c);
			}
		}
	}
	if (rc == 0)
		rc = sb_appendc(sb, '"');
	if (rc != 0)
		sb_truncate(sb, mark);
	return rc;
}

int
json_number(struct strbuf *sb, double v)
{
	char buf[32];
	int n = numfmt_double(buf, sizeof(buf), v);

	if (n < 0)
		return n;
	return sb_append(sb, buf, (size_t)n);
}

void
json_obj_begin(struct json_obj *o, struct strbuf *sb)
{
	o->sb = sb;
	o->mark = sb->len;
	o->members = 0;
	o->rc = sb_appendc(sb, '{');
}

/* The separator and the key; false once something failed. */
static bool
member(struct json_obj *o, const char *key)
{
	if (o->rc == 0 && o->members++ > 0)
		o->rc = sb_appendc(o->sb, ',');
	if (o->rc == 0)
		o->rc = json_string(o->sb, key);
	if (o->rc == 0)
		o->rc = sb_appendc(o->sb, ':');
	return o->rc == 0;
}

void
json_obj_str(struct json_obj *o, const char *key, const char *v)
{
	if (member(o, key))
		o->rc = v != NULL ? json_string(o->sb, v) : sb_appends(o->sb, "null");
}

void
json_obj_num(struct json_obj *o, const char *key, bool has, double v)
{
	if (member(o, key))
		o->rc = has && isfinite(v) ? json_number(o->sb, v) : sb_appends(o->sb, "null");
}

void
json_obj_bool(struct json_obj *o, const char *key, bool v)
{
	if (member(o, key))
		o->rc = sb_appends(o->sb, v ? "true" : "false");
}

void
json_obj_time(struct json_obj *o, const char *key, int64_t ms)
{
	char when[32];

	if (timefmt_iso8601(ms, when, sizeof(when)) < 0) {
		if (o->rc == 0)
			o->rc = -EINVAL;
		return;
	}
	json_obj_str(o, key, when);
}

void
json_obj_raw(struct json_obj *o, const char *key, const char *json, size_t len)
{
	if (member(o, key))
		o->rc = sb_append(o->sb, json, len);
}

int
json_obj_end(struct json_obj *o)
{
	if (o->rc == 0)
		o->rc = sb_appendc(o->sb, '}');
	if (o->rc != 0)
		sb_truncate(o->sb, o->mark);
	return o->rc;
}
