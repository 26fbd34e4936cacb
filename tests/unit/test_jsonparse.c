/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the JSON reader: the examples of RFC 8259, every escape,
 * surrogate pairs, numbers by the grammar (and under a locale with a decimal
 * comma, when one is installed), every error with its message, the depth,
 * node and arena limits and the sizes said to be always enough, duplicate
 * keys, the tree's links and the lookup helpers, and what the project's
 * own JSON writer (json.c) makes of tricky strings and numbers, read back.
 */
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonparse.h"
#include "strbuf.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXN		512
#define ARENA		8192

static struct jp_node	 nodes[MAXN];
static char		 arena[ARENA];
static const char	*why;

/* Parse a C string with room to spare. */
static int
parse(const char *text)
{
	return jp_parse(text, strlen(text), nodes, MAXN, arena, ARENA, &why);
}

static void
test_rfc_examples(void)
{
	/* RFC 8259 section 13, the first example. */
	static const char image[] =
	    "{\n"
	    "  \"Image\": {\n"
	    "    \"Width\":  800,\n"
	    "    \"Height\": 600,\n"
	    "    \"Title\":  \"View from 15th Floor\",\n"
	    "    \"Thumbnail\": {\n"
	    "        \"Url\":    \"http://www.example.com/image/481989943\",\n"
	    "        \"Height\": 125,\n"
	    "        \"Width\":  100\n"
	    "    },\n"
	    "    \"Animated\" : false,\n"
	    "    \"IDs\": [116, 943, 234, 38793]\n"
	    "  }\n"
	    "}";
	/* The second example. */
	static const char places[] =
	    "[\n"
	    "  {\n"
	    "     \"precision\": \"zip\",\n"
	    "     \"Latitude\":  37.7668,\n"
	    "     \"Longitude\": -122.3959,\n"
	    "     \"Address\":   \"\",\n"
	    "     \"City\":      \"SAN FRANCISCO\",\n"
	    "     \"State\":     \"CA\",\n"
	    "     \"Zip\":       \"94107\",\n"
	    "     \"Country\":   \"US\"\n"
	    "  },\n"
	    "  {\n"
	    "     \"precision\": \"zip\",\n"
	    "     \"Latitude\":  37.371991,\n"
	    "     \"Longitude\": -122.026020,\n"
	    "     \"Address\":   \"\",\n"
	    "     \"City\":      \"SUNNYVALE\",\n"
	    "     \"State\":     \"CA\",\n"
	    "     \"Zip\":       \"94085\",\n"
	    "     \"Country\":   \"US\"\n"
	    "  }\n"
	    "]";
	const struct jp_node *img, *th, *ids, *c, *p;
	const char *s = NULL;
	double d = 0;
	bool b = true;
	int n, i;

	n = parse(image);
	CHECK_EQ_INT(15, n, "RFC 8259 image example: 15 values");
	img = jp_get(nodes, &nodes[0], "Image");
	CHECK(img != NULL && img->type == JP_OBJECT && img->len == 6, "Image is an object of 6");
	CHECK(jp_get_number(nodes, img, "Width", &d) == 0 && d == 800, "Width 800");
	CHECK(jp_get_number(nodes, img, "Height", &d) == 0 && d == 600, "Height 600");
	CHECK(jp_get_string(nodes, img, "Title", &s) == 0 && strcmp(s, "View from 15th Floor") == 0,
	    "Title");
	th = jp_get(nodes, img, "Thumbnail");
	CHECK(jp_get_string(nodes, th, "Url", &s) == 0 &&
	    strcmp(s, "http://www.example.com/image/481989943") == 0, "Thumbnail.Url");
	CHECK(jp_get_number(nodes, th, "Height", &d) == 0 && d == 125, "Thumbnail.Height");
	CHECK(jp_get_bool(nodes, img, "Animated", &b) == 0 && !b, "Animated false");
	ids = jp_get(nodes, img, "IDs");
	CHECK(ids != NULL && ids->type == JP_ARRAY && ids->len == 4, "IDs: an array of 4");
	{
		static const double want[] = { 116, 943, 234, 38793 };

		i = 0;
		for (c = jp_child(nodes, ids); c != NULL; c = jp_next(nodes, c), i++)
			CHECK(i < 4 && c->type == JP_NUMBER && c->num == want[i] && c->key == NULL,
			    "IDs[%d] = %g", i, i < 4 ? want[i] : 0);
		CHECK_EQ_INT(4, i, "IDs iterated");
	}

	n = parse(places);
	CHECK_EQ_INT(19, n, "RFC 8259 places example: 19 values");
	CHECK(nodes[0].type == JP_ARRAY && nodes[0].len == 2, "an array of 2 objects");
	p = jp_child(nodes, &nodes[0]);
	CHECK(jp_get_number(nodes, p, "Latitude", &d) == 0 && d == 37.7668, "Latitude 37.7668");
	CHECK(jp_get_number(nodes, p, "Longitude", &d) == 0 && d == -122.3959,
	    "Longitude -122.3959");
	CHECK(jp_get_string(nodes, p, "Address", &s) == 0 && s[0] == '\0', "an empty Address");
	p = jp_next(nodes, p);
	CHECK(jp_get_string(nodes, p, "City", &s) == 0 && strcmp(s, "SUNNYVALE") == 0, "SUNNYVALE");
	CHECK(jp_get_number(nodes, p, "Longitude", &d) == 0 && d == -122.026020,
	    "Longitude -122.026020");
	CHECK(jp_next(nodes, p) == NULL, "and no third");

	/* Section 13's small texts: any value is a JSON text. */
	CHECK(parse("\"Hello world!\"") == 1 && nodes[0].type == JP_STRING &&
	    strcmp(nodes[0].str, "Hello world!") == 0 && nodes[0].len == 12, "a string alone");
	CHECK(parse("42") == 1 && nodes[0].type == JP_NUMBER && nodes[0].num == 42, "a number alone");
	CHECK(parse("true") == 1 && nodes[0].type == JP_BOOL && nodes[0].boolean, "true alone");
	CHECK(parse("false") == 1 && nodes[0].type == JP_BOOL && !nodes[0].boolean, "false alone");
	CHECK(parse("null") == 1 && nodes[0].type == JP_NULL, "null alone");
	CHECK(parse("[]") == 1 && nodes[0].len == 0 && nodes[0].child == -1, "an empty array");
	CHECK(parse("{}") == 1 && nodes[0].type == JP_OBJECT && nodes[0].len == 0, "an empty object");
	CHECK_EQ_STR("", why, "why is empty on success");
}

