/* SPDX-License-Identifier: MIT */
/*
 * Fault specifications for lakewatch-sim: parsing "--fault DEVICE=KIND[:ARG]
 * [@FROM-UNTIL]" and faults-file lines, and combining a device's active
 * faults into what one request gets.  Pure: no I/O, no logging, no clock
 * (the caller passes the time since the simulator started).
 *
 * A faults file has one line per fault or value ('#' starts a comment):
 *   DEVICE KIND[:ARG][@FROM-UNTIL]     a fault, as --fault DEVICE=KIND...
 *   set DEVICE.POINT=VALUE             serve VALUE for the point
 *   ramp DEVICE.POINT=FROM:TO:SECONDS  from FROM when the file is read to
 *                                      TO SECONDS later, linearly, then TO
 * A value holds while the file says so: read again without the line, the
 * point goes back to its --set value or the simulated one.  It is encoded
 * like a --set value (the point's type, scale, offset and word order), and
 * the nan and range faults apply over it.
 *
 * When several faults of one device are active at once, no answer (timeout,
 * down) wins over everything, then an exception, then garbage, then a bad
 * CRC; a slow fault delays whatever is sent (the longest delay wins), and
 * nan, flag and range all apply to the values (nan before range).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "sim.h"

#define SLOW_MAX_MS	600000u		/* ten minutes is slow enough */

static const char *const kind_names[] = {
	[SIM_FAULT_TIMEOUT] = "timeout",
	[SIM_FAULT_DOWN] = "down",
	[SIM_FAULT_SLOW] = "slow",
	[SIM_FAULT_EXCEPTION] = "exception",
	[SIM_FAULT_CRC] = "crc",
	[SIM_FAULT_GARBAGE] = "garbage",
	[SIM_FAULT_NAN] = "nan",
	[SIM_FAULT_FLAG] = "flag",
	[SIM_FAULT_RANGE] = "range",
};

const char *
sim_fault_kind_name(enum sim_fault_kind kind)
{
	if ((size_t)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return NULL;
	return kind_names[kind];
}

/* An unsigned decimal or 0x hex number that is the whole of s. */
static int
parse_uint(const char *s, unsigned long max, unsigned *ret)
{
	char *end;
	unsigned long v;

	if (*s == '\0' || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

/* A number of seconds (may be fractional) that is the whole of s, as ms. */
static int
parse_seconds(const char *s, int64_t *ret)
{
	char *end;
	double v;

	if (*s == '\0' || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < 0 || v > 1e9)
		return -EINVAL;
	*ret = (int64_t)llround(v * 1000.0);
	return 0;
}

/* "FROM-UNTIL", either side possibly empty. */
static int
parse_window(char *w, struct sim_fault *f, char *err, size_t errlen)
{
	char *dash = strchr(w, '-');

	if (dash == NULL) {
		snprintf(err, errlen, "'@%s': the window is @FROM-UNTIL in seconds (either may be empty)", w);
		return -EINVAL;
	}
	*dash = '\0';
	f->from_ms = 0;
	f->until_ms = -1;
	if (*w != '\0' && parse_seconds(w, &f->from_ms) != 0) {
		snprintf(err, errlen, "'%s': FROM is not a number of seconds", w);
		return -EINVAL;
	}
	if (dash[1] != '\0' && parse_seconds(dash + 1, &f->until_ms) != 0) {
		snprintf(err, errlen, "'%s': UNTIL is not a number of seconds", dash + 1);
		return -EINVAL;
	}
	if (f->until_ms >= 0 && f->until_ms <= f->from_ms) {
		snprintf(err, errlen, "the window ends before it starts");
		return -EINVAL;
	}
	return 0;
}

/* KIND[:ARG] into f. */
static int
parse_kind(char *k, struct sim_fault *f, char *err, size_t errlen)
{
	char *arg = strchr(k, ':');
	size_t i;

	if (arg != NULL)
		*arg++ = '\0';
	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(k, kind_names[i]) == 0)
			break;
	if (i == sizeof(kind_names) / sizeof(kind_names[0])) {
		snprintf(err, errlen, "'%s': unknown fault (timeout, down, slow:MS, exception[:CODE], "
		    "crc, garbage, nan, flag, range)", k);
		return -EINVAL;
	}
	f->kind = (enum sim_fault_kind)i;
	f->arg = 0;
	switch (f->kind) {
	case SIM_FAULT_SLOW:
		if (arg == NULL || parse_uint(arg, SLOW_MAX_MS, &f->arg) != 0 || f->arg == 0) {
			snprintf(err, errlen, "slow needs a delay in milliseconds, 1 to %u (slow:300)",
			    SLOW_MAX_MS);
			return -EINVAL;
		}
		return 0;
	case SIM_FAULT_EXCEPTION:
		f->arg = MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE;
		if (arg != NULL && (parse_uint(arg, 255, &f->arg) != 0 || f->arg == 0)) {
			snprintf(err, errlen, "'%s': an exception code is 1 to 255", arg);
			return -EINVAL;
		}
		return 0;
	default:
		if (arg != NULL) {
			snprintf(err, errlen, "%s takes no argument", k);
			return -EINVAL;
		}
		return 0;
	}
}

int
sim_fault_parse(const char *spec, struct sim_fault *ret, char *err, size_t errlen)
{
	char buf[256], *dev, *kind, *at, *p;
	struct sim_fault f;
	size_t n;

	memset(&f, 0, sizeof(f));
	f.until_ms = -1;
	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "fault specification too long");
		return -EINVAL;
	}
	strcpy(buf, spec);
	dev = buf;
	while (isspace((unsigned char)*dev))
		dev++;
	/* The device name ends at '=' or at blanks. */
	for (p = dev; *p != '\0' && *p != '=' && !isspace((unsigned char)*p); p++)
		;
	n = (size_t)(p - dev);
	if (*p == '\0' || n == 0) {
		snprintf(err, errlen, "'%s': expected DEVICE=KIND[:ARG][@FROM-UNTIL]", spec);
		return -EINVAL;
	}
	if (n >= sizeof(f.device)) {
		snprintf(err, errlen, "'%.*s': device name too long", (int)n, dev);
		return -EINVAL;
	}
	memcpy(f.device, dev, n);
	f.device[n] = '\0';
	kind = p;
	while (isspace((unsigned char)*kind))
		kind++;
	if (*kind == '=')
		kind++;
	while (isspace((unsigned char)*kind))
		kind++;
	/* Trailing blanks are not part of the specification. */
	p = kind + strlen(kind);
	while (p > kind && isspace((unsigned char)p[-1]))
		*--p = '\0';
	if (*kind == '\0') {
		snprintf(err, errlen, "'%s': no fault named for device '%s'", spec, f.device);
		return -EINVAL;
	}
	for (p = kind; *p != '\0'; p++) {
		if (isspace((unsigned char)*p)) {
			snprintf(err, errlen, "'%s': one fault per specification", spec);
			return -EINVAL;
		}
	}
	at = strchr(kind, '@');
	if (at != NULL) {
		*at++ = '\0';
		if (parse_window(at, &f, err, errlen) != 0)
			return -EINVAL;
	}
	if (parse_kind(kind, &f, err, errlen) != 0)
		return -EINVAL;
	*ret = f;
	return 0;
}

