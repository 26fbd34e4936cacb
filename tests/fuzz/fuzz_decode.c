/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the acquisition path: the input is read as a plan
 * request (spans, max_regs, max_gap, alignment), the register blocks of one
 * poll (data and which reads failed), a few driver points with status
 * checks, calibrations and ranges, and bit patterns and numbers for decode
 * and encode.  Besides the sanitizers' own findings it checks, and aborts
 * on a violation of:
 *
 * - plan_blocks: a plan covers every span whole with a block of its kind, no
 *   block is longer than max_regs (0 or over 125: 125), starts odd when
 *   aligned, or bridges more than max_gap unused registers; a small set of
 *   spans gets no more blocks than the exhaustive minimum; -E2BIG and -EINVAL
 *   only when they are due.  plan_model plans the points' registers alike.
 * - sample_eval: a value is never NaN or infinite and a reading without one
 *   is missing or bad; registers not read give missing; maintenance marks
 *   exactly the readings with a value; the value is the registers' number
 *   through scale, offset and calibration.
 * - decode/encode: bits and registers round-trip in every order; a number
 *   decoded from bits encodes back to them (NaN aside; 64-bit integers to
 *   the same value); encode_number's returns and clamping are as documented.
 *
 *   make fuzz && build-fuzz/fuzz_decode -max_total_time=60 tests/fuzz/corpus/decode
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "driver.h"
#include "plan.h"
#include "regtype.h"
#include "sample.h"
#include "fuzz_bytes.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SPANS	24
#define MAX_POINTS	6
#define BRUTE_MAX	6	/* spans for the exhaustive minimum */
#define MODBUS_MAX	125

#define ASSERT(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_decode: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* A double: mostly a telling one from a table, sometimes any bit pattern. */
static double
num(struct fuzz_bytes *in)
{
	static const double table[] = {
		1.0, 0.0, -1.0, 0.1, 10.0, 0.5, 2.0, 100.0, -0.001, 1e300, -1e300, 1e-300,
		INFINITY, -INFINITY, NAN, 65535.5, -32768.5, 4294967296.0, 9223372036854775808.0,
		18446744073709551616.0, 3.4028235677973366e38, 0x1.ffffffp127, -0.0, 1e-45,
	};
	uint8_t b = fz_u8(in);
	uint64_t bits;
	double d;

	if (b < 200)
		return table[b % (sizeof(table) / sizeof(table[0]))];
	bits = fz_u64(in);
	memcpy(&d, &bits, sizeof(d));
	return d;
}

/* ---- plan ---- */

static unsigned
effective_max(uint16_t max_regs)
{
	return max_regs == 0 || max_regs > MODBUS_MAX ? MODBUS_MAX : max_regs;
}

static bool
span_valid(const struct plan_span *s)
{
	return (s->reg == MB_HOLDING || s->reg == MB_INPUT) && s->count > 0 &&
	    (unsigned)s->addr + s->count <= 65536;
}

static unsigned
aligned_len(const struct plan_span *s, bool align)
{
	return s->count + (align ? s->addr % 2u : 0);
}

