/* SPDX-License-Identifier: MIT */
/*
 * Shortest round-trip formatting of doubles (see numfmt.h).  printf's %.15g
 * is tried first, then 16 and 17 digits, until strtod gives back the same
 * bits; 17 digits always do for an IEEE 754 double.  Starting at 15 loses
 * nothing: when the shortest text S that reads back has p <= 15 digits, v
 * is within half an ulp of S, and 15-digit decimals lie further apart than
 * an ulp (10^15 < 2^53), so S padded with zeros is the 15-digit decimal
 * nearest v, which %.15g prints, trailing zeros dropped: S itself.  So a
 * value costs one snprintf/strtod pair, at most three (every reading sent
 * over MQTT and to InfluxDB goes through here).  Subnormals, which carry
 * fewer bits, are searched from one digit up.
 *
 * printf and strtod follow LC_NUMERIC, and a locale with a decimal comma
 * would corrupt the line protocol.  So both run under a C locale of their
 * own, made once (pthread_once) and switched to with uselocale() for the
 * calling thread only: nothing the rest of the process does with setlocale
 * changes the output, and threads do not disturb one another.
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

/* %g prints integers below 10^15 without an exponent given the precision. */
#define WHOLE_DIGITS	15

static pthread_once_t	 c_once = PTHREAD_ONCE_INIT;
static locale_t		 c_locale = (locale_t)0;

static void
make_c_locale(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* Whether text reads back as exactly the bits of v (so -0 is not 0). */
static bool
reads_back(const char *text, double v)
{
	double back = strtod(text, NULL);

	return memcmp(&back, &v, sizeof(v)) == 0;
}

/*
 * A whole number below 10^15 (what integer registers give), as %g with
 * enough digits would write it: its digits, no exponent.  No printf.
 */
static int
whole(char *buf, size_t len, double v)
{
	char digits[16];
	uint64_t u = (uint64_t)fabs(v);
	int k = 0, n;

	do {
		digits[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	n = k + (v < 0);
	if ((size_t)n >= len)
		return -ENOSPC;
	if (v < 0)
		*buf++ = '-';
	while (k > 0)
		*buf++ = digits[--k];
	*buf = '\0';
	return n;
}

int
numfmt_double(char *buf, size_t len, double v)
{
	char tmp[NUMFMT_DOUBLE_MAX];
	locale_t saved;
	const char *e;
	int n = -1, prec;

	if (len > 0)
		buf[0] = '\0';
	if (!isfinite(v))
		return -EDOM;
	if (v == trunc(v) && fabs(v) < 1e15 && !(v == 0 && signbit(v)))
		return whole(buf, len, v);
	pthread_once(&c_once, make_c_locale);
	if (c_locale == (locale_t)0)
		return -ENOMEM;
	saved = uselocale(c_locale);
	/* A subnormal has fewer bits than 15 digits: search it from 1 digit. */
	for (prec = fabs(v) < DBL_MIN && v != 0 ? 1 : 15; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (n > 0 && (size_t)n < sizeof(tmp) && reads_back(tmp, v))
			break;
	}
	/*
	 * A whole number %g gave an exponent only because it has fewer
	 * significant digits than places ("2e+01"): write its places out.
	 * Below 10^15 it is an exact integer, so the digits stay the same.
	 */
	if (prec <= 17 && (e = strchr(tmp, 'e')) != NULL) {
		long exp10 = strtol(e + 1, NULL, 10);

		if (exp10 >= prec && exp10 < WHOLE_DIGITS)
			n = snprintf(tmp, sizeof(tmp), "%.*g", (int)exp10 + 1, v);
	}
	uselocale(saved);
	if (prec > 17 || n <= 0 || (size_t)n >= sizeof(tmp))
		return -ERANGE;		/* not for an IEEE 754 double */
	if ((size_t)n >= len)
		return -ENOSPC;
	memcpy(buf, tmp, (size_t)n + 1);
	return n;
}

double
numfmt_strtod(const char *s, char **end, int *err)
{
	locale_t saved;
	double v;

	if (err != NULL)
		*err = 0;
	pthread_once(&c_once, make_c_locale);
	if (c_locale == (locale_t)0) {
		if (err != NULL)
			*err = -ENOMEM;
		if (end != NULL)
			*end = (char *)(uintptr_t)s;
		return 0.0;
	}
	saved = uselocale(c_locale);
	v = strtod(s, end);
	uselocale(saved);
	return v;
}

double
numfmt_float_value(float f)
{
	char tmp[32];
	locale_t saved;
	double v = (double)f;

	if (!isfinite(f))
		return v;
	pthread_once(&c_once, make_c_locale);
	if (c_locale == (locale_t)0)
		return v;
	saved = uselocale(c_locale);
	/* 9 significant digits always read back a float; fewer often do. */
	for (int prec = 1; prec <= 9; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, (double)f);
		if (strtof(tmp, NULL) == f) {
			v = strtod(tmp, NULL);
			break;
		}
	}
	uselocale(saved);
	return v;
}
