/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for plan: a table of span sets with the exact blocks expected
 * (merging, gaps, the max_regs boundary, register kinds, overlaps,
 * duplicates, order, alignment, the error returns), plan_model on a small
 * model, and random span sets (fixed seed) whose plan is checked against an
 * independent validity test and against the minimum found by exhaustive
 * search over every grouping of the spans.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "plan.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define H		MB_HOLDING
#define I		MB_INPUT
#define MAXS		8

static const struct {
	const char		*what;
	struct plan_span	 spans[MAXS];
	size_t			 nspans;
	uint16_t		 max_regs, max_gap;
	bool			 align;
	size_t			 max_blocks;	/* 0: PLAN_MAX_BLOCKS */
	int			 rc;		/* number of blocks or -errno */
	struct plan_block	 want[MAXS];
} cases[] = {
	{ "no spans", { { H, 0, 0 } }, 0, 10, 0, false, 0, 0, { { H, 0, 0 } } },
	{ "one span", { { H, 7, 2 } }, 1, 10, 0, false, 0, 1, { { H, 7, 2 } } },
	{ "adjacent spans merge", { { H, 0, 2 }, { H, 2, 2 }, { H, 4, 1 } }, 3, 10, 0, false, 0,
	    1, { { H, 0, 5 } } },
	{ "a gap within max_gap is bridged", { { H, 0, 2 }, { H, 5, 2 } }, 2, 10, 4, false, 0,
	    1, { { H, 0, 7 } } },
	{ "a gap of exactly max_gap is bridged", { { H, 0, 2 }, { H, 5, 2 } }, 2, 10, 3, false, 0,
	    1, { { H, 0, 7 } } },
	{ "a gap one over max_gap splits", { { H, 0, 2 }, { H, 5, 2 } }, 2, 10, 2, false, 0,
	    2, { { H, 0, 2 }, { H, 5, 2 } } },
	{ "max_gap 0 splits a gap of one", { { H, 0, 2 }, { H, 3, 2 } }, 2, 10, 0, false, 0,
	    2, { { H, 0, 2 }, { H, 3, 2 } } },
	{ "a block of exactly max_regs", { { H, 0, 2 }, { H, 8, 2 } }, 2, 10, 6, false, 0,
	    1, { { H, 0, 10 } } },
	{ "one register over max_regs splits", { { H, 0, 2 }, { H, 9, 2 } }, 2, 10, 7, false, 0,
	    2, { { H, 0, 2 }, { H, 9, 2 } } },
	{ "holding and input never merge", { { H, 0, 2 }, { I, 0, 2 } }, 2, 10, 0, false, 0,
	    2, { { H, 0, 2 }, { I, 0, 2 } } },
	{ "holding and input, adjacent addresses", { { I, 2, 2 }, { H, 0, 2 } }, 2, 10, 5, false, 0,
	    2, { { H, 0, 2 }, { I, 2, 2 } } },
	{ "kinds interleaved", { { I, 4, 1 }, { H, 1, 1 }, { I, 0, 2 }, { H, 3, 2 } }, 4, 10, 2,
	    false, 0, 2, { { H, 1, 4 }, { I, 0, 5 } } },
	{ "overlapping spans", { { H, 0, 4 }, { H, 2, 4 } }, 2, 10, 0, false, 0,
	    1, { { H, 0, 6 } } },
	{ "overlapping spans too long together", { { H, 0, 100 }, { H, 50, 100 } }, 2, 125, 0,
	    false, 0, 2, { { H, 0, 100 }, { H, 50, 100 } } },
	{ "a nested span", { { H, 3, 1 }, { H, 0, 10 } }, 2, 10, 0, false, 0,
	    1, { { H, 0, 10 } } },
	{ "a span nested in a long one that starts a block", { { H, 0, 2 }, { H, 1, 10 },
	    { H, 3, 1 } }, 3, 10, 0, false, 0, 2, { { H, 0, 2 }, { H, 1, 10 } } },
	{ "duplicate spans", { { H, 10, 2 }, { H, 10, 2 }, { H, 10, 2 } }, 3, 10, 0, false, 0,
	    1, { { H, 10, 2 } } },
	{ "same start, different lengths", { { H, 10, 1 }, { H, 10, 4 }, { H, 10, 2 } }, 3, 10, 0,
	    false, 0, 1, { { H, 10, 4 } } },
	{ "unsorted spans", { { H, 20, 2 }, { H, 0, 2 }, { H, 10, 2 } }, 3, 30, 8, false, 0,
	    1, { { H, 0, 22 } } },
	{ "unsorted spans, split", { { H, 20, 2 }, { H, 0, 2 }, { H, 10, 2 } }, 3, 15, 8, false, 0,
	    2, { { H, 0, 12 }, { H, 20, 2 } } },
	{ "greedy cut then merge", { { H, 0, 4 }, { H, 6, 4 }, { H, 12, 4 }, { H, 18, 4 } }, 4, 10, 2,
	    false, 0, 2, { { H, 0, 10 }, { H, 12, 10 } } },
	{ "a span longer than max_regs", { { H, 0, 2 }, { H, 20, 11 } }, 2, 10, 0, false, 0,
	    -E2BIG, { { H, 0, 0 } } },
	{ "a span of exactly max_regs", { { H, 20, 10 } }, 1, 10, 0, false, 0,
	    1, { { H, 20, 10 } } },
	{ "more blocks than max_blocks", { { H, 0, 1 }, { H, 10, 1 }, { H, 20, 1 } }, 3, 5, 0,
	    false, 2, -E2BIG, { { H, 0, 0 } } },
	{ "exactly max_blocks", { { H, 0, 1 }, { H, 10, 1 }, { H, 20, 1 } }, 3, 5, 0, false, 3,
	    3, { { H, 0, 1 }, { H, 10, 1 }, { H, 20, 1 } } },
	{ "max_regs 0 means 125", { { H, 0, 2 }, { H, 123, 2 } }, 2, 0, 125, false, 0,
	    1, { { H, 0, 125 } } },
	{ "max_regs 0: 126 is too many", { { H, 0, 2 }, { H, 124, 2 } }, 2, 0, 125, false, 0,
	    2, { { H, 0, 2 }, { H, 124, 2 } } },
	{ "max_regs over 125 means 125", { { H, 0, 2 }, { H, 124, 2 } }, 2, 300, 125, false, 0,
	    2, { { H, 0, 2 }, { H, 124, 2 } } },
	{ "max_regs 0: a span of 126", { { H, 0, 126 } }, 1, 0, 0, false, 0,
	    -E2BIG, { { H, 0, 0 } } },
	{ "the last register", { { I, 65534, 2 } }, 1, 10, 0, false, 0, 1, { { I, 65534, 2 } } },
	{ "align: an odd start moves down one", { { H, 1, 2 } }, 1, 10, 0, true, 0,
	    1, { { H, 0, 3 } } },
	{ "align: an even start stays", { { H, 4, 2 } }, 1, 10, 0, true, 0, 1, { { H, 4, 2 } } },
	{ "align: the extra register is no gap", { { H, 5, 2 }, { H, 7, 2 } }, 2, 10, 0, true, 0,
	    1, { { H, 4, 5 } } },
	{ "align: a second block at an odd start", { { H, 0, 2 }, { H, 11, 2 } }, 2, 10, 0, true, 0,
	    2, { { H, 0, 2 }, { H, 10, 3 } } },
	{ "align: the extra register counts to max_regs", { { H, 1, 2 }, { H, 8, 2 } }, 2, 10, 6,
	    true, 0, 1, { { H, 0, 10 } } },
	{ "align: one over max_regs with it", { { H, 1, 2 }, { H, 9, 2 } }, 2, 10, 7, true, 0,
	    2, { { H, 0, 3 }, { H, 8, 3 } } },
	{ "align: without it the same fits", { { H, 1, 2 }, { H, 9, 2 } }, 2, 10, 7, false, 0,
	    1, { { H, 1, 10 } } },
	{ "align: a span of max_regs at an odd start", { { H, 1, 10 } }, 1, 10, 0, true, 0,
	    -E2BIG, { { H, 0, 0 } } },
	{ "align: a span of max_regs at an even start", { { H, 2, 10 } }, 1, 10, 0, true, 0,
	    1, { { H, 2, 10 } } },
	{ "align: input registers too", { { I, 3, 1 }, { H, 3, 1 } }, 2, 10, 0, true, 0,
	    2, { { H, 2, 2 }, { I, 2, 2 } } },
	{ "a span of no registers", { { H, 0, 2 }, { H, 5, 0 } }, 2, 10, 0, false, 0,
	    -EINVAL, { { H, 0, 0 } } },
	{ "a span past register 65535", { { H, 65535, 2 } }, 1, 10, 0, false, 0,
	    -EINVAL, { { H, 0, 0 } } },
	{ "a span of an unknown kind", { { (enum mb_regkind)2, 0, 1 } }, 1, 10, 0, false, 0,
	    -EINVAL, { { H, 0, 0 } } },
	{ "bad arguments before a span too long", { { H, 0, 50 }, { H, 60, 0 } }, 2, 10, 0, false, 0,
	    -EINVAL, { { H, 0, 0 } } },
};

