/* SPDX-License-Identifier: MIT */
/*
 * The devices list of the configuration: each device's keys, its bus and
 * model references, the per-point plausible ranges and calibrations, and the
 * points of a `generic` device, which become a driver model owned by the
 * configuration.  The keys are checked with the helpers of conf_check.c;
 * every problem is reported, and a reference that cannot be resolved (an
 * unknown model, say) silences the checks that depend on it rather than
 * piling up errors that only repeat it.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_impl.h"
#include "selfmetrics.h"
#include "regtype.h"

#define GENERIC_MAX_READ	125	/* the Modbus limit for one read of registers */

enum {
	DEV_NAME, DEV_BUS, DEV_UNIT, DEV_MODEL, DEV_INTERVAL, DEV_TIMEOUT, DEV_ENABLED,
	DEV_MAINTENANCE, DEV_MAX_READ, DEV_MAX_GAP, DEV_PLAUSIBLE, DEV_CALIBRATION, DEV_POINTS,
	DEV_NKEYS
};
static const struct conf_key dev_keys[DEV_NKEYS] = {
	[DEV_NAME] = { "name", CK_STRING },
	[DEV_BUS] = { "bus", CK_STRING },
	[DEV_UNIT] = { "unit", CK_INT },
	[DEV_MODEL] = { "model", CK_STRING },
	[DEV_INTERVAL] = { "interval", CK_DURATION },
	[DEV_TIMEOUT] = { "timeout", CK_DURATION },
	[DEV_ENABLED] = { "enabled", CK_BOOL },
	[DEV_MAINTENANCE] = { "maintenance", CK_BOOL },
	[DEV_MAX_READ] = { "max_read", CK_INT },
	[DEV_MAX_GAP] = { "max_gap", CK_INT },
	[DEV_PLAUSIBLE] = { "plausible", CK_LIST },
	[DEV_CALIBRATION] = { "calibration", CK_LIST },
	[DEV_POINTS] = { "points", CK_LIST },
};

enum { PL_POINT, PL_MIN, PL_MAX, PL_NKEYS };
static const struct conf_key plausible_keys[PL_NKEYS] = {
	[PL_POINT] = { "point", CK_STRING },
	[PL_MIN] = { "min", CK_NUMBER },
	[PL_MAX] = { "max", CK_NUMBER },
};

enum { CA_POINT, CA_OFFSET, CA_SCALE, CA_NKEYS };
static const struct conf_key calibration_keys[CA_NKEYS] = {
	[CA_POINT] = { "point", CK_STRING },
	[CA_OFFSET] = { "offset", CK_NUMBER },
	[CA_SCALE] = { "scale", CK_NUMBER },
};

enum {
	PT_NAME, PT_UNIT, PT_REGISTER, PT_ADDRESS, PT_TYPE, PT_ORDER, PT_SCALE, PT_OFFSET,
	PT_MIN, PT_MAX, PT_NKEYS
};
static const struct conf_key point_keys[PT_NKEYS] = {
	[PT_NAME] = { "name", CK_STRING },
	[PT_UNIT] = { "unit", CK_STRING },
	[PT_REGISTER] = { "register", CK_STRING },
	[PT_ADDRESS] = { "address", CK_INT },
	[PT_TYPE] = { "type", CK_STRING },
	[PT_ORDER] = { "order", CK_STRING },
	[PT_SCALE] = { "scale", CK_NUMBER },
	[PT_OFFSET] = { "offset", CK_NUMBER },
	[PT_MIN] = { "min", CK_NUMBER },
	[PT_MAX] = { "max", CK_NUMBER },
};

/* What the devices pass needs to remember about each device. */
struct devinfo {
	const config_setting_t	*name;	/* its name setting, when valid and unique */
	const config_setting_t	*unit;	/* its unit setting, when valid */
	bool			 bus_ok;
};

/* "u16, i16, ..." from a name function of regtype.h. */
static const char *
names_of(const char *(*name)(int), char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < 16 && name(i) != NULL && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", name(i));
	return buf;
}

static const char *
type_name(int i)
{
	return mb_type_name((enum mb_type)i);
}

