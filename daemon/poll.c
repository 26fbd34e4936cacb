/* SPDX-License-Identifier: MIT */
/*
 * One poll of one device: the planned block reads over a libmodbus context,
 * then a reading per point (sample.c decides value and quality).
 *
 * Line hygiene after a failed transaction is what keeps a late reply from
 * being taken as the answer to the next request (checked on Debian 12's
 * libmodbus 3.1.6: RTU frames carry no transaction id, so the late frame is
 * accepted as if it were the new answer).  On a serial line the bus is drained
 * until it has been quiet for the longer of the response timeout and the
 * device's slowest reply, then flushed.  On TCP the connection is closed and
 * opened again: a late reply would otherwise sit in the socket ahead of every
 * later answer (libmodbus issue #255).
 *
 * The context belongs to the calling thread (libmodbus contexts are not
 * thread-safe); nothing here keeps state between calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "plan.h"
#include "poll.h"
#include "sample.h"
#include "now.h"

#define POLL_MAX_SPANS		(2 * PLAN_MAX_BLOCKS + 64)
#define POLL_DRAIN_CAP_FACTOR	5	/* drain for at most this many quiet periods */

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (ms > 0 && nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
set_timeouts(modbus_t *ctx, int64_t timeout_ms)
{
	uint32_t sec = (uint32_t)(timeout_ms / 1000);
	uint32_t usec = (uint32_t)(timeout_ms % 1000) * 1000;

	modbus_set_response_timeout(ctx, sec, usec);
	/* A reply that stalls half-way is bounded by the same figure. */
	modbus_set_byte_timeout(ctx, sec, usec);
}

/*
 * connect(2) bounded by timeout_ms, as libmodbus bounds its own TCP connect
 * by the response timeout: an unreachable gateway must not hold the bus
 * thread for the kernel's SYN retries.  0 or an errno.
 */
static int
connect_bounded(int fd, const struct sockaddr *addr, socklen_t len, int64_t timeout_ms)
{
	int flags = fcntl(fd, F_GETFL);
	int err = 0;
	socklen_t errlen = sizeof(err);

	if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return errno;
	if (connect(fd, addr, len) == -1) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int64_t deadline = now_mono_ms() + timeout_ms;
		int rc = 0;

		if (errno != EINPROGRESS)
			return errno;
		for (;;) {
			int64_t left = deadline - now_mono_ms();

			rc = poll(&pfd, 1, left > 0 ? (int)left : 0);
			if (rc == -1 && errno == EINTR)
				continue;
			break;
		}
		if (rc == 0)
			return ETIMEDOUT;
		if (rc == -1)
			return errno;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) == -1)
			return errno;
		if (err != 0)
			return err;
	}
	/* libmodbus's RTU backend expects a blocking descriptor. */
	return fcntl(fd, F_SETFL, flags) == -1 ? errno : 0;
}

/* A connected TCP socket to host:port, for RTU frames through a gateway. */
static int
connect_tcp(const char *host, unsigned port, int64_t timeout_ms, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	char service[8];
	int fd = -1, rc, saved = ECONNREFUSED;

	snprintf(service, sizeof(service), "%u", port);
	rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve '%s': %s", host, gai_strerror(rc));
		return -EHOSTUNREACH;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			saved = errno;
			continue;
		}
		saved = connect_bounded(fd, ai->ai_addr, ai->ai_addrlen, timeout_ms);
		if (saved == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		snprintf(err, errlen, "cannot connect to %s:%u: %s", host, port, strerror(saved));
		return -saved;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Thread-safe text for an errno or a libmodbus error code. */
static const char *
poll_strerror(int e, char *buf, size_t len)
{
	if (e >= MODBUS_ENOBASE)
		return modbus_strerror(e);	/* static strings for these codes */
	if (strerror_r(e, buf, len) != 0)
		snprintf(buf, len, "error %d", e);
	return buf;
}

int
poll_open_bus(const struct conf_bus *bus, modbus_t **ret, char *err, size_t errlen)
{
	modbus_t *ctx = NULL;
	char service[8];
	int fd, e;

	switch (bus->type) {
	case CONF_BUS_RTU:
		ctx = modbus_new_rtu(bus->device, (int)bus->baud, bus->parity,
		    (int)bus->data_bits, (int)bus->stop_bits);
		break;
	case CONF_BUS_TCP:
		snprintf(service, sizeof(service), "%u", bus->port);
		ctx = modbus_new_tcp_pi(bus->host, service);
		break;
	case CONF_BUS_RTU_OVER_TCP:
		/*
		 * libmodbus 3.1.6 has no RTU-over-TCP backend: an RTU context
		 * reads and writes its descriptor with read(2) and write(2),
		 * so it is given a connected socket instead of a tty.
		 */
		ctx = modbus_new_rtu(bus->host, 9600, 'N', 8, 1);
		break;
	}
	if (ctx == NULL) {
		e = errno ? errno : EINVAL;
		snprintf(err, errlen, "bus '%s': cannot create Modbus context: %s",
		    bus->name, strerror(e));
		return -e;
	}
	modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE);
	set_timeouts(ctx, bus->timeout_ms);

	if (bus->type == CONF_BUS_RTU_OVER_TCP) {
		char why[200];

		fd = connect_tcp(bus->host, bus->port, bus->timeout_ms, why, sizeof(why));
		if (fd < 0) {
			snprintf(err, errlen, "bus '%s': %s", bus->name, why);
			modbus_free(ctx);
			return fd;
		}
		modbus_set_socket(ctx, fd);
	} else if (modbus_connect(ctx) == -1) {
		char buf[128];

		e = errno;
		if (bus->type == CONF_BUS_RTU)
			snprintf(err, errlen, "bus '%s': cannot open %s: %s", bus->name,
			    bus->device, poll_strerror(e, buf, sizeof(buf)));
		else
			snprintf(err, errlen, "bus '%s': cannot connect to %s:%u: %s", bus->name,
			    bus->host, bus->port, poll_strerror(e, buf, sizeof(buf)));
		modbus_free(ctx);
		return -e;
	}
	*ret = ctx;
	return 0;
}

