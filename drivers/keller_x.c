/* SPDX-License-Identifier: MIT */
/*
 * KELLER Series 30/40 X-line pressure transmitters, CTD variant (36XiW-CTD,
 * DCX-22-CTD; also AccuLevel, NanoLevel).  Sources: KELLER "Communication
 * protocol Serie30" (EnviroDIY/KellerModbus, doc/series30
 * comm_protocol_e.pdf), KELLER "Communication Protocol X-Line" v3.7
 * (Class.Group 5.20/5.21/5.24), and EnviroDIY/KellerModbus
 * src/KellerModbus.cpp, which reads P1 and TOB1 together at 0x0100.
 *
 * Quirks:
 * - Addresses are 0-based and go on the wire as printed.  FC03 only.
 * - Floats are ABCD.  A channel in error reads NaN (inactive or dependency
 *   error), +Inf (overflow) or -Inf (underflow); the sensor reads up to its
 *   range +-10 %.
 * - At most 4 registers per read on firmware 5.20-10.40 and later (80 on
 *   5.21).  A 2-register value must be read whole, and a read starting at an
 *   odd address gets exception 2: reads start even.
 * - STATUS at 0x020C is the F73 STAT byte: bits 5..0 flag an error of TOB2,
 *   TOB1, T, P2, P1, CH0; bit 6 (ERR2) an analogue-output computation error,
 *   which does not concern the digital values and is not checked; bit 7
 *   (/STD) means the device is in power-up mode, so every value is suspect
 *   until it clears.  The byte is taken to be the register's low byte.
 * - Conductivity (ConTc, firmware 5.21, CTD versions) has no bit of its own in
 *   STATUS: it relies on NaN/Inf and the power-up bit.  Its range is chosen
 *   in ConRange (0x0213); 4 = 0-200 mS/cm must be set for Lake Poopó.
 * - Depth is not a register: it is derived from P1 and the water's density.
 */
#include "driver.h"

#define KELLER_STATUS	0x020C
#define KELLER_BIT_P1	1
#define KELLER_BIT_TOB1	4
#define KELLER_BIT_STD	7

#define KELLER_CHANNEL(bit)							\
	{ DRV_CHECK_BITS, MB_HOLDING, KELLER_STATUS, (bit), 0x1, 0, LW_Q_BAD }
#define KELLER_POWER_UP								\
	{ DRV_CHECK_BITS, MB_HOLDING, KELLER_STATUS, KELLER_BIT_STD, 0x1, 0, LW_Q_SUSPECT }

/*
 * Rated ranges depend on the ordered pressure range, which the protocol
 * cannot tell: ASSUMED -1..1000 bar (a relative sensor reads down to
 * vacuum; 1000 bar is the X-line's largest range) and -20..80 Cel; a
 * station sets `plausible` for its own sensor.  Conductivity: the largest
 * ConRange, 0-200 mS/cm.
 */
static const struct drv_point points[] = {
	{
		/* 0x0100: P1, pressure sensor 1, bar */
		.name = "pressure", .unit = "bar",
		.reg = MB_HOLDING, .addr = 0x0100, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = -1.0, .rated_max = 1000.0,
		.checks = { KELLER_CHANNEL(KELLER_BIT_P1), KELLER_POWER_UP },
	},
	{
		/* 0x0102: TOB1, temperature of pressure sensor 1, Cel */
		.name = "temperature", .unit = "Cel",
		.reg = MB_HOLDING, .addr = 0x0102, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = -20.0, .rated_max = 80.0,
		.checks = { KELLER_CHANNEL(KELLER_BIT_TOB1), KELLER_POWER_UP },
	},
	{
		/* 0x010C: ConTc, temperature-compensated conductivity, mS/cm */
		.name = "conductivity", .unit = "mS/cm",
		.reg = MB_HOLDING, .addr = 0x010C, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 200.0,
		.checks = { KELLER_POWER_UP },
	},
};

const struct drv_model drv_keller_x = {
	.name = "keller-x",
	.description = "KELLER Series 30/40 X-line pressure transmitter, CTD variant",
	.points = points,
	.npoints = sizeof(points) / sizeof(points[0]),
	.max_regs_per_read = 4,
	/*
	 * No gap filling: 0x0108..0x010B exist on firmware 5.21 only, and the
	 * 4-register limit leaves nothing to bridge anyway.  A 5.21 device can
	 * be given max_read and max_gap in the configuration.
	 */
	.max_gap = 0,
	.align_even = true,
	.turnaround_ms = 0,
	/* No power-up delay is documented; the /STD bit flags readings until the device is up. */
	.warmup_ms = 0,
	/* No sample-rate figure: one reply time. */
	.min_interval_ms = 100,
	/* Slave response time 1.2 ms to 100 ms at 9600 baud. */
	.max_reply_ms = 100,
	.baud = 9600,
	.parity = 'N',
	.data_bits = 8,
	.stop_bits = 1,
	.default_unit = 1,
};