static void
test_escapes(void)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "\"\\\"\"", "\"" },
		{ "\"\\\\\"", "\\" },
		{ "\"\\/\"", "/" },
		{ "\"\\b\"", "\b" },
		{ "\"\\f\"", "\f" },
		{ "\"\\n\"", "\n" },
		{ "\"\\r\"", "\r" },
		{ "\"\\t\"", "\t" },
		{ "\"\\u0041\"", "A" },
		{ "\"\\u001f\\u001F\"", "\x1f\x1f" },
		{ "\"\\u007f\"", "\x7f" },
		{ "\"\\u0080\"", "\xc2\x80" },
		{ "\"\\u00e9\\u00C9\"", "\xc3\xa9\xc3\x89" },
		{ "\"\\u07ff\"", "\xdf\xbf" },
		{ "\"\\u0800\"", "\xe0\xa0\x80" },
		{ "\"\\u20ac\"", "\xe2\x82\xac" },
		{ "\"\\ud7ff\"", "\xed\x9f\xbf" },
		{ "\"\\ue000\"", "\xee\x80\x80" },
		{ "\"\\uffff\"", "\xef\xbf\xbf" },
		{ "\"\\ud800\\udc00\"", "\xf0\x90\x80\x80" },
		{ "\"\\uD834\\uDD1E\"", "\xf0\x9d\x84\x9e" },		/* RFC 8259 section 7 */
		{ "\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf" },
		{ "\"\\ud83c\\udf0a waves\"", "\xf0\x9f\x8c\x8a waves" },
		{ "\"Lago Poop\xc3\xb3\"", "Lago Poop\xc3\xb3" },	/* UTF-8 as it is */
		{ "\"\xf0\x9f\x8c\x8a\"", "\xf0\x9f\x8c\x8a" },
		{ "\"a\\nb\\tc\\\\d\\\"e\"", "a\nb\tc\\d\"e" },
		{ "\"\x7f\"", "\x7f" },				/* DEL needs no escape */
		{ "\"\"", "" },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		int n = parse(cases[i].text);

		CHECK(n == 1 && nodes[0].type == JP_STRING && nodes[0].len == strlen(cases[i].want) &&
		    strcmp(nodes[0].str, cases[i].want) == 0, "escape case %zu: %s", i, cases[i].text);
	}
	/* Escapes in keys too, and lookup by the decoded key. */
	CHECK(parse("{\"a\\u00e9\\n\":1}") == 2 && nodes[1].key_len == 4 &&
	    jp_get(nodes, &nodes[0], "a\xc3\xa9\n") == &nodes[1], "a key with escapes is decoded");
}

