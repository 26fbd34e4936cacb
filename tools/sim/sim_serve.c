/* SPDX-License-Identifier: MIT */
/*
 * The bus thread of lakewatch-sim: waits on its descriptors and the stop
 * pipe, takes requests off the bus, and answers them as the addressed device
 * would, faults included.  Only requests to a configured, enabled unit are
 * answered; any other unit gets silence, as on a real RS-485 line.
 *
 * Modbus TCP: requests come through modbus_receive on each accepted
 * connection (several at once, so a client that reconnects is served at once
 * even before its old connection is seen closed).  RTU, on a serial line or
 * over TCP: requests are cut from the byte stream by sim_rtu (see there why
 * not by modbus_receive), and a frame with a bad CRC is dropped unanswered,
 * as a real device does.  Replies go out through modbus_reply and
 * modbus_reply_exception, or as hand-built frames where a fault needs them
 * corrupted.  A slow fault holds its reply back in a small queue while the
 * bus goes on serving, as a late device on a real line answers late without
 * silencing the others.  The thread never sleeps: it waits in poll() on its
 * descriptors and the stop pipe, so SIGTERM ends it at once (at worst after
 * the 0.2 s byte timeout of a TCP request that stalls half-way).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sim.h"
#include "now.h"

#define RTU_GAP_MS		50	/* silence that ends an RTU frame of unknown length */
#define REOPEN_MS		1000	/* retry a serial line that went away */
#define WRITE_TIMEOUT_MS	1000	/* a client that does not read is dropped */

/* Write all of buf, waiting (bounded) when the descriptor is full. */
static int
write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			if (poll(&p, 1, WRITE_TIMEOUT_MS) <= 0)
				return -ETIMEDOUT;
			continue;
		}
		return -errno;
	}
	return 0;
}

/* A few reproducible "random" bytes: splitmix64 of the seed and a counter. */
static size_t
garbage(uint64_t seed, uint64_t counter, uint8_t *out, size_t cap)
{
	uint64_t x = seed ^ (counter * 0x9e3779b97f4a7c15ULL);
	size_t n;

	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	n = 3 + (size_t)(x % 6);
	if (n > cap)
		n = cap;
	for (size_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		out[i] = (uint8_t)(x >> 56);
	}
	return n;
}

/* The PDU of a reply: the registers asked for, or an exception. */
static size_t
build_pdu(const struct sim_device *d, uint8_t fc, uint16_t addr, uint16_t count, unsigned exc,
    uint8_t *pdu)
{
	size_t n = 0;

	if (exc != 0) {
		pdu[n++] = (uint8_t)(fc | 0x80);
		pdu[n++] = (uint8_t)exc;
		return n;
	}
	const uint16_t *regs = sim_device_regs(d, fc == 3 ? MB_HOLDING : MB_INPUT, addr);
	pdu[n++] = fc;
	pdu[n++] = (uint8_t)(2 * count);
	for (uint16_t i = 0; i < count; i++) {
		pdu[n++] = (uint8_t)(regs[i] >> 8);
		pdu[n++] = (uint8_t)regs[i];
	}
	return n;
}

static const char *
function_name(uint8_t fc)
{
	switch (fc) {
	case 3: return "read holding";
	case 4: return "read input";
	default: return "function";
	}
}

/*
 * Send the reply the addressed device d gives to req (len bytes, the whole
 * ADU; for RTU with its CRC checked) on connection c, with the faults of act
 * other than the delay (already waited, or never asked for).
 */
