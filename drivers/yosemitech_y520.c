/* SPDX-License-Identifier: MIT */
/*
 * Yosemitech Y520-A four-electrode conductivity probe.  Sources: Yosemitech
 * "Y520 Conductivity MODBUS RTU Programmer Manual" v1.8 and "Y520 User
 * Manual" v1.1 (EnviroDIY/YosemitechModbus, doc/), and
 * EnviroDIY/YosemitechModbus src/YosemitechModbus.cpp.
 *
 * Quirks:
 * - Addresses are printed in hex and go on the wire as printed (the manual
 *   also mentions 1-based numbering for some masters; the hex is the PDU
 *   address).  FC03 to read.
 * - Floats are stored "little-endian": fully reversed, DCBA.
 * - 0x2600 is one 5-register record: temperature (f32), conductivity (f32,
 *   mS/cm), then an error flag in the high byte of 0x2604 (0 = no error,
 *   0xFF = range-switch error).  The flag concerns the conductivity
 *   measurement, so it marks conductivity bad and leaves the thermistor's
 *   temperature alone; any non-zero flag is taken as an error.
 * - Range 1 uS/cm - 200 mS/cm, accuracy 1 %, response 10 s, 0-50 Cel.
 *   Power on, wait at least 10 s, then read every 3 s (the manual averages
 *   10 readings).
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
		/* 0x2602: conductivity, mS/cm; error flag in the high byte of 0x2604 */
		.name = "conductivity", .unit = "mS/cm",
		.reg = MB_HOLDING, .addr = 0x2602, .type = MB_F32, .order = MB_DCBA,
		.scale = 1.0, .rated_min = 0.001, .rated_max = 200.0,
		.checks = {
			{ DRV_CHECK_BITS, MB_HOLDING, 0x2604, 8, 0xFF, 0, LW_Q_BAD },
		},
	},
};

const struct drv_model drv_yosemitech_y520 = {
	.name = "yosemitech-y520",
	.description = "Yosemitech Y520-A conductivity probe",
	.points = points,
	.npoints = sizeof(points) / sizeof(points[0]),
	/* Yosemitech probes are read in records of up to 16 registers (the Y4000 sonde's). */
	.max_regs_per_read = 16,
	/* What the probe does with undefined registers is not documented: no gap filling. */
	.max_gap = 0,
	.align_even = false,
	.turnaround_ms = 0,
	.warmup_ms = 10000,
	.min_interval_ms = 3000,
	/* Not documented; EnviroDIY's Modbus master waits 500 ms by default (ASSUMED). */
	.max_reply_ms = 500,
	.baud = 9600,
	.parity = 'N',
	.data_bits = 8,
	.stop_bits = 1,
	.default_unit = 1,
};
