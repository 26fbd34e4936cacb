/* SPDX-License-Identifier: MIT */
/*
 * Yosemitech Y511-A turbidity probe with wiper.  Sources: Yosemitech "Y511
 * Turbidity+Wiper MODBUS RTU Programmer Manual" v1.7 (EnviroDIY/
 * YosemitechModbus, doc/), and EnviroDIY/YosemitechModbus
 * src/YosemitechModbus.cpp.
 *
 * Quirks:
 * - Addresses in hex, on the wire as printed; FC03; floats fully reversed
 *   (DCBA).
 * - 0x2600 is one 5-register record: temperature (f32), turbidity (f32, NTU),
 *   then an error flag in the high byte of 0x2604 (wiper/brush).  A non-zero
 *   flag makes the turbidity bad; the temperature is not affected.
 * - The wiper runs every 30 min by default; wait at least 20 s after it, then
 *   read every 2 s.  No power-on figure is given: the warm-up here ASSUMES
 *   the same 20 s.
 * - The rated range is not in our sources: ASSUMED 0-1000 NTU and 0-50 Cel
 *   (as the Y520); check them against the probe's datasheet.
 */
#include "driver.h"

static const struct drv_point points[] = {
	{
		/* 0x2600: temperature, Cel */
		.name = "temperature", .unit = "Cel",
		.reg = MB_HOLDING, .addr = 0x2600, .type = MB_F32, .order = MB_DCBA,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 50.0,
	},
	{
		/* 0x2602: turbidity, NTU; error flag in the high byte of 0x2604 */
		.name = "turbidity", .unit = "NTU",
		.reg = MB_HOLDING, .addr = 0x2602, .type = MB_F32, .order = MB_DCBA,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 1000.0,
		.checks = {
			{ DRV_CHECK_BITS, MB_HOLDING, 0x2604, 8, 0xFF, 0, LW_Q_BAD },
		},
	},
};

const struct drv_model drv_yosemitech_y511 = {
	.name = "yosemitech-y511",
	.description = "Yosemitech Y511-A turbidity probe with wiper",
	.points = points,
	.npoints = sizeof(points) / sizeof(points[0]),
	.max_regs_per_read = 16,
	.max_gap = 0,
	.align_even = false,
	.turnaround_ms = 0,
	.warmup_ms = 20000,
	.min_interval_ms = 2000,
	/* ASSUMED, as for the other Yosemitech probes. */
	.max_reply_ms = 500,
	.baud = 9600,
	.parity = 'N',
	.data_bits = 8,
	.stop_bits = 1,
	.default_unit = 1,
};
