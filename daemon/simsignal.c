/* SPDX-License-Identifier: MIT */
/*
 * The simulated Lake Poopó (see simsignal.h): station-wide "true" signals,
 * each a smooth function of time, plus per-device noise and bias from a
 * seeded hash.  The figures follow the reference notes on the lake: pH
 * 8.3-8.6, specific conductance estimated at 35-50 mS/cm (TDS about 0.65 of
 * it in g/L, salinity about 0.66 of it in ppt), a mean depth about 1.6 m
 * falling with evaporation through the dry season (April to December) and
 * refilling in the wet season, water 9-17 Cel warmest mid-afternoon.
 * Quantities that depend on each other are derived from one another, so the
 * simulated station is self-consistent: conductivity is specific conductance
 * at the water's temperature, gauge pressure and radar distance follow the
 * level, salinity and TDS follow the conductance, resistivity is the
 * inverse of the conductivity, the conductance rises as the lake shrinks.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "simsignal.h"

#define MS_PER_HOUR	3600000.0
#define MS_PER_DAY	86400000.0
#define DAYS_TO_2000	10957.0		/* 1970-01-01 to 2000-01-01 */
#define YEAR_DAYS	365.2425	/* mean Gregorian year */
#define APRIL_1_DAY	90.0		/* day of year (0-based) of 1 April */
#define NOISE_BUCKET_MS	1000		/* the noise changes once a second */
#define OTHER_PERIOD_H	6.0		/* period of the fallback sine */

/* Salts that keep the hash streams for noise, bias and phase apart. */
enum { SALT_NOISE = 1, SALT_BIAS = 2, SALT_PHASE = 3 };

/* Per kind: noise and constant bias amplitudes, in the base unit. */
struct kind_spread {
	double	 noise;
	double	 bias;
};

static const struct kind_spread spreads[] = {
	[SIMSIGNAL_OTHER]		 = { 0.0, 0.0 },	/* scaled by the range */
	[SIMSIGNAL_TEMPERATURE]		 = { 0.05, 0.1 },
	[SIMSIGNAL_CONDUCTIVITY]	 = { 0.15, 0.3 },
	[SIMSIGNAL_SPECIFIC_CONDUCTANCE] = { 0.15, 0.3 },
	[SIMSIGNAL_SALINITY]		 = { 0.1, 0.2 },
	[SIMSIGNAL_TDS]			 = { 0.1, 0.2 },
	[SIMSIGNAL_PH]			 = { 0.005, 0.01 },
	[SIMSIGNAL_PH_MV]		 = { 0.3, 1.0 },
	[SIMSIGNAL_ORP]			 = { 1.5, 3.0 },
	[SIMSIGNAL_DO]			 = { 0.03, 0.1 },
	[SIMSIGNAL_DO_SATURATION]	 = { 0.4, 1.0 },
	[SIMSIGNAL_TURBIDITY]		 = { 1.5, 2.0 },
	[SIMSIGNAL_LEVEL]		 = { 0.002, 0.003 },
	[SIMSIGNAL_PRESSURE]		 = { 0.0002, 0.0003 },
	[SIMSIGNAL_DISTANCE]		 = { 0.002, 0.003 },
	[SIMSIGNAL_RESISTIVITY]		 = { 0.05, 0.1 },
};

