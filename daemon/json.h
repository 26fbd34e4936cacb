/* SPDX-License-Identifier: MIT */
/*
 * The little JSON the daemon writes (MQTT payloads, `--json` output): strings
 * escaped per RFC 8259 and numbers in their shortest round-trip form.  Pure;
 * on error nothing is appended.
 */
#ifndef LW_JSON_H
#define LW_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

/*
 * s as a quoted JSON string: '"' and '\' escaped, control characters as
 * \n, \t, ... or \u00XX, everything else (valid UTF-8) as it is.  -EILSEQ
 * for invalid UTF-8, -ENOMEM.
 */
int	 json_string(struct strbuf *, const char *s);

/* A number; -EDOM for NaN or an infinity (JSON has none), -ENOMEM. */
int	 json_number(struct strbuf *, double v);

/*
 * An object built member by member.  The first error is kept and the rest
 * do nothing; json_obj_end() returns it, and on error the buffer is cut
 * back to where the object began.
 */
struct json_obj {
	struct strbuf	*sb;
	size_t		 mark;
	int		 rc;
	int		 members;
};

void	 json_obj_begin(struct json_obj *, struct strbuf *);
/* A string member; NULL is null. */
void	 json_obj_str(struct json_obj *, const char *key, const char *v);
/* A number member; not has, NaN or infinity is null. */
void	 json_obj_num(struct json_obj *, const char *key, bool has, double v);
void	 json_obj_bool(struct json_obj *, const char *key, bool v);
/* A UTC time member ("2026-11-23T23:45:16.123Z"). */
void	 json_obj_time(struct json_obj *, const char *key, int64_t ms);
/* A member whose value is JSON already (an array, an object). */
void	 json_obj_raw(struct json_obj *, const char *key, const char *json, size_t len);
int	 json_obj_end(struct json_obj *);

#endif
