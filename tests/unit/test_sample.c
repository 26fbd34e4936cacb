/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for sample (and the quality names of reading): one made-up poll
 * of a few register blocks, some read and some failed, and a table of points
 * over it, each with the reading it must give: missing registers, scale,
 * offset and calibration, rated and plausible ranges, sentinels, NaN and
 * infinite registers, status checks of every kind (and their registers not
 * read), the worst quality winning, and maintenance.  sample_find has its own
 * table.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "driver.h"
#include "reading.h"
#include "sample.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define H		MB_HOLDING
#define I		MB_INPUT
#define GOOD		LW_Q_GOOD
#define SUSPECT		LW_Q_SUSPECT
#define BAD		LW_Q_BAD
#define MISSING		LW_Q_MISSING
#define MAINT		LW_Q_MAINTENANCE

/* holding 0..15, read */
static const uint16_t hold0[16] = {
	0x418D, 0x0000,		/* 0: f32 17.625 */
	0x7FC0, 0x0000,		/* 2: f32 NaN (quiet) */
	0xFFFF, 0xFFFF,		/* 4: f32 NaN (all ones) */
	0x7F80, 0x0000,		/* 6: f32 +Inf */
	0x0000,			/* 8: status, all clear */
	0x0A53,			/* 9: status, nibbles 0 A 5 3 */
	1234,			/* 10: u16 */
	0xFFFB,			/* 11: i16 -5 */
	0x7FFF,			/* 12: u16 32767 */
	0x8000,			/* 13: i16 -32768 */
	0x0000, 0xC18D,		/* 14: f32 -17.625 in CDAB */
};
/* holding 16..19, read: a separate transaction right after hold0 */
static const uint16_t hold16[4] = { 0xFF80, 0x0000, 0x0000, 0x0000 };	/* f32 -Inf */
/* holding 100..103, failed (the data must not be used) */
static const uint16_t hold100[4] = { 0x418D, 0x0000, 0x418D, 0x0000 };
/* holding 102..105, read, overlapping the failed block */
static const uint16_t hold102[4] = { 0x4120, 0x0000, 0x0001, 0x0000 };	/* f32 10.0, status 1 */
/* input 0..11, read */
static const uint16_t in0[12] = {
	0x4031, 0xA000, 0x0000, 0x0000,	/* 0: f64 17.625 */
	0x00F0,				/* 4: status */
	0x0000,				/* 5: status */
	0x418D, 0x0000,			/* 6: f32 17.625 (holding 6 is +Inf) */
	0x7FE1, 0xCCF3, 0x85EB, 0xC8A0,	/* 8: f64 1e308 */
};
/* input 50..51, failed */
static const uint16_t in50[2] = { 0x0000, 0x0001 };
/* holding 200..201, "read" but without data: a caller's slip, not a value */

static const struct plan_block blocks[] = {
	{ H, 0, 16 }, { H, 16, 4 }, { H, 100, 4 }, { H, 102, 4 }, { I, 0, 12 }, { I, 50, 2 },
	{ H, 200, 2 },
};
static const uint16_t *const data[] = { hold0, hold16, hold100, hold102, in0, in50, NULL };
static const bool ok[] = { true, true, false, true, true, false, true };
static const struct sample_regs regs = { blocks, data, ok, NELEM(blocks) };

