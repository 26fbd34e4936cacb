/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for watchdog: the verdict over a table of thread lists (fresh,
 * stale, the boundary, a heartbeat ahead of now, the first of several stale
 * named); the block count against plan_model for every shipped model and
 * against hand-made plans, with the fallback bound when no plan can be made;
 * the worst-case poll of a device on an RTU bus, a TCP bus and an RTU over
 * TCP bus, worked out by hand; the bus limits from those (disabled devices
 * and other buses' devices ignored); and the limits of a configuration
 * loaded from text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "driver.h"
#include "plan.h"
#include "tap.h"
#include "watchdog.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define EXTRA		WATCHDOG_MARGIN_MS

static void
test_check(void)
{
	static const struct {
		const char		*what;
		struct watchdog_thread	 threads[4];
		size_t			 n;
		int64_t			 now;
		bool			 healthy;
		size_t			 nstale;
		const char		*stale;		/* the first stale one */
		int64_t			 stale_ms;
	} cases[] = {
		{ "no threads", { { "x", 0, 0 } }, 0, 1000000, true, 0, NULL, 0 },
		{ "one fresh", { { "core", 1000, 5000 } }, 1, 2000, true, 0, NULL, 0 },
		{ "age exactly the limit is fresh", { { "core", 1000, 5000 } }, 1, 6000, true, 0,
		    NULL, 0 },
		{ "one ms past the limit is stale", { { "core", 1000, 5000 } }, 1, 6001, false, 1,
		    "core", 5001 },
		{ "a heartbeat after now is fresh", { { "bus 'a'", 9000, 10 } }, 1, 8000, true, 0,
		    NULL, 0 },
		{ "limits are per thread", { { "bus 'a'", 0, 50000 }, { "core", 0, 20000 } }, 2,
		    30000, false, 1, "core", 30000 },
		{ "the first stale one is named", { { "bus 'a'", 100, 1000 }, { "bus 'b'", 0, 100 },
		    { "core", 0, 100 }, { "mqtt", 5000, 100 } }, 4, 5050, false, 3, "bus 'a'", 4950 },
		{ "all fresh", { { "bus 'a'", 100, 1000 }, { "bus 'b'", 900, 200 },
		    { "core", 1000, 100 }, { "mqtt", 1050, 1 } }, 4, 1050, true, 0, NULL, 0 },
		{ "limit 0: fresh only at now", { { "t", 500, 0 } }, 1, 500, true, 0, NULL, 0 },
		{ "limit 0: stale a ms later", { { "t", 500, 0 } }, 1, 501, false, 1, "t", 1 },
		{ "a negative limit is always stale", { { "t", 500, -1 } }, 1, 500, false, 1, "t", 0 },
		{ "large monotonic times", { { "t", 4000000000000LL, 60000 } }, 1,
		    4000000060001LL, false, 1, "t", 60001 },
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		struct watchdog_verdict v;
		bool h = watchdog_check(cases[i].threads, cases[i].n, cases[i].now, &v);

		CHECK_EQ_INT(cases[i].healthy, h, "check: %s: healthy", cases[i].what);
		CHECK_EQ_INT(cases[i].healthy, v.healthy, "check: %s: verdict healthy", cases[i].what);
		CHECK_EQ_INT(cases[i].nstale, v.nstale, "check: %s: stale count", cases[i].what);
		if (cases[i].stale == NULL) {
			CHECK(v.stale_name == NULL && v.stale_ms == 0 && v.stale_index == 0,
			    "check: %s: nothing named", cases[i].what);
			continue;
		}
		CHECK_EQ_STR(cases[i].stale, v.stale_name, "check: %s: named", cases[i].what);
		CHECK(v.stale_name == cases[i].threads[v.stale_index].name,
		    "check: %s: its index", cases[i].what);
		CHECK_EQ_INT(cases[i].stale_ms, v.stale_ms, "check: %s: how stale", cases[i].what);
		CHECK_EQ_INT(cases[i].threads[v.stale_index].limit_ms, v.stale_limit_ms,
		    "check: %s: its limit", cases[i].what);
	}
}

/* Every shipped model, polled with its own limits: the blocks plan_model gives. */
static void
test_shipped_models(void)
{
	struct plan_block blocks[PLAN_MAX_BLOCKS];

	for (size_t i = 0; i < drv_nmodels; i++) {
		const struct drv_model *m = drv_models[i];
		struct conf_device dev = { .model = m, .max_read = m->max_regs_per_read,
			.max_gap = m->max_gap, .enabled = true };
		int want = plan_model(m, blocks, PLAN_MAX_BLOCKS);

		CHECK(want > 0, "%s: plan_model plans it", m->name);
		CHECK_EQ_INT(want, watchdog_device_blocks(&dev), "%s: blocks as planned", m->name);
		/* A lower max_read never means fewer reads. */
		dev.max_read = 2;
		CHECK(watchdog_device_blocks(&dev) >= (size_t)want,
		    "%s: max_read 2: at least as many blocks", m->name);
	}
}

/*
 * Model T: a float at holding 0, a u16 at holding 2 checked by a status
 * register at holding 10, a u16 at input 0.  Spans: H0+2, H2+1, H10+1, I0+1.
 */
static const struct drv_point t_points[] = {
	{ .name = "a", .unit = "1", .reg = MB_HOLDING, .addr = 0, .type = MB_F32, .scale = 1 },
	{ .name = "b", .unit = "1", .reg = MB_HOLDING, .addr = 2, .type = MB_U16, .scale = 1,
	    .checks = { { .kind = DRV_CHECK_BITS, .reg = MB_HOLDING, .addr = 10, .mask = 1,
	    .quality = LW_Q_BAD } } },
	{ .name = "c", .unit = "1", .reg = MB_INPUT, .addr = 0, .type = MB_U16, .scale = 1 },
};
static const struct drv_model model_t = {
	.name = "t", .points = t_points, .npoints = NELEM(t_points),
	.max_regs_per_read = 10, .max_gap = 0, .turnaround_ms = 20, .max_reply_ms = 800,
};

/* Model U: one f64 (4 registers), which a max_read of 2 cannot plan. */
static const struct drv_point u_points[] = {
	{ .name = "a", .unit = "1", .reg = MB_HOLDING, .addr = 0, .type = MB_F64, .scale = 1 },
};
static const struct drv_model model_u = {
	.name = "u", .points = u_points, .npoints = NELEM(u_points), .max_regs_per_read = 2,
};

static void
test_blocks(void)
{
	static struct drv_point many[200];
	struct drv_model m = { .name = "many", .points = many, .max_regs_per_read = 125 };
	struct conf_device dev = { .model = &model_t, .max_read = 10, .max_gap = 0 };

	CHECK_EQ_INT(3, watchdog_device_blocks(&dev), "T, max_read 10, no gap: H0+3, H10+1, I0+1");
	dev.max_gap = 7;
	CHECK_EQ_INT(3, watchdog_device_blocks(&dev), "T, gap 7 but max_read 10: still 3");
	dev.max_read = 11;
	CHECK_EQ_INT(2, watchdog_device_blocks(&dev), "T, max_read 11, gap 7: H0+11, I0+1");
	dev.max_gap = 6;
	CHECK_EQ_INT(3, watchdog_device_blocks(&dev), "T, max_read 11, gap 6: 3");

	dev = (struct conf_device){ .model = &model_u, .max_read = 2 };
	CHECK_EQ_INT(1, watchdog_device_blocks(&dev), "no plan (a value past max_read): one per span");
	dev.max_read = 4;
	CHECK_EQ_INT(1, watchdog_device_blocks(&dev), "U with max_read 4: planned, one block");

	/* 100 u16 two registers apart, no gap fill: 100 blocks needed, more than a plan holds. */
	for (size_t i = 0; i < NELEM(many); i++)
		many[i] = (struct drv_point){ .name = "p", .unit = "1", .reg = MB_HOLDING,
			.addr = (uint16_t)(2 * i), .type = MB_U16, .scale = 1 };
	m.npoints = 100;
	dev = (struct conf_device){ .model = &m, .max_read = 125, .max_gap = 0 };
	CHECK_EQ_INT(PLAN_MAX_BLOCKS, watchdog_device_blocks(&dev),
	    "100 spans needing 100 blocks: the bound, PLAN_MAX_BLOCKS");
	m.npoints = 200;
	CHECK_EQ_INT(PLAN_MAX_BLOCKS, watchdog_device_blocks(&dev),
	    "200 spans, more than a poll takes: the bound, PLAN_MAX_BLOCKS");
	dev.max_gap = 1;
	CHECK_EQ_INT(PLAN_MAX_BLOCKS, watchdog_device_blocks(&dev),
	    "200 spans, even if they could be bridged: the bound");
	m.npoints = 150;
	CHECK_EQ_INT(3, watchdog_device_blocks(&dev), "150 spans bridged: 299 registers in 3 reads");
	m.npoints = 0;
	CHECK_EQ_INT(0, watchdog_device_blocks(&dev), "no points: no reads");
	dev.model = NULL;
	CHECK_EQ_INT(0, watchdog_device_blocks(&dev), "no model: no reads");
}

/* Buses: RTU 9600 8E1, TCP, RTU over TCP, and one without devices. */
static struct conf_bus buses[] = {
	{ .name = "rtu", .type = CONF_BUS_RTU, .baud = 9600, .parity = 'E', .data_bits = 8,
	    .stop_bits = 1, .timeout_ms = 500, .turnaround_ms = 10 },
	{ .name = "tcp", .type = CONF_BUS_TCP, .timeout_ms = 300 },
	{ .name = "gw", .type = CONF_BUS_RTU_OVER_TCP, .timeout_ms = 1000 },
	{ .name = "empty", .type = CONF_BUS_TCP, .timeout_ms = 300 },
};
static struct conf_device devices[] = {
	{ .name = "rtu1", .bus = 0, .model = &model_t, .max_read = 10, .enabled = true },
	{ .name = "rtu2", .bus = 0, .model = &model_t, .max_read = 10, .timeout_ms = 2000,
	    .enabled = true },
	{ .name = "tcp1", .bus = 1, .model = &model_t, .max_read = 11, .max_gap = 7,
	    .enabled = true },
	{ .name = "tcp2", .bus = 1, .model = &model_u, .max_read = 2, .enabled = true },
	{ .name = "gw1", .bus = 2, .model = &model_t, .max_read = 10, .enabled = true },
	{ .name = "off", .bus = 3, .model = &model_t, .max_read = 10, .timeout_ms = 60000 },
};

static void
test_poll_and_limits(void)
{
	struct conf c = { .buses = buses, .nbuses = NELEM(buses), .devices = devices,
		.ndevices = NELEM(devices) };

	/*
	 * rtu1: 3 blocks (3, 1, 1 registers); timeout 500, quiet max(500, 800)
	 * = 800, drain 6 x 800 = 4800, turnaround max(10, 20) = 20, no connect;
	 * on the wire at 9600 baud, 11 bits a character: (13 + 2n) bytes, so
	 * 19 -> 22 ms, 15 -> 18 ms.  3 x (20 + 500 + 4800) + 22 + 18 + 18.
	 */
	CHECK_EQ_INT(16018, watchdog_device_poll_ms(&c, &devices[0]), "rtu1: worst poll");
	/* rtu2: its own timeout 2000: quiet 2000, drain 12000; 3 x 14020 + 58. */
	CHECK_EQ_INT(42118, watchdog_device_poll_ms(&c, &devices[1]), "rtu2: own timeout");
	/* tcp1: 2 blocks; connect 2 x 300 twice (1200); each 20 + 300 + reconnect 600. */
	CHECK_EQ_INT(3040, watchdog_device_poll_ms(&c, &devices[2]), "tcp1: worst poll");
	/* tcp2: no plan, one block bound: 1200 + 0 + 300 + 600. */
	CHECK_EQ_INT(2100, watchdog_device_poll_ms(&c, &devices[3]), "tcp2: the bound");
	/*
	 * gw1: 3 blocks; timeout 1000, quiet 1000, drain 6000 (more than the
	 * reconnect, 2000), connect 2000 twice; on a 1200 baud line of 12 bits
	 * a character: 19 -> 190 ms, 15 -> 150 ms.  4000 + 3 x 7020 + 490.
	 */
	CHECK_EQ_INT(25550, watchdog_device_poll_ms(&c, &devices[4]), "gw1: worst poll");

	CHECK_EQ_INT(42118 + EXTRA, watchdog_bus_limit_ms(&c, 0), "bus rtu: its slowest device");
	CHECK_EQ_INT(3040 + EXTRA, watchdog_bus_limit_ms(&c, 1), "bus tcp: its slowest device");
	CHECK_EQ_INT(25550 + EXTRA, watchdog_bus_limit_ms(&c, 2), "bus gw");
	CHECK_EQ_INT(EXTRA, watchdog_bus_limit_ms(&c, 3), "a disabled device does not count");
	devices[1].enabled = false;
	CHECK_EQ_INT(16018 + EXTRA, watchdog_bus_limit_ms(&c, 0), "bus rtu without rtu2");
	devices[1].enabled = true;
	CHECK_EQ_INT(EXTRA, watchdog_bus_limit_ms(&c, 7), "no such bus: no devices");

	/* A TCP bus: the wire time does not count, the line settings do not matter. */
	buses[1].baud = 1200;
	CHECK_EQ_INT(3040, watchdog_device_poll_ms(&c, &devices[2]), "tcp1: baud ignored");
	/* The slowest line: 1200 baud 8E2, 12 bits: 19 -> 190, 15 -> 150. */
	buses[0].baud = 1200;
	buses[0].stop_bits = 2;
	CHECK_EQ_INT(3 * 5320 + 490, watchdog_device_poll_ms(&c, &devices[0]), "rtu1 at 1200 8E2");
	buses[0].baud = 9600;
	buses[0].stop_bits = 1;
}

/* A configuration as the daemon loads it. */
static void
test_loaded(void)
{
	static const char text[] =
	    "station = { id = \"pp-06\"; };\n"
	    "buses = (\n"
	    "  { name = \"rs485\"; type = \"rtu\"; device = \"/dev/ttyUSB0\"; baud = 19200;\n"
	    "    parity = \"even\"; timeout = \"300ms\"; turnaround = \"5ms\"; },\n"
	    "  { name = \"lan\"; type = \"tcp\"; host = \"127.0.0.1\"; port = 502; timeout = \"300ms\"; }\n"
	    ");\n"
	    "devices = (\n"
	    "  { name = \"sonde\"; bus = \"rs485\"; unit = 1; model = \"insitu-at400\"; },\n"
	    "  { name = \"level\"; bus = \"rs485\"; unit = 2; model = \"keller-x\"; },\n"
	    "  { name = \"cond\"; bus = \"lan\"; unit = 4; model = \"yosemitech-y520\"; },\n"
	    "  { name = \"spare\"; bus = \"lan\"; unit = 5; model = \"insitu-at400\"; enabled = false;"
	    " timeout = \"10s\"; }\n"
	    ");\n"
	    "store = { path = \"/tmp/never-opened.db\"; };\n";
	struct conf_errors errs = { NULL, 0 };
	struct conf *c = NULL;
	int rc = conf_load_string("watchdog-test.conf", text, &c, &errs);

	for (size_t i = 0; i < errs.n; i++)
		printf("# %s\n", errs.lines[i]);
	conf_errors_clear(&errs);
	CHECK_EQ_INT(0, rc, "loaded: the configuration loads");
	if (rc != 0)
		return;
	for (size_t d = 0; d < c->ndevices; d++)
		CHECK(watchdog_device_poll_ms(c, &c->devices[d]) > 0,
		    "loaded: device '%s': a poll takes time: %lld ms", c->devices[d].name,
		    (long long)watchdog_device_poll_ms(c, &c->devices[d]));
	for (size_t b = 0; b < c->nbuses; b++) {
		int64_t worst = 0;

		for (size_t d = 0; d < c->ndevices; d++) {
			const struct conf_device *dev = &c->devices[d];
			int64_t p = watchdog_device_poll_ms(c, dev);

			if (dev->bus == b && dev->enabled && p > worst)
				worst = p;
		}
		CHECK_EQ_INT(worst + EXTRA, watchdog_bus_limit_ms(c, b),
		    "loaded: bus '%s': its slowest enabled device and the extra", c->buses[b].name);
	}
	/*
	 * The sonde (3 reads; its slowest reply, 3200 ms, sets the drain: 6 x
	 * 3200 a read) is the slowest on the serial bus; on the TCP bus the
	 * y520 (one read: connect 2 x 300 twice, 300, reconnect 600) is, as
	 * the spare, with its 10 s timeout, is disabled.
	 */
	CHECK_EQ_INT(3, watchdog_device_blocks(&c->devices[0]), "loaded: the sonde: 3 reads");
	CHECK(watchdog_bus_limit_ms(c, 0) == watchdog_device_poll_ms(c, &c->devices[0]) + EXTRA &&
	    watchdog_device_poll_ms(c, &c->devices[0]) >= 3 * (300 + 6 * 3200),
	    "loaded: the serial bus's limit is the sonde's");
	CHECK_EQ_INT(2100 + EXTRA, watchdog_bus_limit_ms(c, 1), "loaded: the TCP bus's limit");
	conf_free(c);
}

int
main(void)
{
	test_check();
	test_shipped_models();
	test_blocks();
	test_poll_and_limits();
	test_loaded();
	return tap_done();
}