static const char *
order_name(int i)
{
	return mb_order_name((enum mb_order)i);
}

static const char *
regkind_name(int i)
{
	return mb_regkind_name((enum mb_regkind)i);
}

/*
 * A generic device's points, as a model the configuration owns.  Every point
 * gets a name and a unit string (empty when in error) so conf_free and the
 * point lookups need no special case.  NULL when the list is empty.
 */
static struct drv_model *
build_generic(struct conf_loader *L, const config_setting_t *list, const char *dctx)
{
	int n = config_setting_length(list);
	const config_setting_t **where;
	struct drv_point *pts;
	struct drv_model *m;
	char list_buf[128];

	if (n <= 0) {
		conf_err(L, list, "%s: 'points' must list at least one point", dctx);
		return NULL;
	}
	if (n > CONF_MAX_POINTS) {
		conf_err(L, list, "%s: 'points' lists %d points, more than %d", dctx, n,
		    CONF_MAX_POINTS);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	pts = calloc((size_t)n, sizeof(*pts));
	where = calloc((size_t)n, sizeof(*where));
	if (m == NULL || pts == NULL || where == NULL) {
		free(m);
		free(pts);
		free(where);
		L->oom = true;
		return NULL;
	}
	m->name = "generic";
	m->description = "generic Modbus device";
	m->points = pts;
	m->npoints = (size_t)n;
	m->max_regs_per_read = GENERIC_MAX_READ;
	m->max_gap = 0;
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		struct drv_point *p = &pts[i];
		struct conf_slot k[PT_NKEYS];
		char ctx[2 * LW_NAME_MAX + 32], name[LW_NAME_MAX], unit[LW_UNIT_MAX], word[64];
		long long addr;
		double lo, hi;

		snprintf(ctx, sizeof(ctx), "%s: point #%d", dctx, i + 1);
		p->scale = 1.0;
		p->rated_min = -INFINITY;
		p->rated_max = INFINITY;
		name[0] = unit[0] = '\0';
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			conf_err(L, g, "%s: must be a group { ... }, not %s", ctx, conf_type_name(g));
		} else {
			if (conf_group_name(g, true, sizeof(name)) != NULL)
				snprintf(ctx, sizeof(ctx), "%s: point '%s'", dctx,
				    conf_group_name(g, true, sizeof(name)));
			conf_walk_group(L, g, ctx, point_keys, PT_NKEYS, k);
			if (conf_require(L, g, ctx, &k[PT_NAME], "name") &&
			    conf_get_str(L, &k[PT_NAME], ctx, "name", sizeof(name), NULL, name)) {
				int j;

				if (!conf_name_ok(name, true, sizeof(name))) {
					conf_err(L, k[PT_NAME].s, "%s: name '%s' must be lower snake case: a "
					    "letter, then letters, digits and '_'", ctx, name);
					name[0] = '\0';
				} else {
					for (j = 0; j < i; j++)
						if (strcmp(pts[j].name, name) == 0)
							break;
					snprintf(ctx, sizeof(ctx), "%s: point '%s'", dctx, name);
					if (j < i) {
						char at[CONF_PATH_MAX + 32];

						conf_err(L, k[PT_NAME].s, "%s defined twice (first at %s)", ctx,
						    conf_where(L, where[j], k[PT_NAME].s, at, sizeof(at)));
						name[0] = '\0';
					} else {
						where[i] = k[PT_NAME].s;
					}
				}
			}
			if (conf_require(L, g, ctx, &k[PT_UNIT], "unit") &&
			    conf_get_str(L, &k[PT_UNIT], ctx, "unit", sizeof(unit), NULL, unit) &&
			    unit[0] == '\0')
				conf_err(L, k[PT_UNIT].s, "%s: unit must not be empty (write '1' for a "
				    "dimensionless value)", ctx);
			if (conf_get_str(L, &k[PT_REGISTER], ctx, "register", sizeof(word), "holding",
			    word) && mb_regkind_parse(word, &p->reg) != 0)
				conf_err(L, k[PT_REGISTER].s, "%s: register '%s' is not one of %s", ctx,
				    word, names_of(regkind_name, list_buf, sizeof(list_buf)));
			if (conf_get_str(L, &k[PT_TYPE], ctx, "type", sizeof(word), "u16", word) &&
			    mb_type_parse(word, &p->type) != 0) {
				conf_err(L, k[PT_TYPE].s, "%s: type '%s' is not one of %s", ctx, word,
				    names_of(type_name, list_buf, sizeof(list_buf)));
				p->type = MB_U16;
			}
			if (conf_get_str(L, &k[PT_ORDER], ctx, "order", sizeof(word), "abcd", word) &&
			    mb_order_parse(word, &p->order) != 0)
				conf_err(L, k[PT_ORDER].s, "%s: order '%s' is not one of %s", ctx, word,
				    names_of(order_name, list_buf, sizeof(list_buf)));
			if (conf_require(L, g, ctx, &k[PT_ADDRESS], "address") &&
			    conf_get_int(L, &k[PT_ADDRESS], ctx, "address", 0, 65535, 0, &addr)) {
				p->addr = (uint16_t)addr;
				if (addr + mb_type_regs(p->type) > 65536)
					conf_err(L, k[PT_ADDRESS].s, "%s: address %lld with type '%s' goes "
					    "past register 65535", ctx, addr, mb_type_name(p->type));
			}
			if (conf_get_num(L, &k[PT_SCALE], ctx, "scale", -DBL_MAX, DBL_MAX, 1.0,
			    &p->scale) && p->scale == 0)
				conf_err(L, k[PT_SCALE].s, "%s: scale must not be 0", ctx);
			conf_get_num(L, &k[PT_OFFSET], ctx, "offset", -DBL_MAX, DBL_MAX, 0.0, &p->offset);
			if (conf_get_num(L, &k[PT_MIN], ctx, "min", -DBL_MAX, DBL_MAX, -INFINITY, &lo) &&
			    conf_get_num(L, &k[PT_MAX], ctx, "max", -DBL_MAX, DBL_MAX, INFINITY, &hi)) {
				if (lo >= hi)
					conf_err(L, k[PT_MAX].s, "%s: min %g is not below max %g", ctx, lo, hi);
				p->rated_min = lo;
				p->rated_max = hi;
			}
		}
		p->name = strdup(name);
		p->unit = strdup(unit);
		if (p->name == NULL || p->unit == NULL)
			L->oom = true;
	}
	free(where);
	return m;
}