static void
test_table(void)
{
	for (size_t c = 0; c < NELEM(cases); c++) {
		struct plan_block got[PLAN_MAX_BLOCKS];
		size_t maxb = cases[c].max_blocks ? cases[c].max_blocks : PLAN_MAX_BLOCKS;
		int rc;

		memset(got, 0xEE, sizeof(got));
		rc = plan_blocks(cases[c].spans, cases[c].nspans, cases[c].max_regs, cases[c].max_gap,
		    cases[c].align, got, maxb);
		CHECK_EQ_INT(cases[c].rc, rc, "%s: return", cases[c].what);
		for (int b = 0; b < rc && b < cases[c].rc; b++) {
			const struct plan_block *w = &cases[c].want[b];

			CHECK(got[b].reg == w->reg && got[b].addr == w->addr && got[b].count == w->count,
			    "%s: block %d is %s %u+%u (got %s %u+%u)", cases[c].what, b,
			    mb_regkind_name(w->reg), w->addr, w->count,
			    mb_regkind_name(got[b].reg) ? mb_regkind_name(got[b].reg) : "?",
			    got[b].addr, got[b].count);
		}
	}
	{
		struct plan_block b[1];
		struct plan_span s = { H, 0, 1 };

		CHECK_EQ_INT(-EINVAL, plan_blocks(NULL, 1, 10, 0, false, b, 1), "NULL spans");
		CHECK_EQ_INT(0, plan_blocks(NULL, 0, 10, 0, false, b, 1), "NULL spans, none of them");
		CHECK_EQ_INT(-EINVAL, plan_blocks(&s, 1, 10, 0, false, NULL, 1), "NULL blocks");
		CHECK_EQ_INT(-E2BIG, plan_blocks(&s, 1, 10, 0, false, NULL, 0),
		    "no room for blocks");
	}
}

