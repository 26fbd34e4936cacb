/* SPDX-License-Identifier: MIT */
/*
 * Supmea SUP-PH8001 digital pH/ORP sensor.  Source: the sinoanalyzer product
 * page's register table (the only public source we have; no manual).
 *
 * Quirks:
 * - Holding registers, 0-based; FC 03 read, 06/10 write.  9600 N 8 1,
 *   address 1.
 * - Values are 16-bit integers times a coefficient: 0 temperature x0.1 Cel,
 *   1 pH x0.01, 2 pH electrode mV x0.1, 11 ORP x0.1 mV.  They are read as
 *   signed (int16): the electrode potentials are +-1000 mV, and the DO7013
 *   page of the same maker says its registers are signed.
 * - 3 zero, 4 slope (x0.1 %S), 5 calibration points, 8 user command, 9 command
 *   result are not read.  Register 10 is not in the table; the one read per
 *   poll (0-11) spans it, on the ASSUMPTION that the sensor answers it; if it
 *   refuses, set the device's max_gap to 2 (three reads).
 * - 6-7 are "system status", four 4-bit fields each; their codes are not
 *   published (UNVERIFIED), so any non-zero field only makes the readings
 *   suspect.
 * - Rated ranges pH 0-14, +-1000 mV, 0-60 Cel.  No timing figures are
 *   published: warm-up, poll period and reply time are ASSUMED.
 */
#include "driver.h"

#define PH8001_STATUS							\
	{ DRV_CHECK_BITS, MB_HOLDING, 6, 0, 0xFFFF, 0, LW_Q_SUSPECT },	\
	{ DRV_CHECK_BITS, MB_HOLDING, 7, 0, 0xFFFF, 0, LW_Q_SUSPECT }

static const struct drv_point points[] = {
	{
		/* 0: temperature, 0.1 Cel */
		.name = "temperature", .unit = "Cel",
		.reg = MB_HOLDING, .addr = 0, .type = MB_I16, .order = MB_ABCD,
		.scale = 0.1, .rated_min = 0.0, .rated_max = 60.0,
		.checks = { PH8001_STATUS },
	},
	{
		/* 1: pH, 0.01 */
		.name = "ph", .unit = "[pH]",
		.reg = MB_HOLDING, .addr = 1, .type = MB_I16, .order = MB_ABCD,
		.scale = 0.01, .rated_min = 0.0, .rated_max = 14.0,
		.checks = { PH8001_STATUS },
	},
	{
		/* 2: pH electrode potential, 0.1 mV */
		.name = "ph_mv", .unit = "mV",
		.reg = MB_HOLDING, .addr = 2, .type = MB_I16, .order = MB_ABCD,
		.scale = 0.1, .rated_min = -1000.0, .rated_max = 1000.0,
		.checks = { PH8001_STATUS },
	},
	{
		/* 11: ORP, 0.1 mV */
		.name = "orp", .unit = "mV",
		.reg = MB_HOLDING, .addr = 11, .type = MB_I16, .order = MB_ABCD,
		.scale = 0.1, .rated_min = -1000.0, .rated_max = 1000.0,
		.checks = { PH8001_STATUS },
	},
};

const struct drv_model drv_supmea_ph8001 = {
	.name = "supmea-ph8001",
	.description = "Supmea SUP-PH8001 digital pH/ORP sensor",
	.points = points,
	.npoints = sizeof(points) / sizeof(points[0]),
	/* The whole published map is 12 registers: ASSUMED readable at once. */
	.max_regs_per_read = 12,
	/* Bridges 3-5 and 8-10: one read per poll. */
	.max_gap = 4,
	.align_even = false,
	.turnaround_ms = 0,
	.warmup_ms = 1000,
	.min_interval_ms = 1000,
	.max_reply_ms = 500,
	.baud = 9600,
	.parity = 'N',
	.data_bits = 8,
	.stop_bits = 1,
	.default_unit = 1,
};