/* Exact point names, checked before the word rules in simsignal_kind. */
static const struct {
	const char		*name;
	enum simsignal_kind	 kind;
} exact_names[] = {
	{ "temperature", SIMSIGNAL_TEMPERATURE },
	{ "temp", SIMSIGNAL_TEMPERATURE },
	{ "conductivity", SIMSIGNAL_CONDUCTIVITY },
	{ "ec", SIMSIGNAL_CONDUCTIVITY },
	{ "specific_conductance", SIMSIGNAL_SPECIFIC_CONDUCTANCE },
	{ "specific_conductivity", SIMSIGNAL_SPECIFIC_CONDUCTANCE },
	{ "spcond", SIMSIGNAL_SPECIFIC_CONDUCTANCE },
	{ "salinity", SIMSIGNAL_SALINITY },
	{ "tds", SIMSIGNAL_TDS },
	{ "total_dissolved_solids", SIMSIGNAL_TDS },
	{ "ph", SIMSIGNAL_PH },
	{ "ph_mv", SIMSIGNAL_PH_MV },
	{ "orp", SIMSIGNAL_ORP },
	{ "redox", SIMSIGNAL_ORP },
	{ "dissolved_oxygen", SIMSIGNAL_DO },
	{ "do", SIMSIGNAL_DO },
	{ "dissolved_oxygen_saturation", SIMSIGNAL_DO_SATURATION },
	{ "do_saturation", SIMSIGNAL_DO_SATURATION },
	{ "turbidity", SIMSIGNAL_TURBIDITY },
	{ "depth", SIMSIGNAL_LEVEL },
	{ "water_level", SIMSIGNAL_LEVEL },
	{ "level", SIMSIGNAL_LEVEL },
	{ "stage", SIMSIGNAL_LEVEL },
	{ "pressure", SIMSIGNAL_PRESSURE },
	{ "distance", SIMSIGNAL_DISTANCE },
	{ "resistivity", SIMSIGNAL_RESISTIVITY },
};

/* Word rules, in order: the first word found in the name decides. */
static const struct {
	const char		*word;
	enum simsignal_kind	 kind;
} name_words[] = {
	{ "saturation", SIMSIGNAL_DO_SATURATION },
	{ "oxygen", SIMSIGNAL_DO },
	{ "specific_cond", SIMSIGNAL_SPECIFIC_CONDUCTANCE },
	{ "conductance", SIMSIGNAL_SPECIFIC_CONDUCTANCE },
	{ "conductivity", SIMSIGNAL_CONDUCTIVITY },
	{ "salinity", SIMSIGNAL_SALINITY },
	{ "dissolved_solids", SIMSIGNAL_TDS },
	{ "turbid", SIMSIGNAL_TURBIDITY },
	{ "temperature", SIMSIGNAL_TEMPERATURE },
	{ "orp", SIMSIGNAL_ORP },
	{ "redox", SIMSIGNAL_ORP },
	{ "depth", SIMSIGNAL_LEVEL },
	{ "water_level", SIMSIGNAL_LEVEL },
	{ "barometric", SIMSIGNAL_OTHER },	/* not the water column */
	{ "pressure", SIMSIGNAL_PRESSURE },
	{ "distance", SIMSIGNAL_DISTANCE },
};

