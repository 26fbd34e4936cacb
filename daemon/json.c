/* SPDX-License-Identifier: MIT */
/* JSON strings and numbers (see json.h). */
#include <errno.h>
#include <string.h>

#include "json.h"
#include "numfmt.h"
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