/* A model of three points over holding and input registers, with checks. */
static const struct drv_point model_points[] = {
	{ .name = "a", .unit = "m", .reg = MB_HOLDING, .addr = 1, .type = MB_F32,
	  .checks = { { DRV_CHECK_BITS, MB_HOLDING, 5, 0, 0xFF, 0, LW_Q_BAD } } },
	{ .name = "b", .unit = "m", .reg = MB_INPUT, .addr = 11, .type = MB_U16 },
	{ .name = "c", .unit = "m", .reg = MB_HOLDING, .addr = 3, .type = MB_U32,
	  .checks = { { DRV_CHECK_NONE, MB_HOLDING, 0, 0, 0, 0, LW_Q_GOOD },
		      { DRV_CHECK_IS, MB_HOLDING, 5, 0, 0xFF, 3, LW_Q_BAD },
		      { DRV_CHECK_NOT, MB_INPUT, 40, 0, 0xFF, 0, LW_Q_SUSPECT } } },
	{ .name = "d", .unit = "m", .reg = MB_HOLDING, .addr = 20, .type = MB_F64 },
};

static void
test_model(void)
{
	struct drv_model m = {
		.name = "test", .points = model_points, .npoints = NELEM(model_points),
		.max_regs_per_read = 10, .max_gap = 0,
	};
	struct drv_point bad_point = model_points[0];
	struct plan_block b[PLAN_MAX_BLOCKS];
	int n;

	/* holding 1+2, 3+2, 5+1 (twice), 20+4; input 11+1, 40+1 */
	n = plan_model(&m, b, PLAN_MAX_BLOCKS);
	CHECK_EQ_INT(4, n, "plan_model: four blocks");
	if (n == 4) {
		CHECK(b[0].reg == H && b[0].addr == 1 && b[0].count == 5, "model block 0: holding 1+5");
		CHECK(b[1].reg == H && b[1].addr == 20 && b[1].count == 4, "model block 1: holding 20+4");
		CHECK(b[2].reg == I && b[2].addr == 11 && b[2].count == 1, "model block 2: input 11+1");
		CHECK(b[3].reg == I && b[3].addr == 40 && b[3].count == 1, "model block 3: input 40+1");
	}
	m.max_gap = 30;
	n = plan_model(&m, b, PLAN_MAX_BLOCKS);
	CHECK_EQ_INT(4, n, "plan_model: max_gap 30 bridges nothing within max_regs 10");
	m.max_regs_per_read = 0;
	n = plan_model(&m, b, PLAN_MAX_BLOCKS);
	CHECK_EQ_INT(2, n, "plan_model: max_regs_per_read 0 means 125");
	if (n == 2) {
		CHECK(b[0].reg == H && b[0].addr == 1 && b[0].count == 23, "holding 1+23 in one read");
		CHECK(b[1].reg == I && b[1].addr == 11 && b[1].count == 30, "input 11+30 in one read");
	}
	m.align_even = true;
	n = plan_model(&m, b, PLAN_MAX_BLOCKS);
	CHECK_EQ_INT(2, n, "plan_model: align_even");
	if (n == 2) {
		CHECK(b[0].addr == 0 && b[0].count == 24, "aligned holding 0+24");
		CHECK(b[1].addr == 10 && b[1].count == 31, "aligned input 10+31");
	}
	CHECK_EQ_INT(-E2BIG, plan_model(&m, b, 1), "plan_model: more blocks than room");
	m.npoints = 0;
	CHECK_EQ_INT(0, plan_model(&m, b, PLAN_MAX_BLOCKS), "plan_model: no points, no reads");
	CHECK_EQ_INT(-EINVAL, plan_model(NULL, b, PLAN_MAX_BLOCKS), "plan_model: NULL model");
	bad_point.type = (enum mb_type)42;
	m.points = &bad_point;
	m.npoints = 1;
	CHECK_EQ_INT(-EINVAL, plan_model(&m, b, PLAN_MAX_BLOCKS), "plan_model: a type that does not exist");
	bad_point.type = MB_F64;
	bad_point.addr = 65533;
	CHECK_EQ_INT(-EINVAL, plan_model(&m, b, PLAN_MAX_BLOCKS), "plan_model: an f64 past 65535");
	bad_point.addr = 65532;
	m.max_regs_per_read = 3;
	m.align_even = false;
	CHECK_EQ_INT(-E2BIG, plan_model(&m, b, PLAN_MAX_BLOCKS), "plan_model: an f64 in reads of 3");
}

