/* SPDX-License-Identifier: MIT */
/*
 * Yosemitech Y504-A optical dissolved-oxygen probe.  Sources: Yosemitech "Y504
 * DO MODBUS RTU Programmer Manual" v6.2 and "Y504 User Manual" v1.1
 * (EnviroDIY/YosemitechModbus, doc/), EnviroDIY/YosemitechModbus
 * src/YosemitechModbus.cpp, and EnviroDIY ModularSensors' YosemitechY504.h
 * documentation for the range.
 *
 * Quirks:
 * - Addresses in hex, on the wire as printed; FC03; floats fully reversed
 *   (DCBA).
 * - 0x2600 is one 6-register record: temperature, DO as a fraction of
 *   saturation (1.0 = 100 %: scaled by 100 here), DO in mg/L.  Older units
 *   give no mg/L (EnviroDIY then reads only 4 registers and computes mg/L);
 *   such a unit may refuse this 6-register read and needs a generic device.
 * - No error flag is documented for the Y504.
 * - Range 0-20 mg/L, 0-200 % saturation; the temperature range is not in our
 *   sources (ASSUMED 0-50 Cel, as the Y520).  Wait at least 4 s after power-on,
 *   then read every 1 s.  The saturation assumes sea-level pressure unless
 *   compensated: Lake Poopó is at about 3686 m.
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
		/* 0x2602: DO saturation as a fraction; x100 for % */
		.name = "dissolved_oxygen_saturation", .unit = "%",
		.reg = MB_HOLDING, .addr = 0x2602, .type = MB_F32, .order = MB_DCBA,
		.scale = 100.0, .rated_min = 0.0, .rated_max = 200.0,
	},
	{
		/* 0x2604: DO concentration, mg/L (newer units only) */
		.name = "dissolved_oxygen", .unit = "mg/L",
		.reg = MB_HOLDING, .addr = 0x2604, .type = MB_F32, .order = MB_DCBA,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 20.0,
	},
};

const struct drv_model drv_yosemitech_y504 = {
	.name = "yosemitech-y504",
	.description = "Yosemitech Y504-A optical dissolved oxygen probe",
	.points = points,
	.npoints = sizeof(points) / sizeof(points[0]),
	.max_regs_per_read = 16,
	.max_gap = 0,
	.align_even = false,
	.turnaround_ms = 0,
	.warmup_ms = 4000,
	.min_interval_ms = 1000,
	/* ASSUMED, as for the other Yosemitech probes. */
	.max_reply_ms = 500,
	.baud = 9600,
	.parity = 'N',
	.data_bits = 8,
	.stop_bits = 1,
	.default_unit = 1,
};