/* Units a kind may be expressed in: value = base * factor + add. */
static const struct {
	enum simsignal_kind	 kind;
	const char		*unit;
	double			 factor;
	double			 add;
} units[] = {
	{ SIMSIGNAL_TEMPERATURE, "Cel", 1.0, 0.0 },
	{ SIMSIGNAL_TEMPERATURE, "K", 1.0, 273.15 },
	{ SIMSIGNAL_TEMPERATURE, "[degF]", 1.8, 32.0 },
	{ SIMSIGNAL_CONDUCTIVITY, "mS/cm", 1.0, 0.0 },
	{ SIMSIGNAL_CONDUCTIVITY, "uS/cm", 1000.0, 0.0 },
	{ SIMSIGNAL_CONDUCTIVITY, "S/m", 0.1, 0.0 },
	{ SIMSIGNAL_CONDUCTIVITY, "mS/m", 100.0, 0.0 },
	{ SIMSIGNAL_SALINITY, "ppt", 1.0, 0.0 },
	{ SIMSIGNAL_SALINITY, "[ppth]", 1.0, 0.0 },
	{ SIMSIGNAL_SALINITY, "PSU", 1.0, 0.0 },
	{ SIMSIGNAL_SALINITY, "[psu]", 1.0, 0.0 },
	{ SIMSIGNAL_SALINITY, "g/kg", 1.0, 0.0 },
	{ SIMSIGNAL_SALINITY, "1", 1.0, 0.0 },
	{ SIMSIGNAL_TDS, "g/L", 1.0, 0.0 },
	{ SIMSIGNAL_TDS, "ppt", 1.0, 0.0 },
	{ SIMSIGNAL_TDS, "[ppth]", 1.0, 0.0 },
	{ SIMSIGNAL_TDS, "mg/L", 1000.0, 0.0 },
	{ SIMSIGNAL_TDS, "ppm", 1000.0, 0.0 },
	{ SIMSIGNAL_TDS, "[ppm]", 1000.0, 0.0 },
	{ SIMSIGNAL_PH, "[pH]", 1.0, 0.0 },
	{ SIMSIGNAL_PH, "pH", 1.0, 0.0 },
	{ SIMSIGNAL_PH_MV, "mV", 1.0, 0.0 },
	{ SIMSIGNAL_PH_MV, "V", 0.001, 0.0 },
	{ SIMSIGNAL_ORP, "mV", 1.0, 0.0 },
	{ SIMSIGNAL_ORP, "V", 0.001, 0.0 },
	{ SIMSIGNAL_DO, "mg/L", 1.0, 0.0 },
	{ SIMSIGNAL_DO, "ppm", 1.0, 0.0 },
	{ SIMSIGNAL_DO, "ug/L", 1000.0, 0.0 },
	{ SIMSIGNAL_DO_SATURATION, "%", 1.0, 0.0 },
	{ SIMSIGNAL_DO_SATURATION, "1", 0.01, 0.0 },	/* a fraction */
	{ SIMSIGNAL_TURBIDITY, "NTU", 1.0, 0.0 },
	{ SIMSIGNAL_TURBIDITY, "FNU", 1.0, 0.0 },
	{ SIMSIGNAL_TURBIDITY, "FTU", 1.0, 0.0 },
	{ SIMSIGNAL_LEVEL, "m", 1.0, 0.0 },
	{ SIMSIGNAL_LEVEL, "cm", 100.0, 0.0 },
	{ SIMSIGNAL_LEVEL, "mm", 1000.0, 0.0 },
	{ SIMSIGNAL_LEVEL, "[ft_i]", 1.0 / 0.3048, 0.0 },
	{ SIMSIGNAL_LEVEL, "[in_i]", 1.0 / 0.0254, 0.0 },
	{ SIMSIGNAL_DISTANCE, "m", 1.0, 0.0 },
	{ SIMSIGNAL_DISTANCE, "cm", 100.0, 0.0 },
	{ SIMSIGNAL_DISTANCE, "mm", 1000.0, 0.0 },
	{ SIMSIGNAL_DISTANCE, "[ft_i]", 1.0 / 0.3048, 0.0 },
	{ SIMSIGNAL_DISTANCE, "[in_i]", 1.0 / 0.0254, 0.0 },
	{ SIMSIGNAL_RESISTIVITY, "ohm.cm", 1.0, 0.0 },
	{ SIMSIGNAL_RESISTIVITY, "Ohm.cm", 1.0, 0.0 },
	{ SIMSIGNAL_RESISTIVITY, "ohm.m", 0.01, 0.0 },
	{ SIMSIGNAL_RESISTIVITY, "kohm.cm", 0.001, 0.0 },
	{ SIMSIGNAL_PRESSURE, "bar", 1.0, 0.0 },
	{ SIMSIGNAL_PRESSURE, "mbar", 1000.0, 0.0 },
	{ SIMSIGNAL_PRESSURE, "hPa", 1000.0, 0.0 },
	{ SIMSIGNAL_PRESSURE, "kPa", 100.0, 0.0 },
	{ SIMSIGNAL_PRESSURE, "Pa", 100000.0, 0.0 },
	{ SIMSIGNAL_PRESSURE, "[psi]", 14.503773773, 0.0 },
};

enum simsignal_kind
simsignal_kind(const char *name)
{
	if (name == NULL)
		return SIMSIGNAL_OTHER;
	for (size_t i = 0; i < sizeof(exact_names) / sizeof(exact_names[0]); i++)
		if (strcmp(name, exact_names[i].name) == 0)
			return exact_names[i].kind;
	/* "ph_..." is a pH point; "phosphate" is not. */
	if (strncmp(name, "ph_", 3) == 0)
		return strstr(name, "mv") != NULL ? SIMSIGNAL_PH_MV : SIMSIGNAL_PH;
	for (size_t i = 0; i < sizeof(name_words) / sizeof(name_words[0]); i++)
		if (strstr(name, name_words[i].word) != NULL)
			return name_words[i].kind;
	return SIMSIGNAL_OTHER;
}