/* sample_find: the block and offset expected, or no block (-1). */
static const struct {
	enum mb_regkind	 reg;
	uint16_t	 addr, count;
	int		 block;
	unsigned	 off;
} finds[] = {
	{ H, 0, 1, 0, 0 },
	{ H, 0, 16, 0, 0 },
	{ H, 14, 2, 0, 14 },
	{ H, 15, 1, 0, 15 },
	{ H, 15, 2, -1, 0 },		/* across two reads */
	{ H, 0, 17, -1, 0 },
	{ H, 16, 4, 1, 0 },
	{ H, 19, 1, 1, 3 },
	{ H, 20, 1, -1, 0 },
	{ H, 100, 2, -1, 0 },		/* only the failed block has it */
	{ H, 101, 2, -1, 0 },
	{ H, 102, 2, 3, 0 },		/* the failed block covers it, but so does a good one */
	{ H, 103, 1, 3, 1 },
	{ H, 104, 2, 3, 2 },
	{ H, 105, 2, -1, 0 },
	{ I, 0, 4, 4, 0 },
	{ I, 6, 2, 4, 6 },
	{ I, 11, 1, 4, 11 },
	{ I, 12, 1, -1, 0 },
	{ I, 16, 1, -1, 0 },		/* holding 16 was read, input 16 was not */
	{ H, 11, 1, 0, 11 },
	{ I, 50, 1, -1, 0 },
	{ H, 200, 1, -1, 0 },		/* no data */
	{ H, 0, 0, -1, 0 },		/* nothing to find */
	{ H, 65535, 1, -1, 0 },
	{ (enum mb_regkind)2, 0, 1, -1, 0 },
};

/* Configuration adjustments the points may use (adj index; -1: NULL). */
static const struct sample_adjust adjs[] = {
	/* 0 */ { 1.0, 0.0, false, 0, 0 },
	/* 1 */ { 1.5, 2.0, false, 0, 0 },
	/* 2 */ { 0.5, -3.0, false, 0, 0 },
	/* 3 */ { 1.0, 0.0, true, 10.0, 20.0 },
	/* 4 */ { 1.0, 0.0, true, 18.0, 20.0 },
	/* 5 */ { 1.0, 0.0, true, 0.0, 17.0 },
	/* 6 */ { 1.0, 0.0, false, 18.0, 20.0 },	/* bounds, but not in force */
	/* 7 */ { 2.0, 0.0, false, 0, 0 },
	/* 8 */ { 1e300, 0.0, false, 0, 0 },
	/* 9 */ { 2.0, 0.0, true, 30.0, 40.0 },
	/* 10 */ { 1.0, 0.0, true, 17.625, 17.625 },
};

#define CHK(kind, reg, addr, shift, mask, code, q)	{ kind, reg, addr, shift, mask, code, q }
#define BITS	DRV_CHECK_BITS
#define IS	DRV_CHECK_IS
#define NOT	DRV_CHECK_NOT
#define NONE	DRV_CHECK_NONE

/* A point: kind, address, type, order, scale, offset, rated range. */
#define PT(k, a, t, o, sc, off, rmin, rmax)				\
	.reg = k, .addr = a, .type = t, .order = o,			\
	.scale = sc, .offset = off, .rated_min = rmin, .rated_max = rmax
#define F32(addr)	PT(H, addr, MB_F32, MB_ABCD, 1.0, 0.0, 0.0, 0.0)

