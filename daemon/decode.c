/* SPDX-License-Identifier: MIT */
/*
 * Register words to numbers and back (see decode.h), by explicit shifts and
 * masks only: no libmodbus helpers, no unions, no pointer casts.  Floats move
 * between their bit patterns and the C types through memcpy, which is the
 * one well-defined way to do it in C11.
 *
 * The four orders reduce to two independent choices: whether the words come
 * low word first (CDAB, DCBA) and whether the two bytes of each word are
 * swapped (BADC, DCBA).  That rule gives the usual 2-register orders, the
 * 4-register ones (ABCDEFGH, HGFEDCBA, BADCFEHG, GHEFCDAB) and, for one
 * register, "normal" for ABCD and CDAB and "byte-swapped" for BADC and DCBA.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "decode.h"
#include "numfmt.h"

#define MAX_REGS	4

static bool
words_reversed(enum mb_order o)
{
	return o == MB_CDAB || o == MB_DCBA;
}

static bool
bytes_swapped(enum mb_order o)
{
	return o == MB_BADC || o == MB_DCBA;
}

static uint16_t
swap16(uint16_t w)
{
	return (uint16_t)((w >> 8) | (w << 8));
}

uint64_t
decode_bits(const uint16_t *regs, unsigned nregs, enum mb_order order)
{
	uint64_t bits = 0;

	if (nregs > MAX_REGS)
		return 0;
	/* Word i of the value (0 = most significant) is at wire position pos. */
	for (unsigned i = 0; i < nregs; i++) {
		unsigned pos = words_reversed(order) ? nregs - 1 - i : i;
		uint16_t w = regs[pos];

		if (bytes_swapped(order))
			w = swap16(w);
		bits = bits << 16 | w;
	}
	return bits;
}

void
encode_bits(uint64_t bits, unsigned nregs, enum mb_order order, uint16_t *regs)
{
	if (nregs > MAX_REGS)
		return;
	for (unsigned i = 0; i < nregs; i++) {
		unsigned pos = words_reversed(order) ? nregs - 1 - i : i;
		uint16_t w = (uint16_t)(bits >> (16 * (nregs - 1 - i)) & 0xFFFF);

		regs[pos] = bytes_swapped(order) ? swap16(w) : w;
	}
}

/*
 * The two's complement value of the low `width` bits.  Written without
 * converting an out-of-range unsigned value to a signed type, which C leaves
 * to the implementation.
 */
static int64_t
sign_extend(uint64_t bits, unsigned width)
{
	uint64_t sign = (uint64_t)1 << (width - 1);
	uint64_t mask = width == 64 ? UINT64_MAX : ((uint64_t)1 << width) - 1;

	bits &= mask;
	if ((bits & sign) == 0)
		return (int64_t)bits;
	/* Negative: -(~bits & mask) - 1, each step within int64_t. */
	return -(int64_t)(~bits & mask) - 1;
}

double
decode_number(uint64_t bits, enum mb_type type)
{
	uint32_t w32;
	float f;
	double d;

	switch (type) {
	case MB_U16:
		return (double)(bits & 0xFFFF);
	case MB_I16:
		return (double)sign_extend(bits, 16);
	case MB_U32:
		return (double)(bits & 0xFFFFFFFF);
	case MB_I32:
		return (double)sign_extend(bits, 32);
	case MB_F32:
		w32 = (uint32_t)(bits & 0xFFFFFFFF);
		memcpy(&f, &w32, sizeof(f));
		return numfmt_float_value(f);
	case MB_U64:
		return (double)bits;
	case MB_I64:
		return (double)sign_extend(bits, 64);
	case MB_F64:
		memcpy(&d, &bits, sizeof(d));
		return d;
	}
	return NAN;
}

/*
 * x rounded to nearest, halves away from zero, into *ret; *clamped is -1 when
 * that is below lo (and *ret is then lo), 1 when it is at or above hi_excl
 * (the caller then uses the type's maximum), else 0.  lo and hi_excl are
 * powers of two or 0, exact in a double, so whatever *ret holds when
 * *clamped <= 0 converts to the integer type without overflow.
 */
static int
round_clamp(double x, double lo, double hi_excl, double *ret, int *clamped)
{
	double r;

	if (isnan(x))
		return -EDOM;
	r = round(x);
	*clamped = 0;
	if (r < lo) {
		r = lo;
		*clamped = -1;
	} else if (r >= hi_excl) {
		*clamped = 1;
	}
	*ret = r;
	return 0;
}

int
encode_number(double x, enum mb_type type, uint64_t *ret_bits)
{
	/* Powers of two, exact in a double. */
	const double two15 = 32768.0, two16 = 65536.0;
	const double two31 = 2147483648.0, two32 = 4294967296.0;
	const double two63 = 9223372036854775808.0, two64 = 18446744073709551616.0;
	uint32_t w32;
	float f;
	double r;
	int clamped, rc;

	*ret_bits = 0;
	switch (type) {
	case MB_U16:
		if ((rc = round_clamp(x, 0, two16, &r, &clamped)) != 0)
			return rc;
		*ret_bits = clamped > 0 ? 0xFFFF : (uint64_t)r;
		break;
	case MB_I16:
		if ((rc = round_clamp(x, -two15, two15, &r, &clamped)) != 0)
			return rc;
		/* Two's complement of the 16 bits: uint64_t arithmetic is modular. */
		*ret_bits = clamped > 0 ? 0x7FFF : (uint64_t)(int64_t)r & 0xFFFF;
		break;
	case MB_U32:
		if ((rc = round_clamp(x, 0, two32, &r, &clamped)) != 0)
			return rc;
		*ret_bits = clamped > 0 ? 0xFFFFFFFF : (uint64_t)r;
		break;
	case MB_I32:
		if ((rc = round_clamp(x, -two31, two31, &r, &clamped)) != 0)
			return rc;
		*ret_bits = clamped > 0 ? 0x7FFFFFFF : (uint64_t)(int64_t)r & 0xFFFFFFFF;
		break;
	case MB_U64:
		if ((rc = round_clamp(x, 0, two64, &r, &clamped)) != 0)
			return rc;
		*ret_bits = clamped > 0 ? UINT64_MAX : (uint64_t)r;
		break;
	case MB_I64:
		if ((rc = round_clamp(x, -two63, two63, &r, &clamped)) != 0)
			return rc;
		*ret_bits = clamped > 0 ? (uint64_t)INT64_MAX : (uint64_t)(int64_t)r;
		break;
	case MB_F32:
		/*
		 * A finite double at or beyond FLT_MAX + half its ulp rounds to
		 * infinity in IEEE 754; say so rather than rely on an
		 * out-of-range conversion, which C11 leaves undefined.
		 */
		if (isfinite(x) && fabs(x) >= 0x1.ffffffp127) {
			f = x > 0 ? INFINITY : -INFINITY;
			memcpy(&w32, &f, sizeof(w32));
			*ret_bits = w32;
			return -ERANGE;
		}
		f = (float)x;
		memcpy(&w32, &f, sizeof(w32));
		*ret_bits = w32;
		return 0;
	case MB_F64:
		memcpy(ret_bits, &x, sizeof(x));
		return 0;
	default:
		return -EINVAL;
	}
	return clamped ? -ERANGE : 0;
}
