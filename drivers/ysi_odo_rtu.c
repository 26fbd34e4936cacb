/* SPDX-License-Identifier: MIT */
/*
 * YSI (Xylem) ODO-RTU optical dissolved-oxygen probe, ODO/CT variant (with the
 * conductivity/temperature sensor).  Source: YSI "ODO RTU User Manual", item
 * 627379-01 rev. A (manualslib p.13, manualshive pp.14, 16, 34; power-up
 * time from p.5).
 *
 * Quirks:
 * - The data are input registers (FC04); configuration is in holding
 *   registers (FC03/06).  Addresses are 0-based.
 * - IEEE 754 floats, "all values are big-endian byte ordered": ABCD.
 * - Reads must start at an even address and cover whole values.
 * - A value the probe cannot give (no conductivity sensor, sensor fault)
 *   reads NaN (0xFFFFFFFF), which is bad without any table entry.
 * - Default 9600 baud, even parity, so 1 stop bit (the Modbus serial rule:
 *   1 stop bit with parity, 2 without).  Slave address 1.
 * - After power-on the probe runs a 1-2 s power-up sequence before it can be
 *   queried; a cap that has not equilibrated reads inaccurately.
 * - Not read: 0x0008 reference temperature, 0x000A time since boot (u32),
 *   0x0012 conductivity nLF.  The read bridges them.
 * - Rated ranges are not in the cited pages: ASSUMED to be those YSI gives
 *   for its EXO optical DO and conductivity sensors (DO 0-50 mg/L, 0-500 %
 *   saturation, -5..50 Cel, conductivity 0-200 mS/cm, salinity 0-70 ppt, TDS
 *   0-100000 mg/L); check them against the ODO-RTU's datasheet.  The
 *   saturation needs the local barometric pressure: 0x0004 is the probe's
 *   own local-barometer-compensated figure.
 */
#include "driver.h"

static const struct drv_point points[] = {
	{
		/* 0x0000: ODO % saturation */
		.name = "dissolved_oxygen_saturation", .unit = "%",
		.reg = MB_INPUT, .addr = 0x0000, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 500.0,
	},
	{
		/* 0x0002: ODO mg/L */
		.name = "dissolved_oxygen", .unit = "mg/L",
		.reg = MB_INPUT, .addr = 0x0002, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 50.0,
	},
	{
		/* 0x0004: ODO % saturation, compensated with the local barometer */
		.name = "dissolved_oxygen_saturation_local", .unit = "%",
		.reg = MB_INPUT, .addr = 0x0004, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 500.0,
	},
	{
		/* 0x0006: temperature, Cel */
		.name = "temperature", .unit = "Cel",
		.reg = MB_INPUT, .addr = 0x0006, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = -5.0, .rated_max = 50.0,
	},
	{
		/* 0x000C: conductivity, uS/cm (CT only) */
		.name = "conductivity", .unit = "uS/cm",
		.reg = MB_INPUT, .addr = 0x000C, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 200000.0,
	},
	{
		/* 0x000E: specific conductance, uS/cm (CT only) */
		.name = "specific_conductance", .unit = "uS/cm",
		.reg = MB_INPUT, .addr = 0x000E, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 200000.0,
	},
	{
		/* 0x0010: salinity, ppt (CT only) */
		.name = "salinity", .unit = "ppt",
		.reg = MB_INPUT, .addr = 0x0010, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 70.0,
	},
	{
		/* 0x0014: TDS, mg/L (CT only) */
		.name = "tds", .unit = "mg/L",
		.reg = MB_INPUT, .addr = 0x0014, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 100000.0,
	},
};

const struct drv_model drv_ysi_odo_rtu = {
	.name = "ysi-odo-rtu",
	.description = "YSI ODO-RTU optical dissolved oxygen probe with conductivity (CT)",
	.points = points,
	.npoints = sizeof(points) / sizeof(points[0]),
	/* The data map is 0x0000-0x001F; a read of all of it is within the manual's rules. */
	.max_regs_per_read = 32,
	/* Bridges 0x0008-0x000B and 0x0012-0x0013: one read per poll. */
	.max_gap = 8,
	.align_even = true,
	.turnaround_ms = 0,
	.warmup_ms = 2000,
	/* No sample-rate figure in the cited pages: ASSUMED 1 s. */
	.min_interval_ms = 1000,
	/* No reply-time figure in the cited pages: ASSUMED 1 s. */
	.max_reply_ms = 1000,
	.baud = 9600,
	.parity = 'E',
	.data_bits = 8,
	.stop_bits = 1,
	.default_unit = 1,
};