/* Numbers the grammar allows, with the double each must read as. */
static void
test_numbers(void)
{
	static const struct {
		const char	*text;
		double		 want;
	} good[] = {
		{ "0", 0.0 }, { "-0", -0.0 }, { "1", 1.0 }, { "-1", -1.0 }, { "8.41", 8.41 },
		{ "0.1", 0.1 }, { "17.625", 17.625 }, { "1e3", 1000.0 }, { "1E3", 1000.0 },
		{ "1e+3", 1000.0 }, { "1e-3", 0.001 }, { "-2.5E-2", -0.025 }, { "0e0", 0.0 },
		{ "0.0", 0.0 }, { "10", 10.0 }, { "1.7976931348623157e308", DBL_MAX },
		{ "2.2250738585072014e-308", DBL_MIN }, { "5e-324", 5e-324 },
		{ "1e-400", 0.0 }, { "-1e-400", -0.0 },
		{ "9007199254740993", 9007199254740992.0 },
		{ "0.30000000000000004", 0.30000000000000004 },
		{ "123456789012345678901234567890", 1.2345678901234568e29 },
	};
	static const struct {
		const char	*text;
		int		 rc;
		const char	*why;
	} bad[] = {
		{ "+1", -EINVAL, "expected a value" },
		{ "01", -EINVAL, "leading zeros" },
		{ "-01", -EINVAL, "leading zeros" },
		{ "00", -EINVAL, "leading zeros" },
		{ ".5", -EINVAL, "expected a value" },
		{ "5.", -EINVAL, "'.' in a number must be followed by a digit" },
		{ "5.e3", -EINVAL, "'.' in a number must be followed by a digit" },
		{ "1e", -EINVAL, "exponent in a number must have digits" },
		{ "1e+", -EINVAL, "exponent in a number must have digits" },
		{ "1E-x", -EINVAL, "exponent in a number must have digits" },
		{ "-", -EINVAL, "'-' must be followed by a digit" },
		{ "-a", -EINVAL, "'-' must be followed by a digit" },
		{ "- 1", -EINVAL, "'-' must be followed by a digit" },
		{ "0x10", -EINVAL, "text after the value" },
		{ "1.5.2", -EINVAL, "text after the value" },
		{ "NaN", -EINVAL, "expected a value" },
		{ "Infinity", -EINVAL, "expected a value" },
		{ "-Infinity", -EINVAL, "'-' must be followed by a digit" },
		{ "1e400", -ERANGE, "beyond the range of a double" },
		{ "-1e400", -ERANGE, "beyond the range of a double" },
		{ "[1,2e999]", -ERANGE, "beyond the range of a double" },
	};
	char longnum[256];

	for (size_t i = 0; i < NELEM(good); i++) {
		int n = parse(good[i].text);

		CHECK(n == 1 && nodes[0].type == JP_NUMBER &&
		    memcmp(&nodes[0].num, &good[i].want, sizeof(double)) == 0,
		    "number %s reads as %.17g (got %.17g)", good[i].text, good[i].want, nodes[0].num);
	}
	for (size_t i = 0; i < NELEM(bad); i++) {
		int n = parse(bad[i].text);

		CHECK(n == bad[i].rc && strstr(why, bad[i].why) != NULL,
		    "number %s refused (%d, %s)", bad[i].text, n, why);
	}
	/* A number longer than the reader's own buffer is read behind the arena. */
	memset(longnum, '0', sizeof(longnum));
	longnum[0] = '1';
	memcpy(longnum + 201, ".5", 3);		/* 1 and 200 zeros, .5 */
	CHECK(parse(longnum) == 1 && nodes[0].num == 1e200, "a number of %zu digits",
	    strlen(longnum));
	CHECK(jp_parse(longnum, strlen(longnum), nodes, 1, arena, strlen(longnum) + 1, &why) == 1,
	    "and an arena of len + 1 bytes is enough for it");
	CHECK(jp_parse(longnum, strlen(longnum), nodes, 1, arena, strlen(longnum), &why) == -ENOSPC,
	    "one byte less is not");
}