/* Spans of kind reg lying whole in b cover it but for gaps <= max_gap (and the alignment register). */
static void
check_block(const struct plan_block *b, const struct plan_span *s, size_t n, unsigned max,
    unsigned max_gap, bool align)
{
	bool cov[MODBUS_MAX] = { false };
	unsigned run = 0, lead = 0;
	bool seen = false;

	ASSERT(b->reg == MB_HOLDING || b->reg == MB_INPUT, "block kind %d", (int)b->reg);
	ASSERT(b->count >= 1 && b->count <= max, "block %u+%u, max %u", b->addr, b->count, max);
	ASSERT((unsigned)b->addr + b->count <= 65536, "block %u+%u past 65535", b->addr, b->count);
	ASSERT(!align || b->addr % 2 == 0, "block at odd %u", b->addr);
	for (size_t i = 0; i < n; i++)
		if (s[i].reg == b->reg && s[i].addr >= b->addr &&
		    (unsigned)s[i].addr + s[i].count <= (unsigned)b->addr + b->count)
			for (unsigned r = s[i].addr; r < (unsigned)s[i].addr + s[i].count; r++)
				cov[r - b->addr] = true;
	for (unsigned r = 0; r < b->count; r++) {
		if (!cov[r]) {
			run++;
			continue;
		}
		ASSERT(!seen || run <= max_gap, "block %u+%u: a gap of %u, max %u", b->addr,
		    b->count, run, max_gap);
		if (!seen)
			lead = run;
		seen = true;
		run = 0;
	}
	ASSERT(seen, "block %u+%u holds no span", b->addr, b->count);
	ASSERT(run == 0, "block %u+%u ends in %u unused registers", b->addr, b->count, run);
	ASSERT(lead <= (align ? 1u : 0u), "block %u+%u starts with %u unused registers", b->addr,
	    b->count, lead);
}

/* Can the spans of group g be one read?  hull, kind and gaps as in check_block. */
static bool
group_ok(const struct plan_span *s, const int *group, size_t n, int g, unsigned max,
    unsigned max_gap, bool align)
{
	unsigned lo = 65536, hi = 0, run = 0;
	int kind = -1;

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
	}
	if (kind < 0)
		return true;
	if (align)
		lo &= ~1u;
	if (hi - lo > max)
		return false;
	for (unsigned r = lo; r < hi; r++) {
		bool c = false;

		for (size_t i = 0; i < n && !c; i++)
			c = group[i] == g && r >= s[i].addr && r < (unsigned)s[i].addr + s[i].count;
		run = c ? 0 : run + 1;
		if (run > max_gap && !(align && r == lo && run == 1))
			return false;
	}
	return true;
}

static void
min_groups(const struct plan_span *s, size_t n, int *group, size_t i, int ngroups, int *best,
    unsigned max, unsigned max_gap, bool align)
{
	if (ngroups >= *best)
		return;
	if (i == n) {
		for (int g = 0; g < ngroups; g++)
			if (!group_ok(s, group, n, g, max, max_gap, align))
				return;
		*best = ngroups;
		return;
	}
	for (int g = 0; g <= ngroups; g++) {
		group[i] = g;
		min_groups(s, n, group, i + 1, g == ngroups ? ngroups + 1 : ngroups, best, max,
		    max_gap, align);
	}
}

