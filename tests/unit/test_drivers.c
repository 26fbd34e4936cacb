/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the driver tables: every shipped model is walked for
 * consistency (names, units, types, ranges, overlapping values, status
 * checks, a read plan within the device's limits that covers everything),
 * the registry's lookups, and a few published facts of the register maps.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "plan.h"
#include "reading.h"
#include "regtype.h"
#include "tap.h"

/* Lower-case snake case: [a-z][a-z0-9]*(_[a-z0-9]+)*, shorter than LW_NAME_MAX. */
static bool
is_snake(const char *s)
{
	size_t n;

	if (s == NULL || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	n = strlen(s);
	if (n >= LW_NAME_MAX || s[n - 1] == '_' || strstr(s, "__") != NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* Model names are lower case words joined by '-' (and digits). */
static bool
is_model_name(const char *s)
{
	if (s == NULL || s[0] == '\0' || s[0] == '-' || strlen(s) >= LW_NAME_MAX)
		return false;
	for (const char *c = s; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return false;
	return s[strlen(s) - 1] != '-';
}

static unsigned
point_regs(const struct drv_point *p)
{
	return mb_type_regs(p->type);
}

/* One property of one model: holds, or the first way it does not. */
struct verdict {
	bool	 ok;
	char	 why[256];
};

static void fail(struct verdict *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (!v->ok)
		return;		/* keep the first */
	v->ok = false;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
}

#define VERDICT	{ true, "" }
#define REPORT(v, model, what)						\
	CHECK((v).ok, "%s: %s%s%s", (model)->name, (what), (v).ok ? "" : ": ", (v).why)

/* Whether [addr, addr + n) of kind lies inside one block of the plan. */
static bool
covered(const struct plan_block *b, int nb, enum mb_regkind reg, unsigned addr, unsigned n)
{
	for (int i = 0; i < nb; i++)
		if (b[i].reg == reg && addr >= b[i].addr && addr + n <= (unsigned)b[i].addr + b[i].count)
			return true;
	return false;
}

static void
check_model_fields(const struct drv_model *m)
{
	struct verdict v = VERDICT;

	if (!is_model_name(m->name))
		fail(&v, "name not lower case with dashes");
	if (m->description == NULL || m->description[0] == '\0')
		fail(&v, "no description");
	if (m->points == NULL || m->npoints == 0)
		fail(&v, "no points");
	if (m->max_regs_per_read < 1 || m->max_regs_per_read > 125)
		fail(&v, "max_regs_per_read %u outside Modbus's 1..125", m->max_regs_per_read);
	if (m->max_gap >= m->max_regs_per_read && m->max_gap != 0)
		fail(&v, "max_gap %u not below max_regs_per_read", m->max_gap);
	if (m->max_reply_ms == 0)
		fail(&v, "no reply time");
	REPORT(v, m, "model fields valid");

	v = (struct verdict)VERDICT;
	if (m->baud < 1200 || m->baud > 921600)
		fail(&v, "baud %u", m->baud);
	if (m->parity != 'N' && m->parity != 'E' && m->parity != 'O')
		fail(&v, "parity '%c'", m->parity);
	if (m->data_bits != 7 && m->data_bits != 8)
		fail(&v, "data bits %u", m->data_bits);
	if (m->stop_bits != 1 && m->stop_bits != 2)
		fail(&v, "stop bits %u", m->stop_bits);
	if (m->default_unit < 1 || m->default_unit > 247)
		fail(&v, "default unit %u outside 1..247", m->default_unit);
	REPORT(v, m, "factory serial settings valid");
}

static void
check_points(const struct drv_model *m)
{
	struct verdict names = VERDICT, units = VERDICT, kinds = VERDICT, scale = VERDICT;
	struct verdict range = VERDICT, fit = VERDICT, overlap = VERDICT;

	for (size_t i = 0; i < m->npoints; i++) {
		const struct drv_point *p = &m->points[i];
		const char *n = p->name ? p->name : "(null)";
		unsigned regs = point_regs(p);

		if (!is_snake(p->name))
			fail(&names, "point %zu \"%s\" is not lower-case snake case", i, n);
		for (size_t j = 0; j < i && p->name; j++)
			if (m->points[j].name && strcmp(m->points[j].name, p->name) == 0)
				fail(&names, "two points named %s", n);
		if (p->unit == NULL || p->unit[0] == '\0' || strlen(p->unit) >= LW_UNIT_MAX)
			fail(&units, "%s: unit empty or too long", n);
		if (p->reg != MB_HOLDING && p->reg != MB_INPUT)
			fail(&kinds, "%s: register kind %d", n, (int)p->reg);
		if (p->type < MB_U16 || p->type > MB_F64)
			fail(&kinds, "%s: type %d", n, (int)p->type);
		if (p->order < MB_ABCD || p->order > MB_CDAB)
			fail(&kinds, "%s: order %d", n, (int)p->order);
		if (p->scale == 0 || !isfinite(p->scale) || !isfinite(p->offset))
			fail(&scale, "%s: scale %g, offset %g", n, p->scale, p->offset);
		if (!(p->rated_min < p->rated_max))
			fail(&range, "%s: rated %g..%g", n, p->rated_min, p->rated_max);
		if (regs != 1 && regs != 2 && regs != 4)
			fail(&fit, "%s: %u registers", n, regs);
		if (regs > m->max_regs_per_read)
			fail(&fit, "%s: %u registers, more than one read", n, regs);
		if ((unsigned)p->addr + regs - 1 > 0xFFFF)
			fail(&fit, "%s: beyond the address space", n);
		if (m->align_even && regs > 1 && p->addr % 2 != 0)
			fail(&fit, "%s: odd address %u on a device that reads from even ones", n, p->addr);
		if (p->has_sentinel && regs < 4 && p->sentinel >> (16 * regs) != 0)
			fail(&fit, "%s: sentinel wider than the value", n);
		for (size_t j = 0; j < i; j++) {
			const struct drv_point *q = &m->points[j];
			unsigned a0 = p->addr, a1 = p->addr + regs, b0 = q->addr, b1 = q->addr + point_regs(q);

			if (q->reg == p->reg && a0 < b1 && b0 < a1)
				fail(&overlap, "%s and %s share registers", n, q->name);
		}
	}
	REPORT(names, m, "point names are unique lower-case snake case");
	REPORT(units, m, "every point has a unit");
	REPORT(kinds, m, "register kinds, types and orders are valid");
	REPORT(scale, m, "scales are finite and non-zero, offsets finite");
	REPORT(range, m, "rated_min < rated_max for every point");
	REPORT(fit, m, "every value fits one read of the device");
	REPORT(overlap, m, "no two values share a register");
}

static void
check_checks(const struct drv_model *m)
{
	struct verdict form = VERDICT, quality = VERDICT, place = VERDICT;

	for (size_t i = 0; i < m->npoints; i++) {
		const struct drv_point *p = &m->points[i];
		bool seen_none = false;

		for (size_t c = 0; c < DRV_MAX_CHECKS; c++) {
			const struct drv_check *k = &p->checks[c];

			if (k->kind == DRV_CHECK_NONE) {
				seen_none = true;
				continue;
			}
			if (seen_none)
				fail(&form, "%s: check %zu after an empty slot", p->name, c);
			if (k->kind != DRV_CHECK_BITS && k->kind != DRV_CHECK_IS && k->kind != DRV_CHECK_NOT)
				fail(&form, "%s: check %zu kind %d", p->name, c, (int)k->kind);
			if (k->reg != MB_HOLDING && k->reg != MB_INPUT)
				fail(&form, "%s: check %zu register kind %d", p->name, c, (int)k->reg);
			if (k->mask == 0 || k->shift >= 16 || ((uint32_t)k->mask << k->shift) > 0xFFFF)
				fail(&form, "%s: check %zu field mask %#x shift %u outside 16 bits",
				    p->name, c, k->mask, k->shift);
			if ((k->kind == DRV_CHECK_IS || k->kind == DRV_CHECK_NOT) && (k->code & ~k->mask) != 0)
				fail(&form, "%s: check %zu code %u outside its mask", p->name, c, k->code);
			if (k->quality != LW_Q_SUSPECT && k->quality != LW_Q_BAD)
				fail(&quality, "%s: check %zu gives quality %d", p->name, c, (int)k->quality);
			for (size_t j = 0; j < m->npoints; j++) {
				const struct drv_point *q = &m->points[j];

				if (q->reg == k->reg && k->addr >= q->addr && k->addr < q->addr + point_regs(q))
					fail(&place, "%s: check %zu reads %u, inside %s's value",
					    p->name, c, k->addr, q->name);
			}
		}
	}
	REPORT(form, m, "status checks are well formed");
	REPORT(quality, m, "every status check gives suspect or bad");
	REPORT(place, m, "no status register lies inside a value");
}

/* The plan: within the device's limits, covering every value and status register. */
static int
check_plan(const struct drv_model *m)
{
	struct plan_block b[PLAN_MAX_BLOCKS];
	struct verdict limits = VERDICT, values = VERDICT, status = VERDICT;
	int nb = plan_model(m, b, PLAN_MAX_BLOCKS);

	CHECK(nb > 0, "%s: plan_model succeeds (%d)", m->name, nb);
	if (nb <= 0)
		return nb;
	for (int i = 0; i < nb; i++) {
		if (b[i].count < 1 || b[i].count > m->max_regs_per_read)
			fail(&limits, "block %d (%u+%u) over max_regs_per_read %u", i, b[i].addr,
			    b[i].count, m->max_regs_per_read);
		if ((unsigned)b[i].addr + b[i].count - 1 > 0xFFFF)
			fail(&limits, "block %d beyond the address space", i);
		if (m->align_even && b[i].addr % 2 != 0)
			fail(&limits, "block %d starts at odd %u", i, b[i].addr);
	}
	for (size_t i = 0; i < m->npoints; i++) {
		const struct drv_point *p = &m->points[i];

		if (!covered(b, nb, p->reg, p->addr, point_regs(p)))
			fail(&values, "%s is not read whole in one block", p->name);
		for (size_t c = 0; c < DRV_MAX_CHECKS; c++) {
			const struct drv_check *k = &p->checks[c];

			if (k->kind != DRV_CHECK_NONE && !covered(b, nb, k->reg, k->addr, 1))
				fail(&status, "%s: status register %u is not read", p->name, k->addr);
		}
	}
	REPORT(limits, m, "every planned read is within the device's limits");
	REPORT(values, m, "the plan reads every value whole");
	REPORT(status, m, "the plan reads every status register");
	printf("# %s: %d transaction%s per poll:", m->name, nb, nb == 1 ? "" : "s");
	for (int i = 0; i < nb; i++)
		printf(" %s %u+%u", mb_regkind_name(b[i].reg), b[i].addr, b[i].count);
	printf("\n");
	return nb;
}

static void
test_every_model(void)
{
	CHECK(drv_nmodels >= 10, "at least the ten required models are shipped (%zu)", drv_nmodels);
	for (size_t i = 0; i < drv_nmodels; i++) {
		const struct drv_model *m = drv_models[i];
		struct verdict unique = VERDICT;

		CHECK(m != NULL && m->name != NULL, "model %zu exists and is named", i);
		if (m == NULL || m->name == NULL)
			continue;
		for (size_t j = 0; j < drv_nmodels; j++)
			if (j != i && drv_models[j] && drv_models[j]->name &&
			    strcmp(drv_models[j]->name, m->name) == 0)
				fail(&unique, "model %zu has it too", j);
		REPORT(unique, m, "model name is unique");
		CHECK(strcmp(m->name, "generic") != 0, "%s: no table is called generic", m->name);
		check_model_fields(m);
		check_points(m);
		check_checks(m);
		check_plan(m);
	}
}

static void
test_registry(void)
{
	static const char *const required[] = {
		"insitu-at400", "insitu-lt500", "keller-x", "yosemitech-y520", "yosemitech-y532",
		"yosemitech-y504", "yosemitech-y511", "ysi-odo-rtu", "vegapuls-c2x", "supmea-ph8001",
	};
	const struct drv_model *m;

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		m = drv_find(required[i]);
		CHECK(m != NULL, "drv_find finds %s", required[i]);
		if (m != NULL)
			CHECK_EQ_STR(required[i], m->name, "drv_find(\"%s\") returns that model", required[i]);
	}
	for (size_t i = 0; i < drv_nmodels; i++)
		CHECK(drv_find(drv_models[i]->name) == drv_models[i], "drv_find finds listed model %s",
		    drv_models[i]->name);
	CHECK(drv_find("generic") == NULL, "drv_find refuses \"generic\"");
	CHECK(drv_find("nope") == NULL, "drv_find refuses an unknown name");
	CHECK(drv_find("") == NULL, "drv_find refuses the empty name");
	CHECK(drv_find(NULL) == NULL, "drv_find refuses NULL");
	CHECK(drv_find("KELLER-X") == NULL, "drv_find is exact (case matters)");

	m = drv_find("keller-x");
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->npoints; i++)
		CHECK_EQ_INT((long long)i, drv_point_index(m, m->points[i].name),
		    "drv_point_index finds keller-x.%s", m->points[i].name);
	CHECK_EQ_INT(-ENOENT, drv_point_index(m, "nope"), "drv_point_index: unknown point");
	CHECK_EQ_INT(-ENOENT, drv_point_index(m, NULL), "drv_point_index: NULL name");
}

/* The point of that name in the model of that name, or NULL (a failed check). */
static const struct drv_point *
point(const char *model, const char *name)
{
	const struct drv_model *m = drv_find(model);
	int i = m ? drv_point_index(m, name) : -ENOENT;

	CHECK(i >= 0, "%s has a point %s", model, name);
	return i >= 0 ? &m->points[i] : NULL;
}

static void
expect_point(const char *model, const char *name, enum mb_regkind reg, unsigned addr,
    enum mb_type type, enum mb_order order, const char *unit)
{
	const struct drv_point *p = point(model, name);

	if (p == NULL)
		return;
	CHECK_EQ_INT(reg, p->reg, "%s.%s: register kind", model, name);
	CHECK_EQ_INT(addr, p->addr, "%s.%s: wire address", model, name);
	CHECK_EQ_INT(type, p->type, "%s.%s: type", model, name);
	CHECK_EQ_INT(order, p->order, "%s.%s: order", model, name);
	CHECK_EQ_STR(unit, p->unit, "%s.%s: unit", model, name);
}

/* The read plan of a model, as "holding 256+4 ..." for comparison. */
static int
plan_of(const char *model, struct plan_block *b)
{
	const struct drv_model *m = drv_find(model);

	return m ? plan_model(m, b, PLAN_MAX_BLOCKS) : -ENOENT;
}

static void
test_published_facts(void)
{
	struct plan_block b[PLAN_MAX_BLOCKS];
	const struct drv_point *p;
	int n;

	/* In-Situ: doc # - 1 on the wire, value + 4 is the data quality ID. */
	expect_point("insitu-lt500", "pressure", MB_HOLDING, 37, MB_F32, MB_ABCD, "[psi]");
	expect_point("insitu-lt500", "temperature", MB_HOLDING, 45, MB_F32, MB_ABCD, "Cel");
	expect_point("insitu-lt500", "depth", MB_HOLDING, 53, MB_F32, MB_ABCD, "m");
	p = point("insitu-lt500", "depth");
	if (p != NULL) {
		CHECK(p->checks[0].kind == DRV_CHECK_IS && p->checks[0].addr == 57 &&
		    p->checks[0].code == 3 && p->checks[0].quality == LW_Q_BAD,
		    "insitu-lt500.depth: quality ID 3 at 57 is bad");
		CHECK(p->checks[1].kind == DRV_CHECK_IS && p->checks[1].addr == 57 &&
		    p->checks[1].code == 7 && p->checks[1].quality == LW_Q_BAD,
		    "insitu-lt500.depth: quality ID 7 at 57 is bad");
		CHECK(p->checks[2].kind == DRV_CHECK_NOT && p->checks[2].addr == 57 &&
		    p->checks[2].code == 0 && p->checks[2].quality == LW_Q_SUSPECT,
		    "insitu-lt500.depth: any other non-zero quality ID is suspect");
		CHECK(p->checks[3].kind == DRV_CHECK_NOT && p->checks[3].addr == 56 &&
		    p->checks[3].code == 35 && p->checks[3].quality == LW_Q_BAD,
		    "insitu-lt500.depth: units ID other than 35 (m) is bad");
	}
	n = plan_of("insitu-lt500", b);
	CHECK_EQ_INT(1, n, "insitu-lt500: one read per poll");
	if (n == 1)
		CHECK(b[0].addr == 37 && b[0].count == 21, "insitu-lt500: reads 37+21 (%u+%u)",
		    b[0].addr, b[0].count);

	expect_point("insitu-at400", "dissolved_oxygen", MB_HOLDING, 37, MB_F32, MB_ABCD, "mg/L");
	expect_point("insitu-at400", "temperature", MB_HOLDING, 45, MB_F32, MB_ABCD, "Cel");
	expect_point("insitu-at400", "tds", MB_HOLDING, 569, MB_F32, MB_ABCD, "ppt");
	expect_point("insitu-at400", "resistivity", MB_HOLDING, 577, MB_F32, MB_ABCD, "ohm.cm");
	expect_point("insitu-at400", "ph", MB_HOLDING, 1537, MB_F32, MB_ABCD, "[pH]");
	expect_point("insitu-at400", "ph_mv", MB_HOLDING, 1545, MB_F32, MB_ABCD, "mV");
	expect_point("insitu-at400", "orp", MB_HOLDING, 1553, MB_F32, MB_ABCD, "mV");
	n = plan_of("insitu-at400", b);
	CHECK_EQ_INT(3, n, "insitu-at400: one read per sensor (RDO, conductivity, pH/ORP)");

	/* Keller: P1 and TOB1 contiguous, ConTc, STATUS; 4 registers at most. */
	expect_point("keller-x", "pressure", MB_HOLDING, 0x0100, MB_F32, MB_ABCD, "bar");
	expect_point("keller-x", "temperature", MB_HOLDING, 0x0102, MB_F32, MB_ABCD, "Cel");
	expect_point("keller-x", "conductivity", MB_HOLDING, 0x010C, MB_F32, MB_ABCD, "mS/cm");
	p = point("keller-x", "pressure");
	if (p != NULL)
		CHECK(p->checks[0].kind == DRV_CHECK_BITS && p->checks[0].addr == 0x020C &&
		    p->checks[0].shift == 1 && p->checks[0].mask == 1 && p->checks[0].quality == LW_Q_BAD,
		    "keller-x.pressure: STATUS bit 1 (P1) is bad");
	p = point("keller-x", "temperature");
	if (p != NULL)
		CHECK(p->checks[0].kind == DRV_CHECK_BITS && p->checks[0].addr == 0x020C &&
		    p->checks[0].shift == 4 && p->checks[0].mask == 1 && p->checks[0].quality == LW_Q_BAD,
		    "keller-x.temperature: STATUS bit 4 (TOB1) is bad");
	n = plan_of("keller-x", b);
	CHECK_EQ_INT(3, n, "keller-x: three reads per poll");
	if (n == 3) {
		CHECK(b[0].reg == MB_HOLDING && b[0].addr == 0x0100 && b[0].count == 4,
		    "keller-x: P1 and TOB1 in one read of 4 at 0x0100");
		CHECK(b[1].addr == 0x010C && b[1].count == 2, "keller-x: ConTc alone");
		CHECK(b[2].addr == 0x020C && b[2].count == 1, "keller-x: STATUS alone");
	}

	/* Yosemitech: DCBA floats; the Y520 record is one read of 5. */
	expect_point("yosemitech-y520", "temperature", MB_HOLDING, 0x2600, MB_F32, MB_DCBA, "Cel");
	expect_point("yosemitech-y520", "conductivity", MB_HOLDING, 0x2602, MB_F32, MB_DCBA, "mS/cm");
	p = point("yosemitech-y520", "conductivity");
	if (p != NULL) {
		CHECK(p->checks[0].kind == DRV_CHECK_BITS && p->checks[0].addr == 0x2604 &&
		    p->checks[0].shift == 8 && p->checks[0].mask == 0xFF && p->checks[0].quality == LW_Q_BAD,
		    "yosemitech-y520.conductivity: error byte (high byte of 0x2604) is bad");
		CHECK_EQ_DBL(200.0, p->rated_max, 0, "yosemitech-y520: rated to 200 mS/cm");
	}
	n = plan_of("yosemitech-y520", b);
	CHECK_EQ_INT(1, n, "yosemitech-y520: one read per poll");
	if (n == 1)
		CHECK(b[0].reg == MB_HOLDING && b[0].addr == 0x2600 && b[0].count == 5,
		    "yosemitech-y520: reads 0x2600+5");
	expect_point("yosemitech-y532", "ph", MB_HOLDING, 0x2800, MB_F32, MB_DCBA, "[pH]");
	expect_point("yosemitech-y532", "temperature", MB_HOLDING, 0x2400, MB_F32, MB_DCBA, "Cel");
	expect_point("yosemitech-y532", "ph_mv", MB_HOLDING, 0x1200, MB_F32, MB_DCBA, "mV");
	expect_point("yosemitech-y504", "dissolved_oxygen_saturation", MB_HOLDING, 0x2602, MB_F32,
	    MB_DCBA, "%");
	p = point("yosemitech-y504", "dissolved_oxygen_saturation");
	if (p != NULL)
		CHECK_EQ_DBL(100.0, p->scale, 0, "yosemitech-y504: saturation fraction x100 = %%");
	expect_point("yosemitech-y511", "turbidity", MB_HOLDING, 0x2602, MB_F32, MB_DCBA, "NTU");

	/* YSI: input registers, big-endian, whole even-aligned reads. */
	expect_point("ysi-odo-rtu", "dissolved_oxygen", MB_INPUT, 0x0002, MB_F32, MB_ABCD, "mg/L");
	expect_point("ysi-odo-rtu", "temperature", MB_INPUT, 0x0006, MB_F32, MB_ABCD, "Cel");
	expect_point("ysi-odo-rtu", "specific_conductance", MB_INPUT, 0x000E, MB_F32, MB_ABCD, "uS/cm");
	expect_point("ysi-odo-rtu", "tds", MB_INPUT, 0x0014, MB_F32, MB_ABCD, "mg/L");
	CHECK(drv_find("ysi-odo-rtu") && drv_find("ysi-odo-rtu")->align_even, "ysi-odo-rtu: reads start even");

	/* VEGA: the ABCD block, address 246 from the factory. */
	expect_point("vegapuls-c2x", "level", MB_INPUT, 2002, MB_F32, MB_ABCD, "m");
	expect_point("vegapuls-c2x", "distance", MB_INPUT, 2303, MB_F32, MB_ABCD, "m");
	CHECK(drv_find("vegapuls-c2x") && drv_find("vegapuls-c2x")->default_unit == 246,
	    "vegapuls-c2x: factory address 246");

	/* Supmea: scaled int16. */
	expect_point("supmea-ph8001", "ph", MB_HOLDING, 1, MB_I16, MB_ABCD, "[pH]");
	p = point("supmea-ph8001", "ph");
	if (p != NULL)
		CHECK_EQ_DBL(0.01, p->scale, 0, "supmea-ph8001: pH in 0.01");
	expect_point("supmea-ph8001", "orp", MB_HOLDING, 11, MB_I16, MB_ABCD, "mV");
}

int
main(void)
{
	test_every_model();
	test_registry();
	test_published_facts();
	return tap_done();
}
