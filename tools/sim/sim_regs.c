/* SPDX-License-Identifier: MIT */
/*
 * A simulated device's register space, built from its driver table: per
 * register kind, one span from the lowest to the highest register any point
 * or status check uses.  Registers inside the span that no point uses read
 * 0 (so block reads that bridge gaps work); reads outside it get exception 2,
 * as from a real device.  Before each reply the image is rewritten with the
 * values at that moment: the faults file's value (set, ramp), else the --set
 * value, else simsignal's, encoded with the point's inverse scale and offset
 * in its type and word order, then the status registers at "all is well" (or
 * failing, under the flag fault).
 *
 * The image (a libmodbus mapping, so modbus_reply can serve it) belongs to
 * the bus thread of the device.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "simsignal.h"
#include "sim.h"

/* Widen a span to cover [addr, addr + n). */
static void
span_add(struct sim_span *s, uint16_t addr, unsigned n)
{
	unsigned last = addr + (n ? n : 1) - 1;

	if (last > 0xFFFF)
		last = 0xFFFF;
	if (!s->used) {
		s->used = true;
		s->lo = addr;
		s->hi = (uint16_t)last;
		return;
	}
	if (addr < s->lo)
		s->lo = addr;
	if (last > s->hi)
		s->hi = (uint16_t)last;
}

static unsigned
span_count(const struct sim_span *s)
{
	return s->used ? (unsigned)(s->hi - s->lo) + 1 : 0;
}

int
sim_device_init(struct sim_device *d, const struct conf_device *dev)
{
	const struct drv_model *m = dev->model;

	memset(d, 0, sizeof(*d));
	d->conf = dev;
	d->model = m;
	for (size_t i = 0; i < m->npoints; i++) {
		const struct drv_point *p = &m->points[i];

		span_add(&d->span[p->reg], p->addr, mb_type_regs(p->type));
		for (size_t c = 0; c < DRV_MAX_CHECKS; c++)
			if (p->checks[c].kind != DRV_CHECK_NONE)
				span_add(&d->span[p->checks[c].reg], p->checks[c].addr, 1);
	}
	d->pinned = calloc(m->npoints ? m->npoints : 1, sizeof(*d->pinned));
	d->pin = calloc(m->npoints ? m->npoints : 1, sizeof(*d->pin));
	d->map = modbus_mapping_new_start_address(0, 0, 0, 0,
	    d->span[MB_HOLDING].lo, span_count(&d->span[MB_HOLDING]),
	    d->span[MB_INPUT].lo, span_count(&d->span[MB_INPUT]));
	if (d->pinned == NULL || d->pin == NULL || d->map == NULL) {
		sim_device_done(d);
		return -ENOMEM;
	}
	return 0;
}

void
sim_device_done(struct sim_device *d)
{
	if (d == NULL)
		return;
	free(d->pinned);
	free(d->pin);
	if (d->map != NULL)
		modbus_mapping_free(d->map);
	d->pinned = NULL;
	d->pin = NULL;
	d->map = NULL;
}

unsigned
sim_device_check_read(const struct sim_device *d, enum mb_regkind kind, uint16_t addr, uint16_t count)
{
	const struct sim_span *s = &d->span[kind];
	/* The device as configured: max_read is the model's unless lowered. */
	unsigned max = d->conf->max_read ? d->conf->max_read : d->model->max_regs_per_read;

	if (max == 0 || max > SIM_MAX_READ)
		max = SIM_MAX_READ;
	if (count == 0 || count > max)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	if (!s->used || addr < s->lo || (unsigned)addr + count - 1 > s->hi)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
	if (d->model->align_even && (addr & 1))
		return MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
	return 0;
}

static uint16_t *
table(const struct sim_device *d, enum mb_regkind kind)
{
	return kind == MB_HOLDING ? d->map->tab_registers : d->map->tab_input_registers;
}

const uint16_t *
sim_device_regs(const struct sim_device *d, enum mb_regkind kind, uint16_t addr)
{
	return table(d, kind) + (addr - d->span[kind].lo);
}

/* The bits a point reads under the nan fault. */
static uint64_t
nan_bits(const struct drv_point *p)
{
	switch (p->type) {
	case MB_F32:
		return 0x7FC00000u;
	case MB_F64:
		return 0x7FF8000000000000ull;
	default:
		break;
	}
	if (p->has_sentinel)
		return p->sentinel;
	switch (p->type) {
	case MB_U16: return 0xFFFFu;
	case MB_I16: return 0x7FFFu;
	case MB_U32: return 0xFFFFFFFFu;
	case MB_I32: return 0x7FFFFFFFu;
	case MB_U64: return UINT64_MAX;
	case MB_I64: return (uint64_t)INT64_MAX;
	default: return 0;
	}
}

/*
 * A value well outside the rated range: 10 % of the span above the maximum
 * (below the minimum when only that is finite).  A point with no finite
 * bound keeps its value: nothing can be outside its range.
 */
