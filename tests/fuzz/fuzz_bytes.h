/* SPDX-License-Identifier: MIT */
/* The fuzz targets' input, read front to back; zeros once it runs out. */
#ifndef LW_FUZZ_BYTES_H
#define LW_FUZZ_BYTES_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_bytes {
	const uint8_t	*p;
	size_t		 n;
};

static inline uint8_t
fz_u8(struct fuzz_bytes *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint16_t
fz_u16(struct fuzz_bytes *in)
{
	uint16_t hi = fz_u8(in);

	return (uint16_t)(hi << 8 | fz_u8(in));
}

static inline uint64_t
fz_u64(struct fuzz_bytes *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | fz_u8(in);
	return v;
}

#endif