int
sim_faults_add(struct sim_faults *fs, const struct sim_fault *f)
{
	struct sim_fault *v = realloc(fs->v, (fs->n + 1) * sizeof(*v));

	if (v == NULL)
		return -ENOMEM;
	v[fs->n++] = *f;
	fs->v = v;
	return 0;
}

void
sim_faults_clear(struct sim_faults *fs)
{
	free(fs->v);
	free(fs->values);
	fs->v = NULL;
	fs->n = 0;
	fs->values = NULL;
	fs->nvalues = 0;
	fs->read_ms = 0;
}

/* A number that is the whole of s, as --set takes it (strtod: hex, inf, nan too). */
static int
parse_number(const char *s, double *ret)
{
	char *end;
	double v;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*ret = v;
	return 0;
}

/* Whether line starts with the word kw and a blank; *rest then is after the blanks. */
static bool
keyword(const char *line, const char *kw, const char **rest)
{
	size_t n = strlen(kw);

	if (strncmp(line, kw, n) != 0 || !isspace((unsigned char)line[n]))
		return false;
	for (line += n; isspace((unsigned char)*line); line++)
		;
	*rest = line;
	return true;
}

int
sim_value_parse(const char *line, struct sim_value *ret, char *err, size_t errlen)
{
	static const char set_form[] = "set DEVICE.POINT=VALUE";
	static const char ramp_form[] = "ramp DEVICE.POINT=FROM:TO:SECONDS";
	char buf[256], *name, *val, *p, *dot;
	struct sim_value v;
	const char *rest;
	const char *form;

	memset(&v, 0, sizeof(v));
	while (isspace((unsigned char)*line))
		line++;
	if (keyword(line, "set", &rest)) {
		form = set_form;
	} else if (keyword(line, "ramp", &rest)) {
		form = ramp_form;
		v.ramp = true;
	} else {
		snprintf(err, errlen, "expected '%s' or '%s'", set_form, ramp_form);
		return -EINVAL;
	}
	if (strlen(rest) >= sizeof(buf)) {
		snprintf(err, errlen, "%s: line too long", v.ramp ? "ramp" : "set");
		return -EINVAL;
	}
	strcpy(buf, rest);
	p = buf + strlen(buf);
	while (p > buf && isspace((unsigned char)p[-1]))
		*--p = '\0';
	/* DEVICE.POINT ends at '=' or blanks; blanks may come before and after '='. */
	name = buf;
	for (p = name; *p != '\0' && *p != '=' && !isspace((unsigned char)*p); p++)
		;
	val = p;
	while (isspace((unsigned char)*val))
		val++;
	if (*val != '=' || p == name) {
		snprintf(err, errlen, "'%s': expected '%s'", rest, form);
		return -EINVAL;
	}
	*p = '\0';
	for (val++; isspace((unsigned char)*val); val++)
		;
	dot = strchr(name, '.');
	if (dot == NULL || dot == name || dot[1] == '\0') {
		snprintf(err, errlen, "'%s': expected DEVICE.POINT", name);
		return -EINVAL;
	}
	if (strlen(name) >= sizeof(v.name)) {
		snprintf(err, errlen, "'%.40s...': name too long", name);
		return -EINVAL;
	}
	strcpy(v.name, name);
	if (*val == '\0') {
		snprintf(err, errlen, "%s: no value (%s)", name, form);
		return -EINVAL;
	}
	for (p = val; *p != '\0'; p++) {
		if (isspace((unsigned char)*p)) {
			snprintf(err, errlen, "%s: '%s': one value per line (%s)", name, val, form);
			return -EINVAL;
		}
	}
	if (!v.ramp) {
		if (parse_number(val, &v.from) != 0) {
			snprintf(err, errlen, "%s: '%s' is not a number", name, val);
			return -EINVAL;
		}
		v.to = v.from;
		*ret = v;
		return 0;
	}
	{
		char *to = strchr(val, ':'), *secs = to != NULL ? strchr(to + 1, ':') : NULL;

		if (secs == NULL || strchr(secs + 1, ':') != NULL) {
			snprintf(err, errlen, "%s: '%s': expected FROM:TO:SECONDS", name, val);
			return -EINVAL;
		}
		*to++ = '\0';
		*secs++ = '\0';
		if (parse_number(val, &v.from) != 0 || !isfinite(v.from)) {
			snprintf(err, errlen, "%s: ramp FROM '%s' is not a finite number", name, val);
			return -EINVAL;
		}
		if (parse_number(to, &v.to) != 0 || !isfinite(v.to)) {
			snprintf(err, errlen, "%s: ramp TO '%s' is not a finite number", name, to);
			return -EINVAL;
		}
		if (parse_seconds(secs, &v.ramp_ms) != 0) {
			snprintf(err, errlen, "%s: ramp SECONDS '%s' is not a number of seconds", name,
			    secs);
			return -EINVAL;
		}
	}
	*ret = v;
	return 0;
}