/*
 * Independent of plan.c: a block is good when it is within max_regs, aligned
 * if asked, and the spans of its kind lying whole inside it cover it except
 * for gaps of at most max_gap between them and, when aligned, the one
 * register below an odd first span.
 */
static bool
block_ok(const struct plan_block *b, const struct plan_span *s, size_t n, unsigned max_regs,
    unsigned max_gap, bool align)
{
	bool cov[128] = { false };
	unsigned run = 0, lead = 0;
	bool seen = false;

	if (b->count == 0 || b->count > max_regs || (align && b->addr % 2 != 0))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i].reg == b->reg && s[i].addr >= b->addr &&
		    s[i].addr + s[i].count <= b->addr + b->count)
			for (unsigned r = s[i].addr; r < (unsigned)s[i].addr + s[i].count; r++)
				cov[r - b->addr] = true;
	for (unsigned r = 0; r < b->count; r++) {
		if (cov[r]) {
			if (seen && run > max_gap)
				return false;
			if (!seen)
				lead = run;
			seen = true;
			run = 0;
		} else {
			run++;
		}
	}
	return seen && run == 0 && lead <= (align ? 1u : 0u);
}

/* Every span lies whole in some block of its kind. */
static bool
covers(const struct plan_block *b, int nb, const struct plan_span *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool in = false;

		for (int k = 0; k < nb && !in; k++)
			in = b[k].reg == s[i].reg && b[k].addr <= s[i].addr &&
			    s[i].addr + s[i].count <= b[k].addr + b[k].count;
		if (!in)
			return false;
	}
	return true;
}