static void
reply(struct sim_bus *b, const struct sim_client *c, struct sim_device *d, const uint8_t *req,
    int len, const struct sim_action *act)
{
	struct sim *sim = b->sim;
	bool tcp = b->conf->type == CONF_BUS_TCP;
	int hdr = tcp ? 7 : 1;
	uint8_t unit = req[hdr - 1], fc = req[hdr];
	uint16_t addr = (uint16_t)(req[hdr + 1] << 8 | req[hdr + 2]);
	uint16_t count = (uint16_t)(req[hdr + 3] << 8 | req[hdr + 4]);
	char faults[96], outcome[96];
	unsigned exc = 0;
	int rc = 0;

	sim_action_describe(act, faults, sizeof(faults));
	if (b->conf->type != CONF_BUS_RTU)
		modbus_set_socket(b->ctx, c->fd);	/* the connection it came on */
	if (act->garbage) {
		uint8_t junk[8];
		size_t n = garbage(sim->seed, b->nrequests, junk, sizeof(junk));

		rc = write_all(c->fd, junk, n);
		snprintf(outcome, sizeof(outcome), "%zu bytes of garbage", n);
		goto out;
	}
	exc = act->exception;
	if (exc == 0 && fc != 3 && fc != 4)
		exc = MODBUS_EXCEPTION_ILLEGAL_FUNCTION;
	if (exc == 0)
		exc = sim_device_check_read(d, fc == 3 ? MB_HOLDING : MB_INPUT, addr, count);
	if (exc == 0) {
		pthread_mutex_lock(&sim->fault_lock);
		sim_device_fill(d, sim->seed, now_wall_ms(), &sim->faults,
		    now_mono_ms() - sim->start_ms, act);
		pthread_mutex_unlock(&sim->fault_lock);
	}
	modbus_set_slave(b->ctx, unit);
	if (act->crc || exc >= MODBUS_EXCEPTION_MAX) {
		/* Frames libmodbus will not send: built here. */
		uint8_t pdu[2 + 2 * SIM_MAX_READ], frame[8 + sizeof(pdu)];
		size_t plen = build_pdu(d, fc, addr, count, exc, pdu);
		int flen = sim_frame_build(tcp, req, unit, pdu, plen, act->crc, frame, sizeof(frame));

		rc = flen < 0 ? flen : write_all(c->fd, frame, (size_t)flen);
	} else if (exc != 0) {
		rc = modbus_reply_exception(b->ctx, req, exc) == -1 ? -errno : 0;
	} else {
		rc = modbus_reply(b->ctx, req, len, d->map) == -1 ? -errno : 0;
	}
	if (exc != 0)
		snprintf(outcome, sizeof(outcome), "exception %u%s", exc, act->crc ? ", corrupted" : "");
	else
		snprintf(outcome, sizeof(outcome), "%u registers%s", count, act->crc ? ", corrupted" : "");
out:
	if (rc != 0)
		log_debug("%s: unit %u: reply not sent: %s", b->conf->name, unit, strerror(-rc));
	log_debug("%s: unit %u (%s): %s (%u) %u+%u: %s; fault: %s", b->conf->name, unit,
	    d->conf->name, function_name(fc), fc, addr, count, outcome, faults);
}

/*
 * One whole request that arrived on connection c: silence for a unit that is
 * not here, else the reply of the addressed device, now or (slow fault) held
 * back until it is due while the bus goes on serving.
 */
static void
handle_request(struct sim_bus *b, const struct sim_client *c, const uint8_t *req, int len)
{
	struct sim *sim = b->sim;
	int hdr = b->conf->type == CONF_BUS_TCP ? 7 : 1;
	uint8_t unit = req[hdr - 1], fc = req[hdr];
	uint16_t addr = 0, count = 0;
	struct sim_device *d;
	struct sim_action act;
	uint8_t padded[SIM_RX_MAX];
	char faults[96];

	b->nrequests++;
	if (len < hdr + 5) {
		/* Too short to be a read: make the fields the reply quotes zero. */
		memset(padded, 0, sizeof(padded));
		memcpy(padded, req, (size_t)len);
		req = padded;
	}
	addr = (uint16_t)(req[hdr + 1] << 8 | req[hdr + 2]);
	count = (uint16_t)(req[hdr + 3] << 8 | req[hdr + 4]);
	d = unit >= 1 && unit <= SIM_MAX_UNIT ? b->units[unit] : NULL;
	if (d == NULL) {
		log_debug("%s: unit %u: %s (%u) %u+%u: no such unit, no answer", b->conf->name,
		    unit, function_name(fc), fc, addr, count);
		return;
	}
	pthread_mutex_lock(&sim->fault_lock);
	sim_faults_action(&sim->faults, d->conf->name, now_mono_ms() - sim->start_ms, &act);
	pthread_mutex_unlock(&sim->fault_lock);
	sim_action_describe(&act, faults, sizeof(faults));
	if (act.silent) {
		log_debug("%s: unit %u (%s): %s (%u) %u+%u: no answer; fault: %s", b->conf->name,
		    unit, d->conf->name, function_name(fc), fc, addr, count, faults);
		return;
	}
	if (act.delay_ms == 0) {
		reply(b, c, d, req, len, &act);
		return;
	}
	for (size_t i = 0; i < SIM_MAX_PENDING; i++) {
		struct sim_pending *p = &b->pending[i];

		if (p->used)
			continue;
		p->used = true;
		p->due_ms = now_mono_ms() + act.delay_ms;
		p->client = c->id;
		p->act = act;
		p->act.delay_ms = 0;
		memcpy(p->req, req, (size_t)len);
		p->len = len;
		log_debug("%s: unit %u (%s): %s (%u) %u+%u: reply held back %u ms; fault: %s",
		    b->conf->name, unit, d->conf->name, function_name(fc), fc, addr, count,
		    act.delay_ms, faults);
		return;
	}
	log_debug("%s: unit %u (%s): %u late replies pending already, no answer", b->conf->name,
	    unit, d->conf->name, SIM_MAX_PENDING);
}

