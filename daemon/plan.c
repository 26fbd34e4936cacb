/* SPDX-License-Identifier: MIT */
/*
 * Block-read planning (see plan.h): the fewest read transactions that cover
 * a set of register spans.  Each span (a value or a status register) must lie
 * whole inside one block; a block is at most max_regs long, bridges at most
 * max_gap unneeded registers between the spans it holds, starts on an even
 * address when the device wants that (the register below an odd start is
 * then read and not used), and reads one kind of register.
 *
 * The greedy plan is the shortest.  Kinds never share a block, so each kind
 * is planned on its own.  Take its spans in order of address (longest first
 * on a tie) and grow the current block with each span while its hull stays
 * within max_regs and the span starts at most max_gap past the block's end
 * so far; else start a new block at that span.  Why no plan has fewer
 * blocks:
 *
 * 1. A span that lies inside an earlier one (in that order) is nested: any
 *    block that covers the outer span covers it too, and adding it to that
 *    block changes neither the block's length nor its gaps.  Such a span
 *    always fits the greedy's current block, whose end is the largest end
 *    seen so far (a block is only started by a span that ends beyond the
 *    previous block), so the greedy's count is that for the spans without
 *    the nested ones.  The rest are ordered by start and by end alike.
 * 2. For those, any block may be widened to every span between its first and
 *    last: each lies within the hull and only fills gaps.  A run of spans is
 *    valid when its hull (from its first span's start, rounded down to even
 *    when aligned, to its last span's end) is at most max_regs and each gap
 *    between neighbours is at most max_gap.  A part of a valid run is valid:
 *    its hull is no longer and its gaps are among the run's.  So a plan of b
 *    blocks gives a cut of the ordered spans into at most b valid runs
 *    (widen each block to a run, then trim overlapping runs apart).  The
 *    greedy's test for a new span is exactly whether its run stays valid.
 * 3. With validity closed under taking parts, the greedy stays ahead.  Say
 *    the greedy's first k runs reach at least as far along the order as some
 *    plan's first k runs.  The plan's run k+1 ends at some span s; the spans
 *    after the greedy's k-th run up to s are a part of that run, so each
 *    prefix of them is valid and the greedy's run k+1 does not stop before s.
 *    By induction the greedy needs no more runs than any plan.
 *
 * No allocation: the spans are taken in order by selection, which is O(n^2)
 * comparisons for n spans; n is a device's points and status checks, a few
 * hundred at most.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"

#define MODBUS_MAX_READ	125	/* registers per FC03/FC04 request */
#define ADDR_SPACE	65536u

/*
 * Where the spans come from: slot i of n, which may be empty (a check slot
 * that is not used).  plan_blocks reads an array, plan_model a model.
 */
struct span_src {
	bool		(*get)(const void *ctx, size_t i, struct plan_span *ret);
	const void	*ctx;
	size_t		 n;
};

static bool
array_get(const void *ctx, size_t i, struct plan_span *ret)
{
	*ret = ((const struct plan_span *)ctx)[i];
	return true;
}

/* Slot i of a model: point i / 5, then its value (0) or its check (1..4). */
#define SLOTS_PER_POINT	(1 + DRV_MAX_CHECKS)

static bool
model_get(const void *ctx, size_t i, struct plan_span *ret)
{
	const struct drv_model *m = ctx;
	const struct drv_point *p = &m->points[i / SLOTS_PER_POINT];
	size_t slot = i % SLOTS_PER_POINT;
	const struct drv_check *c;

	if (slot == 0) {
		*ret = (struct plan_span){ p->reg, p->addr, (uint16_t)mb_type_regs(p->type) };
		return true;
	}
	c = &p->checks[slot - 1];
	if (c->kind == DRV_CHECK_NONE)
		return false;
	*ret = (struct plan_span){ c->reg, c->addr, 1 };
	return true;
}

/*
 * The planning order: kind, then address, then longer first, then slot, so
 * that it is total even for duplicate spans.  Negative when a comes first.
 */
static int
cmp(const struct plan_span *a, size_t ia, const struct plan_span *b, size_t ib)
{
	if (a->reg != b->reg)
		return a->reg < b->reg ? -1 : 1;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (ia != ib)
		return ia < ib ? -1 : 1;
	return 0;
}