/*
 * The point an entry of plausible or calibration names: its index in the
 * model, or -1 (reported, or not checkable because the model is unknown).
 * first[] remembers where each point was given, to report it given twice.
 */
static int
entry_point(struct conf_loader *L, const config_setting_t *g, const struct conf_slot *slot,
    const char *dctx, const char *what, const struct drv_model *m,
    const config_setting_t **first, char *ctx, size_t ctxlen)
{
	char name[LW_NAME_MAX];
	int i;

	if (!conf_require(L, g, ctx, slot, "point") ||
	    !conf_get_str(L, slot, ctx, "point", sizeof(name), NULL, name) || m == NULL)
		return -1;
	i = name[0] != '\0' ? drv_point_index(m, name) : -1;
	if (i < 0 || (size_t)i >= m->npoints) {
		conf_err(L, slot->s, "%s: %s: model '%s' has no point '%s'", dctx, what, m->name, name);
		return -1;
	}
	snprintf(ctx, ctxlen, "%s: %s '%s'", dctx, what, name);
	if (first[i] != NULL) {
		char at[CONF_PATH_MAX + 32];

		conf_err(L, slot->s, "%s given twice (first at %s)", ctx,
		    conf_where(L, first[i], slot->s, at, sizeof(at)));
		return -1;
	}
	first[i] = slot->s;
	return i;
}

/* "device 'sonde': plausible 'ph'" when the entry names a point in good form. */
static void
point_ctx(const config_setting_t *g, const char *dctx, const char *what, char *ctx, size_t len)
{
	const config_setting_t *p = config_setting_get_member(g, "point");
	const char *s;

	if (p == NULL || config_setting_type(p) != CONFIG_TYPE_STRING)
		return;
	s = config_setting_get_string(p);
	if (s != NULL && conf_name_ok(s, true, LW_NAME_MAX))
		snprintf(ctx, len, "%s: %s '%s'", dctx, what, s);
}