static const struct {
	const char		*what;
	struct drv_point	 p;
	int			 adj;
	bool			 maintenance;
	bool			 has_value;
	double			 value;
	enum lw_quality		 quality;
} evals[] = {
	/* Registers not read. */
	{ "in a failed block", { F32(100) }, -1, false, false, 0, MISSING },
	{ "in no block", { F32(300) }, -1, false, false, 0, MISSING },
	{ "across two blocks", { F32(15) }, -1, false, false, 0, MISSING },
	{ "in a failed input block", { PT(I, 50, MB_U16, MB_ABCD, 1.0, 0.0, 0.0, 0.0) }, -1, false,
	    false, 0, MISSING },
	{ "missing in maintenance stays missing", { F32(100) }, -1, true, false, 0, MISSING },
	{ "missing, whatever its checks", { F32(100), .checks = {
	    CHK(BITS, H, 9, 0, 0xF, 0, BAD) } }, -1, false, false, 0, MISSING },
	{ "a block read but without data", { F32(200) }, -1, false, false, 0, MISSING },

	/* Values: decode, scale and offset, calibration. */
	{ "f32 abcd", { F32(0) }, -1, false, true, 17.625, GOOD },
	{ "f32 cdab", { PT(H, 14, MB_F32, MB_CDAB, 1.0, 0.0, 0.0, 0.0) }, -1, false, true, -17.625,
	    GOOD },
	{ "input f32, where holding holds +Inf", { PT(I, 6, MB_F32, MB_ABCD, 1.0, 0.0, 0.0, 0.0) },
	    -1, false, true, 17.625, GOOD },
	{ "f64 abcd", { PT(I, 0, MB_F64, MB_ABCD, 1.0, 0.0, 0.0, 0.0) }, -1, false, true, 17.625,
	    GOOD },
	{ "u16 with scale 0.1", { PT(H, 10, MB_U16, MB_ABCD, 0.1, 0.0, 0.0, 0.0) }, -1, false, true,
	    123.4, GOOD },
	{ "i16 negative", { PT(H, 11, MB_I16, MB_ABCD, 1.0, 0.0, 0.0, 0.0) }, -1, false, true, -5,
	    GOOD },
	{ "i16 -32768 with an offset", { PT(H, 13, MB_I16, MB_ABCD, 1.0, 100.0, 0.0, 0.0) }, -1, false,
	    true, -32668, GOOD },
	{ "u16 byte-swapped", { PT(H, 10, MB_U16, MB_BADC, 1.0, 0.0, 0.0, 0.0) }, -1, false, true,
	    0xD204, GOOD },
	{ "scale 2, offset -1", { PT(H, 0, MB_F32, MB_ABCD, 2.0, -1.0, 0.0, 0.0) }, -1, false, true,
	    34.25, GOOD },
	{ "negative scale", { PT(H, 11, MB_I16, MB_ABCD, -0.5, 0.0, 0.0, 0.0) }, -1, false, true,
	    2.5, GOOD },
	{ "calibration 1.5, +2", { PT(H, 10, MB_U16, MB_ABCD, 0.1, 0.0, 0.0, 0.0) }, 1, false, true,
	    187.1, GOOD },
	{ "scale and offset come before calibration", { PT(H, 0, MB_F32, MB_ABCD, 2.0, 1.0, 0.0,
	    0.0) }, 2, false, true, 15.125, GOOD },
	{ "identity calibration", { F32(0) }, 0, false, true, 17.625, GOOD },

	/* Rated range. */
	{ "inside the rated range", { PT(H, 0, MB_F32, MB_ABCD, 1.0, 0.0, 0.0, 50.0) }, -1, false,
	    true, 17.625, GOOD },
	{ "below the rated range", { PT(H, 0, MB_F32, MB_ABCD, 1.0, 0.0, 20.0, 50.0) }, -1, false,
	    true, 17.625, SUSPECT },
	{ "above the rated range", { PT(H, 0, MB_F32, MB_ABCD, 1.0, 0.0, 0.0, 10.0) }, -1, false,
	    true, 17.625, SUSPECT },
	{ "at the rated maximum", { PT(H, 0, MB_F32, MB_ABCD, 1.0, 0.0, 0.0, 17.625) }, -1, false,
	    true, 17.625, GOOD },
	{ "at the rated minimum", { PT(H, 0, MB_F32, MB_ABCD, 1.0, 0.0, 17.625, 20.0) }, -1, false,
	    true, 17.625, GOOD },
	{ "equal bounds: no rated range", { PT(H, 0, MB_F32, MB_ABCD, 1.0, 0.0, 5.0, 5.0) }, -1,
	    false, true, 17.625, GOOD },
	{ "infinite rated range", { PT(H, 0, MB_F32, MB_ABCD, 1.0, 0.0, -INFINITY, INFINITY) }, -1,
	    false, true, 17.625, GOOD },
	{ "the rated range checks the scaled value", { PT(H, 10, MB_U16, MB_ABCD, 0.01, 0.0, 0.0,
	    20.0) }, -1, false, true, 12.34, GOOD },
	{ "the rated range checks the calibrated value", { PT(H, 0, MB_F32, MB_ABCD, 1.0, 0.0, 0.0,
	    20.0) }, 7, false, true, 35.25, SUSPECT },

	/* Plausible range. */
	{ "inside the plausible range", { F32(0) }, 3, false, true, 17.625, GOOD },
	{ "below the plausible range", { F32(0) }, 4, false, true, 17.625, SUSPECT },
	{ "above the plausible range", { F32(0) }, 5, false, true, 17.625, SUSPECT },
	{ "at both plausible bounds", { F32(0) }, 10, false, true, 17.625, GOOD },
	{ "plausible bounds not in force", { F32(0) }, 6, false, true, 17.625, GOOD },
	{ "the plausible range checks the calibrated value (raw 17.625 is outside)", { F32(0) }, 9,
	    false, true, 35.25, GOOD },
	{ "outside both ranges is still suspect", { PT(H, 0, MB_F32, MB_ABCD, 1.0, 0.0, 0.0, 10.0) },
	    4, false, true, 17.625, SUSPECT },

	/* Sentinels. */
	{ "u16 sentinel", { PT(H, 12, MB_U16, MB_ABCD, 1.0, 0.0, 0.0, 0.0), .has_sentinel = true,
	    .sentinel = 0x7FFF }, -1, false, false, 0, BAD },
	{ "u16 sentinel unset", { PT(H, 12, MB_U16, MB_ABCD, 1.0, 0.0, 0.0, 0.0),
	    .sentinel = 0x7FFF }, -1, false, true, 32767, GOOD },
	{ "u16 other sentinel", { PT(H, 12, MB_U16, MB_ABCD, 1.0, 0.0, 0.0, 0.0), .has_sentinel = true,
	    .sentinel = 0xFFFF }, -1, false, true, 32767, GOOD },
	{ "f32 sentinel", { F32(0), .has_sentinel = true, .sentinel = 0x418D0000 }, -1, false, false,
	    0, BAD },
	{ "the sentinel is the value's bits, after the order", { PT(H, 14, MB_F32, MB_CDAB, 1.0, 0.0,
	    0.0, 0.0), .has_sentinel = true, .sentinel = 0xC18D0000 }, -1, false, false, 0, BAD },
	{ "the sentinel is not the wire's bits", { PT(H, 14, MB_F32, MB_CDAB, 1.0, 0.0, 0.0, 0.0),
	    .has_sentinel = true, .sentinel = 0x0000C18D }, -1, false, true, -17.625, GOOD },
	{ "sentinel 0 is a sentinel", { PT(H, 8, MB_U16, MB_ABCD, 1.0, 0.0, 0.0, 0.0),
	    .has_sentinel = true, .sentinel = 0 }, -1, false, false, 0, BAD },
	{ "sentinel in maintenance stays bad", { F32(0), .has_sentinel = true,
	    .sentinel = 0x418D0000 }, -1, true, false, 0, BAD },

	/* NaN and infinities. */
	{ "f32 NaN 0x7FC00000", { F32(2) }, -1, false, false, 0, BAD },
	{ "f32 NaN 0xFFFFFFFF", { F32(4) }, -1, false, false, 0, BAD },
	{ "f32 +Inf 0x7F800000", { F32(6) }, -1, false, false, 0, BAD },
	{ "f32 -Inf 0xFF800000", { F32(16) }, -1, false, false, 0, BAD },
	{ "NaN with an offset", { PT(H, 2, MB_F32, MB_ABCD, 1.0, 5.0, 0.0, 0.0) }, -1, false, false,
	    0, BAD },
	{ "+Inf times scale 0", { PT(H, 6, MB_F32, MB_ABCD, 0.0, 0.0, 0.0, 0.0) }, -1, false, false,
	    0, BAD },
	{ "NaN in maintenance stays bad", { F32(2) }, -1, true, false, 0, BAD },
	{ "NaN with good status", { F32(2), .checks = { CHK(BITS, H, 8, 0, 0xFFFF, 0, SUSPECT) } },
	    -1, false, false, 0, BAD },
	{ "f64 1e308", { PT(I, 8, MB_F64, MB_ABCD, 1.0, 0.0, 0.0, 0.0) }, -1, false, true, 1e308,
	    GOOD },
	{ "f64 1e308 scaled to infinity", { PT(I, 8, MB_F64, MB_ABCD, 10.0, 0.0, 0.0, 0.0) }, -1,
	    false, false, 0, BAD },
	{ "calibrated to infinity", { PT(I, 8, MB_F64, MB_ABCD, 1.0, 0.0, 0.0, 0.0) }, 8, false,
	    false, 0, BAD },
	{ "a type that does not exist", { PT(H, 0, (enum mb_type)42, MB_ABCD, 1.0, 0.0, 0.0, 0.0) },
	    -1, false, false, 0, BAD },

	/* Status checks: holding 8 = 0x0000, holding 9 = 0x0A53, input 4 = 0x00F0. */
	{ "BITS, clear", { F32(0), .checks = { CHK(BITS, H, 8, 0, 0xFFFF, 0, BAD) } }, -1, false, true,
	    17.625, GOOD },
	{ "BITS, clear field", { F32(0), .checks = { CHK(BITS, H, 9, 12, 0xF, 0, BAD) } }, -1, false,
	    true, 17.625, GOOD },
	{ "BITS, set: suspect", { F32(0), .checks = { CHK(BITS, H, 9, 0, 0x1, 0, SUSPECT) } }, -1,
	    false, true, 17.625, SUSPECT },
	{ "BITS, set: bad keeps the value", { F32(0), .checks = { CHK(BITS, H, 9, 1, 0x1, 0, BAD) } },
	    -1, false, true, 17.625, BAD },
	{ "BITS, masked off", { F32(0), .checks = { CHK(BITS, H, 9, 2, 0x3, 0, BAD) } }, -1, false,
	    true, 17.625, GOOD },
	{ "IS, equal: fails", { F32(0), .checks = { CHK(IS, H, 9, 0, 0xF, 3, BAD) } }, -1, false, true,
	    17.625, BAD },
	{ "IS, other: passes", { F32(0), .checks = { CHK(IS, H, 9, 0, 0xF, 4, BAD) } }, -1, false,
	    true, 17.625, GOOD },
	{ "IS, shifted field", { F32(0), .checks = { CHK(IS, H, 9, 8, 0xF, 0xA, SUSPECT) } }, -1, false,
	    true, 17.625, SUSPECT },
	{ "IS, whole register", { F32(0), .checks = { CHK(IS, H, 9, 0, 0xFFFF, 0x0A53, BAD) } }, -1,
	    false, true, 17.625, BAD },
	{ "NOT, equal: passes", { F32(0), .checks = { CHK(NOT, H, 9, 4, 0xF, 5, BAD) } }, -1, false,
	    true, 17.625, GOOD },
	{ "NOT, other: fails", { F32(0), .checks = { CHK(NOT, H, 9, 4, 0xF, 6, SUSPECT) } }, -1, false,
	    true, 17.625, SUSPECT },
	{ "NOT 0 on a clear register", { F32(0), .checks = { CHK(NOT, H, 8, 0, 0xFFFF, 0, BAD) } }, -1,
	    false, true, 17.625, GOOD },
	{ "a shift past the register leaves field 0", { F32(0), .checks = {
	    CHK(BITS, H, 9, 16, 0xFFFF, 0, BAD), CHK(NOT, H, 9, 200, 0xFF, 0, BAD) } }, -1, false,
	    true, 17.625, GOOD },
	{ "the check's register kind counts", { F32(0), .checks = {
	    CHK(BITS, I, 4, 0, 0x000F, 0, BAD) } }, -1, false, true, 17.625, GOOD },
	{ "an input status register", { F32(0), .checks = { CHK(IS, I, 4, 4, 0xF, 0xF, BAD) } }, -1,
	    false, true, 17.625, BAD },
	{ "suspect then bad: bad", { F32(0), .checks = { CHK(BITS, H, 9, 0, 0x1, 0, SUSPECT),
	    CHK(IS, H, 9, 0, 0xF, 3, BAD) } }, -1, false, true, 17.625, BAD },
	{ "bad then suspect: bad", { F32(0), .checks = { CHK(IS, H, 9, 0, 0xF, 3, BAD),
	    CHK(BITS, H, 9, 0, 0x1, 0, SUSPECT) } }, -1, false, true, 17.625, BAD },
	{ "one of four fails", { F32(0), .checks = { CHK(BITS, H, 8, 0, 0xFFFF, 0, BAD),
	    CHK(NOT, H, 9, 4, 0xF, 5, BAD), CHK(IS, H, 9, 0, 0xF, 4, BAD),
	    CHK(IS, I, 5, 0, 0xFFFF, 0, SUSPECT) } }, -1, false, true, 17.625, SUSPECT },
	{ "unused slots are skipped", { F32(0), .checks = { CHK(NONE, H, 9, 0, 0xFFFF, 0, BAD),
	    CHK(NONE, H, 9, 0, 0xFFFF, 0, BAD), CHK(IS, H, 9, 0, 0xF, 3, SUSPECT) } }, -1, false,
	    true, 17.625, SUSPECT },
	{ "an unused slot never fails", { F32(0), .checks = { CHK(NONE, H, 9, 0, 0xFFFF, 0x0A53,
	    BAD) } }, -1, false, true, 17.625, GOOD },
	{ "status register in a failed block: suspect", { F32(0), .checks = {
	    CHK(BITS, H, 100, 0, 0xFFFF, 0, BAD) } }, -1, false, true, 17.625, SUSPECT },
	{ "status register not read: suspect", { F32(0), .checks = {
	    CHK(NOT, H, 300, 0, 0xFFFF, 0, BAD) } }, -1, false, true, 17.625, SUSPECT },
	{ "status register of the wrong kind: suspect", { F32(0), .checks = {
	    CHK(BITS, I, 16, 0, 0xFFFF, 0, BAD) } }, -1, false, true, 17.625, SUSPECT },
	{ "status not read, another check bad: bad", { F32(0), .checks = {
	    CHK(BITS, H, 300, 0, 0xFFFF, 0, SUSPECT), CHK(IS, H, 9, 0, 0xF, 3, BAD) } }, -1, false,
	    true, 17.625, BAD },
	{ "status from the good one of two overlapping blocks", { PT(H, 102, MB_F32, MB_ABCD, 1.0,
	    0.0, 0.0, 0.0), .checks = { CHK(IS, H, 104, 0, 0xFFFF, 1, BAD) } }, -1, false, true, 10.0,
	    BAD },
	{ "a check of a kind that does not exist: suspect", { F32(0), .checks = {
	    CHK((enum drv_check_kind)9, H, 8, 0, 0xFFFF, 0, BAD) } }, -1, false, true, 17.625,
	    SUSPECT },
	{ "a check asking for missing counts as bad", { F32(0), .checks = {
	    CHK(IS, H, 9, 0, 0xF, 3, MISSING) } }, -1, false, true, 17.625, BAD },
	{ "a check asking for good changes nothing", { F32(0), .checks = {
	    CHK(IS, H, 9, 0, 0xF, 3, GOOD) } }, -1, false, true, 17.625, GOOD },
	{ "rated suspect and check bad: bad", { PT(H, 0, MB_F32, MB_ABCD, 1.0, 0.0, 0.0, 10.0),
	    .checks = { CHK(IS, H, 9, 0, 0xF, 3, BAD) } }, -1, false, true, 17.625, BAD },
	{ "plausible suspect and check suspect: suspect", { F32(0), .checks = {
	    CHK(BITS, H, 9, 0, 0x1, 0, SUSPECT) } }, 4, false, true, 17.625, SUSPECT },

	/* Maintenance. */
	{ "good in maintenance", { F32(0) }, -1, true, true, 17.625, MAINT },
	{ "suspect in maintenance", { PT(H, 0, MB_F32, MB_ABCD, 1.0, 0.0, 0.0, 10.0) }, -1, true, true,
	    17.625, MAINT },
	{ "flagged bad in maintenance", { F32(0), .checks = { CHK(IS, H, 9, 0, 0xF, 3, BAD) } }, -1,
	    true, true, 17.625, MAINT },
	{ "calibrated in maintenance", { PT(H, 10, MB_U16, MB_ABCD, 0.1, 0.0, 0.0, 0.0) }, 1, true,
	    true, 187.1, MAINT },
};

