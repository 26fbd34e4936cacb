/* SPDX-License-Identifier: MIT */
/*
 * lakewatch-bench-mincover: the fewest Modbus read transactions one poll of
 * each shipped driver needs, computed here from the driver tables alone and
 * not by the daemon's planner (daemon/plan.c), so that the bench can hold
 * the running daemon to it.
 *
 *   lakewatch-bench-mincover [--points]
 *
 * prints one line per shipped model:
 *
 *   MODEL min_transactions=N holding=H input=I max_read=R max_gap=G align_even=0|1
 *
 * With --points it lists instead every point of every model, one a line, for
 * configuring a peer that must read the same registers (collectd):
 *
 *   MODEL POINT holding|input ADDR TYPE ORDER
 *
 * What a poll must read (driver.h, plan.h): every point's value registers
 * (1, 2 or 4 by type) and every status register its checks name, each value
 * whole in one read.  What one read may be: registers of one kind (FC03
 * holding or FC04 input), at most max_regs_per_read of them (0 or more than
 * Modbus's 125 means 125), bridging at most max_gap registers that nothing
 * needs between two needed runs, and, for align_even models, starting at an
 * even address (the register below an odd start is then read too and counts
 * towards the size).
 *
 * That is a 1-D interval cover per register kind, which the greedy solves
 * optimally: take the spans by start (longer first on a tie); a span that
 * ends inside the open read is already covered; one that can join it (its
 * start at most max_gap past the read's end, the grown read within the size
 * limit) extends it; any other starts a new read.  A new read is only
 * started when no read that holds the previous ones can also hold this span,
 * and starting the next read as late as possible never hurts what follows.
 * As a check on that argument the program also computes the exact minimum
 * by dynamic programming over the same spans and fails if the two differ.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "regtype.h"

#define MODBUS_MAX_READ	125
#define MAX_SPANS	(64 * (1 + DRV_MAX_CHECKS))

struct span {
	unsigned	 start;		/* first register */
	unsigned	 end;		/* one past the last */
};

static int
by_start(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;	/* longer first */
	return 0;
}

struct limits {
	unsigned	 max_regs;
	unsigned	 max_gap;
	bool		 align_even;
};

static unsigned
read_start(const struct limits *l, unsigned addr)
{
	return l->align_even ? addr & ~1u : addr;
}

/* Reads the greedy takes for spans sorted by by_start; -1 if one cannot be read at all. */
static int
greedy(const struct span *s, size_t n, const struct limits *l)
{
	unsigned start = 0, end = 0;
	int reads = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i].end - read_start(l, s[i].start) > l->max_regs)
			return -1;
		if (reads > 0 && s[i].end <= end)
			continue;	/* inside the open read */
		if (reads > 0 && s[i].start <= end + l->max_gap && s[i].end - start <= l->max_regs) {
			end = s[i].end;
			continue;
		}
		reads++;
		start = read_start(l, s[i].start);
		end = s[i].end;
	}
	return reads;
}

/*
 * The exact minimum: drop spans nested in others (they ride along with any
 * read of the outer one), then best[j] = fewest reads for the first j spans
 * = min over i of best[i] + 1 where spans i..j-1 fit in one read (hull
 * within the size limit, every gap between neighbours within max_gap).
 */
static int
exact(const struct span *sorted, size_t n, const struct limits *l)
{
	struct span s[MAX_SPANS];
	int best[MAX_SPANS + 1];
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (m > 0 && sorted[i].end <= s[m - 1].end)
			continue;	/* nested in an earlier one (sorted by start, longer first) */
		s[m++] = sorted[i];
	}
	best[0] = 0;
	for (size_t j = 1; j <= m; j++) {
		best[j] = -1;
		for (size_t i = j; i-- > 0;) {
			unsigned gap_ok = 1;

			if (s[j - 1].end - read_start(l, s[i].start) > l->max_regs)
				break;	/* and so for every earlier i */
			for (size_t k = i + 1; k < j && gap_ok; k++)
				gap_ok = s[k].start <= s[k - 1].end + l->max_gap;
			if (gap_ok && best[i] >= 0 && (best[j] < 0 || best[i] + 1 < best[j]))
				best[j] = best[i] + 1;
		}
		if (best[j] < 0)
			return -1;
	}
	return best[m];
}

/* Every span of one register kind the model's poll needs. */
static size_t
spans_of(const struct drv_model *m, enum mb_regkind kind, struct span *out)
{
	size_t n = 0;

	for (size_t p = 0; p < m->npoints; p++) {
		const struct drv_point *pt = &m->points[p];

		if (pt->reg == kind && n < MAX_SPANS)
			out[n++] = (struct span){ pt->addr, pt->addr + mb_type_regs(pt->type) };
		for (size_t c = 0; c < DRV_MAX_CHECKS; c++) {
			const struct drv_check *ck = &pt->checks[c];

			if (ck->kind != DRV_CHECK_NONE && ck->reg == kind && n < MAX_SPANS)
				out[n++] = (struct span){ ck->addr, ck->addr + 1u };
		}
	}
	qsort(out, n, sizeof(*out), by_start);
	return n;
}

/* --points: the registers each point's value occupies. */
static void
print_points(void)
{
	for (size_t i = 0; i < drv_nmodels; i++) {
		const struct drv_model *m = drv_models[i];

		for (size_t p = 0; p < m->npoints; p++) {
			const struct drv_point *pt = &m->points[p];

			printf("%s %s %s %u %s %s\n", m->name, pt->name, mb_regkind_name(pt->reg),
			    pt->addr, mb_type_name(pt->type), mb_order_name(pt->order));
		}
	}
}

int
main(int argc, char **argv)
{
	int status = 0;

	if (argc == 2 && strcmp(argv[1], "--points") == 0) {
		print_points();
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: lakewatch-bench-mincover [--points]\n");
		return 2;
	}
	for (size_t i = 0; i < drv_nmodels; i++) {
		const struct drv_model *m = drv_models[i];
		struct limits l = {
			.max_regs = m->max_regs_per_read == 0 || m->max_regs_per_read > MODBUS_MAX_READ ?
			    MODBUS_MAX_READ : m->max_regs_per_read,
			.max_gap = m->max_gap,
			.align_even = m->align_even,
		};
		int reads[2];

		for (int kind = MB_HOLDING; kind <= MB_INPUT; kind++) {
			struct span s[MAX_SPANS];
			size_t n = spans_of(m, (enum mb_regkind)kind, s);
			int g = greedy(s, n, &l), e = exact(s, n, &l);

			if (g < 0 || g != e) {
				fprintf(stderr, "lakewatch-bench-mincover: %s: %s: greedy %d, exact %d\n",
				    m->name, mb_regkind_name((enum mb_regkind)kind), g, e);
				status = 1;
			}
			reads[kind] = g;
		}
		printf("%s min_transactions=%d holding=%d input=%d max_read=%u max_gap=%u"
		    " align_even=%d\n", m->name, reads[MB_HOLDING] + reads[MB_INPUT],
		    reads[MB_HOLDING], reads[MB_INPUT], l.max_regs, l.max_gap, l.align_even);
	}
	return status;
}
