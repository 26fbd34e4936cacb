/* SPDX-License-Identifier: MIT */
/*
 * In-Situ Aqua TROLL 400 multiparameter sonde (RDO optical DO, conductivity
 * and pH/ORP sensors).  Sources: In-Situ "Aqua TROLL 400 Modbus and SDI-12
 * Reference Guide" (pages 27-31, 36, 40, 51 as mirrored on manualsdir.com /
 * azmanual.top, item 367697), In-Situ "Modbus Communication Protocol" v5.10,
 * and neilh10/InsituModbus (tested on a Level TROLL 500).
 *
 * Quirks:
 * - All registers are holding registers (FC03).  The guide's register numbers
 *   are 1-based: wire address = doc # - 1 (from neilh10's code and README;
 *   verify once on hardware by reading the float at 37 and at 38).
 * - Every parameter is an 8-register block: +0 value (f32, big-endian ABCD),
 *   +2 parameter ID, +3 units ID (writable), +4 data quality ID, +5 off-line
 *   sentinel (f32, default 0.0), +7 available-units mask.
 * - An invalid value comes back as the sentinel (0.0 by default) together
 *   with a data quality ID: 7 = sensor communication error (sensor unplugged,
 *   RDO cap missing), 3 = error (e.g. pH outside 0-14).  Other IDs are not in
 *   the public sources (the operator's "Sensor Health Table" has them), so any
 *   non-zero ID other than 3 and 7 is taken as "flagged": suspect.  The 0.0
 *   sentinel is NOT encoded as a sentinel here, since 0.0 can be a real value;
 *   the quality ID is what marks it.
 * - Units are per-parameter settings (units ID at +3, level W2).  Where the
 *   guide gives the default units ID, a check makes the reading bad when the
 *   device is set to another unit, so a value is never stored mislabelled.
 * - Reading part of a string gives In-Situ's exception 0x80 (field
 *   mismatch), and the same is to be expected of part of a float.  A read
 *   from a value (+0) to a quality ID (+4), bridging whole blocks in between,
 *   only ever covers whole fields.
 * - The sensor blocks are far apart (RDO from 0001, conductivity from 0501,
 *   pH/ORP from 1501); max_gap keeps a read inside one sensor's block, so a
 *   poll is one read per sensor.
 * - Salinity (PSS-78) is only defined to about 42; Lake Poopó is hypersaline,
 *   so the rated salinity range ends there and higher values are suspect.
 */
#include "driver.h"

/* The quality ID at value + 4: 3 and 7 are errors, any other non-zero ID a flag. */
#define AT400_QUALITY(wire)							\
	{ DRV_CHECK_IS, MB_HOLDING, (wire) + 4, 0, 0xFFFF, 3, LW_Q_BAD },	\
	{ DRV_CHECK_IS, MB_HOLDING, (wire) + 4, 0, 0xFFFF, 7, LW_Q_BAD },	\
	{ DRV_CHECK_NOT, MB_HOLDING, (wire) + 4, 0, 0xFFFF, 0, LW_Q_SUSPECT }

/* The units ID at value + 3 must be the one this table's unit stands for. */
#define AT400_UNITS(wire, id)							\
	{ DRV_CHECK_NOT, MB_HOLDING, (wire) + 3, 0, 0xFFFF, (id), LW_Q_BAD }

/*
 * Rated ranges: the guide gives none for the measured values except pH
 * (0-14, enforced by the probe).  The others are ASSUMED, wide enough to
 * flag only values the sensor cannot mean: RDO 0-50 mg/L and 0-500 %sat,
 * water temperature -5..50 Cel, conductivity 0-100000 uS/cm, electrode
 * potentials +-1000 mV (pH mV) and +-1400 mV (ORP).  A station narrows them
 * with `plausible`.
 */