/*
 * Read and discard whatever the line brings until it has been quiet for
 * quiet_ms (bounded in all), then flush: a late reply must not become the
 * answer to the next request.
 */
static void
drain_line(modbus_t *ctx, int64_t quiet_ms)
{
	int64_t start = now_mono_ms(), last = start;
	int fd = modbus_get_socket(ctx);
	uint8_t junk[260];

	while (fd >= 0) {
		int64_t now = now_mono_ms();
		int64_t left = quiet_ms - (now - last);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (left <= 0 || now - start >= POLL_DRAIN_CAP_FACTOR * quiet_ms)
			break;
		int rc = poll(&pfd, 1, (int)left);
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc <= 0)
			break;
		if (read(fd, junk, sizeof(junk)) <= 0)
			break;
		last = now_mono_ms();
	}
	modbus_flush(ctx);
}

/* Close and reopen a TCP context, dropping whatever it still holds. */
static void
reconnect_tcp(modbus_t *ctx, const struct conf_bus *bus)
{
	char err[256];
	int fd;

	modbus_close(ctx);
	if (bus->type == CONF_BUS_RTU_OVER_TCP) {
		fd = connect_tcp(bus->host, bus->port, bus->timeout_ms, err, sizeof(err));
		modbus_set_socket(ctx, fd >= 0 ? fd : -1);
	} else if (modbus_connect(ctx) == -1) {
		modbus_set_socket(ctx, -1);
	}
}

/* Errors after which the line may still carry (part of) a reply. */
static int
line_is_dirty(int e)
{
	return e == ETIMEDOUT || e == EMBBADCRC || e == EMBBADDATA || e == EMBMDATA ||
	    e == EMBBADSLAVE || e == EMBUNKEXC || e == EMBBADEXC;
}

enum poll_failure
poll_failure_kind(int e)
{
	if (e == ETIMEDOUT)
		return POLL_FAIL_TIMEOUT;
	if (e > MODBUS_ENOBASE && e < EMBBADCRC)
		return POLL_FAIL_EXCEPTION;	/* EMBXILFUN .. EMBXGTAR: the exception codes */
	if (e == EMBBADCRC || e == EMBBADDATA || e == EMBMDATA || e == EMBBADSLAVE ||
	    e == EMBUNKEXC || e == EMBBADEXC)
		return POLL_FAIL_FRAME;
	return POLL_FAIL_LINK;
}

/* Errors of the connection itself, not of one request. */
static int
link_is_broken(int e)
{
	return e == EPIPE || e == ECONNRESET || e == EBADF || e == ECONNREFUSED ||
	    e == ENOTCONN || e == EIO;
}

/* The blocks a device is read in: its model's registers under its own limits. */
static int
plan_device(const struct conf_device *dev, struct plan_block *blocks)
{
	const struct drv_model *m = dev->model;
	struct plan_span spans[POLL_MAX_SPANS];
	size_t n = 0;

	for (size_t i = 0; i < m->npoints; i++) {
		const struct drv_point *p = &m->points[i];

		if (n == POLL_MAX_SPANS)
			return -E2BIG;
		spans[n++] = (struct plan_span){ p->reg, p->addr, (uint16_t)mb_type_regs(p->type) };
		for (size_t c = 0; c < DRV_MAX_CHECKS; c++) {
			if (p->checks[c].kind == DRV_CHECK_NONE)
				continue;
			if (n == POLL_MAX_SPANS)
				return -E2BIG;
			spans[n++] = (struct plan_span){ p->checks[c].reg, p->checks[c].addr, 1 };
		}
	}
	return plan_blocks(spans, n, dev->max_read, dev->max_gap, m->align_even,
	    blocks, PLAN_MAX_BLOCKS);
}