/* A locale whose decimal point is a comma, for this thread; 0 when none is installed. */
static locale_t
comma_locale(void)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "es_BO.UTF-8", "es_BO.utf8", "es_ES.UTF-8",
		"fr_FR.UTF-8", "pt_BR.UTF-8", "de_DE", "fr_FR", "es_ES",
	};

	for (size_t i = 0; i < NELEM(names); i++) {
		locale_t l = newlocale(LC_NUMERIC_MASK, names[i], (locale_t)0);

		if (l == (locale_t)0)
			continue;
		locale_t saved = uselocale(l);
		bool comma = strcmp(localeconv()->decimal_point, ",") == 0;

		uselocale(saved);
		if (comma)
			return l;
		freelocale(l);
	}
	return (locale_t)0;
}

static void
test_locale(void)
{
	locale_t l = comma_locale(), saved;

	if (l == (locale_t)0) {
		tap_count++;
		printf("ok %d - numbers under a decimal-comma locale # SKIP no such locale "
		    "installed\n", tap_count);
		return;
	}
	saved = uselocale(l);
	CHECK(parse("[8.41,1.5e1]") == 3 && nodes[1].num == 8.41 && nodes[2].num == 15.0,
	    "numbers read the same under a locale with a decimal comma");
	CHECK(parse("8,41") == -EINVAL, "and a comma is still no decimal point");
	uselocale(saved);
	freelocale(l);
}