static int
fuzz_plan(struct fuzz_bytes *in, struct plan_span *spans, size_t *ret_n, struct plan_block *blocks)
{
	uint16_t max_regs = (uint16_t)(fz_u8(in) % 131);
	uint16_t max_gap = (uint16_t)(fz_u8(in) % 20);
	bool align = fz_u8(in) & 1, any_invalid = false, any_long = false;
	size_t max_blocks = 1 + fz_u8(in) % PLAN_MAX_BLOCKS;
	size_t n = fz_u8(in) % (MAX_SPANS + 1);
	unsigned max = effective_max(max_regs);
	int rc;

	for (size_t i = 0; i < n; i++) {
		uint8_t f = fz_u8(in);

		/* Bit 0: kind, 1: anywhere, 2: long; 1 in 32 is malformed. */
		spans[i].reg = f & 1 ? MB_INPUT : MB_HOLDING;
		spans[i].addr = f & 2 ? fz_u16(in) : (uint16_t)(fz_u8(in) % 64);
		spans[i].count = (uint16_t)(f & 4 ? 1 + fz_u8(in) % 130 : 1 + fz_u8(in) % 5);
		if (f >= 0xF8) {
			if (f & 1)
				spans[i].reg = (enum mb_regkind)2;
			else
				spans[i].count = 0;
		}
		if (!span_valid(&spans[i]))
			any_invalid = true;
		else if (aligned_len(&spans[i], align) > max)
			any_long = true;
	}
	*ret_n = n;
	rc = plan_blocks(spans, n, max_regs, max_gap, align, blocks, max_blocks);
	if (any_invalid) {
		ASSERT(rc == -EINVAL, "an invalid span gave %d", rc);
		return rc;
	}
	if (any_long) {
		ASSERT(rc == -E2BIG, "a span longer than %u gave %d", max, rc);
		return rc;
	}
	if (rc == -E2BIG) {
		struct plan_block all[MAX_SPANS];
		int rc2 = plan_blocks(spans, n, max_regs, max_gap, align, all, MAX_SPANS);

		ASSERT(rc2 > (int)max_blocks, "-E2BIG for %zu blocks, but %d do", max_blocks, rc2);
		return rc;
	}
	ASSERT(rc >= 0 && (size_t)rc <= max_blocks && (size_t)rc <= n, "plan gave %d for %zu spans",
	    rc, n);
	for (int b = 0; b < rc; b++)
		check_block(&blocks[b], spans, n, max, max_gap, align);
	for (size_t i = 0; i < n; i++) {
		bool in_one = false;

		for (int b = 0; b < rc && !in_one; b++)
			in_one = blocks[b].reg == spans[i].reg && blocks[b].addr <= spans[i].addr &&
			    (unsigned)spans[i].addr + spans[i].count <=
			    (unsigned)blocks[b].addr + blocks[b].count;
		ASSERT(in_one, "span %u+%u is not covered", spans[i].addr, spans[i].count);
	}
	if (n <= BRUTE_MAX) {
		int group[BRUTE_MAX], best = (int)n + 1;

		min_groups(spans, n, group, 0, 0, &best, max, max_gap, align);
		ASSERT(rc == best, "%d blocks, the minimum is %d", rc, best);
	}
	return rc;
}

/* ---- sample ---- */

/*
 * plan_model on the points: the same plan as plan_blocks over each point's
 * value registers and each used check's register, and a good one.
 */
static void
fuzz_model(struct fuzz_bytes *in, const struct drv_point *points, size_t npoints)
{
	struct plan_span sp[MAX_POINTS * (1 + DRV_MAX_CHECKS)];
	struct plan_block a[PLAN_MAX_BLOCKS], b[PLAN_MAX_BLOCKS];
	struct drv_model m;
	size_t n = 0;
	int ra, rb;

	memset(&m, 0, sizeof(m));
	m.name = "fuzz";
	m.points = points;
	m.npoints = npoints;
	m.max_regs_per_read = (uint16_t)(fz_u8(in) % 131);
	m.max_gap = (uint16_t)(fz_u8(in) % 20);
	m.align_even = fz_u8(in) & 1;
	for (size_t i = 0; i < npoints; i++) {
		sp[n++] = (struct plan_span){ points[i].reg, points[i].addr,
		    (uint16_t)mb_type_regs(points[i].type) };
		for (size_t c = 0; c < DRV_MAX_CHECKS; c++)
			if (points[i].checks[c].kind != DRV_CHECK_NONE)
				sp[n++] = (struct plan_span){ points[i].checks[c].reg,
				    points[i].checks[c].addr, 1 };
	}
	ra = plan_model(&m, a, PLAN_MAX_BLOCKS);
	rb = plan_blocks(sp, n, m.max_regs_per_read, m.max_gap, m.align_even, b, PLAN_MAX_BLOCKS);
	ASSERT(ra == rb, "plan_model %d, plan_blocks %d", ra, rb);
	for (int k = 0; k < ra; k++) {
		ASSERT(a[k].reg == b[k].reg && a[k].addr == b[k].addr && a[k].count == b[k].count,
		    "plan_model and plan_blocks differ at block %d", k);
		check_block(&a[k], sp, n, effective_max(m.max_regs_per_read), m.max_gap,
		    m.align_even);
	}
	for (size_t i = 0; i < n && ra >= 0; i++) {
		bool in_one = false;

		for (int k = 0; k < ra && !in_one; k++)
			in_one = a[k].reg == sp[i].reg && a[k].addr <= sp[i].addr &&
			    (unsigned)sp[i].addr + sp[i].count <= (unsigned)a[k].addr + a[k].count;
		ASSERT(in_one, "plan_model leaves %u+%u out", sp[i].addr, sp[i].count);
	}
}