static int
values_add(struct sim_faults *fs, const struct sim_value *val)
{
	struct sim_value *v = realloc(fs->values, (fs->nvalues + 1) * sizeof(*v));

	if (v == NULL)
		return -ENOMEM;
	v[fs->nvalues++] = *val;
	fs->values = v;
	return 0;
}

/* The line of an earlier value for the same point, or 0. */
static int
value_line(const struct sim_faults *fs, const char *name)
{
	for (size_t i = 0; i < fs->nvalues; i++)
		if (strcmp(fs->values[i].name, name) == 0)
			return fs->values[i].line;
	return 0;
}

bool
sim_values_get(const struct sim_faults *fs, const struct conf_device *dev, size_t point,
    int64_t elapsed_ms, double *ret)
{
	for (size_t i = 0; i < fs->nvalues; i++) {
		const struct sim_value *v = &fs->values[i];
		int64_t t = elapsed_ms - fs->read_ms;

		if (v->dev == NULL || v->dev != dev || v->point != point)
			continue;
		if (!v->ramp || t >= v->ramp_ms)
			*ret = v->to;
		else if (t <= 0)
			*ret = v->from;
		else
			*ret = v->from + (v->to - v->from) * ((double)t / (double)v->ramp_ms);
		return true;
	}
	return false;
}

/* The shortest text that reads back as v ("nan" and "inf" as printf has them). */
static const char *
num(char *buf, double v)
{
	if (numfmt_double(buf, NUMFMT_DOUBLE_MAX, v) < 0)
		snprintf(buf, NUMFMT_DOUBLE_MAX, "%g", v);
	return buf;
}

void
sim_value_describe(const struct sim_value *v, char *buf, size_t len)
{
	char a[NUMFMT_DOUBLE_MAX], b[NUMFMT_DOUBLE_MAX], c[NUMFMT_DOUBLE_MAX];

	if (v->ramp)
		snprintf(buf, len, "%s ramp %s -> %s over %s s", v->name, num(a, v->from),
		    num(b, v->to), num(c, (double)v->ramp_ms / 1000.0));
	else
		snprintf(buf, len, "%s = %s", v->name, num(a, v->from));
}