/* plausible = ( { point; min; max; } ... ): either bound may be left out. */
static void
check_plausible(struct conf_loader *L, const config_setting_t *list, const char *dctx,
    const struct drv_model *m, struct sample_adjust *adj, const config_setting_t **first)
{
	int n = config_setting_length(list);

	for (int e = 0; e < n; e++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)e);
		char ctx[2 * LW_NAME_MAX + 48];
		struct conf_slot k[PL_NKEYS];
		double lo, hi;
		bool ok;
		int i;

		snprintf(ctx, sizeof(ctx), "%s: plausible #%d", dctx, e + 1);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			conf_err(L, g, "%s: must be a group { ... }, not %s", ctx, conf_type_name(g));
			continue;
		}
		point_ctx(g, dctx, "plausible", ctx, sizeof(ctx));
		conf_walk_group(L, g, ctx, plausible_keys, PL_NKEYS, k);
		i = entry_point(L, g, &k[PL_POINT], dctx, "plausible", m, first, ctx, sizeof(ctx));
		ok = conf_get_num(L, &k[PL_MIN], ctx, "min", -DBL_MAX, DBL_MAX, -INFINITY, &lo);
		ok = conf_get_num(L, &k[PL_MAX], ctx, "max", -DBL_MAX, DBL_MAX, INFINITY, &hi) && ok;
		if (!k[PL_MIN].present && !k[PL_MAX].present) {
			conf_err(L, g, "%s: needs 'min', 'max' or both", ctx);
			continue;
		}
		if (ok && lo >= hi) {
			conf_err(L, k[PL_MAX].s, "%s: min %g is not below max %g", ctx, lo, hi);
			continue;
		}
		if (ok && i >= 0) {
			adj[i].has_plausible = true;
			adj[i].plausible_min = lo;
			adj[i].plausible_max = hi;
		}
	}
}

/* calibration = ( { point; offset; scale; } ... ): value * scale + offset. */
static void
check_calibration(struct conf_loader *L, const config_setting_t *list, const char *dctx,
    const struct drv_model *m, struct sample_adjust *adj, const config_setting_t **first)
{
	int n = config_setting_length(list);

	for (int e = 0; e < n; e++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)e);
		char ctx[2 * LW_NAME_MAX + 48];
		struct conf_slot k[CA_NKEYS];
		double off, scale;
		bool ok;
		int i;

		snprintf(ctx, sizeof(ctx), "%s: calibration #%d", dctx, e + 1);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			conf_err(L, g, "%s: must be a group { ... }, not %s", ctx, conf_type_name(g));
			continue;
		}
		point_ctx(g, dctx, "calibration", ctx, sizeof(ctx));
		conf_walk_group(L, g, ctx, calibration_keys, CA_NKEYS, k);
		i = entry_point(L, g, &k[CA_POINT], dctx, "calibration", m, first, ctx, sizeof(ctx));
		ok = conf_get_num(L, &k[CA_OFFSET], ctx, "offset", -DBL_MAX, DBL_MAX, 0.0, &off);
		ok = conf_get_num(L, &k[CA_SCALE], ctx, "scale", -DBL_MAX, DBL_MAX, 1.0, &scale) && ok;
		if (k[CA_SCALE].s != NULL && scale == 0) {
			conf_err(L, k[CA_SCALE].s, "%s: scale must not be 0", ctx);
			continue;
		}
		if (ok && i >= 0) {
			adj[i].cal_offset = off;
			adj[i].cal_scale = scale;
		}
	}
}

/* max_read, max_gap and the per-point lists, once the model is known (m may be NULL). */
static void
check_model_keys(struct conf_loader *L, const struct conf_slot *k, const char *ctx,
    struct conf_device *d, const struct drv_model *m)
{
	const config_setting_t **first = NULL;
	long long v;

