/* SPDX-License-Identifier: MIT */
/*
 * From one poll's register blocks to a point's reading (see sample.h).  The
 * rules, in order:
 *
 * - The value's registers were not read (timeout, exception, CRC error):
 *   missing, no value.
 * - The raw bits are the point's sentinel ("no value" by the manual): bad,
 *   no value.
 * - The raw number is NaN or infinite, or scaling or calibration makes it
 *   infinite: bad, no value.  A NaN is never stored as a value.
 * - Otherwise value = (raw * scale + offset) * cal_scale + cal_offset, and
 *   the quality starts good and takes the worst of: suspect outside the
 *   rated range (when rated_min < rated_max; equal bounds mean none), suspect
 *   outside the configured plausible range, and for each failing status check
 *   that check's quality (suspect or bad: a sensor that flags its value as
 *   bad still sent a number, which is kept).  A check whose status register
 *   was not read, or of a kind this code does not know, makes the reading at
 *   least suspect: the value may be fine, but nothing vouches for it.  A
 *   check asking for worse than bad counts as bad, so a reading with a value
 *   is never missing.
 * - In maintenance a reading with a value becomes maintenance; one without
 *   stays missing or bad.
 */
#include <math.h>
#include <stddef.h>

#include "decode.h"
#include "sample.h"

const uint16_t *
sample_find(const struct sample_regs *r, enum mb_regkind reg, uint16_t addr, uint16_t count)
{
	unsigned end = (unsigned)addr + count;

	if (r == NULL || count == 0 || r->blocks == NULL || r->data == NULL || r->ok == NULL)
		return NULL;
	for (size_t i = 0; i < r->nblocks; i++) {
		const struct plan_block *b = &r->blocks[i];

		if (r->ok[i] && r->data[i] != NULL && b->reg == reg && b->addr <= addr &&
		    end <= (unsigned)b->addr + b->count)
			return r->data[i] + (addr - b->addr);
	}
	return NULL;
}

static enum lw_quality
worst(enum lw_quality a, enum lw_quality b)
{
	return a > b ? a : b;
}

/* Does the status register fail this check? */
static bool
check_fails(const struct drv_check *c, uint16_t status)
{
	/* A shift past the register leaves no field: 0. */
	unsigned field = c->shift < 16 ? (unsigned)(status >> c->shift) & c->mask : 0;

	switch (c->kind) {
	case DRV_CHECK_BITS:
		return field != 0;
	case DRV_CHECK_IS:
		return field == c->code;
	case DRV_CHECK_NOT:
		return field != c->code;
	case DRV_CHECK_NONE:
		break;
	}
	return false;
}

/* The quality the status checks allow at best. */
static enum lw_quality
checks_quality(const struct drv_point *p, const struct sample_regs *regs)
{
	enum lw_quality q = LW_Q_GOOD;

	for (size_t i = 0; i < DRV_MAX_CHECKS; i++) {
		const struct drv_check *c = &p->checks[i];
		const uint16_t *status;

		if (c->kind == DRV_CHECK_NONE)
			continue;
		status = sample_find(regs, c->reg, c->addr, 1);
		if (status == NULL || (c->kind != DRV_CHECK_BITS && c->kind != DRV_CHECK_IS &&
		    c->kind != DRV_CHECK_NOT)) {
			q = worst(q, LW_Q_SUSPECT);
			continue;
		}
		if (check_fails(c, *status))
			q = worst(q, c->quality > LW_Q_BAD ? LW_Q_BAD : c->quality);
	}
	return q;
}

static void
no_value(struct lw_reading *out, enum lw_quality q)
{
	out->value = 0;
	out->has_value = false;
	out->quality = q;
}

void
sample_eval(const struct drv_point *p, const struct sample_adjust *adj,
    const struct sample_regs *regs, bool maintenance, struct lw_reading *out)
{
	unsigned nregs = mb_type_regs(p->type);
	const uint16_t *v;
	enum lw_quality q = LW_Q_GOOD;
	uint64_t bits;
	double value;

	if (nregs == 0) {
		/* A type that does not exist: whatever was read cannot be a value. */
		no_value(out, LW_Q_BAD);
		return;
	}
	v = sample_find(regs, p->reg, p->addr, (uint16_t)nregs);
	if (v == NULL) {
		no_value(out, LW_Q_MISSING);
		return;
	}
	bits = decode_bits(v, nregs, p->order);
	if (p->has_sentinel && bits == p->sentinel) {
		no_value(out, LW_Q_BAD);
		return;
	}
	value = decode_number(bits, p->type) * p->scale + p->offset;
	if (adj != NULL)
		value = value * adj->cal_scale + adj->cal_offset;
	if (!isfinite(value)) {
		no_value(out, LW_Q_BAD);
		return;
	}

	if (p->rated_min < p->rated_max && (value < p->rated_min || value > p->rated_max))
		q = worst(q, LW_Q_SUSPECT);
	if (adj != NULL && adj->has_plausible &&
	    (value < adj->plausible_min || value > adj->plausible_max))
		q = worst(q, LW_Q_SUSPECT);
	q = worst(q, checks_quality(p, regs));
	if (maintenance)
		q = LW_Q_MAINTENANCE;
	out->value = value;
	out->has_value = true;
	out->quality = q;
}
