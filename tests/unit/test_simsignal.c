/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for simsignal, the simulated Lake Poopó: values are a pure
 * function of their inputs, stay in the lake's ranges for every kind of
 * point through a whole year, follow the point's unit, and have the shapes
 * the lake has (the level falls through the dry season, the water is warmest
 * in the afternoon, local time UTC-4).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <time.h>

#include "simsignal.h"
#include "tap.h"

#define HOUR_MS	3600000LL
#define DAY_MS	(24 * HOUR_MS)

/* ms since the epoch of a UTC date and hour. */
static int64_t
utc_ms(int year, int month, int day, int hour)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day,
	    .tm_hour = hour };

	return (int64_t)timegm(&tm) * 1000;
}

static double
val(uint64_t seed, const char *dev, const char *name, const char *unit, int64_t t)
{
	struct simsignal_point p = { dev, name, unit, 0.0, 0.0 };

	return simsignal_value(seed, &p, t);
}

static void
test_kinds(void)
{
	static const struct {
		const char		*name;
		enum simsignal_kind	 kind;
	} cases[] = {
		{ "temperature", SIMSIGNAL_TEMPERATURE },
		{ "water_temperature", SIMSIGNAL_TEMPERATURE },
		{ "conductivity", SIMSIGNAL_CONDUCTIVITY },
		{ "specific_conductance", SIMSIGNAL_SPECIFIC_CONDUCTANCE },
		{ "salinity", SIMSIGNAL_SALINITY },
		{ "tds", SIMSIGNAL_TDS },
		{ "ph", SIMSIGNAL_PH },
		{ "ph_mv", SIMSIGNAL_PH_MV },
		{ "orp", SIMSIGNAL_ORP },
		{ "dissolved_oxygen", SIMSIGNAL_DO },
		{ "dissolved_oxygen_saturation", SIMSIGNAL_DO_SATURATION },
		{ "turbidity", SIMSIGNAL_TURBIDITY },
		{ "depth", SIMSIGNAL_LEVEL },
		{ "water_level", SIMSIGNAL_LEVEL },
		{ "pressure", SIMSIGNAL_PRESSURE },
		{ "barometric_pressure", SIMSIGNAL_OTHER },
		{ "distance", SIMSIGNAL_DISTANCE },
		{ "resistivity", SIMSIGNAL_RESISTIVITY },
		{ "dissolved_oxygen_saturation_local", SIMSIGNAL_DO_SATURATION },
		{ "phosphate", SIMSIGNAL_OTHER },
		{ "chlorophyll", SIMSIGNAL_OTHER },
		{ "", SIMSIGNAL_OTHER },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_EQ_INT(cases[i].kind, simsignal_kind(cases[i].name),
		    "kind of '%s'", cases[i].name);
	CHECK_EQ_INT(SIMSIGNAL_OTHER, simsignal_kind(NULL), "kind of NULL");
}

static void
test_determinism(void)
{
	int64_t t = utc_ms(2026, 11, 23, 23) + 45 * 60000 + 16123;
	double a = val(1, "sonde", "ph", "[pH]", t);
	double b = val(1, "sonde", "ph", "[pH]", t);
	int differ = 0, same_bucket = 1;

	CHECK(a == b, "same seed, point and time: the same value (%.17g)", a);
	CHECK(val(1, "sonde", "ph", "[pH]", t) != val(2, "sonde", "ph", "[pH]", t),
	    "another seed gives another value");
	CHECK(val(1, "sonde", "temperature", "Cel", t) != val(1, "level", "temperature", "Cel", t),
	    "two devices measuring the same thing differ by their own noise");
	for (int64_t k = 0; k < 100; k++)
		differ += simsignal_noise(1, "sonde", "ph", k) != simsignal_noise(2, "sonde", "ph", k);
	CHECK_EQ_INT(100, differ, "noise differs between seeds in every bucket");
	CHECK(simsignal_noise(7, "a", "bc", 5) != simsignal_noise(7, "ab", "c", 5),
	    "noise keeps device and point names apart");
	/* Within one second the noise (value less the smooth truth) does not change. */
	for (int ms = 0; ms < 1000; ms += 100) {
		int64_t t0 = utc_ms(2026, 3, 1, 0);

		same_bucket &= fabs((val(3, "d", "orp", "mV", t0 + ms) -
		    simsignal_truth(SIMSIGNAL_ORP, t0 + ms)) -
		    (val(3, "d", "orp", "mV", t0) - simsignal_truth(SIMSIGNAL_ORP, t0))) < 1e-9;
	}
	CHECK(same_bucket, "the noise changes at most once a second");
}

static void
test_noise(void)
{
	double lo = 1, hi = -1, sum = 0;
	const int n = 20000;

	for (int64_t k = 0; k < n; k++) {
		double x = simsignal_noise(42, "dev", "point", k);

		lo = fmin(lo, x);
		hi = fmax(hi, x);
		sum += x;
	}
	CHECK(lo >= -1.0 && hi < 1.0, "noise stays in [-1, 1): %g..%g", lo, hi);
	CHECK(lo < -0.99 && hi > 0.99, "noise covers its range: %g..%g", lo, hi);
	CHECK(fabs(sum / n) < 0.02, "noise has mean about 0: %g", sum / n);
}

/* Every kind stays in the lake's range, sampled hourly through a year. */
static void
test_ranges(void)
{
	static const struct {
		const char	*name;
		const char	*unit;
		double		 lo, hi;
	} cases[] = {
		{ "temperature", "Cel", 8.5, 17.5 },
		{ "specific_conductance", "mS/cm", 38.0, 55.0 },
		{ "conductivity", "mS/cm", 28.0, 48.0 },
		{ "salinity", "ppt", 25.0, 36.0 },
		{ "tds", "g/L", 24.0, 36.0 },
		{ "ph", "[pH]", 8.3, 8.5 },
		{ "ph_mv", "mV", -90.0, -70.0 },
		{ "orp", "mV", 100.0, 140.0 },
		{ "dissolved_oxygen", "mg/L", 5.0, 7.0 },
		{ "dissolved_oxygen_saturation", "%", 74.0, 96.0 },
		{ "turbidity", "NTU", 33.0, 60.0 },
		{ "depth", "m", 0.7, 1.65 },
		{ "pressure", "bar", 0.07, 0.17 },
		{ "distance", "m", 2.35, 3.3 },
		{ "resistivity", "ohm.cm", 20.0, 36.0 },
		{ "chlorophyll", "ug/L", 24.5, 75.5 },	/* no rated range: 0..100 */
	};
	int64_t t0 = utc_ms(2026, 1, 1, 0);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double lo = INFINITY, hi = -INFINITY;

		for (int64_t h = 0; h < 366 * 24; h++) {
			double v = val(1, "sonde", cases[i].name, cases[i].unit, t0 + h * HOUR_MS + 1234);

			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
		CHECK(lo >= cases[i].lo && hi <= cases[i].hi,
		    "%s over a year in %s: %.4g..%.4g within %.4g..%.4g",
		    cases[i].name, cases[i].unit, lo, hi, cases[i].lo, cases[i].hi);
	}
}

static void
test_rated_range(void)
{
	struct simsignal_point cheap = { "ec", "conductivity", "uS/cm", 0.0, 20000.0 };
	struct simsignal_point other = { "x", "signal_quality", "dB", 10.0, 30.0 };
	int64_t t0 = utc_ms(2026, 7, 1, 0);
	double lo = INFINITY, hi = -INFINITY;

	CHECK_EQ_DBL(20000.0, simsignal_value(1, &cheap, t0), 0.0,
	    "a 0-20 mS/cm probe in the lake reads its full scale");
	for (int64_t h = 0; h < 48; h++) {
		double v = simsignal_value(5, &other, t0 + h * HOUR_MS);

		lo = fmin(lo, v);
		hi = fmax(hi, v);
	}
	CHECK(lo >= 14.5 && hi <= 25.5 && hi - lo > 8.0,
	    "an unknown point swings slowly in the middle of its rated range: %g..%g", lo, hi);
}

static void
test_units(void)
{
	static const struct {
		const char	*name;
		const char	*base;
		const char	*other;
		double		 factor;
		double		 add;
	} cases[] = {
		{ "conductivity", "mS/cm", "uS/cm", 1000.0, 0.0 },
		{ "specific_conductance", "mS/cm", "uS/cm", 1000.0, 0.0 },
		{ "tds", "g/L", "mg/L", 1000.0, 0.0 },
		{ "depth", "m", "cm", 100.0, 0.0 },
		{ "pressure", "bar", "mbar", 1000.0, 0.0 },
		{ "temperature", "Cel", "K", 1.0, 273.15 },
		{ "temperature", "Cel", "[degF]", 1.8, 32.0 },
		{ "dissolved_oxygen_saturation", "%", "1", 0.01, 0.0 },
	};
	int64_t t = utc_ms(2026, 11, 23, 20);
	double v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double a = val(9, "dev", cases[i].name, cases[i].base, t);
		double b = val(9, "dev", cases[i].name, cases[i].other, t);

		CHECK_EQ_DBL(a * cases[i].factor + cases[i].add, b, 1e-9 * fabs(b),
		    "%s in %s is %s converted", cases[i].name, cases[i].other, cases[i].base);
	}
	CHECK(val(1, "c", "conductivity", "uS/cm", t) > 20000.0,
	    "conductivity in uS/cm is in the tens of thousands");
	CHECK_EQ_INT(-ENOENT, simsignal_convert(SIMSIGNAL_PH, 8.4, "furlong", &v), "unknown unit");
	CHECK_EQ_DBL(8.4, v, 0.0, "an unknown unit leaves the base value");
	CHECK_EQ_INT(0, simsignal_convert(SIMSIGNAL_LEVEL, 1.5, "mm", &v), "mm is a length unit");
	CHECK_EQ_DBL(1500.0, v, 1e-9, "1.5 m is 1500 mm");
}

