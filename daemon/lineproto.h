/* SPDX-License-Identifier: MIT */
/*
 * The InfluxDB line-protocol encoder: one point (measurement, tags, fields,
 * timestamp) to one line.  Pure: no I/O, no logging; the caller owns every
 * argument, and the line is appended to the caller's buffer.
 *
 * It writes only lines that every receiver the daemon may talk to reads
 * the same way: InfluxDB 1.x (1.6 up), 2.x and 3.x, and VictoriaMetrics.
 * Where those parsers differ (backslashes, control characters, reserved
 * names), the point is refused rather than written in a form one of them
 * would store differently, drop, or split into two points.  The rules:
 *
 * Text
 * - Every name and every string is valid UTF-8 (utf8_valid()), and none is
 *   NULL.
 * - The measurement, tag keys, tag values and field keys are not empty
 *   (InfluxDB refuses an empty tag value: leave the tag out instead) and
 *   hold no control character, 0x00..0x1F or 0x7F: a raw LF in a tag value
 *   splits the line in two points on InfluxDB 1.x.
 * - String field values hold no control character but TAB: no CR or LF
 *   (the docs do not support them, and 1.x does not decode "\n"), no other
 *   control byte (the 2.x syntax allows none).  TAB is kept, every parser
 *   stores it verbatim.  They may be empty.
 * - No backslash in the measurement, tag keys, tag values or field keys:
 *   there is no encoding of one that InfluxDB 1.x and VictoriaMetrics
 *   agree on (1.x takes "\\" as two backslashes, VictoriaMetrics as one,
 *   and nothing can end in a backslash).  String field values may hold
 *   backslashes, escaped as below.
 *
 * Names
 * - The measurement does not start with '#' (1.x takes the line for a
 *   comment and drops it).
 * - The measurement, tag keys and field keys do not start with '_' (2.x
 *   and 3.x reserve those, 1.8 drops _field and _measurement).
 * - No tag key and no field key is "time", and no tag key is "field"
 *   (1.x drops the point or the field; 2.x refuses them).
 *
 * Escaping (a backslash before the character)
 * - measurement: ',' and ' ' ('=' is written as is: 1.x would store "\="
 *   as "=", the others as "\=");
 * - tag keys, tag values, field keys: ',', '=' and ' ';
 * - string field values, between double quotes: '\' and '"'.
 * Nothing else is escaped; quotes outside string values are plain bytes.
 *
 * Tags and fields
 * - Tags are written sorted by key, bytes compared unsigned and a key
 *   before any longer key it begins (Go's bytes.Compare, the order InfluxDB
 *   keeps), on the keys as given, not escaped.  The caller's array is not
 *   reordered.  At most LP_MAX_TAGS tags; no two with the same key.
 * - At least one field and at most LP_MAX_FIELDS, in the caller's order;
 *   no two with the same key.
 * - LP_FLOAT: finite only (NaN and the infinities are -EDOM), as
 *   numfmt_double() writes it: the shortest text that reads back as the
 *   same double, in any locale ("0.1", "17.625", "-0", "1e+300").
 * - LP_INT: the decimal integer and 'i' ("-42i"); all of int64 fits.
 * - LP_BOOL: 't' or 'f'.
 * - LP_STRING: at most LP_MAX_STRING bytes as given (before escaping).
 *
 * Limits
 * - The series key (measurement and tags, escaped, with their ',' and
 *   '='), plus 4, plus the longest field key (escaped) is at most
 *   LP_MAX_KEY bytes: InfluxDB's MaxKeyLength, which it applies to the
 *   series key, the field key and the 4 bytes that join them in storage.
 *   Counting escaped field keys never gives less than InfluxDB counts.
 *
 * Line
 * - "measurement[,tag=value...] field=value[,field=value...] timestamp\n":
 *   one space before the fields and one before the timestamp, and a single
 *   LF at the end, nowhere else (no CR).  The timestamp is written as
 *   given, in whatever precision the caller sends with the request (the
 *   daemon uses ms); InfluxDB 1.x accepts -9223372036854775806 to
 *   9223372036854775806 ns, and correspondingly less at a coarser
 *   precision.
 */
#ifndef LW_LINEPROTO_H
#define LW_LINEPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define LP_MAX_TAGS	64
#define LP_MAX_FIELDS	256
#define LP_MAX_STRING	65535	/* bytes of a string field value */
#define LP_MAX_KEY	65535	/* series key + 4 + field key */

enum lp_type { LP_FLOAT, LP_INT, LP_STRING, LP_BOOL };

struct lp_tag {
	const char	*key;
	const char	*value;
};

struct lp_field {
	const char	*key;
	enum lp_type	 type;		/* which of the values below is written */
	double		 f;		/* LP_FLOAT */
	int64_t		 i;		/* LP_INT */
	const char	*s;		/* LP_STRING, NUL-terminated */
	bool		 b;		/* LP_BOOL */
};

/*
 * Append one line for the point to out, by the rules above.  0 on success.
 * Otherwise a negative errno with *why set to a static English message that
 * names the element at fault ("tag value contains a line break"): -EINVAL
 * for a name or value the rules refuse (or a NULL out, tags or fields),
 * -EDOM for a NaN or infinite float, -E2BIG for a limit exceeded, -ENOMEM;
 * out then has its length and bytes as before the call.  why may be NULL;
 * on success *why is left alone.
 */
int	 lp_append_line(struct strbuf *out, const char *measurement,
	    const struct lp_tag *tags, size_t ntags, const struct lp_field *fields,
	    size_t nfields, int64_t timestamp, const char **why);

#endif