	if (conf_get_int(L, &k[DEV_MAX_READ], ctx, "max_read", 1, 125,
	    m ? m->max_regs_per_read : 125, &v)) {
		d->max_read = (uint16_t)v;
		if (m != NULL && v > m->max_regs_per_read) {
			conf_err(L, k[DEV_MAX_READ].s, "%s: max_read %lld is more than model '%s' "
			    "allows (%u)", ctx, v, m->name, (unsigned)m->max_regs_per_read);
		} else if (m != NULL) {
			for (size_t i = 0; i < m->npoints; i++)
				if (mb_type_regs(m->points[i].type) > v) {
					conf_err(L, k[DEV_MAX_READ].s, "%s: max_read %lld is less than "
					    "the %u registers of point '%s'", ctx, v,
					    mb_type_regs(m->points[i].type), m->points[i].name);
					break;
				}
		}
	}
	if (conf_get_int(L, &k[DEV_MAX_GAP], ctx, "max_gap", 0, 125, m ? m->max_gap : 0, &v))
		d->max_gap = (uint16_t)v;
	if (m != NULL) {
		d->adjust = calloc(m->npoints ? m->npoints : 1, sizeof(*d->adjust));
		first = calloc(m->npoints ? m->npoints : 1, sizeof(*first));
		if (d->adjust == NULL || first == NULL) {
			free(first);
			L->oom = true;
			return;
		}
		for (size_t i = 0; i < m->npoints; i++) {
			d->adjust[i].cal_scale = 1.0;
			d->adjust[i].cal_offset = 0.0;
		}
	}
	if (k[DEV_PLAUSIBLE].s != NULL)
		check_plausible(L, k[DEV_PLAUSIBLE].s, ctx, m, d->adjust, first);
	if (first != NULL)
		memset(first, 0, (m->npoints ? m->npoints : 1) * sizeof(*first));
	if (k[DEV_CALIBRATION].s != NULL)
		check_calibration(L, k[DEV_CALIBRATION].s, ctx, m, d->adjust, first);
	free(first);
}

static void
check_device(struct conf_loader *L, const config_setting_t *g, size_t index, struct conf *c,
    struct devinfo *info)
{
	struct conf_device *d = &c->devices[index];
	struct conf_slot k[DEV_NKEYS];
	char ctx[LW_NAME_MAX + 16], name[LW_NAME_MAX], bus[LW_NAME_MAX], model[64];
	const struct drv_model *m = NULL;
	long long v;

