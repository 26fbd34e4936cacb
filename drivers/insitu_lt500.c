/* SPDX-License-Identifier: MIT */
/*
 * In-Situ Level TROLL 500 pressure/level logger ("System Spec 1").  Sources:
 * In-Situ "Modbus Communication Protocol" v5.10, and neilh10/InsituModbus
 * (src/InsituModbus.cpp, README.md), which was tested against a Level TROLL
 * 500 and reads parameters 1-3 at wire addresses 37, 45 and 53.
 *
 * Quirks:
 * - All registers are holding registers (FC03), 1-based in the manual:
 *   wire address = doc # - 1.
 * - Same 8-register parameter block as the Aqua TROLL 400: +0 value (f32
 *   ABCD), +2 parameter ID, +3 units ID (writable), +4 data quality ID, +5
 *   off-line sentinel (f32, default 0.0).  Quality IDs 7 (sensor
 *   communication error) and 3 (error) are the only ones in public sources;
 *   any other non-zero ID is taken as suspect.  The 0.0 sentinel is not
 *   encoded (a dry sensor can truly read 0 m); the quality ID marks it.
 * - Units are per-parameter settings.  neilh10's README gives units ID 1 =
 *   Cel and 35 = m (37 = in, 38 = ft), so temperature and depth are checked
 *   against those IDs and read bad when the device is set otherwise.  The
 *   pressure units IDs are not in the public sources: the table ASSUMES the
 *   In-Situ default, psi, and cannot check it.
 * - Factory serial settings 19200 8E1; neilh10 ran his unit at 9600, which
 *   must be set on the device.
 * - Lake Poopó is shallow and has dried out: depth near or below 0 m means
 *   a sensor out of the water and is suspect, not bad.
 */
#include "driver.h"

#define LT500_QUALITY(wire)							\
	{ DRV_CHECK_IS, MB_HOLDING, (wire) + 4, 0, 0xFFFF, 3, LW_Q_BAD },	\
	{ DRV_CHECK_IS, MB_HOLDING, (wire) + 4, 0, 0xFFFF, 7, LW_Q_BAD },	\
	{ DRV_CHECK_NOT, MB_HOLDING, (wire) + 4, 0, 0xFFFF, 0, LW_Q_SUSPECT }

#define LT500_UNITS(wire, id)							\
	{ DRV_CHECK_NOT, MB_HOLDING, (wire) + 3, 0, 0xFFFF, (id), LW_Q_BAD }

/*
 * Rated ranges are ASSUMED (not in the cited sources): the Level TROLL 500
 * is sold in ranges up to 1000 psi, which is about 703 m of fresh water;
 * operating temperature -20..80 Cel.  A station sets `plausible` for its own
 * sensor's range.
 */
static const struct drv_point points[] = {
	{
		/* doc 38 (parameter 1): pressure, units ASSUMED psi */
		.name = "pressure", .unit = "[psi]",
		.reg = MB_HOLDING, .addr = 37, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 1000.0,
		.checks = { LT500_QUALITY(37) },
	},
	{
		/* doc 46 (parameter 2): temperature, units 1 = Cel */
		.name = "temperature", .unit = "Cel",
		.reg = MB_HOLDING, .addr = 45, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = -20.0, .rated_max = 80.0,
		.checks = { LT500_QUALITY(45), LT500_UNITS(45, 1) },
	},
	{
		/* doc 54 (parameter 3): depth, units 35 = m */
		.name = "depth", .unit = "m",
		.reg = MB_HOLDING, .addr = 53, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 703.0,
		.checks = { LT500_QUALITY(53), LT500_UNITS(53, 35) },
	},
};

const struct drv_model drv_insitu_lt500 = {
	.name = "insitu-lt500",
	.description = "In-Situ Level TROLL 500 pressure and level logger",
	.points = points,
	.npoints = sizeof(points) / sizeof(points[0]),
	/* Long reads are accepted (neilh10 reads the 37-register header); 64 as for the AT400. */
	.max_regs_per_read = 64,
	.max_gap = 16,
	.align_even = false,
	.turnaround_ms = 0,
	/* No warm-up or sample-rate figure is in the cited sources: ASSUMED 1 s each. */
	.warmup_ms = 1000,
	.min_interval_ms = 1000,
	/* ASSUMED, as for the AT400: a reply may wait for a measurement. */
	.max_reply_ms = 2000,
	.baud = 19200,
	.parity = 'E',
	.data_bits = 8,
	.stop_bits = 1,
	.default_unit = 1,
};
