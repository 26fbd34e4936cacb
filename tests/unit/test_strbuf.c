/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for strbuf: the empty buffer, appends of every kind (NULs
 * included), growth from nothing to a megabyte, sb_printf at every length
 * around the free room (the retry path), a failing conversion, reset,
 * truncate and free, sizes that would wrap size_t, and random operations
 * against a plain array (fixed seed).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "strbuf.h"
#include "tap.h"

static uint64_t rng = 0x243f6a8885a308d3ULL;

/* The buffer holds exactly the n bytes at want, NUL after them, and room for it. */
static int
holds(const struct strbuf *sb, const char *want, size_t n)
{
	if (sb->len != n)
		return 0;
	if (n == 0 && sb->data == NULL)
		return 1;
	return sb->data != NULL && sb->cap > n && memcmp(sb->data, want, n) == 0 &&
	    sb->data[n] == '\0';
}

static void
test_basics(void)
{
	struct strbuf sb, zero = { 0 };

	sb_init(&sb);
	CHECK(sb.data == NULL && sb.len == 0 && sb.cap == 0, "sb_init: no memory, empty");
	CHECK(zero.data == NULL && zero.len == 0 && zero.cap == 0, "a zeroed struct is the same");
	CHECK_EQ_INT(0, sb_append(&sb, "x", 0), "appending nothing");
	CHECK(sb.data == NULL, "appending nothing allocates nothing");
	sb_truncate(&sb, 0);
	sb_reset(&sb);
	CHECK(sb.data == NULL && sb.len == 0, "truncate and reset of an empty buffer");

	CHECK_EQ_INT(0, sb_append(&sb, "abc", 3), "sb_append");
	CHECK(holds(&sb, "abc", 3), "holds \"abc\"");
	CHECK_EQ_INT(0, sb_appends(&sb, "de"), "sb_appends");
	CHECK_EQ_INT(0, sb_appendc(&sb, 'f'), "sb_appendc");
	CHECK_EQ_STR("abcdef", sb.data, "the pieces in order");
	CHECK_EQ_INT(0, sb_append(&sb, "g\0h", 3), "sb_append with a NUL inside");
	CHECK(holds(&sb, "abcdefg\0h", 9), "the NUL is kept and counted");
	CHECK_EQ_INT(0, sb_appendc(&sb, '\0'), "sb_appendc of a NUL");
	CHECK(holds(&sb, "abcdefg\0h\0", 10), "counted too");
	CHECK_EQ_INT(0, sb_appends(&sb, ""), "sb_appends of \"\"");
	CHECK_EQ_INT(10, sb.len, "changes nothing");

	{
		size_t cap = sb.cap;
		char *data = sb.data;

		sb_reset(&sb);
		CHECK(sb.len == 0 && sb.cap == cap && sb.data == data && sb.data[0] == '\0',
		    "sb_reset keeps the memory and empties the text");
	}
	sb_appends(&sb, "hello, world");
	sb_truncate(&sb, 5);
	CHECK(holds(&sb, "hello", 5), "sb_truncate to 5");
	sb_truncate(&sb, 5);
	CHECK(holds(&sb, "hello", 5), "sb_truncate to the length changes nothing");
	sb_truncate(&sb, 99);
	CHECK(holds(&sb, "hello", 5), "sb_truncate past the end changes nothing");
	sb_truncate(&sb, 0);
	CHECK(holds(&sb, "", 0) && sb.data != NULL, "sb_truncate to 0 keeps the memory");
	sb_free(&sb);
	CHECK(sb.data == NULL && sb.len == 0 && sb.cap == 0, "sb_free: as after sb_init");
	sb_free(&sb);
	CHECK(sb.data == NULL, "sb_free twice is harmless");
}

static void
test_growth(void)
{
	struct strbuf sb;
	size_t n = 1 << 20, bad = 0, reallocs = 0;
	char *last = NULL;
	size_t lastcap = 0;

	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		if (sb_appendc(&sb, (char)('a' + i % 26)) != 0)
			bad++;
		if (sb.cap != lastcap || sb.data != last)
			reallocs++;
		last = sb.data;
		lastcap = sb.cap;
	}
	CHECK_EQ_INT(0, bad, "a megabyte one byte at a time");
	CHECK(sb.len == n && sb.cap > n && sb.data[n] == '\0', "length, room and NUL");
	for (size_t i = 0; i < n; i++)
		if (sb.data[i] != (char)('a' + i % 26))
			bad++;
	CHECK_EQ_INT(0, bad, "every byte where it was put");
	CHECK(reallocs <= 20, "the capacity doubles: %zu growths for 1 MiB", reallocs);
	sb_free(&sb);

	/* One big append from nothing. */
	{
		char *big = malloc(300000);

		memset(big, 'z', 300000);
		sb_init(&sb);
		CHECK_EQ_INT(0, sb_append(&sb, big, 300000), "300000 bytes at once");
		CHECK(holds(&sb, big, 300000), "all there");
		sb_free(&sb);
		free(big);
	}
}