int
sim_fault_parse_text(const char *text, const char *name, struct sim_faults *ret, char *err,
    size_t errlen)
{
	struct sim_faults fs = { NULL, 0, NULL, 0, 0 };
	const char *line = text;
	int lineno = 0;

	while (*line != '\0') {
		const char *eol = strchr(line, '\n');
		size_t len = eol != NULL ? (size_t)(eol - line) : strlen(line);
		char buf[256], msg[200];
		struct sim_fault f;
		const char *rest;
		char *p;

		lineno++;
		if (len >= sizeof(buf)) {
			snprintf(err, errlen, "%s:%d: line too long", name, lineno);
			goto fail;
		}
		memcpy(buf, line, len);
		buf[len] = '\0';
		if ((p = strchr(buf, '#')) != NULL)
			*p = '\0';
		for (p = buf; isspace((unsigned char)*p); p++)
			;
		if (*p != '\0' && (keyword(p, "set", &rest) || keyword(p, "ramp", &rest))) {
			struct sim_value v;
			int earlier;

			if (sim_value_parse(p, &v, msg, sizeof(msg)) != 0) {
				snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
				goto fail;
			}
			if ((earlier = value_line(&fs, v.name)) != 0) {
				snprintf(err, errlen, "%s:%d: %s has a value on line %d already", name,
				    lineno, v.name, earlier);
				goto fail;
			}
			v.line = lineno;
			if (values_add(&fs, &v) != 0) {
				snprintf(err, errlen, "%s:%d: out of memory", name, lineno);
				goto fail;
			}
		} else if (*p != '\0') {
			if (sim_fault_parse(p, &f, msg, sizeof(msg)) != 0) {
				snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
				goto fail;
			}
			if (sim_faults_add(&fs, &f) != 0) {
				snprintf(err, errlen, "%s:%d: out of memory", name, lineno);
				goto fail;
			}
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	sim_faults_clear(ret);
	*ret = fs;
	return 0;
fail:
	sim_faults_clear(&fs);
	return -EINVAL;
}

void
sim_faults_action(const struct sim_faults *fs, const char *device, int64_t elapsed_ms,
    struct sim_action *ret)
{
	struct sim_action a;

	memset(&a, 0, sizeof(a));
	for (size_t i = 0; i < fs->n; i++) {
		const struct sim_fault *f = &fs->v[i];

		if (strcmp(f->device, device) != 0 || elapsed_ms < f->from_ms ||
		    (f->until_ms >= 0 && elapsed_ms >= f->until_ms))
			continue;
		switch (f->kind) {
		case SIM_FAULT_TIMEOUT:
		case SIM_FAULT_DOWN:
			a.silent = true;
			break;
		case SIM_FAULT_SLOW:
			if (f->arg > a.delay_ms)
				a.delay_ms = f->arg;
			break;
		case SIM_FAULT_EXCEPTION:
			if (a.exception == 0)
				a.exception = f->arg;
			break;
		case SIM_FAULT_CRC:
			a.crc = true;
			break;
		case SIM_FAULT_GARBAGE:
			a.garbage = true;
			break;
		case SIM_FAULT_NAN:
			a.nan = true;
			break;
		case SIM_FAULT_FLAG:
			a.flag = true;
			break;
		case SIM_FAULT_RANGE:
			a.range = true;
			break;
		}
	}
	*ret = a;
}

void
sim_action_describe(const struct sim_action *a, char *buf, size_t len)
{
	size_t n = 0;

#define ADD(...) do {								\
	if (n < len) {								\
		int m_ = snprintf(buf + n, len - n, "%s", n ? ", " : "");	\
		n += m_ > 0 ? (size_t)m_ : 0;					\
	}									\
	if (n < len) {								\
		int m_ = snprintf(buf + n, len - n, __VA_ARGS__);		\
		n += m_ > 0 ? (size_t)m_ : 0;					\
	}									\
} while (0)
	if (len == 0)
		return;
	buf[0] = '\0';
	if (a->silent) {
		ADD("timeout");
		return;
	}
	if (a->delay_ms)
		ADD("slow %u ms", a->delay_ms);
	if (a->exception)
		ADD("exception %u", a->exception);
	else if (a->garbage)
		ADD("garbage");
	else if (a->crc)
		ADD("crc");
	if (a->nan)
		ADD("nan");
	if (a->flag)
		ADD("flag");
	if (a->range)
		ADD("range");
	if (n == 0)
		ADD("none");
#undef ADD
}
