/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for numfmt: known values with their exact text, NaN and the
 * infinities, buffers too small by one and just large enough, and random
 * doubles (every bit pattern, and sensor-like decimals; fixed seed) that
 * must read back to the same bits, be JSON numbers, and need every digit
 * they have.  Then the same text under a locale with a decimal comma, set
 * for the process and for one thread, when such a locale is installed (the
 * check is skipped otherwise), and from several threads at once.
 */
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	double		 v;
	const char	*want;
} known[] = {
	{ 0.1, "0.1" },
	{ 17.625, "17.625" },
	{ -17.625, "-17.625" },
	{ 1e300, "1e+300" },
	{ -1e300, "-1e+300" },
	{ 5e-324, "5e-324" },
	{ -5e-324, "-5e-324" },
	{ 0.0, "0" },
	{ -0.0, "-0" },
	{ 1 / 3.0, "0.3333333333333333" },
	{ 2 / 3.0, "0.6666666666666666" },
	{ DBL_MAX, "1.7976931348623157e+308" },
	{ -DBL_MAX, "-1.7976931348623157e+308" },
	{ DBL_MIN, "2.2250738585072014e-308" },
	{ 123456789012345678.0, "1.2345678901234568e+17" },
	{ 0.1 + 0.2, "0.30000000000000004" },
	{ 1.0, "1" },
	{ -1.0, "-1" },
	{ 1.5, "1.5" },
	{ 20.0, "20" },
	{ 100.0, "100" },
	{ 65535.0, "65535" },
	{ -32768.0, "-32768" },
	{ 4294967296.0, "4294967296" },
	{ 6632243.0, "6632243" },
	{ 100000.0, "100000" },
	{ 1e14, "100000000000000" },
	{ 999999999999999.0, "999999999999999" },
	{ 1e15, "1e+15" },
	{ 9007199254740992.0, "9007199254740992" },
	{ 1e21, "1e+21" },
	{ 0.001, "0.001" },
	{ 0.0001, "0.0001" },
	{ 0.00001, "1e-05" },
	{ 1e-7, "1e-07" },
	{ -0.64, "-0.64" },
	{ 12.1, "12.1" },
	{ 7.25, "7.25" },		/* a pH */
	{ 1234.5, "1234.5" },		/* a conductivity, uS/cm */
	{ 123456.7, "123456.7" },
	{ 3.14159, "3.14159" },
	{ 2.718281828459045, "2.718281828459045" },
	{ 0x1p-1022 * 0.5, "1.1125369292536007e-308" },	/* a subnormal */
	{ 9.999999999999999e22, "1e+23" },
};

static uint64_t rng = 0x13198a2e03707344ULL;

static bool
same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and nothing else. */
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