/* A reading per point of dev from the registers one poll read (none: all missing). */
static void
fill_readings(const struct conf_device *dev, const struct sample_regs *regs, int64_t now_ms,
    bool maintenance, struct lw_reading *out)
{
	const struct drv_model *m = dev->model;

	for (size_t i = 0; i < m->npoints; i++) {
		const struct drv_point *p = &m->points[i];
		struct lw_reading *r = &out[i];

		memset(r, 0, sizeof(*r));
		r->time_ms = now_ms;
		snprintf(r->device, sizeof(r->device), "%s", dev->name);
		snprintf(r->point, sizeof(r->point), "%s", p->name);
		snprintf(r->unit, sizeof(r->unit), "%s", p->unit);
		sample_eval(p, dev->adjust ? &dev->adjust[i] : NULL, regs, maintenance, r);
	}
}

int
poll_device(modbus_t *ctx, const struct conf *conf, const struct conf_device *dev,
    int64_t now_ms, bool maintenance, struct lw_reading *out, struct poll_result *res)
{
	const struct conf_bus *bus = &conf->buses[dev->bus];
	const struct drv_model *m = dev->model;
	struct plan_block blocks[PLAN_MAX_BLOCKS];
	uint16_t data[PLAN_MAX_BLOCKS][MODBUS_MAX_READ_REGISTERS];
	const uint16_t *datap[PLAN_MAX_BLOCKS];
	bool ok[PLAN_MAX_BLOCKS];
	int64_t timeout_ms = dev->timeout_ms > 0 ? dev->timeout_ms : bus->timeout_ms;
	int64_t quiet_ms = timeout_ms > (int64_t)m->max_reply_ms ? timeout_ms : (int64_t)m->max_reply_ms;
	int64_t t0;
	int nblocks, last_err = 0;
	char ebuf[128];

	memset(res, 0, sizeof(*res));
	nblocks = plan_device(dev, blocks);
	if (nblocks < 0)
		return nblocks;

	modbus_set_slave(ctx, (int)dev->unit);
	set_timeouts(ctx, timeout_ms);
	if (modbus_get_socket(ctx) < 0 && bus->type != CONF_BUS_RTU)
		reconnect_tcp(ctx, bus);

	t0 = now_mono_ms();
	for (int i = 0; i < nblocks; i++) {
		const struct plan_block *b = &blocks[i];
		int64_t ts = now_mono_ms();
		int rc;

		if (bus->turnaround_ms > 0 || m->turnaround_ms > 0)
			sleep_ms(bus->turnaround_ms > (int64_t)m->turnaround_ms ?
			    bus->turnaround_ms : (int64_t)m->turnaround_ms);
		datap[i] = data[i];
		if (b->reg == MB_INPUT)
			rc = modbus_read_input_registers(ctx, b->addr, b->count, data[i]);
		else
			rc = modbus_read_registers(ctx, b->addr, b->count, data[i]);
		res->transactions++;
		ok[i] = rc == (int)b->count;
		/*
		 * Request: unit, function, address, count, and a CRC (RTU) or the
		 * MBAP header (TCP); reply: unit, function, byte count, data and
		 * the same framing.
		 */
		res->bytes += bus->type == CONF_BUS_TCP ? 12 : 8;
		if (ok[i])
			res->bytes += (bus->type == CONF_BUS_TCP ? 9u : 5u) + 2u * b->count;
		if (ok[i]) {
			log_debug("%s: read %s (%u) %u+%u unit %u: ok in %lld ms", dev->name,
			    mb_regkind_name(b->reg), b->reg == MB_INPUT ? 4u : 3u,
			    b->addr, b->count, dev->unit,
			    (long long)(now_mono_ms() - ts));
			continue;
		}
		last_err = rc == -1 ? errno : EMBMDATA;
		res->failed++;
		log_debug("%s: read %s (%u) %u+%u unit %u: %s after %lld ms", dev->name,
		    mb_regkind_name(b->reg), b->reg == MB_INPUT ? 4u : 3u,
		    b->addr, b->count, dev->unit,
		    poll_strerror(last_err, ebuf, sizeof(ebuf)), (long long)(now_mono_ms() - ts));
		if (bus->type == CONF_BUS_TCP) {
			if (line_is_dirty(last_err) || link_is_broken(last_err))
				reconnect_tcp(ctx, bus);
		} else if (bus->type == CONF_BUS_RTU_OVER_TCP && link_is_broken(last_err)) {
			reconnect_tcp(ctx, bus);
		} else if (line_is_dirty(last_err)) {
			drain_line(ctx, quiet_ms);
		}
		if (link_is_broken(last_err) || last_err == ETIMEDOUT) {
			/* The device (or link) is not answering: the remaining blocks would time out too. */
			for (int j = i + 1; j < nblocks; j++) {
				datap[j] = data[j];
				ok[j] = false;
			}
			break;
		}
	}
	res->latency_ms = now_mono_ms() - t0;
	res->last_errno = last_err;

	struct sample_regs regs = { blocks, datap, ok, (size_t)nblocks };
	fill_readings(dev, &regs, now_ms, maintenance, out);
	return last_err ? -last_err : 0;
}

void
poll_unreachable(const struct conf_device *dev, int64_t now_ms, struct lw_reading *out)
{
	struct sample_regs none = { NULL, NULL, NULL, 0 };

	fill_readings(dev, &none, now_ms, false, out);
}