static void
test_find(void)
{
	for (size_t i = 0; i < NELEM(finds); i++) {
		const uint16_t *got = sample_find(&regs, finds[i].reg, finds[i].addr, finds[i].count);
		const uint16_t *want = finds[i].block < 0 ? NULL :
		    data[finds[i].block] + finds[i].off;

		CHECK(got == want, "sample_find %s %u+%u: %s", mb_regkind_name(finds[i].reg) ?
		    mb_regkind_name(finds[i].reg) : "?", finds[i].addr, finds[i].count,
		    want ? "found in the right block" : "not found");
	}
	CHECK(sample_find(NULL, H, 0, 1) == NULL, "sample_find: no registers");
	{
		struct sample_regs none = { NULL, NULL, NULL, 0 };

		CHECK(sample_find(&none, H, 0, 1) == NULL, "sample_find: no blocks");
	}
}

static void
test_eval(void)
{
	for (size_t i = 0; i < NELEM(evals); i++) {
		struct lw_reading r;
		const struct sample_adjust *adj = evals[i].adj < 0 ? NULL : &adjs[evals[i].adj];

		memset(&r, 0, sizeof(r));
		r.time_ms = 1795477516123LL;
		strcpy(r.device, "sonde");
		strcpy(r.point, "ph");
		strcpy(r.unit, "[pH]");
		r.value = -999;
		r.has_value = !evals[i].has_value;
		r.quality = (enum lw_quality)77;
		sample_eval(&evals[i].p, adj, &regs, evals[i].maintenance, &r);
		CHECK_EQ_STR(lw_quality_name(evals[i].quality), lw_quality_name(r.quality),
		    "%s: quality", evals[i].what);
		CHECK_EQ_INT(evals[i].has_value, r.has_value, "%s: has_value", evals[i].what);
		CHECK_EQ_DBL(evals[i].value, r.value, 1e-9 * fabs(evals[i].value), "%s: value",
		    evals[i].what);
		CHECK(r.time_ms == 1795477516123LL && strcmp(r.device, "sonde") == 0 &&
		    strcmp(r.point, "ph") == 0 && strcmp(r.unit, "[pH]") == 0,
		    "%s: time, names and unit untouched", evals[i].what);
	}
}

