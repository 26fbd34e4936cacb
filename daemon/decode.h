/* SPDX-License-Identifier: MIT */
/*
 * Register words to values and back, by explicit shifts (never through
 * libmodbus's float helpers).  Pure: no I/O, no logging.  The simulator uses
 * the encoding half, the daemon the decoding half.
 */
#ifndef LW_DECODE_H
#define LW_DECODE_H

#include <stdint.h>

#include "regtype.h"

/*
 * The big-endian bit pattern of a value spread over nregs (1, 2 or 4)
 * registers in the given order.  17.625 as f32 is 0x418D0000 whatever the
 * order it arrived in.  Words come low word first in CDAB and DCBA, and the
 * bytes of each word are swapped in BADC and DCBA; so one register is read
 * as is in ABCD and CDAB and byte-swapped in BADC and DCBA.  nregs above 4
 * gives 0 (and encode_bits writes nothing).
 */
uint64_t	 decode_bits(const uint16_t *regs, unsigned nregs, enum mb_order);

/* The inverse of decode_bits: spread bits over nregs registers. */
void		 encode_bits(uint64_t bits, unsigned nregs, enum mb_order, uint16_t *regs);

/*
 * The number a bit pattern stands for in a type: sign-extended integers,
 * IEEE 754 floats (NaN and infinities come through as such).  Only the low
 * 16, 32 or 64 bits the type occupies count.  NaN for an unknown type.
 */
double		 decode_number(uint64_t bits, enum mb_type);

/*
 * The bit pattern of a number in a type.  Integers are rounded to nearest
 * (halves away from zero) and clamped to the type's range: returns -ERANGE
 * when clamped (infinities included) with the bits of the range's end; NaN
 * has no integer, so it gives -EDOM and bits 0.  Floats keep NaN and the
 * infinities; an f32 takes the nearest float, and a finite number beyond the
 * f32 range gives that infinity and -ERANGE.  -EINVAL for an unknown type.
 * Otherwise 0.
 */
int		 encode_number(double, enum mb_type, uint64_t *ret_bits);

#endif
