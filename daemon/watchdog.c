/* SPDX-License-Identifier: MIT */
/*
 * The watchdog's judgement and the bus threads' limits (see watchdog.h).
 *
 * A bus thread refreshes its heartbeat before each poll, so the longest a
 * healthy one goes without is one wait plus one poll of its slowest device.
 * That poll is bounded the way poll.c spends its time; the figures here must
 * follow poll.c and bus.c when they change:
 *   - bus.c opens a closed bus first (poll_open_bus), and poll_device
 *     reconnects a TCP context that has no socket: each a connect(2) per
 *     address the host name gives, bounded by the bus timeout;
 *   - each planned block: the turnaround pause (the bus's or the model's,
 *     the longer), then the read, bounded by the response timeout (the
 *     device's, else the bus's) once the request is out, plus the frame's
 *     time on the wire;
 *   - after a failed read: on TCP a reconnect, on a serial line (and RTU over
 *     TCP) drain_line, which ends after POLL_DRAIN_CAP_FACTOR (5) quiet
 *     periods at most, but may have begun one more wait of a quiet period
 *     just before; a timeout stops the poll, other failures (CRC, bad data)
 *     let it go on to the next block, so every block may pay for one.
 */
#include <stddef.h>

#include "plan.h"
#include "regtype.h"
#include "watchdog.h"

#define WATCHDOG_DRAIN_PERIODS	(5 + 1)	/* poll.c's POLL_DRAIN_CAP_FACTOR, plus one */
#define WATCHDOG_CONNECT_ADDRS	2	/* addresses a host name may give (IPv4, IPv6) */
#define WATCHDOG_MAX_SPANS	(2 * PLAN_MAX_BLOCKS + 64)	/* poll.c's POLL_MAX_SPANS */
#define WATCHDOG_SLOW_BAUD	1200	/* assumed for a gateway's line, whose speed is unknown */
#define WATCHDOG_MAX_REGS	125	/* registers one read may ask for (Modbus) */

bool
watchdog_check(const struct watchdog_thread *threads, size_t n, int64_t now_ms,
    struct watchdog_verdict *ret)
{
	*ret = (struct watchdog_verdict){ .healthy = true };
	for (size_t i = 0; i < n; i++) {
		int64_t age = now_ms - threads[i].heartbeat_ms;

		if (age <= threads[i].limit_ms)
			continue;
		if (ret->nstale++ == 0) {
			ret->healthy = false;
			ret->stale_name = threads[i].name;
			ret->stale_index = i;
			ret->stale_ms = age;
			ret->stale_limit_ms = threads[i].limit_ms;
		}
	}
	return ret->healthy;
}

static int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* The register spans poll.c plans a device's reads from; how many there are. */
static size_t
device_spans(const struct drv_model *m, struct plan_span *spans, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < m->npoints; i++) {
		const struct drv_point *p = &m->points[i];

		if (n < max)
			spans[n] = (struct plan_span){ p->reg, p->addr, (uint16_t)mb_type_regs(p->type) };
		n++;
		for (size_t c = 0; c < DRV_MAX_CHECKS; c++) {
			if (p->checks[c].kind == DRV_CHECK_NONE)
				continue;
			if (n < max)
				spans[n] = (struct plan_span){ p->checks[c].reg, p->checks[c].addr, 1 };
			n++;
		}
	}
	return n;
}

/*
 * The blocks of one poll of dev into blocks (PLAN_MAX_BLOCKS), their number
 * returned; or, when there is no plan, 0 and in *bound the conservative
 * count (one block per span, at most PLAN_MAX_BLOCKS).
 */