/* Send the late replies that are due; the ms until the next one, or -1. */
static int
send_due(struct sim_bus *b)
{
	int64_t now = now_mono_ms(), next = -1;
	int hdr = b->conf->type == CONF_BUS_TCP ? 7 : 1;

	for (size_t i = 0; i < SIM_MAX_PENDING; i++) {
		struct sim_pending *p = &b->pending[i];
		const struct sim_client *c = NULL;

		if (!p->used)
			continue;
		if (p->due_ms > now) {
			if (next < 0 || p->due_ms - now < next)
				next = p->due_ms - now;
			continue;
		}
		p->used = false;
		for (size_t k = 0; k < b->nclients; k++)
			if (b->clients[k].id == p->client)
				c = &b->clients[k];
		if (c == NULL) {
			log_debug("%s: late reply dropped: its connection is gone", b->conf->name);
			continue;
		}
		reply(b, c, b->units[p->req[hdr - 1]], p->req, p->len, &p->act);
	}
	return (int)next;
}

static void
drop_client(struct sim_bus *b, size_t i, const char *why)
{
	log_debug("%s: connection closed (%s)", b->conf->name, why);
	close(b->clients[i].fd);
	memmove(&b->clients[i], &b->clients[i + 1], (b->nclients - i - 1) * sizeof(b->clients[0]));
	b->nclients--;
}

static void
accept_client(struct sim_bus *b)
{
	modbus_t *lctx = b->listen_ctx != NULL ? b->listen_ctx : b->ctx;
	int one = 1, fd;

	fd = modbus_tcp_accept(lctx, &b->listen_fd);
	if (fd == -1) {
		log_debug("%s: accept: %s", b->conf->name, strerror(errno));
		return;
	}
	modbus_set_socket(lctx, -1);	/* the descriptor is the client's */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (b->nclients == SIM_MAX_CLIENTS)
		drop_client(b, 0, "too many connections, the oldest goes");
	memset(&b->clients[b->nclients], 0, sizeof(b->clients[0]));
	b->clients[b->nclients].id = ++b->next_client;
	b->clients[b->nclients++].fd = fd;
	log_debug("%s: connection accepted (%zu open)", b->conf->name, b->nclients);
}

/* Modbus TCP: one request from connection i, through modbus_receive. */
static void
tcp_readable(struct sim_bus *b, size_t i)
{
	uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
	int rc;

	modbus_set_socket(b->ctx, b->clients[i].fd);
	rc = modbus_receive(b->ctx, req);
	if (rc > 0) {
		handle_request(b, &b->clients[i], req, rc);
		return;
	}
	if (rc == -1) {
		/* EOF (ECONNRESET) or a broken request: the stream is lost. */
		drop_client(b, i, errno == ECONNRESET ? "by the client" : modbus_strerror(errno));
	}
}

/* RTU: a frame cut from the stream; false when the rest must be dropped. */
static bool
rtu_frame(struct sim_bus *b, struct sim_client *c, const uint8_t *f, size_t len)
{
	uint16_t crc;

	if (len < 4) {
		log_debug("%s: %zu-byte frame dropped", b->conf->name, len);
		return false;
	}
	crc = (uint16_t)(f[len - 2] | f[len - 1] << 8);
	if (crc != sim_crc16(f, len - 2)) {
		log_debug("%s: unit %u: bad CRC, request dropped unanswered", b->conf->name, f[0]);
		return false;
	}
	handle_request(b, c, f, (int)len);
	return true;
}

/* RTU: take every whole frame off the front of the client's buffer. */
static void
rtu_process(struct sim_bus *b, struct sim_client *c)
{
	while (c->rx_len >= 2) {
		int flen = sim_rtu_request_length(c->rx, c->rx_len);

		if (flen <= 0 || (size_t)flen > c->rx_len)
			return;		/* more to come, or the end is the silence */
		if (!rtu_frame(b, c, c->rx, (size_t)flen)) {
			/* Out of step: drop what is buffered and start again. */
			c->rx_len = 0;
			if (b->conf->type == CONF_BUS_RTU)
				tcflush(c->fd, TCIFLUSH);
			return;
		}
		memmove(c->rx, c->rx + flen, c->rx_len - (size_t)flen);
		c->rx_len -= (size_t)flen;
	}
}