/* Every refusal, with the message it gives. */
static void
test_errors(void)
{
	static const struct {
		const char	*text;
		size_t		 len;		/* 0: strlen */
		int		 rc;
		const char	*why;
	} cases[] = {
		{ "", 0, -EINVAL, "empty text (no value)" },
		{ " \t\r\n", 0, -EINVAL, "empty text (no value)" },
		{ "\xef\xbb\xbf{}", 0, -EINVAL, "byte order mark" },
		{ "\"\xff\"", 0, -EINVAL, "not valid UTF-8" },
		{ "\"\xc0\xaf\"", 0, -EINVAL, "not valid UTF-8" },		/* overlong '/' */
		{ "\"\xed\xa0\x80\"", 0, -EINVAL, "not valid UTF-8" },		/* raw surrogate */
		{ "\"\xf4\x90\x80\x80\"", 0, -EINVAL, "not valid UTF-8" },	/* above U+10FFFF */
		{ "\"\xe2\x82\"", 0, -EINVAL, "not valid UTF-8" },		/* cut short */
		{ "\"\x80\"", 0, -EINVAL, "not valid UTF-8" },			/* stray continuation */
		{ "{} {}", 0, -EINVAL, "text after the value" },
		{ "[1] x", 0, -EINVAL, "text after the value" },
		{ "nulll", 0, -EINVAL, "text after the value" },
		{ "1 2", 0, -EINVAL, "text after the value" },
		{ "{}\0", 3, -EINVAL, "text after the value" },
		{ "\0", 1, -EINVAL, "expected a value" },
		{ "tru", 0, -EINVAL, "expected a value" },
		{ "True", 0, -EINVAL, "expected a value" },
		{ "nul", 0, -EINVAL, "expected a value" },
		{ "fals", 0, -EINVAL, "expected a value" },
		{ "'a'", 0, -EINVAL, "expected a value" },
		{ "undefined", 0, -EINVAL, "expected a value" },
		{ "]", 0, -EINVAL, "not a closing bracket" },
		{ "[1,]", 0, -EINVAL, "not a closing bracket" },
		{ "[,1]", 0, -EINVAL, "expected a value" },
		{ "[", 0, -EINVAL, "expected a value" },
		{ "[1", 0, -EINVAL, "an array is not closed" },
		{ "[1 2]", 0, -EINVAL, "expected ',' or ']' after an array element" },
		{ "[1:2]", 0, -EINVAL, "expected ',' or ']' after an array element" },
		{ "[1}", 0, -EINVAL, "expected ',' or ']' after an array element" },
		{ "{", 0, -EINVAL, "an object is not closed" },
		{ "{\"a\":1", 0, -EINVAL, "an object is not closed" },
		{ "{\"a\":1,", 0, -EINVAL, "an object is not closed" },
		{ "{\"a\"", 0, -EINVAL, "expected ':' after an object key" },
		{ "{\"a\" 1}", 0, -EINVAL, "expected ':' after an object key" },
		{ "{\"a\"=1}", 0, -EINVAL, "expected ':' after an object key" },
		{ "{\"a\":}", 0, -EINVAL, "not a closing bracket" },
		{ "{\"a\":1,}", 0, -EINVAL, "expected a key (a string) in an object" },
		{ "{a:1}", 0, -EINVAL, "expected a key (a string) in an object" },
		{ "{1:1}", 0, -EINVAL, "expected a key (a string) in an object" },
		{ "{'a':1}", 0, -EINVAL, "expected a key (a string) in an object" },
		{ "{\"a\":1 \"b\":2}", 0, -EINVAL, "expected ',' or '}' after an object member" },
		{ "{\"a\":1]", 0, -EINVAL, "expected ',' or '}' after an object member" },
		{ "{\"a\":1,\"a\":2}", 0, -EINVAL, "a key is given twice in an object" },
		{ "{\"a\":1,\"\\u0061\":2}", 0, -EINVAL, "a key is given twice in an object" },
		{ "{\"\":1,\"\":2}", 0, -EINVAL, "a key is given twice in an object" },
		{ "\"abc", 0, -EINVAL, "a string is not closed" },
		{ "\"abc\\", 0, -EINVAL, "a string is not closed" },
		{ "\"", 0, -EINVAL, "a string is not closed" },
		{ "\"a\nb\"", 0, -EINVAL, "a control character in a string" },
		{ "\"a\tb\"", 0, -EINVAL, "a control character in a string" },
		{ "\"\x1f\"", 0, -EINVAL, "a control character in a string" },
		{ "\"a\0b\"", 5, -EINVAL, "a control character in a string" },
		{ "\"\\a\"", 0, -EINVAL, "an unknown escape" },
		{ "\"\\x41\"", 0, -EINVAL, "an unknown escape" },
		{ "\"\\'\"", 0, -EINVAL, "an unknown escape" },
		{ "\"\\U0041\"", 0, -EINVAL, "an unknown escape" },
		{ "\"\\0\"", 0, -EINVAL, "an unknown escape" },
		{ "\"\\u\"", 0, -EINVAL, "\\u must be followed by 4 hex digits" },
		{ "\"\\u12\"", 0, -EINVAL, "\\u must be followed by 4 hex digits" },
		{ "\"\\u12g4\"", 0, -EINVAL, "\\u must be followed by 4 hex digits" },
		{ "\"\\u 123\"", 0, -EINVAL, "\\u must be followed by 4 hex digits" },
		{ "\"\\u123", 0, -EINVAL, "\\u must be followed by 4 hex digits" },
		{ "\"\\u0000\"", 0, -EINVAL, "\\u0000 is refused" },
		{ "{\"a\\u0000\":1}", 0, -EINVAL, "\\u0000 is refused" },
		{ "\"\\ud800\"", 0, -EINVAL, "a high surrogate (\\uD800-\\uDBFF) must be followed by a low one" },
		{ "\"\\ud800x\"", 0, -EINVAL, "must be followed by a low one" },
		{ "\"\\ud800\\n\"", 0, -EINVAL, "must be followed by a low one" },
		{ "\"\\ud800\\ud800\"", 0, -EINVAL, "must be followed by a low one" },
		{ "\"\\ud800\\u0041\"", 0, -EINVAL, "must be followed by a low one" },
		{ "\"\\ud800\\uzzzz\"", 0, -EINVAL, "\\u must be followed by 4 hex digits" },
		{ "\"\\udc00\"", 0, -EINVAL, "a lone low surrogate" },
		{ "\"\\udfff\\ud800\"", 0, -EINVAL, "a lone low surrogate" },
		{ "\f1", 0, -EINVAL, "expected a value" },			/* not JSON whitespace */
		{ "\v1", 0, -EINVAL, "expected a value" },
		{ "\xc2\xa0" "1", 0, -EINVAL, "expected a value" },		/* NBSP */
		{ "[1]\f", 0, -EINVAL, "text after the value" },
		{ "/* c */ 1", 0, -EINVAL, "expected a value" },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		int n = jp_parse(cases[i].text, len, nodes, MAXN, arena, ARENA, &why);

		CHECK(n == cases[i].rc && strstr(why, cases[i].why) != NULL,
		    "error case %zu refused with '%s' (got %d '%s')", i, cases[i].why, n, why);
	}
	CHECK_EQ_INT(-EINVAL, jp_parse("x", 1, nodes, MAXN, arena, ARENA, NULL), "why may be NULL");
	CHECK_EQ_INT(1, jp_parse("1", 1, nodes, MAXN, arena, ARENA, NULL), "also on success");
	CHECK_EQ_INT(1, parse(" \t\r\n[ \t\r\n] \t\r\n"), "the four whitespace bytes anywhere");
	CHECK_EQ_INT(3, parse("{ \"a\" : [ 1 , 2 ] }") - 1, "around every token");
}