static size_t
device_plan(const struct conf_device *dev, struct plan_block *blocks, size_t *bound)
{
	struct plan_span spans[WATCHDOG_MAX_SPANS];
	size_t n = 0;
	int rc = -1;

	*bound = 0;
	if (dev->model == NULL || (dev->model->points == NULL && dev->model->npoints > 0))
		return 0;
	n = device_spans(dev->model, spans, WATCHDOG_MAX_SPANS);
	if (n <= WATCHDOG_MAX_SPANS)
		rc = plan_blocks(spans, n, dev->max_read, dev->max_gap, dev->model->align_even,
		    blocks, PLAN_MAX_BLOCKS);
	if (rc >= 0)
		return (size_t)rc;
	*bound = n < PLAN_MAX_BLOCKS ? n : PLAN_MAX_BLOCKS;
	return 0;
}

size_t
watchdog_device_blocks(const struct conf_device *dev)
{
	struct plan_block blocks[PLAN_MAX_BLOCKS];
	size_t bound;
	size_t n = device_plan(dev, blocks, &bound);

	return n > 0 ? n : bound;
}

/* Milliseconds (rounded up) that request and reply of count registers take on the line. */
static int64_t
wire_ms(unsigned baud, unsigned bits_per_char, unsigned count)
{
	/* Request: unit, function, address, count, CRC; reply: unit, function, bytes, data, CRC. */
	int64_t bytes = 8 + 5 + 2 * (int64_t)count;

	if (baud == 0)
		baud = WATCHDOG_SLOW_BAUD;
	return (bytes * bits_per_char * 1000 + baud - 1) / baud;
}

int64_t
watchdog_device_poll_ms(const struct conf *conf, const struct conf_device *dev)
{
	const struct conf_bus *bus = &conf->buses[dev->bus];
	const struct drv_model *m = dev->model;
	struct plan_block blocks[PLAN_MAX_BLOCKS];
	int64_t bus_timeout = max64(bus->timeout_ms, 0);
	int64_t timeout = dev->timeout_ms > 0 ? dev->timeout_ms : bus_timeout;
	int64_t quiet = max64(timeout, m != NULL ? (int64_t)m->max_reply_ms : 0);
	int64_t turn = max64(max64(bus->turnaround_ms, 0), m != NULL ? (int64_t)m->turnaround_ms : 0);
	int64_t connect = bus->type == CONF_BUS_RTU ? 0 : WATCHDOG_CONNECT_ADDRS * bus_timeout;
	int64_t drain = WATCHDOG_DRAIN_PERIODS * quiet;
	int64_t recover, total;
	unsigned baud, bits;
	size_t bound, n;

	switch (bus->type) {
	case CONF_BUS_RTU:
		recover = drain;
		baud = bus->baud;
		/* start bit, data bits, parity bit, stop bits */
		bits = 1 + (bus->data_bits ? bus->data_bits : 8) + (bus->parity != 'N') +
		    (bus->stop_bits ? bus->stop_bits : 2);
		break;
	case CONF_BUS_RTU_OVER_TCP:
		recover = max64(drain, connect);
		baud = WATCHDOG_SLOW_BAUD;
		bits = 1 + 8 + 1 + 2;
		break;
	case CONF_BUS_TCP:
	default:
		recover = connect;
		baud = 0;
		bits = 0;
		break;
	}

	total = 2 * connect;
	n = device_plan(dev, blocks, &bound);
	for (size_t i = 0; i < n; i++)
		total += turn + timeout + recover + (bits ? wire_ms(baud, bits, blocks[i].count) : 0);
	/* No plan: each of the bound's blocks as large as Modbus allows. */
	for (size_t i = 0; i < bound; i++)
		total += turn + timeout + recover +
		    (bits ? wire_ms(baud, bits, WATCHDOG_MAX_REGS) : 0);
	return total;
}

int64_t
watchdog_bus_limit_ms(const struct conf *conf, size_t index)
{
	int64_t worst = 0;

	for (size_t i = 0; i < conf->ndevices; i++) {
		const struct conf_device *dev = &conf->devices[i];

		if (dev->bus == index && dev->enabled)
			worst = max64(worst, watchdog_device_poll_ms(conf, dev));
	}
	return worst + WATCHDOG_MARGIN_MS;
}