static uint16_t
near_addr(struct fuzz_bytes *in, const struct plan_span *spans, size_t n)
{
	uint8_t f = fz_u8(in);

	if (n == 0 || f >= 224)
		return fz_u16(in);
	return (uint16_t)(spans[f % n].addr + fz_u8(in) % 8 - 3);
}

static void
fuzz_sample(struct fuzz_bytes *in, const struct plan_span *spans, size_t nspans,
    const struct plan_block *blocks, size_t nblocks)
{
	static uint16_t regdata[PLAN_MAX_BLOCKS][MODBUS_MAX];
	const uint16_t *datap[PLAN_MAX_BLOCKS];
	bool ok[PLAN_MAX_BLOCKS];
	struct sample_regs regs = { blocks, datap, ok, nblocks };
	size_t npoints = fz_u8(in) % (MAX_POINTS + 1);

	for (size_t b = 0; b < nblocks; b++) {
		ok[b] = fz_u8(in) % 4 != 0;
		datap[b] = regdata[b];
		for (unsigned r = 0; r < blocks[b].count && r < MODBUS_MAX; r++)
			regdata[b][r] = fz_u8(in) < 128 ? fz_u16(in) : (uint16_t)(r & 1 ? 0 : 0x7FC0);
	}
	static struct drv_point points[MAX_POINTS];

	for (size_t i = 0; i < npoints; i++) {
		struct drv_point p;
		struct sample_adjust adj;
		struct lw_reading r;
		const uint16_t *v;
		bool use_adj, maintenance, plain = true;
		unsigned nregs;
		uint8_t f;

		memset(&p, 0, sizeof(p));
		f = fz_u8(in);
		p.reg = f & 1 ? MB_INPUT : MB_HOLDING;
		p.addr = near_addr(in, spans, nspans);
		p.type = (enum mb_type)(fz_u8(in) % 9);
		p.order = (enum mb_order)(fz_u8(in) % 5);
		p.scale = num(in);
		p.offset = num(in);
		p.rated_min = num(in);
		p.rated_max = num(in);
		p.has_sentinel = f & 2;
		p.sentinel = f & 4 ? fz_u64(in) : fz_u16(in);
		for (size_t c = 0; c < DRV_MAX_CHECKS; c++) {
			struct drv_check *k = &p.checks[c];

			k->kind = (enum drv_check_kind)(fz_u8(in) % 5);
			k->reg = fz_u8(in) & 1 ? MB_INPUT : MB_HOLDING;
			k->addr = near_addr(in, spans, nspans);
			k->shift = (uint8_t)(fz_u8(in) % 20);
			k->mask = fz_u16(in);
			k->code = fz_u16(in);
			k->quality = (enum lw_quality)(fz_u8(in) % 6);
			if (k->kind != DRV_CHECK_NONE)
				plain = false;
		}
		use_adj = f & 8;
		maintenance = f & 16;
		adj.cal_scale = num(in);
		adj.cal_offset = num(in);
		adj.has_plausible = f & 32;
		adj.plausible_min = num(in);
		adj.plausible_max = num(in);

		memset(&r, 0, sizeof(r));
		r.value = 12345;
		r.quality = (enum lw_quality)99;
		sample_eval(&p, use_adj ? &adj : NULL, &regs, maintenance, &r);

		ASSERT((unsigned)r.quality <= LW_Q_MAINTENANCE, "quality %d", (int)r.quality);
		if (r.has_value) {
			ASSERT(isfinite(r.value), "a value of %g", r.value);
			ASSERT(r.quality != LW_Q_MISSING, "missing with a value");
		} else {
			ASSERT(r.value == 0, "no value, but %g", r.value);
			ASSERT(r.quality == LW_Q_MISSING || r.quality == LW_Q_BAD,
			    "no value, quality %d", (int)r.quality);
		}
		ASSERT((r.quality == LW_Q_MAINTENANCE) == (maintenance && r.has_value),
		    "maintenance %d, has_value %d, quality %d", maintenance, r.has_value,
		    (int)r.quality);

		nregs = mb_type_regs(p.type);
		v = nregs ? sample_find(&regs, p.reg, p.addr, (uint16_t)nregs) : NULL;
		if (nregs != 0 && v == NULL)
			ASSERT(r.quality == LW_Q_MISSING, "registers not read, quality %d",
			    (int)r.quality);
		if (v != NULL) {
			bool inside = false;

			for (size_t b = 0; b < nblocks && !inside; b++)
				inside = ok[b] && blocks[b].reg == p.reg &&
				    v >= datap[b] && v + nregs <= datap[b] + blocks[b].count &&
				    (size_t)(v - datap[b]) == (size_t)(p.addr - blocks[b].addr);
			ASSERT(inside, "sample_find gave registers of no good block");
			ASSERT(r.quality != LW_Q_MISSING, "registers read, but missing");
		}
		if (r.has_value) {
			uint64_t bits = decode_bits(v, nregs, p.order);
			double want = decode_number(bits, p.type) * p.scale + p.offset;

			if (use_adj)
				want = want * adj.cal_scale + adj.cal_offset;
			/* Equal, but for a multiply-add the compiler may have fused. */
			ASSERT(want == r.value || fabs(want - r.value) <=
			    4 * DBL_EPSILON * fmax(fabs(want), fabs(r.value)),
			    "value %.17g, want %.17g", r.value, want);
			ASSERT(!p.has_sentinel || bits != p.sentinel, "the sentinel gave a value");
			if (plain && !use_adj && !maintenance && !(p.rated_min < p.rated_max))
				ASSERT(r.quality == LW_Q_GOOD, "nothing to doubt, but quality %d",
				    (int)r.quality);
		}
		points[i] = p;
	}
	fuzz_model(in, points, npoints);
}

