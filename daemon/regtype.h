/* SPDX-License-Identifier: MIT */
/*
 * Modbus register kinds, data types and word/byte orders, with their names as
 * written in the configuration.  Pure: no I/O, no logging.
 */
#ifndef LW_REGTYPE_H
#define LW_REGTYPE_H

#include <stdint.h>

enum mb_regkind {
	MB_HOLDING,		/* function 03 */
	MB_INPUT,		/* function 04 */
};

enum mb_type {
	MB_U16, MB_I16, MB_U32, MB_I32, MB_F32, MB_U64, MB_I64, MB_F64,
};

/*
 * Order of the bytes on the wire, for the value whose big-endian bytes are
 * A B C D (E F G H for 64-bit values).  ABCD: words high first, bytes high
 * first.  CDAB: words low first.  BADC: bytes swapped in each word.  DCBA:
 * fully reversed.  For 16-bit values only the byte swap matters.
 */
enum mb_order {
	MB_ABCD, MB_DCBA, MB_BADC, MB_CDAB,
};

/* Registers a value of this type occupies: 1, 2 or 4. */
unsigned	 mb_type_regs(enum mb_type);
int		 mb_type_is_float(enum mb_type);

/* Names as in the configuration ("u16", "abcd", "holding"); NULL if out of range. */
const char	*mb_type_name(enum mb_type);
const char	*mb_order_name(enum mb_order);
const char	*mb_regkind_name(enum mb_regkind);

/* Parse a configuration name; 0 on success, -EINVAL if unknown. */
int		 mb_type_parse(const char *, enum mb_type *ret);
int		 mb_order_parse(const char *, enum mb_order *ret);
int		 mb_regkind_parse(const char *, enum mb_regkind *ret);

#endif
