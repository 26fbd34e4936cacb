/* SPDX-License-Identifier: MIT */
/*
 * The simulated Lake Poopó: what lakewatch-sim serves for each point.  The
 * value of a point is a pure function of the seed, the device's name, the
 * point's name and unit, its rated range and the wall-clock time (UTC), so a
 * simulator run is reproducible and two devices measuring the same thing
 * agree up to their own small noise and bias.  The lake modelled here is
 * hypersaline (specific conductance in the tens of mS/cm), alkaline (pH about
 * 8.4), cold with a strong daily swing (local time is UTC-4), shallow and
 * drying: the level falls a few millimetres a day through the dry season and
 * refills in the wet season.  Pure: no I/O, no logging, no global state;
 * noise comes from a hash, never from rand().
 */
#ifndef LW_SIMSIGNAL_H
#define LW_SIMSIGNAL_H

#include <stdint.h>

/* What a point measures, from its name (see simsignal_kind). */
enum simsignal_kind {
	SIMSIGNAL_OTHER,		/* a slow sine inside the rated range */
	SIMSIGNAL_TEMPERATURE,		/* water temperature, base unit Cel */
	SIMSIGNAL_CONDUCTIVITY,		/* actual conductivity, mS/cm */
	SIMSIGNAL_SPECIFIC_CONDUCTANCE,	/* conductivity at 25 Cel, mS/cm */
	SIMSIGNAL_SALINITY,		/* practical salinity, ppt */
	SIMSIGNAL_TDS,			/* total dissolved solids, g/L */
	SIMSIGNAL_PH,			/* [pH] */
	SIMSIGNAL_PH_MV,		/* pH electrode potential, mV */
	SIMSIGNAL_ORP,			/* oxidation-reduction potential, mV */
	SIMSIGNAL_DO,			/* dissolved oxygen, mg/L */
	SIMSIGNAL_DO_SATURATION,	/* dissolved oxygen saturation, % */
	SIMSIGNAL_TURBIDITY,		/* NTU */
	SIMSIGNAL_LEVEL,		/* depth or water level above the bed, m */
	SIMSIGNAL_PRESSURE,		/* gauge pressure at the bed, bar */
	SIMSIGNAL_DISTANCE,		/* radar: sensor to water surface, m */
	SIMSIGNAL_RESISTIVITY,		/* 1 / actual conductivity, ohm.cm */
};

/* The simulated lake's fixed figures. */
#define SIMSIGNAL_UTC_OFFSET_H		(-4.0)	/* Bolivia, no summer time */
#define SIMSIGNAL_LEVEL_PEAK_M		1.6	/* level on 1 April, end of the wet season */
#define SIMSIGNAL_LEVEL_FALL_M_DAY	0.003	/* dry-season fall, evaporation */
#define SIMSIGNAL_RADAR_MOUNT_M		4.0	/* radar sensor height above the bed */
#define SIMSIGNAL_BAR_PER_M		0.10003	/* brine of 1020 kg/m3: rho * g / 1e5 */

/* One point as the simulator sees it. */
struct simsignal_point {
	const char	*device;	/* device name: seeds its noise and bias */
	const char	*name;		/* point name: picks the signal */
	const char	*unit;		/* the value is expressed in this unit */
	double		 rated_min;	/* rated range; rated_min >= rated_max: none */
	double		 rated_max;
};

/*
 * The kind of a point name: exact names first ("ph", "orp", "tds", "depth",
 * "water_level", "dissolved_oxygen_saturation", ...), then words in it
 * ("water_temperature" and "tob1_temperature" are temperatures).
 */
enum simsignal_kind	 simsignal_kind(const char *name);

/*
 * The value of the point at t_ms (UTC, ms since the epoch), in the point's
 * unit, for the given seed.  Values of a known kind are kept inside the rated
 * range when the point has one (a real probe saturates at full scale).
 */
double	 simsignal_value(uint64_t seed, const struct simsignal_point *, int64_t t_ms);

/*
 * The same without noise or per-device bias, in the kind's base unit (see the
 * enum): the station-wide truth the noisy values scatter around.
 */
double	 simsignal_truth(enum simsignal_kind, int64_t t_ms);

/* Water level above the bed at t_ms, m: the annual fill-and-dry cycle. */
double	 simsignal_level_m(int64_t t_ms);

/*
 * A base-unit value expressed in unit: "uS/cm" multiplies a conductivity by
 * 1000, "cm" a level by 100 and so on.  0 and *ret, or -ENOENT when the unit
 * is not one this kind knows (then *ret is the base value unchanged).
 */
int	 simsignal_convert(enum simsignal_kind, double base, const char *unit, double *ret);

/*
 * Deterministic noise in [-1, 1) for (seed, device, point, bucket): a hash,
 * so the same arguments always give the same number.
 */
double	 simsignal_noise(uint64_t seed, const char *device, const char *name, int64_t bucket);

#endif