/* ---- decode and encode ---- */

static uint64_t
mask_of(unsigned nregs)
{
	return nregs == 4 ? UINT64_MAX : ((uint64_t)1 << (16 * nregs)) - 1;
}

static void
fuzz_codec(struct fuzz_bytes *in)
{
	static const unsigned sizes[] = { 1, 2, 4 };
	enum mb_type type = (enum mb_type)(fz_u8(in) % 8);
	enum mb_order order = (enum mb_order)(fz_u8(in) % 4);
	unsigned n = sizes[fz_u8(in) % 3], tn = mb_type_regs(type);
	uint16_t regs[4], back[4];
	uint64_t bits = fz_u64(in), b2, eb;
	double v, x = num(in), d;
	int rc;

	for (unsigned i = 0; i < 4; i++)
		regs[i] = fz_u16(in);

	/* Registers and bits, both ways. */
	b2 = decode_bits(regs, n, order);
	ASSERT((b2 & ~mask_of(n)) == 0, "decode_bits of %u registers gave %#llx", n,
	    (unsigned long long)b2);
	encode_bits(b2, n, order, back);
	ASSERT(memcmp(regs, back, n * sizeof(regs[0])) == 0, "registers do not round-trip");
	encode_bits(bits, n, order, back);
	ASSERT(decode_bits(back, n, order) == (bits & mask_of(n)), "bits do not round-trip");

	/* Bits to a number and back. */
	bits &= mask_of(tn);
	v = decode_number(bits, type);
	rc = encode_number(v, type, &eb);
	if (mb_type_is_float(type)) {
		ASSERT(rc == 0, "float %g encodes with %d", v, rc);
		if (isnan(v))
			ASSERT(isnan(decode_number(eb, type)), "NaN does not stay NaN");
		else
			ASSERT(eb == bits, "%s %#llx came back as %#llx", mb_type_name(type),
			    (unsigned long long)bits, (unsigned long long)eb);
	} else if (type == MB_U64 && v >= 0x1p64) {
		/* The top u64 values round up to 2^64 in a double: one past the range. */
		ASSERT(rc == -ERANGE && eb == UINT64_MAX, "u64 2^64 gave %d", rc);
	} else if (type == MB_I64 && v >= 0x1p63) {
		/* So do the top i64 values, to 2^63. */
		ASSERT(rc == -ERANGE && eb == (uint64_t)INT64_MAX, "i64 2^63 gave %d", rc);
	} else {
		ASSERT(rc == 0, "integer %.17g encodes with %d", v, rc);
		ASSERT(decode_number(eb, type) == v, "integer %.17g came back as %.17g", v,
		    decode_number(eb, type));
		if (fabs(v) < 0x1p53)
			ASSERT(eb == bits, "integer bits %#llx came back as %#llx",
			    (unsigned long long)bits, (unsigned long long)eb);
	}

	/* Any number into the type. */
	rc = encode_number(x, type, &eb);
	ASSERT((eb & ~mask_of(tn)) == 0, "encode_number set bits above the type");
	d = decode_number(eb, type);
	if (mb_type_is_float(type)) {
		if (type == MB_F32 && rc == -ERANGE) {
			ASSERT(isfinite(x) && isinf(d) && (d > 0) == (x > 0), "f32 %g: -ERANGE gave %g",
			    x, d);
		} else {
			ASSERT(rc == 0, "float %g gave %d", x, rc);
			if (isnan(x))
				ASSERT(isnan(d), "NaN encoded as %g", d);
			else if (type == MB_F64)
				ASSERT(memcmp(&d, &x, sizeof(d)) == 0, "f64 %g is not exact", x);
			else
				ASSERT(d == (double)(float)x && (signbit(d) == signbit(x)),
				    "f32 %g became %g", x, d);
		}
	} else if (isnan(x)) {
		ASSERT(rc == -EDOM && eb == 0, "NaN into an integer gave %d", rc);
	} else {
		/* The range as [lo, hi_excl), and the largest value as a double. */
		double lo, hi_excl, top, r = round(x);

		switch (type) {
		case MB_U16: lo = 0; hi_excl = 65536.0; top = 65535.0; break;
		case MB_I16: lo = -32768.0; hi_excl = 32768.0; top = 32767.0; break;
		case MB_U32: lo = 0; hi_excl = 4294967296.0; top = 4294967295.0; break;
		case MB_I32: lo = -2147483648.0; hi_excl = 2147483648.0; top = 2147483647.0; break;
		case MB_U64: lo = 0; hi_excl = 0x1p64; top = 0x1p64; break;	/* 2^64 - 1 rounds up */
		case MB_I64: lo = -0x1p63; hi_excl = 0x1p63; top = 0x1p63; break;
		default: abort();
		}
		if (r < lo || r >= hi_excl)
			ASSERT(rc == -ERANGE && d == (r < lo ? lo : top), "%.17g clamped to %.17g, rc %d",
			    x, d, rc);
		else
			ASSERT(rc == 0 && d == r, "%.17g encoded as %.17g (rc %d), not %.17g", x, d, rc,
			    r);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_bytes in = { data, size };
	struct plan_span spans[MAX_SPANS];
	struct plan_block blocks[PLAN_MAX_BLOCKS];
	size_t nspans = 0, nblocks = 0;
	int rc;

	rc = fuzz_plan(&in, spans, &nspans, blocks);
	if (rc >= 0) {
		nblocks = (size_t)rc;
	} else {
		/* No plan: read each good span on its own, as far as they go. */
		for (size_t i = 0; i < nspans && nblocks < PLAN_MAX_BLOCKS; i++)
			if (span_valid(&spans[i]) && spans[i].count <= MODBUS_MAX)
				blocks[nblocks++] = (struct plan_block){ spans[i].reg,
				    spans[i].addr, spans[i].count };
	}
	fuzz_sample(&in, spans, nspans, blocks, nblocks);
	while (in.n > 0)
		fuzz_codec(&in);
	return 0;
}