static void
test_level(void)
{
	int64_t june1 = utc_ms(2026, 6, 1, 12);
	double prev = simsignal_level_m(june1);
	int falling = 1;

	for (int d = 1; d <= 120; d++) {
		double l = simsignal_level_m(june1 + d * DAY_MS);

		falling &= l < prev;
		prev = l;
	}
	CHECK(falling, "the level falls every day of the dry season (June to September)");
	CHECK_EQ_DBL(-0.030, simsignal_level_m(june1 + 10 * DAY_MS) - simsignal_level_m(june1), 1e-6,
	    "the level falls 3 mm a day");
	CHECK_EQ_DBL(SIMSIGNAL_LEVEL_PEAK_M, simsignal_level_m(utc_ms(2026, 4, 1, 0)), 0.01,
	    "the level peaks at the end of the wet season");
	CHECK(simsignal_level_m(utc_ms(2026, 2, 15, 0)) > simsignal_level_m(utc_ms(2026, 1, 15, 0)),
	    "the wet season refills the lake");
	CHECK_EQ_DBL(simsignal_level_m(utc_ms(2026, 12, 31, 23)), simsignal_level_m(utc_ms(2027, 1, 1, 1)),
	    0.001, "no jump at the new year");
	CHECK(val(1, "lvl", "depth", "m", june1 + 30 * DAY_MS) <
	    val(1, "lvl", "depth", "m", june1) - 0.07, "a depth point follows the level");
	/* Quantities derived from the level agree with it. */
	CHECK_EQ_DBL(SIMSIGNAL_RADAR_MOUNT_M, simsignal_truth(SIMSIGNAL_DISTANCE, june1) +
	    simsignal_truth(SIMSIGNAL_LEVEL, june1), 1e-12, "radar distance is the mount height less the level");
	CHECK_EQ_DBL(0.10003 * simsignal_level_m(june1), simsignal_truth(SIMSIGNAL_PRESSURE, june1), 1e-12,
	    "gauge pressure is about 0.1 bar per metre of brine");
	CHECK(simsignal_truth(SIMSIGNAL_SPECIFIC_CONDUCTANCE, utc_ms(2026, 12, 15, 0)) >
	    simsignal_truth(SIMSIGNAL_SPECIFIC_CONDUCTANCE, utc_ms(2026, 4, 15, 0)),
	    "the brine is saltier when the lake is low");
}