	snprintf(ctx, sizeof(ctx), "device #%zu", index + 1);
	d->line = (int)config_setting_source_line(g);
	d->enabled = true;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_err(L, g, "%s: must be a group { ... }, not %s", ctx, conf_type_name(g));
		return;
	}
	if (conf_group_name(g, true, sizeof(name)) != NULL)
		snprintf(ctx, sizeof(ctx), "device '%s'", conf_group_name(g, true, sizeof(name)));
	conf_walk_group(L, g, ctx, dev_keys, DEV_NKEYS, k);
	if (conf_require(L, g, ctx, &k[DEV_NAME], "name") &&
	    conf_get_str(L, &k[DEV_NAME], ctx, "name", sizeof(name), NULL, name)) {
		size_t i;

		if (!conf_name_ok(name, true, sizeof(name))) {
			conf_err(L, k[DEV_NAME].s, "%s: name '%s' must be lower snake case: a letter, "
			    "then letters, digits and '_'", ctx, name);
		} else {
			for (i = 0; i < index; i++)
				if (strcmp(c->devices[i].name, name) == 0)
					break;
			snprintf(ctx, sizeof(ctx), "device '%s'", name);
			if (strcmp(name, SELFMETRICS_DEVICE) == 0) {
				conf_err(L, k[DEV_NAME].s, "%s: the name is reserved for the daemon's "
				    "own figures (station.metrics_interval)", ctx);
			} else if (i < index) {
				char at[CONF_PATH_MAX + 32];

				conf_err(L, k[DEV_NAME].s, "%s: name already used by the device at %s",
				    ctx, conf_where(L, info[i].name, k[DEV_NAME].s, at, sizeof(at)));
			} else {
				memcpy(d->name, name, sizeof(d->name));
				info[index].name = k[DEV_NAME].s;
			}
		}
	}
	if (conf_require(L, g, ctx, &k[DEV_BUS], "bus") &&
	    conf_get_str(L, &k[DEV_BUS], ctx, "bus", sizeof(bus), NULL, bus)) {
		size_t i;

		for (i = 0; i < c->nbuses; i++)
			if (c->buses[i].name[0] != '\0' && strcmp(c->buses[i].name, bus) == 0)
				break;
		if (i < c->nbuses) {
			d->bus = i;
			info[index].bus_ok = true;
		} else if (!L->buses_unnamed) {
			conf_err(L, k[DEV_BUS].s, "%s: no bus named '%s'", ctx, bus);
		}
	}
	if (conf_require(L, g, ctx, &k[DEV_UNIT], "unit") &&
	    conf_get_int(L, &k[DEV_UNIT], ctx, "unit", 1, 247, 0, &v)) {
		d->unit = (unsigned)v;
		info[index].unit = k[DEV_UNIT].s;
	}
	if (conf_require(L, g, ctx, &k[DEV_MODEL], "model") &&
	    conf_get_str(L, &k[DEV_MODEL], ctx, "model", sizeof(model), NULL, model)) {
		if (strcmp(model, "generic") == 0) {
			if (!k[DEV_POINTS].present)
				conf_err(L, k[DEV_MODEL].s, "%s: model 'generic' needs a 'points' list", ctx);
			else if (k[DEV_POINTS].s != NULL)
				d->generic = build_generic(L, k[DEV_POINTS].s, ctx);
			m = d->generic;
		} else if ((m = drv_find(model)) == NULL) {
			conf_err(L, k[DEV_MODEL].s, "%s: unknown model '%s'", ctx, model);
		} else if (k[DEV_POINTS].present) {
			conf_err(L, config_setting_get_member(g, "points"),
			    "%s: 'points' is only for model 'generic', not '%s'", ctx, model);
		}
		d->model = m;
	}
	if (L->oom)
		return;
	conf_get_dur(L, &k[DEV_INTERVAL], ctx, "interval", 0, 86400000, 60000, &d->interval_ms);
	conf_get_dur(L, &k[DEV_TIMEOUT], ctx, "timeout", 10, 60000,
	    info[index].bus_ok ? c->buses[d->bus].timeout_ms : 0, &d->timeout_ms);
	conf_get_bool(L, &k[DEV_ENABLED], true, &d->enabled);
	conf_get_bool(L, &k[DEV_MAINTENANCE], false, &d->maintenance);
	check_model_keys(L, k, ctx, d, m);
}

void
conf_check_devices(struct conf_loader *L, const config_setting_t *list, struct conf *c)
{
	int n = config_setting_length(list);
	struct devinfo *info;

	if (n <= 0) {
		conf_err(L, list, "'devices' must list at least one device");
		return;
	}
	if (n > CONF_MAX_DEVICES) {
		conf_err(L, list, "'devices' lists %d devices, more than %d", n, CONF_MAX_DEVICES);
		return;
	}
	c->devices = calloc((size_t)n, sizeof(*c->devices));
	info = calloc((size_t)n, sizeof(*info));
	if (c->devices == NULL || info == NULL) {
		free(info);
		L->oom = true;
		return;
	}
	c->ndevices = (size_t)n;
	for (int i = 0; i < n; i++)
		check_device(L, config_setting_get_elem(list, (unsigned)i), (size_t)i, c, info);
	/* One unit address per bus. */
	for (size_t i = 0; i < c->ndevices; i++) {
		const struct conf_device *d = &c->devices[i];

		if (!info[i].bus_ok || info[i].unit == NULL)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct conf_device *o = &c->devices[j];

			if (!info[j].bus_ok || info[j].unit == NULL || o->bus != d->bus ||
			    o->unit != d->unit)
				continue;
			if (d->name[0] != '\0' && o->name[0] != '\0')
				conf_err(L, info[i].unit, "device '%s': unit %u on bus '%s' is already "
				    "used by device '%s'", d->name, d->unit, c->buses[d->bus].name,
				    o->name);
			else
				conf_err(L, info[i].unit, "device #%zu: unit %u on bus '%s' is already "
				    "used by device #%zu", i + 1, d->unit, c->buses[d->bus].name, j + 1);
			break;
		}
	}
	free(info);
}