/* Text of depth d: d arrays inside one another. */
static char *
nested(int d, const char *open, const char *close, const char *inner)
{
	size_t lo = strlen(open), lc = strlen(close), li = strlen(inner);
	char *s = malloc((size_t)d * (lo + lc) + li + 1), *p = s;

	for (int i = 0; i < d; i++, p += lo)
		memcpy(p, open, lo);
	memcpy(p, inner, li);
	p += li;
	for (int i = 0; i < d; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	return s;
}

static void
test_limits(void)
{
	static const char *const texts[] = {
		"1", "[]", "[1]", "[1,2]", "[[],[]]", "[[1],[1]]", "{\"a\":1}", "{\"\":1,\"b\":[0]}",
		"\"\"", "\"x\"", "[\"\",\"\"]", "\"\\u00e9\\ud83c\\udf0a\"", "[0,0,0,0,0,0,0,0,0,0]",
		"123456789", "[-1.5e-300,[{}]]", "{\"k\":{\"k\":{\"k\":{}}}}",
	};
	char *s;
	int n;

	s = nested(JP_MAX_DEPTH, "[", "]", "");
	CHECK_EQ_INT(JP_MAX_DEPTH, parse(s), "%d arrays inside one another are read", JP_MAX_DEPTH);
	free(s);
	s = nested(JP_MAX_DEPTH + 1, "[", "]", "");
	n = parse(s);
	CHECK(n == -ENOSPC && strstr(why, "nested too deep") != NULL, "%d are refused: %s",
	    JP_MAX_DEPTH + 1, why);
	free(s);
	s = nested(JP_MAX_DEPTH, "{\"a\":", "}", "1");
	CHECK_EQ_INT(JP_MAX_DEPTH + 1, parse(s), "%d objects inside one another", JP_MAX_DEPTH);
	free(s);
	s = nested(JP_MAX_DEPTH + 1, "{\"a\":", "}", "1");
	CHECK_EQ_INT(-ENOSPC, parse(s), "one more is refused");
	free(s);
	s = nested(JP_MAX_DEPTH - 1, "[", "]", "[[]]");
	CHECK_EQ_INT(-ENOSPC, parse(s), "depth counts containers wherever they are");
	free(s);
	s = nested(5000, "[", "]", "");
	CHECK_EQ_INT(-ENOSPC, parse(s), "5000 deep is refused at once (no deep recursion)");
	free(s);

	/* Nodes. */
	CHECK_EQ_INT(4, jp_parse("[1,2,3]", 7, nodes, 4, arena, ARENA, &why), "4 nodes for [1,2,3]");
	n = jp_parse("[1,2,3]", 7, nodes, 3, arena, ARENA, &why);
	CHECK(n == -ENOSPC && strstr(why, "more values than nodes") != NULL, "3 are too few: %s", why);
	CHECK_EQ_INT(-ENOSPC, jp_parse("1", 1, nodes, 0, arena, ARENA, &why), "0 nodes: nothing fits");
	/* Arena: "ab" and "c" take 3 + 2 bytes with their NULs. */
	CHECK_EQ_INT(3, jp_parse("[\"ab\",\"c\"]", 10, nodes, MAXN, arena, 5, &why), "arena exactly");
	n = jp_parse("[\"ab\",\"c\"]", 10, nodes, MAXN, arena, 4, &why);
	CHECK(n == -ENOSPC && strstr(why, "arena is full") != NULL, "a byte short: %s", why);
	CHECK_EQ_INT(-ENOSPC, jp_parse("{\"key\":1}", 9, nodes, MAXN, arena, 3, &why),
	    "keys take arena space too");
	CHECK_EQ_INT(1, jp_parse("[]", 2, nodes, 1, NULL, 0, &why), "no strings: no arena needed");
	CHECK_EQ_INT(2, jp_parse("[1.5]", 5, nodes, 2, NULL, 0, &why),
	    "a short number needs no arena");

	/* A valid text needs no more than (len + 1) / 2 nodes and len + 1 arena bytes. */
	for (size_t i = 0; i < NELEM(texts); i++) {
		size_t len = strlen(texts[i]);

		n = jp_parse(texts[i], len, nodes, (len + 1) / 2, arena, len + 1, &why);
		CHECK(n > 0, "(len+1)/2 nodes and len+1 bytes suffice for %s (%d %s)", texts[i], n,
		    why);
	}
	/*
	 * Any text, JP_NODES_FOR(len): containers left open, each with a child,
	 * take a byte a value, yet the text is found wrong, not too big.
	 */
	for (int open = 1; open < JP_MAX_DEPTH; open++) {
		char *t = nested(open, "[", "", "[0,0,0,0");
		size_t len = strlen(t);

		n = jp_parse(t, len, nodes, JP_NODES_FOR(len), arena, len + 1, &why);
		CHECK(n == -EINVAL && strstr(why, "not closed") != NULL,
		    "%d arrays left open: -EINVAL within JP_NODES_FOR (%d %s)", open, n, why);
		free(t);
	}
}

static void
test_tree(void)
{
	const char *s = "x";
	double d = 1;
	bool b = false;
	const struct jp_node *o, *c;
	int n;

	n = parse("{\"cmd\":\"ack\",\"alert\":\"sonde.ph/value\",\"n\":2.5,\"on\":true,\"z\":null,"
	    "\"list\":[1,[2],{\"k\":\"v\"}],\"e\":{}}");
	CHECK_EQ_INT(13, n, "13 values");
	o = &nodes[0];
	CHECK(o->type == JP_OBJECT && o->len == 7 && o->key == NULL && o->next == -1,
	    "the root is an object of 7, without key or sibling");
	CHECK(jp_get_string(nodes, o, "cmd", &s) == 0 && strcmp(s, "ack") == 0, "string member");
	CHECK(jp_get_string(nodes, o, "alert", &s) == 0 && strcmp(s, "sonde.ph/value") == 0,
	    "another");
	CHECK(jp_get_number(nodes, o, "n", &d) == 0 && d == 2.5, "number member");
	CHECK(jp_get_bool(nodes, o, "on", &b) == 0 && b, "bool member");
	CHECK(jp_get(nodes, o, "z") != NULL && jp_get(nodes, o, "z")->type == JP_NULL, "null member");
	s = "kept";
	CHECK_EQ_INT(-ENOENT, jp_get_string(nodes, o, "missing", &s), "a missing member: -ENOENT");
	CHECK_EQ_INT(-EINVAL, jp_get_string(nodes, o, "n", &s), "a number is not a string: -EINVAL");
	CHECK_EQ_INT(-EINVAL, jp_get_string(nodes, o, "z", &s), "nor is null");
	CHECK_EQ_STR("kept", s, "*ret is left alone on failure");
	CHECK_EQ_INT(-EINVAL, jp_get_number(nodes, o, "cmd", &d), "a string is not a number");
	CHECK_EQ_INT(-EINVAL, jp_get_bool(nodes, o, "n", &b), "a number is not a bool");
	CHECK_EQ_INT(-ENOENT, jp_get_bool(nodes, o, "On", &b), "keys are case-sensitive");
	CHECK(jp_get(nodes, o, "alert\0x") != NULL, "lookup by C string");
	CHECK(jp_get(nodes, o, "aler") == NULL && jp_get(nodes, o, "alertx") == NULL,
	    "no prefix matches");
	c = jp_get(nodes, o, "list");
	CHECK(c != NULL && c->type == JP_ARRAY && c->len == 3, "list: an array of 3");
	CHECK(jp_get(nodes, c, "k") == NULL, "jp_get on an array is NULL");
	CHECK_EQ_INT(-ENOENT, jp_get_string(nodes, c, "k", &s), "and typed lookups -ENOENT");
	CHECK(jp_get(nodes, NULL, "k") == NULL && jp_child(nodes, NULL) == NULL &&
	    jp_next(nodes, NULL) == NULL, "NULL nodes are no trouble");
	c = jp_child(nodes, c);
	CHECK(c->num == 1 && c->key == NULL, "list[0]");
	c = jp_next(nodes, c);
	CHECK(c->type == JP_ARRAY && jp_child(nodes, c)->num == 2, "list[1][0]");
	c = jp_next(nodes, c);
	CHECK(jp_get_string(nodes, c, "k", &s) == 0 && strcmp(s, "v") == 0, "list[2].k");
	CHECK(jp_next(nodes, c) == NULL, "list ends");
	c = jp_get(nodes, o, "e");
	CHECK(c->type == JP_OBJECT && c->len == 0 && jp_child(nodes, c) == NULL, "an empty object");
	CHECK(jp_child(nodes, jp_get(nodes, o, "cmd")) == NULL, "a string has no children");
	/* Document order: every child comes after its parent. */
	n = 0;
	for (int i = 0; i < 13; i++)
		if ((nodes[i].child >= 0 && nodes[i].child <= i) ||
		    (nodes[i].next >= 0 && nodes[i].next <= i))
			n++;
	CHECK_EQ_INT(0, n, "children and siblings come later in the array");
	CHECK_EQ_STR("null", jp_type_name(JP_NULL), "type names");
	CHECK_EQ_STR("boolean", jp_type_name(JP_BOOL), "boolean");
	CHECK_EQ_STR("object", jp_type_name(JP_OBJECT), "object");
	CHECK_EQ_STR("?", jp_type_name((enum jp_type)99), "out of range");
}

/* What json.c writes reads back as what it was given. */
static void
test_round_trip(void)
{
	static const char *const strings[] = {
		"", "[pH]", "\xc2\xb5S/cm", "mg/L as CaCO3", "a\"b\\c", "line\nbreak\r\ttab",
		"\x01\x1f\x7f", "/ stays", "Lago Poop\xc3\xb3", "\xf0\x9f\x8c\x8a", "\\u0041",
		"\b\f", "\"\"\"", "}{][,:", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf", "sonde.ph/value",
	};
	static const double numbers[] = {
		0.0, -0.0, 8.41, 0.1, 17.625, -0.5, 1e300, -1e-300, 5e-324, DBL_MAX, -DBL_MAX,
		DBL_MIN, 1e15, 1e21, 9007199254740993.0, 0.30000000000000004, 41325.375, 100000,
	};
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < NELEM(strings); i++) {
		sb_reset(&sb);
		sb_appends(&sb, "{");
		json_string(&sb, strings[i]);
		sb_appends(&sb, ":");
		json_string(&sb, strings[i]);
		sb_appends(&sb, "}");
		CHECK(jp_parse(sb.data, sb.len, nodes, MAXN, arena, ARENA, &why) == 2 &&
		    strcmp(nodes[1].key, strings[i]) == 0 && strcmp(nodes[1].str, strings[i]) == 0 &&
		    nodes[1].len == strlen(strings[i]), "json_string of string %zu reads back (%s)",
		    i, sb.data);
	}
	for (size_t i = 0; i < NELEM(numbers); i++) {
		sb_reset(&sb);
		json_number(&sb, numbers[i]);
		CHECK(jp_parse(sb.data, sb.len, nodes, MAXN, arena, ARENA, &why) == 1 &&
		    memcmp(&nodes[0].num, &numbers[i], sizeof(double)) == 0,
		    "json_number %s reads back bit for bit", sb.data);
	}
	sb_free(&sb);
}

int
main(void)
{
	test_rfc_examples();
	test_escapes();
	test_numbers();
	test_locale();
	test_errors();
	test_limits();
	test_tree();
	test_round_trip();
	return tap_done();
}
