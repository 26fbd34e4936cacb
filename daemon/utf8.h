/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 validation for text that leaves the daemon (InfluxDB lines, JSON
 * payloads), whose receivers may refuse or mangle malformed text.  Pure: no
 * I/O, no logging, no locale.
 */
#ifndef LW_UTF8_H
#define LW_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether the n bytes at s are well-formed UTF-8 (RFC 3629, Unicode table
 * 3-7): no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
 * U+10FFFF, no stray continuation bytes, no sequence cut short by the end.
 * NUL is U+0000 and valid; n == 0 is valid.
 */
bool	 utf8_valid(const char *s, size_t n);

#endif