static void
test_printf(void)
{
	struct strbuf sb;
	char want[600], pad[400];
	long bad = 0, n = 0;
	int rc;

	sb_init(&sb);
	CHECK_EQ_INT(0, sb_printf(&sb, "%s", ""), "sb_printf of nothing into an empty buffer");
	CHECK(sb.data != NULL && sb.len == 0 && sb.data[0] == '\0', "gives \"\"");
	CHECK_EQ_INT(0, sb_printf(&sb, "%d-%s-%c-%05.1f", 42, "x", 'y', 2.5), "sb_printf");
	CHECK_EQ_STR("42-x-y-002.5", sb.data, "formats like printf");
	CHECK_EQ_INT(0, sb_printf(&sb, "%3000d", 7), "sb_printf longer than the room");
	CHECK(sb.len == 12 + 3000 && sb.data[sb.len - 1] == '7' && sb.data[12] == ' ' &&
	    sb.data[sb.len] == '\0', "the long one came whole");
	sb_free(&sb);

	/* Every output length around the free room: the first try fits, just fits or not. */
	memset(pad, '.', sizeof(pad));
	for (size_t pre = 0; pre < 140; pre++) {
		for (int out = 0; out < 140; out++) {
			sb_init(&sb);
			sb_append(&sb, pad, pre);
			rc = sb_printf(&sb, "%.*s|%d", out, pad + 1, out);
			snprintf(want, sizeof(want), "%.*s%.*s|%d", (int)pre, pad, out, pad + 1, out);
			n++;
			if (rc != 0 || !holds(&sb, want, strlen(want)))
				bad++;
			sb_free(&sb);
		}
	}
	CHECK_EQ_INT(0, bad, "%ld sb_printf calls at every length around the room", n);

	/* A conversion that fails: a wide character the C locale cannot write. */
	{
		static const wchar_t w[] = { 0x20AC, 0 };
		char probe[8];

		if (snprintf(probe, sizeof(probe), "%ls", w) < 0) {
			sb_init(&sb);
			sb_appends(&sb, "keep");
			rc = sb_printf(&sb, "abc%ls", w);
			CHECK_EQ_INT(-EINVAL, rc, "sb_printf with an unconvertible character");
			CHECK(holds(&sb, "keep", 4), "leaves the buffer as it was");
			sb_free(&sb);
		} else {
			tap_count++;
			printf("ok %d - sb_printf with an unconvertible character # SKIP this C "
			    "library converts it\n", tap_count);
		}
	}
}

static void
test_overflow(void)
{
	struct strbuf sb;
	char small[16] = "abc";

	sb_init(&sb);
	sb_appends(&sb, "abc");
	CHECK_EQ_INT(-ENOMEM, sb_append(&sb, small, SIZE_MAX), "appending SIZE_MAX bytes");
	CHECK_EQ_INT(-ENOMEM, sb_append(&sb, small, SIZE_MAX - 3), "len + n + 1 wraps to 0");
	CHECK(holds(&sb, "abc", 3), "the buffer is as it was");
	sb_free(&sb);

	/* A buffer claiming to be nearly SIZE_MAX long: checked before anything is touched. */
	sb.data = small;
	sb.len = SIZE_MAX - 10;
	sb.cap = SIZE_MAX - 5;
	CHECK_EQ_INT(-ENOMEM, sb_append(&sb, "0123456789", 10), "near SIZE_MAX: -ENOMEM");
	CHECK(sb.len == SIZE_MAX - 10 && sb.cap == SIZE_MAX - 5 && sb.data == small,
	    "and nothing changed");
}

/* Random appends, printfs, truncates and resets against a plain array. */
static void
test_random(void)
{
	static char model[1 << 16];
	struct strbuf sb;
	size_t mlen = 0;
	long bad = 0, ops = 0;

	sb_init(&sb);
	for (int i = 0; i < 20000; i++) {
		uint64_t r = tap_rand(&rng);
		char tmp[64];
		size_t n = (size_t)(r >> 8) % sizeof(tmp);

		for (size_t k = 0; k < n; k++)
			tmp[k] = (char)(tap_rand(&rng) & 0xff);
		if (mlen + 100 > sizeof(model))
			r = 4;		/* keep the model in bounds */
		switch (r % 6) {
		case 0:
			if (sb_append(&sb, tmp, n) != 0)
				bad++;
			memcpy(model + mlen, tmp, n);
			mlen += n;
			break;
		case 1:
			if (sb_appendc(&sb, tmp[0]) != 0)
				bad++;
			model[mlen++] = tmp[0];
			break;
		case 2: {
			int v = (int)(tap_rand(&rng) % 100000);
			int k = snprintf(model + mlen, sizeof(model) - mlen, "<%d>", v);

			if (sb_printf(&sb, "<%d>", v) != 0)
				bad++;
			mlen += (size_t)k;
			break;
		}
		case 3:
			tmp[n] = '\0';
			if (sb_appends(&sb, tmp) != 0)
				bad++;
			memcpy(model + mlen, tmp, strlen(tmp));
			mlen += strlen(tmp);
			break;
		case 4: {
			size_t to = mlen ? (size_t)(tap_rand(&rng) % (mlen + 1)) : 0;

			sb_truncate(&sb, to);
			mlen = to;
			break;
		}
		default:
			if (tap_rand(&rng) % 50 == 0) {
				sb_reset(&sb);
				mlen = 0;
			}
			break;
		}
		ops++;
		if (!holds(&sb, model, mlen))
			bad++;
	}
	CHECK_EQ_INT(0, bad, "%ld random operations agree with a plain array", ops);
	sb_free(&sb);
}

int
main(void)
{
	test_basics();
	test_growth();
	test_printf();
	test_overflow();
	test_random();
	return tap_done();
}
