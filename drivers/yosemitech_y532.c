/* SPDX-License-Identifier: MIT */
/*
 * Yosemitech Y532-A pH probe.  Sources: Yosemitech "Y532 pH/ORP MODBUS RTU
 * Programmer Manual" v1.7 (EnviroDIY/YosemitechModbus, doc/), and
 * EnviroDIY/YosemitechModbus src/YosemitechModbus.cpp.
 *
 * Quirks:
 * - Addresses in hex, on the wire as printed; FC03; floats fully reversed
 *   (DCBA), as on every Yosemitech probe.
 * - Unlike the other Yosemitech probes the pH does not live in the 0x2600
 *   record: EnviroDIY's code notes that the manual is not accurate there and
 *   reads pH at 0x2800, temperature at 0x2400 and the electrode potential at
 *   0x1200.  The three are far apart, so a poll is three reads.
 * - No error flag is documented for the Y532.
 * - Wait at least 1 s after power-on.
 * - The rated ranges are not in our sources: ASSUMED the pH scale 0-14, the
 *   0-50 Cel of the Y520, and +-1000 mV for the electrode.
 */
#include "driver.h"

static const struct drv_point points[] = {
	{
		/* 0x2800: pH */
		.name = "ph", .unit = "[pH]",
		.reg = MB_HOLDING, .addr = 0x2800, .type = MB_F32, .order = MB_DCBA,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 14.0,
	},
	{
		/* 0x2400: temperature, Cel */
		.name = "temperature", .unit = "Cel",
		.reg = MB_HOLDING, .addr = 0x2400, .type = MB_F32, .order = MB_DCBA,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 50.0,
	},
	{
		/* 0x1200: pH electrode potential, mV */
		.name = "ph_mv", .unit = "mV",
		.reg = MB_HOLDING, .addr = 0x1200, .type = MB_F32, .order = MB_DCBA,
		.scale = 1.0, .rated_min = -1000.0, .rated_max = 1000.0,
	},
};

const struct drv_model drv_yosemitech_y532 = {
	.name = "yosemitech-y532",
	.description = "Yosemitech Y532-A pH probe",
	.points = points,
	.npoints = sizeof(points) / sizeof(points[0]),
	.max_regs_per_read = 16,
	.max_gap = 0,
	.align_even = false,
	.turnaround_ms = 0,
	.warmup_ms = 1000,
	/* No poll period is documented; one per warm-up period (ASSUMED). */
	.min_interval_ms = 1000,
	/* ASSUMED, as for the other Yosemitech probes. */
	.max_reply_ms = 500,
	.baud = 9600,
	.parity = 'N',
	.data_bits = 8,
	.stop_bits = 1,
	.default_unit = 1,
};
