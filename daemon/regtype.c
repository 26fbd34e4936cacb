/* SPDX-License-Identifier: MIT */
/*
 * Modbus register kinds, data types and word/byte orders (see regtype.h):
 * their sizes and their names as written in the configuration.  The tables
 * are indexed by the enums, so a name and its value cannot drift apart.
 * Parsing is exact and case-sensitive, as every name in the configuration is
 * lower case.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "regtype.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*name;
	unsigned	 regs;
	int		 is_float;
} types[] = {
	[MB_U16] = { "u16", 1, 0 },
	[MB_I16] = { "i16", 1, 0 },
	[MB_U32] = { "u32", 2, 0 },
	[MB_I32] = { "i32", 2, 0 },
	[MB_F32] = { "f32", 2, 1 },
	[MB_U64] = { "u64", 4, 0 },
	[MB_I64] = { "i64", 4, 0 },
	[MB_F64] = { "f64", 4, 1 },
};

static const char *const orders[] = {
	[MB_ABCD] = "abcd",
	[MB_DCBA] = "dcba",
	[MB_BADC] = "badc",
	[MB_CDAB] = "cdab",
};

static const char *const regkinds[] = {
	[MB_HOLDING] = "holding",
	[MB_INPUT] = "input",
};

unsigned
mb_type_regs(enum mb_type t)
{
	/* 0 for a type that does not exist: no register holds it. */
	return (unsigned)t < NELEM(types) ? types[t].regs : 0;
}

int
mb_type_is_float(enum mb_type t)
{
	return (unsigned)t < NELEM(types) ? types[t].is_float : 0;
}

const char *
mb_type_name(enum mb_type t)
{
	return (unsigned)t < NELEM(types) ? types[t].name : NULL;
}

const char *
mb_order_name(enum mb_order o)
{
	return (unsigned)o < NELEM(orders) ? orders[o] : NULL;
}

const char *
mb_regkind_name(enum mb_regkind k)
{
	return (unsigned)k < NELEM(regkinds) ? regkinds[k] : NULL;
}

int
mb_type_parse(const char *s, enum mb_type *ret)
{
	for (size_t i = 0; s != NULL && i < NELEM(types); i++)
		if (strcmp(types[i].name, s) == 0) {
			*ret = (enum mb_type)i;
			return 0;
		}
	return -EINVAL;
}

int
mb_order_parse(const char *s, enum mb_order *ret)
{
	for (size_t i = 0; s != NULL && i < NELEM(orders); i++)
		if (strcmp(orders[i], s) == 0) {
			*ret = (enum mb_order)i;
			return 0;
		}
	return -EINVAL;
}

int
mb_regkind_parse(const char *s, enum mb_regkind *ret)
{
	for (size_t i = 0; s != NULL && i < NELEM(regkinds); i++)
		if (strcmp(regkinds[i], s) == 0) {
			*ret = (enum mb_regkind)i;
			return 0;
		}
	return -EINVAL;
}