/*
 * The first span after (prev, iprev) in the planning order, or false when
 * none is left; with first set, the very first.
 */
static bool
next_span(const struct span_src *src, bool first, const struct plan_span *prev, size_t iprev,
    struct plan_span *ret, size_t *ret_i)
{
	struct plan_span s;
	bool found = false;

	for (size_t i = 0; i < src->n; i++) {
		if (!src->get(src->ctx, i, &s))
			continue;
		if (!first && cmp(&s, i, prev, iprev) <= 0)
			continue;
		if (found && cmp(&s, i, ret, *ret_i) >= 0)
			continue;
		*ret = s;
		*ret_i = i;
		found = true;
	}
	return found;
}

static uint16_t
block_start(const struct plan_span *s, bool align_even)
{
	return align_even ? (uint16_t)(s->addr & ~1u) : s->addr;
}

static int
plan(const struct span_src *src, uint16_t max_regs, uint16_t max_gap, bool align_even,
    struct plan_block *ret, size_t max_blocks)
{
	struct plan_span s, prev = { MB_HOLDING, 0, 0 };
	size_t i, iprev = 0, nblocks = 0;
	unsigned start = 0, end = 0;	/* the open block: [start, end) */
	enum mb_regkind reg = MB_HOLDING;
	bool open = false;

	if (max_regs == 0 || max_regs > MODBUS_MAX_READ)
		max_regs = MODBUS_MAX_READ;
	/* Bad arguments first, then spans no block can hold. */
	for (i = 0; i < src->n; i++) {
		if (!src->get(src->ctx, i, &s))
			continue;
		if ((s.reg != MB_HOLDING && s.reg != MB_INPUT) || s.count == 0 ||
		    (unsigned)s.addr + s.count > ADDR_SPACE)
			return -EINVAL;
	}
	for (i = 0; i < src->n; i++) {
		if (src->get(src->ctx, i, &s) &&
		    (unsigned)s.addr + s.count - block_start(&s, align_even) > max_regs)
			return -E2BIG;
	}

	for (bool first = true; next_span(src, first, &prev, iprev, &s, &i); first = false) {
		unsigned s_end = (unsigned)s.addr + s.count;
		unsigned new_end = s_end > end ? s_end : end;

		prev = s;
		iprev = i;
		if (open && s.reg == reg && s.addr <= end + max_gap && new_end - start <= max_regs) {
			end = new_end;
			continue;
		}
		if (open) {
			if (nblocks == max_blocks)
				return -E2BIG;
			ret[nblocks++] = (struct plan_block){ reg, (uint16_t)start,
			    (uint16_t)(end - start) };
		}
		open = true;
		reg = s.reg;
		start = block_start(&s, align_even);
		end = s_end;
	}
	if (open) {
		if (nblocks == max_blocks)
			return -E2BIG;
		ret[nblocks++] = (struct plan_block){ reg, (uint16_t)start, (uint16_t)(end - start) };
	}
	return (int)nblocks;
}

int
plan_blocks(const struct plan_span *spans, size_t nspans, uint16_t max_regs, uint16_t max_gap,
    bool align_even, struct plan_block *ret, size_t max_blocks)
{
	struct span_src src = { array_get, spans, nspans };

	if ((spans == NULL && nspans > 0) || (ret == NULL && max_blocks > 0) || nspans > INT32_MAX)
		return -EINVAL;
	return plan(&src, max_regs, max_gap, align_even, ret, max_blocks);
}

int
plan_model(const struct drv_model *m, struct plan_block *ret, size_t max_blocks)
{
	struct span_src src;

	if (m == NULL || (m->points == NULL && m->npoints > 0) || (ret == NULL && max_blocks > 0) ||
	    m->npoints > INT32_MAX / SLOTS_PER_POINT)
		return -EINVAL;
	src = (struct span_src){ model_get, m, m->npoints * SLOTS_PER_POINT };
	return plan(&src, m->max_regs_per_read, m->max_gap, m->align_even, ret, max_blocks);
}
