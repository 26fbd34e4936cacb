/* SPDX-License-Identifier: MIT */
/*
 * From the register blocks of one poll to a reading per point: decode, apply
 * scale, offset and calibration, and decide the quality code (SPEC "Readings
 * and quality").  A point whose registers were not read is `missing` with no
 * value, never 0.  Pure: no I/O, no logging.
 */
#ifndef LW_SAMPLE_H
#define LW_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "driver.h"
#include "plan.h"
#include "reading.h"

/* The registers one poll read: blocks[i] holds data[i] when ok[i]. */
struct sample_regs {
	const struct plan_block	*blocks;
	const uint16_t *const	*data;
	const bool		*ok;
	size_t			 nblocks;
};

/* What the configuration adds to a driver's point. */
struct sample_adjust {
	double		 cal_scale;	/* calibration: value * cal_scale + cal_offset */
	double		 cal_offset;
	bool		 has_plausible;
	double		 plausible_min;	/* outside: suspect */
	double		 plausible_max;
};

/*
 * The registers [addr, addr+count) of that kind from a block that was read,
 * or NULL when no successful block covers them.
 */
const uint16_t	*sample_find(const struct sample_regs *, enum mb_regkind,
		     uint16_t addr, uint16_t count);

/*
 * Fill value, has_value and quality of *out (time, names and unit are the
 * caller's) for point p.  adj may be NULL.  maintenance marks a reading that
 * has a value as LW_Q_MAINTENANCE; one with no answer stays missing.
 * Registers not read: missing.  The sentinel, NaN or an infinity (also after
 * scaling): bad, with no value.  Otherwise the value, good or worse: suspect
 * outside the rated or plausible range, and a failing status check's own
 * quality (a check that says bad keeps the value).  When a status register a
 * check needs was not read, the reading is at least suspect.
 */
void		 sample_eval(const struct drv_point *p, const struct sample_adjust *adj,
		     const struct sample_regs *, bool maintenance, struct lw_reading *out);

#endif