/* splitmix64's finaliser: a good 64-bit mix. */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* FNV-1a over a string, continuing from h. */
static uint64_t
fnv1a(uint64_t h, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* A number in [-1, 1) from the hash of everything that names it. */
static double
hash_unit(uint64_t seed, const char *device, const char *name, int64_t bucket, unsigned salt)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv1a(h, device);
	h = fnv1a(h ^ 0xff, name);	/* "ab"+"c" and "a"+"bc" differ */
	h = mix64(h ^ mix64(seed + 0x9e3779b97f4a7c15ULL * salt));
	h = mix64(h ^ (uint64_t)bucket);
	return (double)(h >> 11) * 0x1.0p-52 - 1.0;
}

double
simsignal_noise(uint64_t seed, const char *device, const char *name, int64_t bucket)
{
	return hash_unit(seed, device, name, bucket, SALT_NOISE);
}

/* Local solar-ish hour of day at t_ms, in [0, 24). */
static double
local_hour(int64_t t_ms)
{
	double h = fmod((double)t_ms / MS_PER_HOUR + SIMSIGNAL_UTC_OFFSET_H, 24.0);

	return h < 0 ? h + 24.0 : h;
}

/* 1 at peak_h local time, -1 twelve hours later. */
static double
diurnal(int64_t t_ms, double peak_h)
{
	return cos(2.0 * M_PI * (local_hour(t_ms) - peak_h) / 24.0);
}

/* A slow sine of the given period in days, 0 at the epoch. */
static double
slow(int64_t t_ms, double period_days)
{
	return sin(2.0 * M_PI * ((double)t_ms / MS_PER_DAY) / period_days);
}

double
simsignal_level_m(int64_t t_ms)
{
	const double dry_days = YEAR_DAYS - APRIL_1_DAY;
	const double low = SIMSIGNAL_LEVEL_PEAK_M - SIMSIGNAL_LEVEL_FALL_M_DAY * dry_days;
	double day = fmod((double)t_ms / MS_PER_DAY - DAYS_TO_2000, YEAR_DAYS);
	double level;

	if (day < 0)
		day += YEAR_DAYS;
	if (day >= APRIL_1_DAY)	/* dry season: evaporation wins */
		level = SIMSIGNAL_LEVEL_PEAK_M - SIMSIGNAL_LEVEL_FALL_M_DAY * (day - APRIL_1_DAY);
	else			/* wet season: the rivers refill it */
		level = low + (SIMSIGNAL_LEVEL_PEAK_M - low) * day / APRIL_1_DAY;
	return level > 0 ? level : 0;
}

static double
temperature_c(int64_t t_ms)
{
	return 13.0 + 4.0 * diurnal(t_ms, 15.0);
}

/* Conductance at 25 Cel: about 45 mS/cm, higher as the lake shrinks. */
static double
specific_conductance(int64_t t_ms)
{
	double level = simsignal_level_m(t_ms);

	if (level < 0.3)
		level = 0.3;
	return 45.0 * pow(1.2 / level, 0.25) + 1.0 * slow(t_ms, 9.3);
}

/* Actual conductivity at the water's temperature: linear compensation, 1.91 %/K. */
static double
conductivity(int64_t t_ms)
{
	return specific_conductance(t_ms) * (1.0 + 0.0191 * (temperature_c(t_ms) - 25.0));
}

static double
ph(int64_t t_ms)
{
	/* Photosynthesis lifts the pH in the afternoon. */
	return 8.4 + 0.05 * diurnal(t_ms, 16.0);
}

