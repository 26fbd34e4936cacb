/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for decode and regtype: every type in every order against wire
 * bytes derived by hand from the order's definition, the bit patterns of
 * integers (sign extension) and IEEE floats (NaN, infinities, -0, the
 * smallest and largest), encode_number's rounding, clamping and -EDOM, round
 * trips over random registers and random values with a fixed seed, and the
 * configuration names of types, orders and register kinds.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "numfmt.h"
#include "regtype.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const enum mb_order all_orders[] = { MB_ABCD, MB_DCBA, MB_BADC, MB_CDAB };
static const enum mb_type all_types[] = {
	MB_U16, MB_I16, MB_U32, MB_I32, MB_F32, MB_U64, MB_I64, MB_F64,
};

/*
 * decode_bits and encode_bits: the wire bytes (first byte on the wire = the
 * first register's high byte) of a value whose big-endian bytes are A B C D
 * (E F G H).
 */
static const struct {
	unsigned	 nregs;
	enum mb_order	 order;
	uint8_t		 wire[8];
	uint64_t	 bits;
} bit_cases[] = {
	/* One register: ABCD and CDAB as is, BADC and DCBA byte-swapped. */
	{ 1, MB_ABCD, { 0x12, 0x34 }, 0x1234 },
	{ 1, MB_CDAB, { 0x12, 0x34 }, 0x1234 },
	{ 1, MB_BADC, { 0x34, 0x12 }, 0x1234 },
	{ 1, MB_DCBA, { 0x34, 0x12 }, 0x1234 },
	/* The known vector: 17.625 as f32 is 0x418D0000. */
	{ 2, MB_ABCD, { 0x41, 0x8D, 0x00, 0x00 }, 0x418D0000 },
	{ 2, MB_CDAB, { 0x00, 0x00, 0x41, 0x8D }, 0x418D0000 },
	{ 2, MB_BADC, { 0x8D, 0x41, 0x00, 0x00 }, 0x418D0000 },
	{ 2, MB_DCBA, { 0x00, 0x00, 0x8D, 0x41 }, 0x418D0000 },
	/* Four distinct bytes: A=11 B=22 C=33 D=44. */
	{ 2, MB_ABCD, { 0x11, 0x22, 0x33, 0x44 }, 0x11223344 },
	{ 2, MB_CDAB, { 0x33, 0x44, 0x11, 0x22 }, 0x11223344 },
	{ 2, MB_BADC, { 0x22, 0x11, 0x44, 0x33 }, 0x11223344 },
	{ 2, MB_DCBA, { 0x44, 0x33, 0x22, 0x11 }, 0x11223344 },
	/* Eight: ABCDEFGH, HGFEDCBA, BADCFEHG, GHEFCDAB. */
	{ 4, MB_ABCD, { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 }, 0x1122334455667788ULL },
	{ 4, MB_DCBA, { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, 0x1122334455667788ULL },
	{ 4, MB_BADC, { 0x22, 0x11, 0x44, 0x33, 0x66, 0x55, 0x88, 0x77 }, 0x1122334455667788ULL },
	{ 4, MB_CDAB, { 0x77, 0x88, 0x55, 0x66, 0x33, 0x44, 0x11, 0x22 }, 0x1122334455667788ULL },
	/* 17.625 as f64 is 0x4031A00000000000. */
	{ 4, MB_ABCD, { 0x40, 0x31, 0xA0, 0x00, 0x00, 0x00, 0x00, 0x00 }, 0x4031A00000000000ULL },
	{ 4, MB_DCBA, { 0x00, 0x00, 0x00, 0x00, 0x00, 0xA0, 0x31, 0x40 }, 0x4031A00000000000ULL },
	{ 4, MB_BADC, { 0x31, 0x40, 0x00, 0xA0, 0x00, 0x00, 0x00, 0x00 }, 0x4031A00000000000ULL },
	{ 4, MB_CDAB, { 0x00, 0x00, 0x00, 0x00, 0xA0, 0x00, 0x40, 0x31 }, 0x4031A00000000000ULL },
};

/*
 * The whole way, every type in every order: wire bytes to value and back.
 * Each row's wire bytes follow from the value's big-endian bytes by the
 * order's definition, written out by hand.
 */
static const struct {
	enum mb_type	 type;
	enum mb_order	 order;
	uint8_t		 wire[8];
	double		 value;
} value_cases[] = {
	/* u16 4660 = 0x1234 */
	{ MB_U16, MB_ABCD, { 0x12, 0x34 }, 4660 },
	{ MB_U16, MB_CDAB, { 0x12, 0x34 }, 4660 },
	{ MB_U16, MB_BADC, { 0x34, 0x12 }, 4660 },
	{ MB_U16, MB_DCBA, { 0x34, 0x12 }, 4660 },
	/* i16 -2 = 0xFFFE */
	{ MB_I16, MB_ABCD, { 0xFF, 0xFE }, -2 },
	{ MB_I16, MB_CDAB, { 0xFF, 0xFE }, -2 },
	{ MB_I16, MB_BADC, { 0xFE, 0xFF }, -2 },
	{ MB_I16, MB_DCBA, { 0xFE, 0xFF }, -2 },
	/* u32 305419896 = 0x12345678 */
	{ MB_U32, MB_ABCD, { 0x12, 0x34, 0x56, 0x78 }, 305419896 },
	{ MB_U32, MB_CDAB, { 0x56, 0x78, 0x12, 0x34 }, 305419896 },
	{ MB_U32, MB_BADC, { 0x34, 0x12, 0x78, 0x56 }, 305419896 },
	{ MB_U32, MB_DCBA, { 0x78, 0x56, 0x34, 0x12 }, 305419896 },
	/* i32 -123456 = 0xFFFE1DC0 */
	{ MB_I32, MB_ABCD, { 0xFF, 0xFE, 0x1D, 0xC0 }, -123456 },
	{ MB_I32, MB_CDAB, { 0x1D, 0xC0, 0xFF, 0xFE }, -123456 },
	{ MB_I32, MB_BADC, { 0xFE, 0xFF, 0xC0, 0x1D }, -123456 },
	{ MB_I32, MB_DCBA, { 0xC0, 0x1D, 0xFE, 0xFF }, -123456 },
	/* f32 17.625 = 0x418D0000 */
	{ MB_F32, MB_ABCD, { 0x41, 0x8D, 0x00, 0x00 }, 17.625 },
	{ MB_F32, MB_CDAB, { 0x00, 0x00, 0x41, 0x8D }, 17.625 },
	{ MB_F32, MB_BADC, { 0x8D, 0x41, 0x00, 0x00 }, 17.625 },
	{ MB_F32, MB_DCBA, { 0x00, 0x00, 0x8D, 0x41 }, 17.625 },
	/* f32 -0.15625 = 0xBE200000 */
	{ MB_F32, MB_ABCD, { 0xBE, 0x20, 0x00, 0x00 }, -0.15625 },
	{ MB_F32, MB_CDAB, { 0x00, 0x00, 0xBE, 0x20 }, -0.15625 },
	{ MB_F32, MB_BADC, { 0x20, 0xBE, 0x00, 0x00 }, -0.15625 },
	{ MB_F32, MB_DCBA, { 0x00, 0x00, 0x20, 0xBE }, -0.15625 },
	/*
	 * u64 2826896153644816 = 0x000A0B0C0D0E0F10 (a double holds 53 bits,
	 * so one of the end bytes is 0 for the value to be exact)
	 */
	{ MB_U64, MB_ABCD, { 0x00, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10 }, 2826896153644816.0 },
	{ MB_U64, MB_DCBA, { 0x10, 0x0F, 0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 0x00 }, 2826896153644816.0 },
	{ MB_U64, MB_BADC, { 0x0A, 0x00, 0x0C, 0x0B, 0x0E, 0x0D, 0x10, 0x0F }, 2826896153644816.0 },
	{ MB_U64, MB_CDAB, { 0x0F, 0x10, 0x0D, 0x0E, 0x0B, 0x0C, 0x00, 0x0A }, 2826896153644816.0 },
	/* i64 -2 = 0xFFFFFFFFFFFFFFFE */
	{ MB_I64, MB_ABCD, { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE }, -2 },
	{ MB_I64, MB_DCBA, { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, -2 },
	{ MB_I64, MB_BADC, { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF }, -2 },
	{ MB_I64, MB_CDAB, { 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, -2 },
	/* i64 -1000000000000 = 0xFFFFFF172B5AF000 */
	{ MB_I64, MB_ABCD, { 0xFF, 0xFF, 0xFF, 0x17, 0x2B, 0x5A, 0xF0, 0x00 }, -1e12 },
	{ MB_I64, MB_DCBA, { 0x00, 0xF0, 0x5A, 0x2B, 0x17, 0xFF, 0xFF, 0xFF }, -1e12 },
	{ MB_I64, MB_BADC, { 0xFF, 0xFF, 0x17, 0xFF, 0x5A, 0x2B, 0x00, 0xF0 }, -1e12 },
	{ MB_I64, MB_CDAB, { 0xF0, 0x00, 0x2B, 0x5A, 0xFF, 0x17, 0xFF, 0xFF }, -1e12 },
	/* f64 17.625 = 0x4031A00000000000 */
	{ MB_F64, MB_ABCD, { 0x40, 0x31, 0xA0, 0x00, 0x00, 0x00, 0x00, 0x00 }, 17.625 },
	{ MB_F64, MB_DCBA, { 0x00, 0x00, 0x00, 0x00, 0x00, 0xA0, 0x31, 0x40 }, 17.625 },
	{ MB_F64, MB_BADC, { 0x31, 0x40, 0x00, 0xA0, 0x00, 0x00, 0x00, 0x00 }, 17.625 },
	{ MB_F64, MB_CDAB, { 0x00, 0x00, 0x00, 0x00, 0xA0, 0x00, 0x40, 0x31 }, 17.625 },
	/* f64 -1.5 = 0xBFF8000000000000 */
	{ MB_F64, MB_ABCD, { 0xBF, 0xF8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, -1.5 },
	{ MB_F64, MB_DCBA, { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0xBF }, -1.5 },
	{ MB_F64, MB_BADC, { 0xF8, 0xBF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, -1.5 },
	{ MB_F64, MB_CDAB, { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xBF, 0xF8 }, -1.5 },
};

/* decode_number: a bit pattern read as a type. */
static const struct {
	enum mb_type	 type;
	uint64_t	 bits;
	double		 value;		/* NAN: any NaN */
} number_cases[] = {
	{ MB_U16, 0x0000, 0 },
	{ MB_U16, 0xFFFF, 65535 },
	{ MB_U16, 0xABCD0001ULL, 1 },		/* bits above the type do not count */
	{ MB_I16, 0x7FFF, 32767 },
	{ MB_I16, 0x8000, -32768 },
	{ MB_I16, 0xFFFF, -1 },
	{ MB_I16, 0xFF85, -123 },
	{ MB_I16, 0x12348000ULL, -32768 },
	{ MB_U32, 0xFFFFFFFF, 4294967295.0 },
	{ MB_U32, 0x100000001ULL, 1 },
	{ MB_I32, 0x7FFFFFFF, 2147483647.0 },
	{ MB_I32, 0x80000000, -2147483648.0 },
	{ MB_I32, 0xFFFFFFFF, -1 },
	{ MB_I32, 0xFFFE1DC0, -123456 },
	{ MB_I32, 0xFFFFFFFF00000005ULL, 5 },
	{ MB_F32, 0x418D0000, 17.625 },
	{ MB_F32, 0xC18D0000, -17.625 },
	{ MB_F32, 0x3F800000, 1.0 },
	/* A float stands for its shortest decimal: 0.1, not 0.100000001490116119384765625. */
	{ MB_F32, 0x3DCCCCCD, 0.1 },
	{ MB_F32, 0x41133333, 9.2 },		/* a pH of 9.2 */
	{ MB_F32, 0x00000001, 1e-45 },		/* smallest subnormal, 0x1p-149 */
	{ MB_F32, 0x7F7FFFFF, 3.4028235e38 },	/* FLT_MAX, 0x1.fffffep127 */
	{ MB_F32, 0x7F800000, INFINITY },
	{ MB_F32, 0xFF800000, -INFINITY },
	{ MB_F32, 0x7FC00000, NAN },
	{ MB_F32, 0xFFFFFFFF, NAN },
	{ MB_F32, 0x7F800001, NAN },		/* signalling NaN */
	{ MB_F32, 0xDEADBEEF418D0000ULL, 17.625 },
	{ MB_U64, 0x100000000ULL, 4294967296.0 },
	{ MB_U64, 0x000000E8D4A51000ULL, 1e12 },
	{ MB_U64, 0xFFFFFFFFFFFFFFFFULL, 18446744073709551616.0 },	/* rounds up to 2^64 */
	{ MB_I64, 0xFFFFFFFFFFFFFFFFULL, -1 },
	{ MB_I64, 0x8000000000000000ULL, -9223372036854775808.0 },
	{ MB_I64, 0x7FFFFFFFFFFFFC00ULL, 9223372036854774784.0 },
	{ MB_I64, 0xFFFFFFFFFFFE1DC0ULL, -123456 },
	{ MB_I64, 0x000000E8D4A51000ULL, 1e12 },
	{ MB_F64, 0x4031A00000000000ULL, 17.625 },
	{ MB_F64, 0xC031A00000000000ULL, -17.625 },
	{ MB_F64, 0x3FF0000000000000ULL, 1.0 },
	{ MB_F64, 0x0000000000000001ULL, 0x1p-1074 },
	{ MB_F64, 0x7FF0000000000000ULL, INFINITY },
	{ MB_F64, 0xFFF0000000000000ULL, -INFINITY },
	{ MB_F64, 0x7FF8000000000000ULL, NAN },
	{ MB_F64, 0xFFFFFFFFFFFFFFFFULL, NAN },
	{ (enum mb_type)99, 0x1234, NAN },	/* no such type */
};

/* encode_number: a number to its bits in a type, with the return code. */
static const struct {
	enum mb_type	 type;
	double		 value;
	uint64_t	 bits;
	int		 rc;
} encode_cases[] = {
	{ MB_U16, 0, 0, 0 },
	{ MB_U16, 65535, 0xFFFF, 0 },
	{ MB_U16, 65535.4, 0xFFFF, 0 },
	{ MB_U16, 65535.5, 0xFFFF, -ERANGE },
	{ MB_U16, 65536, 0xFFFF, -ERANGE },
	{ MB_U16, 1e300, 0xFFFF, -ERANGE },
	{ MB_U16, INFINITY, 0xFFFF, -ERANGE },
	{ MB_U16, -1, 0, -ERANGE },
	{ MB_U16, -0.5, 0, -ERANGE },		/* halves away from zero: -1 */
	{ MB_U16, -0.4, 0, 0 },
	{ MB_U16, -INFINITY, 0, -ERANGE },
	{ MB_U16, 2.5, 3, 0 },
	{ MB_U16, 2.4999, 2, 0 },
	{ MB_U16, 1234.5, 1235, 0 },
	{ MB_U16, NAN, 0, -EDOM },
	{ MB_I16, -1, 0xFFFF, 0 },
	{ MB_I16, -123, 0xFF85, 0 },
	{ MB_I16, -2.5, 0xFFFD, 0 },		/* -3 */
	{ MB_I16, -32768, 0x8000, 0 },
	{ MB_I16, -32768.5, 0x8000, -ERANGE },
	{ MB_I16, -32769, 0x8000, -ERANGE },
	{ MB_I16, 32767, 0x7FFF, 0 },
	{ MB_I16, 32768, 0x7FFF, -ERANGE },
	{ MB_I16, -INFINITY, 0x8000, -ERANGE },
	{ MB_I16, NAN, 0, -EDOM },
	{ MB_U32, 4294967295.0, 0xFFFFFFFF, 0 },
	{ MB_U32, 4294967296.0, 0xFFFFFFFF, -ERANGE },
	{ MB_U32, 305419896, 0x12345678, 0 },
	{ MB_U32, -1, 0, -ERANGE },
	{ MB_U32, NAN, 0, -EDOM },
	{ MB_I32, -123456, 0xFFFE1DC0, 0 },
	{ MB_I32, -2147483648.0, 0x80000000, 0 },
	{ MB_I32, -2147483649.0, 0x80000000, -ERANGE },
	{ MB_I32, 2147483647.0, 0x7FFFFFFF, 0 },
	{ MB_I32, 2147483648.0, 0x7FFFFFFF, -ERANGE },
	{ MB_I32, INFINITY, 0x7FFFFFFF, -ERANGE },
	{ MB_I32, NAN, 0, -EDOM },
	{ MB_U64, 1e12, 0x000000E8D4A51000ULL, 0 },
	{ MB_U64, 18446744073709549568.0, 0xFFFFFFFFFFFFF800ULL, 0 },	/* largest double below 2^64 */
	{ MB_U64, 18446744073709551616.0, 0xFFFFFFFFFFFFFFFFULL, -ERANGE },
	{ MB_U64, INFINITY, 0xFFFFFFFFFFFFFFFFULL, -ERANGE },
	{ MB_U64, -1, 0, -ERANGE },
	{ MB_U64, -INFINITY, 0, -ERANGE },
	{ MB_U64, NAN, 0, -EDOM },
	{ MB_I64, -1, 0xFFFFFFFFFFFFFFFFULL, 0 },
	{ MB_I64, -123456, 0xFFFFFFFFFFFE1DC0ULL, 0 },
	{ MB_I64, -1e12, 0xFFFFFF172B5AF000ULL, 0 },
	{ MB_I64, -9223372036854775808.0, 0x8000000000000000ULL, 0 },
	{ MB_I64, 9223372036854774784.0, 0x7FFFFFFFFFFFFC00ULL, 0 },	/* largest double below 2^63 */
	{ MB_I64, 9223372036854775808.0, 0x7FFFFFFFFFFFFFFFULL, -ERANGE },
	{ MB_I64, -1e19, 0x8000000000000000ULL, -ERANGE },
	{ MB_I64, -INFINITY, 0x8000000000000000ULL, -ERANGE },
	{ MB_I64, NAN, 0, -EDOM },
	{ MB_F32, 17.625, 0x418D0000, 0 },
	{ MB_F32, -17.625, 0xC18D0000, 0 },
	{ MB_F32, 0.1, 0x3DCCCCCD, 0 },		/* nearest float */
	{ MB_F32, -0.0, 0x80000000, 0 },
	{ MB_F32, 1e-50, 0, 0 },		/* underflows to +0 */
	{ MB_F32, 0x1.fffffep127, 0x7F7FFFFF, 0 },		/* FLT_MAX */
	{ MB_F32, 0x1.fffffefffffffp127, 0x7F7FFFFF, 0 },	/* just below the rounding edge */
	{ MB_F32, 0x1.ffffffp127, 0x7F800000, -ERANGE },	/* the edge rounds up */
	{ MB_F32, 1e39, 0x7F800000, -ERANGE },
	{ MB_F32, -1e39, 0xFF800000, -ERANGE },
	{ MB_F32, INFINITY, 0x7F800000, 0 },
	{ MB_F32, -INFINITY, 0xFF800000, 0 },
	{ MB_F64, 17.625, 0x4031A00000000000ULL, 0 },
	{ MB_F64, -1.5, 0xBFF8000000000000ULL, 0 },
	{ MB_F64, -0.0, 0x8000000000000000ULL, 0 },
	{ MB_F64, 1e300, 0x7E37E43C8800759CULL, 0 },
	{ MB_F64, INFINITY, 0x7FF0000000000000ULL, 0 },
	{ MB_F64, -INFINITY, 0xFFF0000000000000ULL, 0 },
	{ (enum mb_type)99, 1.0, 0, -EINVAL },
};

static uint64_t rng = 0x2545F4914F6CDD1DULL;

/* The registers that carry these wire bytes: the first byte is the high one. */
static void
wire_to_regs(const uint8_t *wire, unsigned nregs, uint16_t *regs)
{
	for (unsigned i = 0; i < nregs; i++)
		regs[i] = (uint16_t)(wire[2 * i] << 8 | wire[2 * i + 1]);
}

static int
regs_equal_wire(const uint16_t *regs, unsigned nregs, const uint8_t *wire)
{
	for (unsigned i = 0; i < nregs; i++)
		if (regs[i] >> 8 != wire[2 * i] || (regs[i] & 0xFF) != wire[2 * i + 1])
			return 0;
	return 1;
}

static uint64_t
width_mask(enum mb_type t)
{
	unsigned n = mb_type_regs(t);

	return n == 4 ? UINT64_MAX : ((uint64_t)1 << (16 * n)) - 1;
}

static void
test_names(void)
{
	static const char *const type_names[] = { "u16", "i16", "u32", "i32", "f32", "u64", "i64", "f64" };
	static const unsigned type_regs[] = { 1, 1, 2, 2, 2, 4, 4, 4 };
	static const int type_float[] = { 0, 0, 0, 0, 1, 0, 0, 1 };
	static const char *const order_names[] = { "abcd", "dcba", "badc", "cdab" };
	static const char *const kind_names[] = { "holding", "input" };
	static const char *const bad[] = { "", "U16", "f16", "u16 ", " u16", "ABCD", "abc", "abcde",
	    "Holding", "coil", "discrete", "u" };
	enum mb_type t;
	enum mb_order o;
	enum mb_regkind k;

	for (size_t i = 0; i < NELEM(all_types); i++) {
		CHECK_EQ_STR(type_names[i], mb_type_name(all_types[i]), "type %zu is named", i);
		CHECK_EQ_INT(type_regs[i], mb_type_regs(all_types[i]), "%s takes %u registers",
		    type_names[i], type_regs[i]);
		CHECK_EQ_INT(type_float[i], mb_type_is_float(all_types[i]), "%s is%s a float",
		    type_names[i], type_float[i] ? "" : " not");
		t = (enum mb_type)99;
		CHECK_EQ_INT(0, mb_type_parse(type_names[i], &t), "\"%s\" parses", type_names[i]);
		CHECK_EQ_INT(all_types[i], t, "\"%s\" is the right type", type_names[i]);
	}
	for (size_t i = 0; i < NELEM(all_orders); i++) {
		CHECK_EQ_STR(order_names[i], mb_order_name(all_orders[i]), "order %zu is named", i);
		o = (enum mb_order)99;
		CHECK_EQ_INT(0, mb_order_parse(order_names[i], &o), "\"%s\" parses", order_names[i]);
		CHECK_EQ_INT(all_orders[i], o, "\"%s\" is the right order", order_names[i]);
	}
	for (size_t i = 0; i < NELEM(kind_names); i++) {
		enum mb_regkind want = i == 0 ? MB_HOLDING : MB_INPUT;

		CHECK_EQ_STR(kind_names[i], mb_regkind_name(want), "register kind %zu is named", i);
		k = (enum mb_regkind)99;
		CHECK_EQ_INT(0, mb_regkind_parse(kind_names[i], &k), "\"%s\" parses", kind_names[i]);
		CHECK_EQ_INT(want, k, "\"%s\" is the right kind", kind_names[i]);
	}
	CHECK(mb_type_name((enum mb_type)8) == NULL, "no name past the last type");
	CHECK(mb_type_name((enum mb_type)-1) == NULL, "no name for a negative type");
	CHECK(mb_order_name((enum mb_order)4) == NULL, "no name past the last order");
	CHECK(mb_regkind_name((enum mb_regkind)2) == NULL, "no name past the last register kind");
	CHECK_EQ_INT(0, mb_type_regs((enum mb_type)8), "no registers for a type that does not exist");
	CHECK_EQ_INT(0, mb_type_is_float((enum mb_type)8), "a type that does not exist is no float");
	for (size_t i = 0; i < NELEM(bad); i++) {
		t = MB_F64;
		o = MB_CDAB;
		k = MB_INPUT;
		CHECK_EQ_INT(-EINVAL, mb_type_parse(bad[i], &t), "type \"%s\" is refused", bad[i]);
		CHECK_EQ_INT(-EINVAL, mb_order_parse(bad[i], &o), "order \"%s\" is refused", bad[i]);
		CHECK_EQ_INT(-EINVAL, mb_regkind_parse(bad[i], &k), "kind \"%s\" is refused", bad[i]);
		CHECK(t == MB_F64 && o == MB_CDAB && k == MB_INPUT, "\"%s\" leaves the results alone",
		    bad[i]);
	}
	CHECK_EQ_INT(-EINVAL, mb_type_parse(NULL, &t), "a NULL type name is refused");
	CHECK_EQ_INT(-EINVAL, mb_order_parse(NULL, &o), "a NULL order name is refused");
	CHECK_EQ_INT(-EINVAL, mb_regkind_parse(NULL, &k), "a NULL kind name is refused");
}

static void
test_bits(void)
{
	for (size_t i = 0; i < NELEM(bit_cases); i++) {
		unsigned n = bit_cases[i].nregs;
		uint16_t regs[4], out[5];
		uint64_t got;

		wire_to_regs(bit_cases[i].wire, n, regs);
		got = decode_bits(regs, n, bit_cases[i].order);
		CHECK(got == bit_cases[i].bits, "decode_bits %u regs %s: want %#llx, got %#llx", n,
		    mb_order_name(bit_cases[i].order), (unsigned long long)bit_cases[i].bits,
		    (unsigned long long)got);
		memset(out, 0xA5, sizeof(out));
		encode_bits(bit_cases[i].bits, n, bit_cases[i].order, out);
		CHECK(regs_equal_wire(out, n, bit_cases[i].wire), "encode_bits %#llx in %u regs %s",
		    (unsigned long long)bit_cases[i].bits, n, mb_order_name(bit_cases[i].order));
		CHECK(out[n] == 0xA5A5, "encode_bits %u regs %s writes no more than %u registers", n,
		    mb_order_name(bit_cases[i].order), n);
	}
	/* encode_bits keeps the low 16 * nregs bits only. */
	{
		uint16_t r[2];

		encode_bits(0xDEADBEEF418D0000ULL, 2, MB_ABCD, r);
		CHECK(r[0] == 0x418D && r[1] == 0x0000, "encode_bits drops the bits above 2 registers");
	}
	/* Out of range: more than 4 registers. */
	{
		uint16_t r[5] = { 1, 2, 3, 4, 5 };

		CHECK(decode_bits(r, 5, MB_ABCD) == 0, "decode_bits of 5 registers is 0");
		encode_bits(0x1122334455667788ULL, 5, MB_ABCD, r);
		CHECK(r[0] == 1 && r[4] == 5, "encode_bits into 5 registers writes nothing");
		CHECK(decode_bits(r, 0, MB_ABCD) == 0, "decode_bits of no register is 0");
	}
	/* Random registers and bits, fixed seed, every size and order: both ways. */
	{
		static const unsigned sizes[] = { 1, 2, 4 };
		long bad_regs = 0, bad_bits = 0, n = 0;

		for (int iter = 0; iter < 20000; iter++)
			for (size_t s = 0; s < NELEM(sizes); s++)
				for (size_t o = 0; o < NELEM(all_orders); o++) {
					unsigned nr = sizes[s];
					uint64_t r = tap_rand(&rng), b;
					uint16_t regs[4], back[4];
					uint64_t mask = nr == 4 ? UINT64_MAX : ((uint64_t)1 << (16 * nr)) - 1;

					for (unsigned j = 0; j < nr; j++)
						regs[j] = (uint16_t)(r >> (16 * j));
					b = decode_bits(regs, nr, all_orders[o]);
					encode_bits(b, nr, all_orders[o], back);
					bad_regs += memcmp(regs, back, nr * sizeof(regs[0])) != 0;
					r = tap_rand(&rng);
					encode_bits(r, nr, all_orders[o], back);
					bad_bits += decode_bits(back, nr, all_orders[o]) != (r & mask);
					n++;
				}
		CHECK_EQ_INT(0, bad_regs, "%ld random register sets: encode_bits(decode_bits(r)) == r", n);
		CHECK_EQ_INT(0, bad_bits, "%ld random patterns: decode_bits(encode_bits(b)) == b", n);
	}
}

static void
test_values(void)
{
	for (size_t i = 0; i < NELEM(value_cases); i++) {
		enum mb_type t = value_cases[i].type;
		enum mb_order o = value_cases[i].order;
		unsigned n = mb_type_regs(t);
		uint16_t regs[4], out[4];
		uint64_t bits;
		int rc;

		wire_to_regs(value_cases[i].wire, n, regs);
		CHECK_EQ_DBL(value_cases[i].value, decode_number(decode_bits(regs, n, o), t), 0,
		    "%s %s: wire to value", mb_type_name(t), mb_order_name(o));
		rc = encode_number(value_cases[i].value, t, &bits);
		CHECK_EQ_INT(0, rc, "%s %s: encode_number %.17g", mb_type_name(t), mb_order_name(o),
		    value_cases[i].value);
		encode_bits(bits, n, o, out);
		CHECK(regs_equal_wire(out, n, value_cases[i].wire), "%s %s: value %.17g to wire",
		    mb_type_name(t), mb_order_name(o), value_cases[i].value);
	}
	/* The table covers every type in every order. */
	for (size_t t = 0; t < NELEM(all_types); t++)
		for (size_t o = 0; o < NELEM(all_orders); o++) {
			int found = 0;

			for (size_t i = 0; i < NELEM(value_cases); i++)
				found |= value_cases[i].type == all_types[t] &&
				    value_cases[i].order == all_orders[o];
			CHECK(found, "a known vector for %s %s", mb_type_name(all_types[t]),
			    mb_order_name(all_orders[o]));
		}
}

static void
test_numbers(void)
{
	for (size_t i = 0; i < NELEM(number_cases); i++) {
		double got = decode_number(number_cases[i].bits, number_cases[i].type);

		CHECK_EQ_DBL(number_cases[i].value, got, 0, "decode_number %s %#llx",
		    mb_type_name(number_cases[i].type) ? mb_type_name(number_cases[i].type) : "?",
		    (unsigned long long)number_cases[i].bits);
	}
	CHECK(signbit(decode_number(0x80000000, MB_F32)) && decode_number(0x80000000, MB_F32) == 0,
	    "f32 -0 keeps its sign");
	CHECK(signbit(decode_number(0x8000000000000000ULL, MB_F64)), "f64 -0 keeps its sign");
	CHECK(!signbit(decode_number(0x0000, MB_I16)), "i16 0 is +0");

	for (size_t i = 0; i < NELEM(encode_cases); i++) {
		const char *tn = mb_type_name(encode_cases[i].type);
		uint64_t bits = 0x5A5A5A5A5A5A5A5AULL;
		int rc = encode_number(encode_cases[i].value, encode_cases[i].type, &bits);

		CHECK_EQ_INT(encode_cases[i].rc, rc, "encode_number %s %.17g: return",
		    tn ? tn : "?", encode_cases[i].value);
		CHECK(bits == encode_cases[i].bits, "encode_number %s %.17g: want %#llx, got %#llx",
		    tn ? tn : "?", encode_cases[i].value, (unsigned long long)encode_cases[i].bits,
		    (unsigned long long)bits);
	}
	/* NaN and the infinities pass through both float types. */
	{
		uint64_t b;

		CHECK_EQ_INT(0, encode_number(NAN, MB_F32, &b), "f32 NaN encodes");
		CHECK((b & 0x7F800000) == 0x7F800000 && (b & 0x007FFFFF) != 0 && b <= 0xFFFFFFFF,
		    "f32 NaN is an f32 NaN pattern (%#llx)", (unsigned long long)b);
		CHECK(isnan(decode_number(b, MB_F32)), "and decodes as NaN");
		CHECK_EQ_INT(0, encode_number(NAN, MB_F64, &b), "f64 NaN encodes");
		CHECK((b & 0x7FF0000000000000ULL) == 0x7FF0000000000000ULL &&
		    (b & 0x000FFFFFFFFFFFFFULL) != 0, "f64 NaN is an f64 NaN pattern");
		CHECK(isnan(decode_number(b, MB_F64)), "and decodes as NaN");
		CHECK(isnan(decode_number(0x7FC00000, MB_F32)) && isnan(decode_number(0xFFFFFFFF, MB_F32)),
		    "0x7FC00000 and 0xFFFFFFFF are NaN in f32");
		CHECK(isinf(decode_number(0x7F800000, MB_F32)) && decode_number(0x7F800000, MB_F32) > 0,
		    "0x7F800000 is +Inf in f32");
	}
}

/* encode then decode, through every order, gives back the value. */
static void
test_round_trips(void)
{
	static const double ints16[] = { 0, 1, -1, 2, 100, 255, 256, 32767, -32768, 65535, -123 };
	static const double ints32[] = { 0, 1, -1, 65536, -65537, 2147483647.0, -2147483648.0,
	    4294967295.0, 305419896, -123456 };
	static const double ints64[] = { 0, 1, -1, 1e12, -1e12, 9007199254740993.0,
	    -9223372036854775808.0, 9223372036854774784.0, 18446744073709549568.0, 4294967296.0 };
	static const double floats[] = { 0, -0.0, 17.625, -17.625, 1.0 / 3, 0.1, 8.41, 3686.0,
	    1e-40, 1e38, -1e-45, 0x1.fffffep127, INFINITY, -INFINITY, NAN };

	for (size_t t = 0; t < NELEM(all_types); t++) {
		enum mb_type type = all_types[t];
		unsigned n = mb_type_regs(type);
		const double *vals;
		size_t nvals;
		long bad = 0, count = 0;

		switch (n) {
		case 1: vals = ints16; nvals = NELEM(ints16); break;
		case 2: vals = ints32; nvals = NELEM(ints32); break;
		default: vals = ints64; nvals = NELEM(ints64); break;
		}
		if (mb_type_is_float(type)) {
			vals = floats;
			nvals = NELEM(floats);
		}
		for (size_t o = 0; o < NELEM(all_orders); o++)
			for (size_t i = 0; i < nvals; i++) {
				double v = vals[i], want, got;
				uint16_t regs[4];
				uint64_t bits;
				int rc = encode_number(v, type, &bits);

				/* What the type can hold: the value itself, or clamped. */
				if (type == MB_F32)
					want = numfmt_float_value((float)v);
				else if (mb_type_is_float(type))
					want = v;
				else
					want = decode_number(bits, type);
				encode_bits(bits, n, all_orders[o], regs);
				got = decode_number(decode_bits(regs, n, all_orders[o]), type);
				count++;
				if (!((isnan(want) && isnan(got)) || (want == got &&
				    signbit(want) == signbit(got)))) {
					bad++;
					printf("# %s %s %.17g: got %.17g\n", mb_type_name(type),
					    mb_order_name(all_orders[o]), v, got);
				}
				/* In range: an integer comes back exactly, with rc 0. */
				if (!mb_type_is_float(type) && rc == 0 && got != v) {
					bad++;
					printf("# %s %.17g came back as %.17g\n", mb_type_name(type), v, got);
				}
			}
		CHECK_EQ_INT(0, bad, "%s: %ld values survive encode, every order, decode",
		    mb_type_name(type), count);
	}
	/* Random bit patterns: decode then encode gives the same bits (NaN aside). */
	for (size_t t = 0; t < NELEM(all_types); t++) {
		enum mb_type type = all_types[t];
		long bad = 0, count = 0;

		for (int i = 0; i < 100000; i++) {
			uint64_t bits = tap_rand(&rng) & width_mask(type), back;
			double v = decode_number(bits, type);
			int rc, exact;

			if (isnan(v))
				continue;
			if (type == MB_U64 && v >= 18446744073709551616.0)
				continue;	/* above 2^64 - 2^11: not a double below 2^64 */
			rc = encode_number(v, type, &back);
			count++;
			/*
			 * A 64-bit integer beyond 2^53 loses low bits in a double:
			 * then only the value must come back, else the very bits.
			 */
			exact = (type != MB_U64 && type != MB_I64) || fabs(v) < 0x1p53;
			if (rc != 0 || (exact && back != bits) || decode_number(back, type) != v)
				bad++;
		}
		CHECK_EQ_INT(0, bad, "%s: %ld random patterns decode and encode back", mb_type_name(type),
		    count);
	}
}

int
main(void)
{
	test_names();
	test_bits();
	test_values();
	test_numbers();
	test_round_trips();
	return tap_done();
}
