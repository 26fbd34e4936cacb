/* SPDX-License-Identifier: MIT */
/*
 * The little JSON the daemon writes (MQTT payloads, `--json` output): strings
 * escaped per RFC 8259 and numbers in their shortest round-trip form.  Pure;
 * on error nothing is appended.
 */
#ifndef LW_JSON_H
#define LW_JSON_H

#include "strbuf.h"

/*
 * s as a quoted JSON string: '"' and '\' escaped, control characters as
 * \n, \t, ... or \u00XX, everything else (valid UTF-8) as it is.  -EILSEQ
 * for invalid UTF-8, -ENOMEM.
 */
int	 json_string(struct strbuf *, const char *s);

/* A number; -EDOM for NaN or an infinity (JSON has none), -ENOMEM. */
int	 json_number(struct strbuf *, double v);

#endif
