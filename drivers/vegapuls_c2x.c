/* SPDX-License-Identifier: MIT */
/*
 * VEGA VEGAPULS C 21 / C 22 / C 23 80 GHz radar level sensors, Modbus
 * version.  Sources: VEGAPULS C 21 operating instructions "Modbus and
 * Levelmaster protocol", document 58343-EN-200806, pp.49-57 (easymanua.ls),
 * VEGAPULS C 23 document 58349-EN p.53, and the C 21 4-20 mA/HART manual
 * 58341-EN for the timing.
 *
 * Quirks:
 * - The register base is UNVERIFIED: the manual lists "register numbers"
 *   without saying whether they are 0- or 1-based.  Floats at even numbers
 *   (106, 2002) suggest the numbers are the wire addresses, and this table
 *   uses them as such; but the extra data put floats at odd numbers (2303,
 *   2305), so on first deployment read status 2000 and PV 2002 at N and
 *   N - 1 and keep whichever gives a sane level.  Reads need not start even.
 * - The C 21 manual lists both FC3 and FC4 for the measured values; the
 *   older VEGA Modbus manuals with the same map call them input registers.
 *   This table reads them as input registers (FC04), which both accept.
 * - The same values are mirrored in blocks of different byte order (100:
 *   CDAB; 1300: per register 3000; 2000: ABCD; 2100: DCBA; 2200: BADC).  This
 *   table reads the ABCD block: status at 2000, PV/SV/TV/QV at 2002-2008.
 * - Status (2000, enum8 in the C 21 manual, taken as the register's low bits):
 *   bit 0..3 = PV, SV, TV, QV invalid.  Device status 2307 (NAMUR NE 107 event
 *   category, uint8): 0 ok, 1 failure (bad), 2 check function, 4 maintenance
 *   required, 8 out of specification (suspect; any other bit likewise).
 * - PV..QV are assigned in the sensor (DTM or VEGA Tools app) and the
 *   manual gives no default we could confirm.  This table ASSUMES PV =
 *   level in m (PV unit register 104 = 45) with the application set to
 *   "level of open water" (3601 = 9) and the adjustment done for the lake
 *   bed; SV, TV and QV are not read.  The measured distance (2303, "distance
 *   from the sensor to the liquid surface (m)") needs no such setting.
 * - Default Modbus address 246, not 1.  The sensor waits its "delay time"
 *   (register 206: 10-250 ms, default 50 ms) before it answers.
 * - Measuring cycle <= 250 ms, step response <= 3 s.  Over a dry lake bed
 *   the echo is weak; the device status then reports it.
 * - Rated ranges: the family's largest measuring range is ASSUMED 30 m (the
 *   C 23's; the C 21 is shorter); a station sets `plausible` for its mount.
 */
#include "driver.h"

#define VEGA_STATUS	2000
#define VEGA_DEVICE	2307

/* The matching bit of status 2000, and the NE 107 category in 2307. */
#define VEGA_CHECKS(bit)							\
	{ DRV_CHECK_BITS, MB_INPUT, VEGA_STATUS, (bit), 0x1, 0, LW_Q_BAD },	\
	{ DRV_CHECK_BITS, MB_INPUT, VEGA_DEVICE, 0, 0x1, 0, LW_Q_BAD },		\
	{ DRV_CHECK_BITS, MB_INPUT, VEGA_DEVICE, 1, 0x7FFF, 0, LW_Q_SUSPECT }

static const struct drv_point points[] = {
	{
		/* 2002: PV, ABCD; ASSUMED configured as level, m */
		.name = "level", .unit = "m",
		.reg = MB_INPUT, .addr = 2002, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 30.0,
		.checks = { VEGA_CHECKS(0) },
	},
	{
		/*
		 * 2303: measured distance, sensor to surface, m.  An odd
		 * address for a float, unlike every other float in the map
		 * (see the register base above).  Its byte order is not stated;
		 * ABCD is ASSUMED (the default of register 3000).  No bit of
		 * status 2000 is its own, so only the device status applies.
		 */
		.name = "distance", .unit = "m",
		.reg = MB_INPUT, .addr = 2303, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 30.0,
		.checks = {
			{ DRV_CHECK_BITS, MB_INPUT, VEGA_DEVICE, 0, 0x1, 0, LW_Q_BAD },
			{ DRV_CHECK_BITS, MB_INPUT, VEGA_DEVICE, 1, 0x7FFF, 0, LW_Q_SUSPECT },
		},
	},
};

const struct drv_model drv_vegapuls_c2x = {
	.name = "vegapuls-c2x",
	.description = "VEGA VEGAPULS C 21/22/23 radar level sensor (Modbus)",
	.points = points,
	.npoints = sizeof(points) / sizeof(points[0]),
	/* Not stated; the longest read here is 5 registers. ASSUMED 16. */
	.max_regs_per_read = 16,
	/* Bridges 2001 and 2305-2306 (the echo amplitude): two reads per poll. */
	.max_gap = 8,
	.align_even = false,
	.turnaround_ms = 0,
	/* No power-on figure is given: ASSUMED one step response, 3 s. */
	.warmup_ms = 3000,
	.min_interval_ms = 250,
	/* The delay time may be set up to 250 ms, plus the reply itself. */
	.max_reply_ms = 300,
	.baud = 9600,
	.parity = 'N',
	.data_bits = 8,
	.stop_bits = 1,
	.default_unit = 246,
};