/* The significant digits of a %g text: no sign, point, exponent, or outer zeros. */
static int
sig_digits(const char *s)
{
	char d[32];
	size_t n = 0, a = 0;

	for (; *s != '\0' && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9' && n < sizeof(d))
			d[n++] = *s;
	while (a < n && d[a] == '0')
		a++;
	while (n > a && d[n - 1] == '0')
		n--;
	return n > a ? (int)(n - a) : 1;
}

/* What is wrong with buf as the text of v, or NULL. */
static const char *
judge(double v, const char *buf, int rc)
{
	char tmp[64];
	int digits;

	if (rc <= 0 || (size_t)rc != strlen(buf))
		return "return is not the length";
	if (!same_bits(strtod(buf, NULL), v))
		return "does not read back";
	if (!json_number(buf))
		return "not a JSON number";
	digits = sig_digits(buf);
	for (int p = 1; p < digits; p++) {
		int k = snprintf(tmp, sizeof(tmp), "%.*g", p, v);

		if (k > 0 && (size_t)k < sizeof(tmp) && same_bits(strtod(tmp, NULL), v))
			return "a shorter text reads back";
	}
	return NULL;
}

static void
test_known(void)
{
	char buf[NUMFMT_DOUBLE_MAX];

	for (size_t i = 0; i < NELEM(known); i++) {
		int rc = numfmt_double(buf, sizeof(buf), known[i].v);
		const char *bad = judge(known[i].v, buf, rc);

		CHECK_EQ_STR(known[i].want, buf, "%.17g", known[i].v);
		CHECK(bad == NULL, "%s: %s", known[i].want, bad ? bad : "reads back, shortest");
	}
}

static void
test_errors(void)
{
	static const double bad[] = { NAN, -NAN, INFINITY, -INFINITY };
	static const char *const names[] = { "NaN", "-NaN", "inf", "-inf" };
	char buf[NUMFMT_DOUBLE_MAX];

	for (size_t i = 0; i < NELEM(bad); i++) {
		memcpy(buf, "junk", 5);
		CHECK_EQ_INT(-EDOM, numfmt_double(buf, sizeof(buf), bad[i]), "%s is -EDOM", names[i]);
		CHECK_EQ_STR("", buf, "%s leaves \"\"", names[i]);
	}

	/* "17.625" is 6 bytes and its NUL. */
	memcpy(buf, "junk", 5);
	CHECK_EQ_INT(-ENOSPC, numfmt_double(buf, 6, 17.625), "6 bytes for \"17.625\": -ENOSPC");
	CHECK_EQ_STR("", buf, "and \"\"");
	CHECK_EQ_INT(6, numfmt_double(buf, 7, 17.625), "7 bytes are enough");
	CHECK_EQ_STR("17.625", buf, "and hold it");
	CHECK_EQ_INT(-ENOSPC, numfmt_double(buf, 1, 0.0), "1 byte for \"0\": -ENOSPC");
	CHECK_EQ_INT(-ENOSPC, numfmt_double(NULL, 0, 0.0), "0 bytes: -ENOSPC, buf untouched");
	CHECK_EQ_INT(-EDOM, numfmt_double(NULL, 0, NAN), "-EDOM before -ENOSPC");
	CHECK_EQ_INT(-ENOSPC, numfmt_double(buf, 24, -DBL_MAX), "24 bytes for -DBL_MAX: -ENOSPC");
	CHECK_EQ_INT(24, numfmt_double(buf, 25, -DBL_MAX), "25 are enough");
}

/* Random doubles: any bit pattern, and decimals like sensors give. */
static void
test_random(void)
{
	char buf[NUMFMT_DOUBLE_MAX];
	long n = 0, nbad = 0;
	const char *first = NULL;
	double first_v = 0;

	for (int i = 0; i < 20000; i++) {
		uint64_t bits = tap_rand(&rng);
		double v;
		const char *bad;

		if (i % 2 == 0) {
			memcpy(&v, &bits, sizeof(v));
			if (!isfinite(v))
				continue;
		} else {
			static const double scale[] = { 1, 10, 100, 1000, 10000, 1e6 };

			v = (double)(int64_t)(bits % 2000001 - 1000000) / scale[(bits >> 32) % 6];
		}
		n++;
		bad = judge(v, buf, numfmt_double(buf, sizeof(buf), v));
		if (bad != NULL && nbad++ == 0) {
			first = bad;
			first_v = v;
		}
	}
	CHECK(nbad == 0, "%ld random doubles read back, as JSON numbers, shortest (%ld bad%s%s "
	    "%.17g)", n, nbad, first ? ", first: " : "", first ? first : "", first_v);
}

/* A locale whose decimal point is a comma, set for LC_NUMERIC; NULL if none. */
static const char *
set_comma_locale(void)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "es_BO.UTF-8", "es_BO.utf8", "es_ES.UTF-8",
		"fr_FR.UTF-8", "pt_BR.UTF-8", "nl_NL.UTF-8", "it_IT.UTF-8", "ru_RU.UTF-8",
		"de_DE", "fr_FR", "es_ES",
	};

	for (size_t i = 0; i < NELEM(names); i++)
		if (setlocale(LC_NUMERIC, names[i]) != NULL) {
			if (strcmp(localeconv()->decimal_point, ",") == 0)
				return names[i];
			setlocale(LC_NUMERIC, "C");
		}
	return NULL;
}

static void
skip(const char *what, const char *why)
{
	tap_count++;
	printf("ok %d - %s # SKIP %s\n", tap_count, what, why);
}

struct worker {
	const char	*locale;	/* for the thread alone, or NULL */
	long		 bad;
};