static const struct drv_point points[] = {
	/* RDO sensor (sensor ID 42, N = 4 parameters). */
	{
		/* doc 0038: DO concentration, param ID 20, units 117 = mg/L (default) */
		.name = "dissolved_oxygen", .unit = "mg/L",
		.reg = MB_HOLDING, .addr = 37, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 50.0,
		.checks = { AT400_QUALITY(37), AT400_UNITS(37, 117) },
	},
	{
		/* doc 0046: temperature, param ID 1, units 1 = Cel (default) */
		.name = "temperature", .unit = "Cel",
		.reg = MB_HOLDING, .addr = 45, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = -5.0, .rated_max = 50.0,
		.checks = { AT400_QUALITY(45), AT400_UNITS(45, 1) },
	},
	{
		/*
		 * doc 0054: DO % saturation, param ID 21, units 177 = percent
		 * saturation (default).  Not in our reference notes (they mark
		 * RDO parameters 3 and 4 UNVERIFIED); taken from the guide's
		 * page 31 as mirrored, which lists 0054 %sat and 0062 oxygen
		 * partial pressure.  Needs the site's barometric pressure
		 * written to the RDO (Poopó is at about 3686 m).
		 */
		.name = "dissolved_oxygen_saturation", .unit = "%",
		.reg = MB_HOLDING, .addr = 53, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 500.0,
		.checks = { AT400_QUALITY(53), AT400_UNITS(53, 177) },
	},

	/*
	 * Conductivity sensor (sensor ID 35, N = 7 parameters at 0538, 0546,
	 * ... 0586).  Confirmed: 0570 TDS and 0578 resistivity.  The order of
	 * the others is UNVERIFIED; we assume temperature (0538), actual
	 * conductivity (0546), specific conductivity (0554), salinity (0562),
	 * TDS, resistivity, density (0586), which puts TDS and resistivity in
	 * their confirmed places and agrees with 0562 having a single
	 * available unit (0569 = 0x0001), as salinity would.  Their units IDs
	 * are not in the public pages, so they get no units check, and their
	 * units (uS/cm, PSU) are assumed too.  The sensor's own temperature
	 * (0538) and density (0586) are not read.
	 */
	{
		/* doc 0546 (UNVERIFIED position): actual conductivity */
		.name = "conductivity", .unit = "uS/cm",
		.reg = MB_HOLDING, .addr = 545, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 100000.0,
		.checks = { AT400_QUALITY(545) },
	},
	{
		/* doc 0554 (UNVERIFIED position): specific conductivity at 25 Cel */
		.name = "specific_conductance", .unit = "uS/cm",
		.reg = MB_HOLDING, .addr = 553, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 100000.0,
		.checks = { AT400_QUALITY(553) },
	},
	{
		/* doc 0562 (UNVERIFIED position): practical salinity, valid to 42 */
		.name = "salinity", .unit = "PSU",
		.reg = MB_HOLDING, .addr = 561, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 42.0,
		.checks = { AT400_QUALITY(561) },
	},
	{
		/*
		 * doc 0570: TDS, param ID 13, units 114 = ppt (default), 113 =
		 * ppm.  TDS = 0.65 x specific conductivity by default, so the
		 * rated range follows the conductivity's: 0-65 ppt.
		 */
		.name = "tds", .unit = "ppt",
		.reg = MB_HOLDING, .addr = 569, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 65.0,
		.checks = { AT400_QUALITY(569), AT400_UNITS(569, 114) },
	},
	{
		/*
		 * doc 0578: resistivity, param ID 11, units 81 = ohm-cm
		 * (default).  R = 1e6 / AC (uS/cm); with no conductivity at all
		 * (a dry or unplugged cell) the probe reports exactly 1e7
		 * ohm-cm (0x4B189680), which is no measurement: sentinel.
		 * Lower limit: 1e6 / 100000 uS/cm.
		 */
		.name = "resistivity", .unit = "ohm.cm",
		.reg = MB_HOLDING, .addr = 577, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 10.0, .rated_max = 1e7,
		.has_sentinel = true, .sentinel = 0x4B189680u,
		.checks = { AT400_QUALITY(577), AT400_UNITS(577, 81) },
	},

	/* pH/ORP sensor (1501-1537 header). */
	{
		/* doc 1538: pH, param ID 17, units 145 = pH (default) */
		.name = "ph", .unit = "[pH]",
		.reg = MB_HOLDING, .addr = 1537, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = 0.0, .rated_max = 14.0,
		.checks = { AT400_QUALITY(1537), AT400_UNITS(1537, 145) },
	},
	{
		/* doc 1546: pH electrode potential, param ID 18, units 162 = mV (default) */
		.name = "ph_mv", .unit = "mV",
		.reg = MB_HOLDING, .addr = 1545, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = -1000.0, .rated_max = 1000.0,
		.checks = { AT400_QUALITY(1545), AT400_UNITS(1545, 162) },
	},
	{
		/*
		 * doc 1554: ORP, param ID 19 (the guide prints its param ID
		 * register as "4556", a typo for 1556).  Its units ID is cut
		 * off in the mirrored page, so no units check.
		 */
		.name = "orp", .unit = "mV",
		.reg = MB_HOLDING, .addr = 1553, .type = MB_F32, .order = MB_ABCD,
		.scale = 1.0, .rated_min = -1400.0, .rated_max = 1400.0,
		.checks = { AT400_QUALITY(1553) },
	},
};

const struct drv_model drv_insitu_at400 = {
	.name = "insitu-at400",
	.description = "In-Situ Aqua TROLL 400 multiparameter sonde",
	.points = points,
	.npoints = sizeof(points) / sizeof(points[0]),
	/*
	 * In-Situ probes take long reads (register 9205 reports the actual
	 * largest message); 64 covers a whole sensor's parameter blocks (the
	 * conductivity read is 37 registers) with room to spare.
	 */
	.max_regs_per_read = 64,
	/* Bridges whole blocks inside a sensor, never the gaps between sensors. */
	.max_gap = 16,
	.align_even = false,
	.turnaround_ms = 0,
	/*
	 * RDO warm-up 2000 ms, conductivity 1200 ms (registers 0017, 0517);
	 * with automatic salinity correction on, the RDO's figure is the sum,
	 * 3200 ms.  Fast sample rates 1200 ms each, 2400 ms summed.
	 */
	.warmup_ms = 3200,
	.min_interval_ms = 2400,
	/*
	 * Not in the guide: a read may wait for a sensor to wake and sample,
	 * so allow the summed warm-up (ASSUMED).
	 */
	.max_reply_ms = 3200,
	.baud = 19200,
	.parity = 'E',
	.data_bits = 8,
	.stop_bits = 1,
	.default_unit = 1,
};
