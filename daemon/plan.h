/* SPDX-License-Identifier: MIT */
/*
 * Block-read planning: the fewest read transactions that cover every register
 * a device's points and status checks need, within the device's largest read
 * and gap-fill limit, never splitting a value.  Pure: no I/O, no logging.
 */
#ifndef LW_PLAN_H
#define LW_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "driver.h"
#include "regtype.h"

#define PLAN_MAX_BLOCKS	64

/* A run of registers that must be read in one transaction. */
struct plan_span {
	enum mb_regkind	 reg;
	uint16_t	 addr;
	uint16_t	 count;
};

/* One read transaction. */
struct plan_block {
	enum mb_regkind	 reg;
	uint16_t	 addr;
	uint16_t	 count;
};

/*
 * Cover spans with the fewest blocks of at most max_regs registers, each
 * bridging at most max_gap unneeded registers between spans, starting on an
 * even address when align_even.  Spans may overlap and come in any order.
 * max_regs 0, or more than Modbus's 125, means 125.  With align_even, a
 * block that would start at an odd address starts one lower, and that
 * register counts towards max_regs.  Blocks come holding first, then input,
 * each by address; blocks may overlap when spans do.  Returns the number of
 * blocks written to ret, -E2BIG if a span is longer than max_regs (with its
 * alignment) or more than max_blocks are needed, -EINVAL on bad arguments (a
 * span of no registers, past register 65535 or of no known kind).
 */
int	 plan_blocks(const struct plan_span *spans, size_t nspans,
	     uint16_t max_regs, uint16_t max_gap, bool align_even,
	     struct plan_block *ret, size_t max_blocks);

/*
 * The plan for a whole model: every point's value registers and every status
 * register its checks name.  Same returns as plan_blocks.
 */
int	 plan_model(const struct drv_model *, struct plan_block *ret, size_t max_blocks);

#endif