static void *
worker(void *arg)
{
	struct worker *w = arg;
	locale_t loc = (locale_t)0, old = (locale_t)0;
	char buf[NUMFMT_DOUBLE_MAX];

	if (w->locale != NULL) {
		loc = newlocale(LC_NUMERIC_MASK, w->locale, (locale_t)0);
		if (loc == (locale_t)0) {
			w->bad++;
			return NULL;
		}
		old = uselocale(loc);
	}
	for (size_t r = 0; r < 200; r++)
		for (size_t i = 0; i < NELEM(known); i++)
			if (numfmt_double(buf, sizeof(buf), known[i].v) < 0 ||
			    strcmp(buf, known[i].want) != 0)
				w->bad++;
	if (loc != (locale_t)0) {
		/* The thread's own locale is back after the calls. */
		snprintf(buf, sizeof(buf), "%.1f", 1.5);
		if (strcmp(buf, "1,5") != 0)
			w->bad++;
		uselocale(old);
		freelocale(loc);
	}
	return NULL;
}

static void
run_threads(const char *locale, const char *what)
{
	pthread_t t[4];
	struct worker w[4];
	long bad = 0;

	for (int i = 0; i < 4; i++) {
		w[i].locale = i % 2 ? locale : NULL;
		w[i].bad = 0;
		if (pthread_create(&t[i], NULL, worker, &w[i]) != 0)
			w[i].bad = 1000000;
	}
	for (int i = 0; i < 4; i++) {
		if (w[i].bad < 1000000)
			pthread_join(t[i], NULL);
		bad += w[i].bad;
	}
	CHECK_EQ_INT(0, bad, "%s", what);
}

static void
test_locale(void)
{
	const char *name;
	char buf[NUMFMT_DOUBLE_MAX];
	long bad = 0;

	CHECK(uselocale((locale_t)0) == LC_GLOBAL_LOCALE,
	    "after all those calls this thread is on the global locale again");
	name = set_comma_locale();
	if (name == NULL) {
		skip("'.' under a process locale with a decimal comma",
		    "no locale with a decimal comma is installed");
		skip("'.' under a thread locale with a decimal comma",
		    "no locale with a decimal comma is installed");
		run_threads(NULL, "4 threads at once give the same text");
		return;
	}
	snprintf(buf, sizeof(buf), "%.1f", 1.5);
	CHECK_EQ_STR("1,5", buf, "%s is in force for printf", name);
	for (size_t i = 0; i < NELEM(known); i++)
		if (numfmt_double(buf, sizeof(buf), known[i].v) < 0 ||
		    strcmp(buf, known[i].want) != 0)
			bad++;
	CHECK_EQ_INT(0, bad, "'.' under the process locale %s: every known value the same", name);
	CHECK_EQ_INT(6, numfmt_double(buf, sizeof(buf), 17.625), "17.625 under %s", name);
	CHECK_EQ_STR("17.625", buf, "is \"17.625\"");
	snprintf(buf, sizeof(buf), "%.1f", 1.5);
	CHECK_EQ_STR("1,5", buf, "and the process locale is still %s", name);
	setlocale(LC_NUMERIC, "C");
	run_threads(name, "'.' under a thread locale with a decimal comma, 4 threads at once");
}

/* A float stands for its shortest decimal, which reads back as the same float. */
static void
test_float_value(void)
{
	static const struct {
		float f;
		double want;
	} cases[] = {
		{ 9.2f, 9.2 }, { 0.1f, 0.1 }, { 17.625f, 17.625 }, { -0.5f, -0.5 },
		{ 41325.375f, 41325.375 }, { 1e-45f, 1e-45 }, { 3.4028235e38f, 3.4028235e38 },
		{ 16.4f, 16.4 }, { 0.0f, 0.0 },
	};
	uint64_t seed = 0x243f6a8885a308d3ULL;
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_EQ_DBL(cases[i].want, numfmt_float_value(cases[i].f), 0, "float %.9g",
		    (double)cases[i].f);
	CHECK(signbit(numfmt_float_value(-0.0f)), "-0 keeps its sign");
	CHECK(isnan(numfmt_float_value(NAN)), "NaN stays NaN");
	CHECK(isinf(numfmt_float_value(-INFINITY)) && numfmt_float_value(-INFINITY) < 0,
	    "-Inf stays -Inf");
	for (int i = 0; i < 100000; i++) {
		uint32_t bits = (uint32_t)tap_rand(&seed);
		float f;

		memcpy(&f, &bits, sizeof(f));
		if (isfinite(f) && (float)numfmt_float_value(f) != f)
			bad++;
	}
	CHECK_EQ_INT(0, bad, "100000 random floats read back as themselves");
}

int
main(void)
{
	test_float_value();
	test_known();
	test_errors();
	test_random();
	test_locale();
	return tap_done();
}