static double
out_of_range(const struct drv_point *p, double value)
{
	if (isfinite(p->rated_max)) {
		double span = isfinite(p->rated_min) ? p->rated_max - p->rated_min : fabs(p->rated_max);

		return p->rated_max + 0.1 * (span > 0 ? span : 1.0);
	}
	if (isfinite(p->rated_min))
		return p->rated_min - 0.1 * (p->rated_min != 0 ? fabs(p->rated_min) : 1.0);
	return value;
}

/* The field of a check when all is well, and when it fails. */
static uint16_t
check_field(const struct drv_check *c, bool failing)
{
	switch (c->kind) {
	case DRV_CHECK_BITS:
		return failing ? c->mask : 0;
	case DRV_CHECK_IS:
		/* A code other than the failing one; 0 unless 0 is it. */
		return failing ? c->code : (c->code == 0 ? 1 : 0);
	case DRV_CHECK_NOT:
		return failing ? (uint16_t)(c->code + 1) : c->code;
	case DRV_CHECK_NONE:
		break;
	}
	return 0;
}

/* Put a value's registers at addr, clipped to the span. */
static void
put_regs(struct sim_device *d, enum mb_regkind kind, uint16_t addr, const uint16_t *regs, unsigned n)
{
	const struct sim_span *s = &d->span[kind];
	uint16_t *tab = table(d, kind);

	for (unsigned i = 0; i < n; i++) {
		unsigned a = (unsigned)addr + i;

		if (s->used && a >= s->lo && a <= s->hi)
			tab[a - s->lo] = regs[i];
	}
}

/* Set a check's field in its status register, leaving the other bits. */
static void
put_field(struct sim_device *d, const struct drv_check *ck, uint16_t field)
{
	uint16_t *reg = table(d, ck->reg) + (ck->addr - d->span[ck->reg].lo);
	uint16_t mask = (uint16_t)(ck->mask << ck->shift);

	*reg = (uint16_t)((*reg & ~mask) | (((unsigned)field << ck->shift) & mask));
}

void
sim_device_fill(struct sim_device *d, uint64_t seed, int64_t t_ms, const struct sim_faults *values,
    int64_t elapsed_ms, const struct sim_action *act)
{
	const struct drv_model *m = d->model;

	for (int k = MB_HOLDING; k <= MB_INPUT; k++)
		if (span_count(&d->span[k]))
			memset(table(d, (enum mb_regkind)k), 0,
			    span_count(&d->span[k]) * sizeof(uint16_t));
	for (size_t i = 0; i < m->npoints; i++) {
		const struct drv_point *p = &m->points[i];
		unsigned nregs = mb_type_regs(p->type);
		uint16_t regs[4] = { 0, 0, 0, 0 };
		uint64_t bits = 0;
		double value = 0.0;
		bool from_file = values != NULL &&
		    sim_values_get(values, d->conf, i, elapsed_ms, &value);

		if (!from_file && d->pinned[i]) {
			value = d->pin[i];
		} else if (!from_file) {
			struct simsignal_point sp = {
				.device = d->conf->name, .name = p->name, .unit = p->unit,
				.rated_min = p->rated_min, .rated_max = p->rated_max,
			};

			value = simsignal_value(seed, &sp, t_ms);
		}
		if (act->range)
			value = out_of_range(p, value);
		if (act->nan) {
			bits = nan_bits(p);
		} else {
			double scale = p->scale != 0 ? p->scale : 1.0;

			/* Clamped integers (-ERANGE) are what a real register would hold. */
			(void)encode_number((value - p->offset) / scale, p->type, &bits);
		}
		if (nregs > 4)
			nregs = 4;
		encode_bits(bits, nregs, p->order, regs);
		put_regs(d, p->reg, p->addr, regs, nregs);
	}
	/*
	 * Status registers.  Several checks may read one field (In-Situ: IS 3,
	 * IS 7 and NOT 0 on the quality ID), so the order of writing matters:
	 * all is well when the NOT checks' codes are written last; under the
	 * flag fault the failing value of the worst-quality check is.
	 */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m->npoints; i++)
			for (size_t c = 0; c < DRV_MAX_CHECKS; c++) {
				const struct drv_check *ck = &m->points[i].checks[c];

				if (ck->kind != DRV_CHECK_NONE && (ck->kind == DRV_CHECK_NOT) == (pass == 1))
					put_field(d, ck, check_field(ck, false));
			}
	if (!act->flag)
		return;
	for (int q = LW_Q_GOOD; q <= LW_Q_MAINTENANCE; q++)
		for (size_t i = 0; i < m->npoints; i++)
			for (size_t c = 0; c < DRV_MAX_CHECKS; c++) {
				const struct drv_check *ck = &m->points[i].checks[c];

				if (ck->kind != DRV_CHECK_NONE && (int)ck->quality == q)
					put_field(d, ck, check_field(ck, true));
			}
}