double
simsignal_truth(enum simsignal_kind kind, int64_t t_ms)
{
	double v;

	switch (kind) {
	case SIMSIGNAL_TEMPERATURE:
		return temperature_c(t_ms);
	case SIMSIGNAL_CONDUCTIVITY:
		return conductivity(t_ms);
	case SIMSIGNAL_RESISTIVITY:
		return 1000.0 / conductivity(t_ms);	/* mS/cm to ohm.cm */
	case SIMSIGNAL_SPECIFIC_CONDUCTANCE:
		return specific_conductance(t_ms);
	case SIMSIGNAL_SALINITY:
		return 0.66 * specific_conductance(t_ms);
	case SIMSIGNAL_TDS:
		return 0.65 * specific_conductance(t_ms);
	case SIMSIGNAL_PH:
		return ph(t_ms);
	case SIMSIGNAL_PH_MV:
		/* Nernst slope at the water's temperature, 0 mV at pH 7. */
		return -0.198416 * (temperature_c(t_ms) + 273.15) * (ph(t_ms) - 7.0);
	case SIMSIGNAL_ORP:
		return 120.0 + 10.0 * slow(t_ms, 3.1);
	case SIMSIGNAL_DO:
		return 6.0 + 0.6 * diurnal(t_ms, 15.0);
	case SIMSIGNAL_DO_SATURATION:
		return 85.0 + 8.0 * diurnal(t_ms, 15.0);
	case SIMSIGNAL_TURBIDITY:
		/* The afternoon wind stirs up the shallow bed. */
		v = diurnal(t_ms, 16.0);
		return 40.0 + 15.0 * (v > 0 ? v : 0);
	case SIMSIGNAL_LEVEL:
		return simsignal_level_m(t_ms);
	case SIMSIGNAL_PRESSURE:
		return SIMSIGNAL_BAR_PER_M * simsignal_level_m(t_ms);
	case SIMSIGNAL_DISTANCE:
		return SIMSIGNAL_RADAR_MOUNT_M - simsignal_level_m(t_ms);
	case SIMSIGNAL_OTHER:
		break;
	}
	return 0.0;
}

int
simsignal_convert(enum simsignal_kind kind, double base, const char *unit, double *ret)
{
	if (kind == SIMSIGNAL_SPECIFIC_CONDUCTANCE)
		kind = SIMSIGNAL_CONDUCTIVITY;	/* the same units */
	for (size_t i = 0; unit != NULL && i < sizeof(units) / sizeof(units[0]); i++) {
		if (units[i].kind == kind && strcmp(units[i].unit, unit) == 0) {
			*ret = base * units[i].factor + units[i].add;
			return 0;
		}
	}
	*ret = base;
	return -ENOENT;
}

/* A slow sine in the middle half of the rated range (0..100 if none). */
static double
other_value(uint64_t seed, const struct simsignal_point *p, int64_t t_ms)
{
	double lo = 0.0, hi = 100.0, span, phase, n;

	if (p->rated_min < p->rated_max && isfinite(p->rated_min) && isfinite(p->rated_max)) {
		lo = p->rated_min;
		hi = p->rated_max;
	}
	span = hi - lo;
	phase = M_PI * hash_unit(seed, p->device, p->name, 0, SALT_PHASE);
	n = simsignal_noise(seed, p->device, p->name, t_ms / NOISE_BUCKET_MS);
	return lo + span * (0.5 + 0.25 * sin(2.0 * M_PI * (double)t_ms / (OTHER_PERIOD_H * MS_PER_HOUR)
	    + phase) + 0.005 * n);
}

double
simsignal_value(uint64_t seed, const struct simsignal_point *p, int64_t t_ms)
{
	enum simsignal_kind kind = simsignal_kind(p->name);
	double base, v;

	if (kind == SIMSIGNAL_OTHER)
		return other_value(seed, p, t_ms);
	base = simsignal_truth(kind, t_ms)
	    + spreads[kind].noise * simsignal_noise(seed, p->device, p->name, t_ms / NOISE_BUCKET_MS)
	    + spreads[kind].bias * hash_unit(seed, p->device, p->name, 0, SALT_BIAS);
	/* Nothing here can be negative but the electrode potentials. */
	if (base < 0 && kind != SIMSIGNAL_PH_MV && kind != SIMSIGNAL_ORP)
		base = 0;
	(void)simsignal_convert(kind, base, p->unit, &v);
	if (p->rated_min < p->rated_max) {
		if (v < p->rated_min)
			v = p->rated_min;
		if (v > p->rated_max)
			v = p->rated_max;
	}
	return v;
}
