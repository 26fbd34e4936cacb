/* SPDX-License-Identifier: MIT */
/*
 * The names of the quality codes (see reading.h), as they appear in the
 * store, on MQTT and in InfluxDB: "good", "suspect", "bad", "missing",
 * "maintenance".  Parsing is exact and case-sensitive.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "reading.h"

static const char *const names[] = {
	[LW_Q_GOOD] = "good",
	[LW_Q_SUSPECT] = "suspect",
	[LW_Q_BAD] = "bad",
	[LW_Q_MISSING] = "missing",
	[LW_Q_MAINTENANCE] = "maintenance",
};

#define NNAMES	(sizeof(names) / sizeof(names[0]))

const char *
lw_quality_name(enum lw_quality q)
{
	return (unsigned)q < NNAMES ? names[q] : NULL;
}

int
lw_quality_parse(const char *s, enum lw_quality *ret)
{
	for (size_t i = 0; s != NULL && i < NNAMES; i++)
		if (strcmp(names[i], s) == 0) {
			*ret = (enum lw_quality)i;
			return 0;
		}
	return -EINVAL;
}