/* Can these spans be one read?  Same definition as block_ok, on a group. */
static bool
group_ok(const struct plan_span *s, const int *group, size_t n, int g, unsigned max_regs,
    unsigned max_gap, bool align)
{
	unsigned lo = 65536, hi = 0;
	int kind = -1;
	bool cov[256] = { false };

	for (size_t i = 0; i < n; i++) {
		if (group[i] != g)
			continue;
		if (kind >= 0 && kind != (int)s[i].reg)
			return false;
		kind = (int)s[i].reg;
		if (s[i].addr < lo)
			lo = s[i].addr;
		if ((unsigned)s[i].addr + s[i].count > hi)
			hi = s[i].addr + s[i].count;
		for (unsigned r = s[i].addr; r < (unsigned)s[i].addr + s[i].count; r++)
			cov[r] = true;
	}
	if (kind < 0)
		return true;
	if (align)
		lo &= ~1u;
	if (hi - lo > max_regs)
		return false;
	for (unsigned r = lo, run = 0; r < hi; r++) {
		run = cov[r] ? 0 : run + 1;
		if (run > max_gap && !(align && r == lo && run == 1))
			return false;
	}
	return true;
}

/* The fewest groups: every partition of the spans, by recursion. */
static void
min_groups(const struct plan_span *s, size_t n, int *group, size_t i, int ngroups, int *best,
    unsigned max_regs, unsigned max_gap, bool align)
{
	if (ngroups >= *best)
		return;
	if (i == n) {
		for (int g = 0; g < ngroups; g++)
			if (!group_ok(s, group, n, g, max_regs, max_gap, align))
				return;
		*best = ngroups;
		return;
	}
	for (int g = 0; g <= ngroups; g++) {
		group[i] = g;
		min_groups(s, n, group, i + 1, g == ngroups ? ngroups + 1 : ngroups, best, max_regs,
		    max_gap, align);
	}
	group[i] = -1;
}

static uint64_t rng = 0x853c49e6748fea9bULL;

static unsigned
next_rand(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void
test_against_brute_force(void)
{
	long runs = 0, wrong_count = 0, invalid = 0, uncovered = 0, errs = 0, too_long = 0;

	for (int iter = 0; iter < 3000; iter++) {
		struct plan_span s[7];
		struct plan_block b[PLAN_MAX_BLOCKS];
		int group[7], best, nb;
		size_t n = 1 + next_rand(7);
		unsigned max_regs = 1 + next_rand(10), max_gap = next_rand(5);
		bool align = next_rand(2) == 1, fits = true;

		for (size_t i = 0; i < n; i++) {
			s[i].reg = next_rand(4) == 0 ? I : H;
			s[i].addr = (uint16_t)next_rand(24);
			s[i].count = (uint16_t)(1 + next_rand(4));
			if (s[i].count + (align ? s[i].addr % 2u : 0) > max_regs)
				fits = false;
			group[i] = -1;
		}
		nb = plan_blocks(s, n, (uint16_t)max_regs, (uint16_t)max_gap, align, b, PLAN_MAX_BLOCKS);
		runs++;
		if (!fits) {
			too_long += nb != -E2BIG;
			continue;
		}
		if (nb < 0) {
			errs++;
			continue;
		}
		best = (int)n + 1;
		min_groups(s, n, group, 0, 0, &best, max_regs, max_gap, align);
		if (nb != best) {
			wrong_count++;
			printf("# case %d: %d blocks, the minimum is %d\n", iter, nb, best);
		}
		for (int k = 0; k < nb; k++)
			invalid += !block_ok(&b[k], s, n, max_regs, max_gap, align);
		uncovered += !covers(b, nb, s, n);
	}
	CHECK_EQ_INT(0, too_long, "%ld random span sets: a span that cannot fit gives -E2BIG", runs);
	CHECK_EQ_INT(0, errs, "no other error");
	CHECK_EQ_INT(0, wrong_count, "the block count is the exhaustive minimum");
	CHECK_EQ_INT(0, invalid, "every block is within max_regs, aligned, with gaps <= max_gap");
	CHECK_EQ_INT(0, uncovered, "every span lies whole in a block of its kind");
}

int
main(void)
{
	test_table();
	test_model();
	test_against_brute_force();
	return tap_done();
}