static void
test_quality_names(void)
{
	static const struct {
		enum lw_quality	 q;
		const char	*name;
	} names[] = {
		{ LW_Q_GOOD, "good" }, { LW_Q_SUSPECT, "suspect" }, { LW_Q_BAD, "bad" },
		{ LW_Q_MISSING, "missing" }, { LW_Q_MAINTENANCE, "maintenance" },
	};
	static const char *const bad[] = { "", "Good", "GOOD", "ok", "good ", "maint", "badd" };
	enum lw_quality q;

	for (size_t i = 0; i < NELEM(names); i++) {
		CHECK_EQ_STR(names[i].name, lw_quality_name(names[i].q), "quality %d is named", names[i].q);
		q = (enum lw_quality)99;
		CHECK_EQ_INT(0, lw_quality_parse(names[i].name, &q), "\"%s\" parses", names[i].name);
		CHECK_EQ_INT(names[i].q, q, "\"%s\" is the right code", names[i].name);
	}
	CHECK(LW_Q_GOOD < LW_Q_SUSPECT && LW_Q_SUSPECT < LW_Q_BAD && LW_Q_BAD < LW_Q_MISSING,
	    "qualities are ordered best to worst");
	CHECK(lw_quality_name((enum lw_quality)5) == NULL, "no name past maintenance");
	CHECK(lw_quality_name((enum lw_quality)-1) == NULL, "no name for a negative code");
	for (size_t i = 0; i < NELEM(bad); i++) {
		q = LW_Q_SUSPECT;
		CHECK_EQ_INT(-EINVAL, lw_quality_parse(bad[i], &q), "\"%s\" is refused", bad[i]);
		CHECK_EQ_INT(LW_Q_SUSPECT, q, "\"%s\" leaves the result alone", bad[i]);
	}
	CHECK_EQ_INT(-EINVAL, lw_quality_parse(NULL, &q), "NULL is refused");
}

int
main(void)
{
	test_find();
	test_eval();
	test_quality_names();
	return tap_done();
}