/* RTU: the line has been quiet long enough to end whatever is buffered. */
static void
rtu_silence(struct sim_bus *b, struct sim_client *c)
{
	if (sim_rtu_request_length(c->rx, c->rx_len) < 0)
		(void)rtu_frame(b, c, c->rx, c->rx_len);
	else
		log_debug("%s: incomplete frame of %zu bytes dropped", b->conf->name, c->rx_len);
	c->rx_len = 0;
}

/* Reopen a serial line that went away (the other end of a pty pair, say). */
static void
serial_reopen(struct sim_bus *b)
{
	if (modbus_connect(b->ctx) == -1)
		return;
	b->clients[0].fd = modbus_get_socket(b->ctx);
	b->clients[0].id = ++b->next_client;
	b->clients[0].rx_len = 0;
	b->nclients = 1;
	log_notice("%s: %s open again", b->conf->name, b->path);
}

/* RTU: read what connection i has; false when it was dropped. */
static bool
rtu_readable(struct sim_bus *b, size_t i)
{
	struct sim_client *c = &b->clients[i];
	bool serial = b->conf->type == CONF_BUS_RTU;
	ssize_t n;

	if (c->rx_len == SIM_RX_MAX)
		c->rx_len = 0;		/* no request is that long: junk */
	n = read(c->fd, c->rx + c->rx_len, SIM_RX_MAX - c->rx_len);
	if (n > 0) {
		c->rx_len += (size_t)n;
		c->rx_last_ms = now_mono_ms();
		rtu_process(b, c);
		return true;
	}
	if (n == -1 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return true;
	if (!serial) {
		drop_client(b, i, n == 0 ? "by the client" : strerror(errno));
		return false;
	}
	log_warn("%s: %s: %s; reopening", b->conf->name, b->path, n == 0 ? "end of file" : strerror(errno));
	modbus_close(b->ctx);
	b->nclients = 0;
	return false;
}

static void
serve(struct sim_bus *b)
{
	const struct sim *sim = b->sim;
	bool tcp = b->conf->type == CONF_BUS_TCP;
	bool serial = b->conf->type == CONF_BUS_RTU;
	int64_t reopen_at = 0;

	for (;;) {
		struct pollfd pfd[2 + SIM_MAX_CLIENTS];
		short ready[SIM_MAX_CLIENTS];
		size_t n = 0, nc = b->nclients;
		int timeout = send_due(b), rc;
		int64_t now = now_mono_ms();

		pfd[n++] = (struct pollfd){ .fd = sim->stop_pipe[0], .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = b->listen_fd, .events = POLLIN };	/* -1: ignored */
		for (size_t i = 0; i < nc; i++) {
			pfd[n++] = (struct pollfd){ .fd = b->clients[i].fd, .events = POLLIN };
			if (!tcp && b->clients[i].rx_len > 0) {
				int64_t left = b->clients[i].rx_last_ms + RTU_GAP_MS - now;
				int t = left > 0 ? (int)left : 0;

				if (timeout < 0 || t < timeout)
					timeout = t;
			}
		}
		if (serial && nc == 0) {
			if (reopen_at == 0)
				reopen_at = now + REOPEN_MS;
			int t = reopen_at > now ? (int)(reopen_at - now) : 0;
			if (timeout < 0 || t < timeout)
				timeout = t;
		}
		rc = poll(pfd, n, timeout);
		if (rc == -1 && errno != EINTR) {
			log_err("%s: poll: %s", b->conf->name, strerror(errno));
			return;
		}
		if (rc > 0 && pfd[0].revents != 0)
			return;
		for (size_t i = 0; i < nc; i++)
			ready[i] = rc > 0 ? pfd[2 + i].revents : 0;
		/* Backwards, so that dropping one leaves the others' indexes alone. */
		for (size_t i = nc; i-- > 0;) {
			if (ready[i] == 0)
				continue;
			if (tcp)
				tcp_readable(b, i);
			else
				(void)rtu_readable(b, i);
		}
		now = now_mono_ms();
		for (size_t i = 0; !tcp && i < b->nclients; i++)
			if (b->clients[i].rx_len > 0 && now - b->clients[i].rx_last_ms >= RTU_GAP_MS)
				rtu_silence(b, &b->clients[i]);
		if (rc > 0 && b->listen_fd >= 0 && (pfd[1].revents & POLLIN))
			accept_client(b);
		if (serial && b->nclients == 0 && now_mono_ms() >= reopen_at && reopen_at != 0) {
			serial_reopen(b);
			reopen_at = 0;
		}
	}
}

void *
sim_serve(void *arg)
{
	struct sim_bus *b = arg;

	serve(b);
	return NULL;
}
