/* SPDX-License-Identifier: MIT */
/*
 * Strict UTF-8 validation (see utf8.h), by the table of well-formed byte
 * sequences: the lead byte fixes the length and the range allowed for the
 * second byte, which is where overlongs (E0 80..9F, F0 80..8F), surrogates
 * (ED A0..BF) and code points past U+10FFFF (F4 90..BF) are told apart; any
 * later byte is a plain continuation byte, 80..BF.
 */
#include <stdbool.h>
#include <stddef.h>

#include "utf8.h"

bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		unsigned char lo = 0x80, hi = 0xBF;
		size_t len;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0;	/* below is overlong */
			else if (c == 0xED)
				hi = 0x9F;	/* above is a surrogate */
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90;	/* below is overlong */
			else if (c == 0xF4)
				hi = 0x8F;	/* above is past U+10FFFF */
		} else
			return false;	/* 80..C1: continuation or overlong lead; F5..FF */
		if (n - i < len)
			return false;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (size_t k = 2; k < len; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xBF)
				return false;
		i += len;
	}
	return true;
}
