/* SPDX-License-Identifier: MIT */
/*
 * Doubles as text for other programs: the InfluxDB line protocol and JSON
 * payloads.  Pure: no I/O, no logging, and the same output whatever locale
 * the process or the thread is in.
 */
#ifndef LW_NUMFMT_H
#define LW_NUMFMT_H

#include <stddef.h>

/* Enough for any finite double ("-2.2250738585072014e-308") and its NUL. */
#define NUMFMT_DOUBLE_MAX	32

/*
 * Write v into buf as the shortest decimal that reads back (strtod) as the
 * very same double: the fewest significant digits, 1 to 17, that
 * round-trip, so 0.1 is "0.1", 17.625 "17.625" and 1/3.0
 * "0.3333333333333333".  The form is printf's %g: an exponent for large
 * and small magnitudes ("1e+300", "5e-324", "1e-05") but whole numbers
 * below 10^15 written out ("20", "100000", not "2e+01").  The sign of zero
 * is kept ("-0").  The decimal separator is always '.', there is never a
 * leading or trailing '.', never a '+' before the number, so the text is
 * both an InfluxDB float and a JSON number.
 *
 * Returns the length (NUL not counted); -EDOM for NaN and the infinities,
 * which neither format has; -ENOSPC when buf cannot hold the text and its
 * NUL (buf is then "" if len > 0); -ENOMEM if the C locale could not be set
 * up.  NUMFMT_DOUBLE_MAX bytes are always enough.  Thread-safe.
 */
int	 numfmt_double(char *buf, size_t len, double v);

/*
 * The double a float stands for: the shortest decimal that reads back as the
 * same float, as a double.  A sensor that sends 9.2 as an IEEE 754 single
 * means 9.2, not 9.19999980926513671875, its exact value; this is what every
 * output then shows.  NaN and the infinities stay what they are.
 */
double	 numfmt_float_value(float f);

/*
 * strtod(s, end) in the C locale whatever the process's (a decimal point,
 * never a comma).  errno as strtod's; -ENOMEM in *err (NULL allowed) when
 * no C locale could be made, which returns 0.
 */
double	 numfmt_strtod(const char *s, char **end, int *err);

#endif