static void
test_temperature(void)
{
	int64_t day = utc_ms(2026, 11, 23, 4);	/* local midnight */
	double best = -INFINITY, best_h = -1, night = 0, afternoon = 0;

	for (int m = 0; m < 24 * 60; m += 10) {
		double v = simsignal_truth(SIMSIGNAL_TEMPERATURE, day + m * 60000LL);

		if (v > best) {
			best = v;
			best_h = m / 60.0;
		}
	}
	CHECK(best_h >= 13.0 && best_h <= 17.0, "warmest at %.2f h local time (mid-afternoon)", best_h);
	for (int h = 0; h < 4; h++) {
		night += val(1, "sonde", "temperature", "Cel", day + (2 + h) * HOUR_MS);
		afternoon += val(1, "sonde", "temperature", "Cel", day + (14 + h) * HOUR_MS);
	}
	CHECK(afternoon > night + 4 * 4.0, "afternoons are several degrees warmer than nights (%.2f vs %.2f)",
	    afternoon / 4, night / 4);
	CHECK(simsignal_truth(SIMSIGNAL_PH, day + 16 * HOUR_MS) > simsignal_truth(SIMSIGNAL_PH, day + 4 * HOUR_MS),
	    "pH is higher in the afternoon than before dawn");
	CHECK(simsignal_truth(SIMSIGNAL_CONDUCTIVITY, day) < simsignal_truth(SIMSIGNAL_SPECIFIC_CONDUCTANCE, day),
	    "conductivity of cold water is below its specific conductance");
	CHECK_EQ_DBL(1000.0, simsignal_truth(SIMSIGNAL_RESISTIVITY, day) *
	    simsignal_truth(SIMSIGNAL_CONDUCTIVITY, day), 1e-9,
	    "resistivity (ohm.cm) is the inverse of the conductivity (mS/cm)");
}

int
main(void)
{
	test_kinds();
	test_determinism();
	test_noise();
	test_ranges();
	test_rated_range();
	test_units();
	test_level();
	test_temperature();
	return tap_done();
}
