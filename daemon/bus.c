/* SPDX-License-Identifier: MIT */
/*
 * The bus thread (see bus.h).  An RS-485 line carries one request at a time
 * and a libmodbus context belongs to one thread, so each bus gets its own
 * thread; a dead device slows only its own bus, and only by its own timeout,
 * since sched.c backs it off.  Sleeping is a timed wait on a condition
 * variable, so bus_stop() is honoured at once between transactions.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "failrun.h"
#include "log.h"
#include "poll.h"
#include "sched.h"
#include "threadname.h"
#include "timefmt.h"
#include "now.h"

#define BUS_REOPEN_MIN_MS	1000
#define BUS_REOPEN_MAX_MS	30000
#define BUS_REMIND_MS		(10 * 60 * 1000)	/* a device down this long is logged again */
#define BUS_IDLE_MS		(3600 * 1000)		/* the wait of a bus without enabled devices */
#define BUS_BURST_MAX_MS	10			/* readings held back in a burst at most */
#define BUS_ROOM_WAIT_MS	100			/* interval 0: a wait for the store, in one piece */
#define BUS_DROP_REMIND_MS	60000			/* dropping readings is logged again this often */

#ifndef LW_SOURCE_EPOCH
#define LW_SOURCE_EPOCH		1764547200		/* 2025-12-01: a floor when the build says none */
#endif

struct bus {
	const struct conf	*conf;
	const struct conf_bus	*cb;
	struct queue		*q;
	struct maint		*maint;		/* borrowed: run-time maintenance */
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	bool			 stop;		/* under mu */
	_Atomic int64_t		 heartbeat_ms;
	size_t			 ndev;		/* enabled devices on this bus */
	const struct conf_device **devs;
	struct sched_entry	*sched;
	struct lw_reading	*readings;	/* room for the largest model */
	modbus_t		*ctx;		/* NULL while the bus is not open */
	int64_t			 reopen_due_ms;	/* no open attempt before this */
	int64_t			 reopen_wait_ms;
	unsigned		 open_failures;	/* consecutive failed opens */
	struct failrun		*failrun;	/* per device: its run of failed polls */
	struct failrun		 drops;		/* pushes that found the queue full */
	uint64_t		 dropped;	/* readings of the current run of drops */
	struct bus_device_status *status;	/* per device, under mu */
	bool			 clock_unset;	/* the last poll found it so (logged) */
	int64_t			 burst_since_ms;	/* the first push of this burst, or -1 */
	atomic_bool		 is_open;	/* for status: ctx is open */
};

/* Sleep until the monotonic deadline or a stop request; true when asked to stop. */
static bool
wait_until(struct bus *b, int64_t deadline_ms)
{
	struct timespec ts = { .tv_sec = deadline_ms / 1000,
		.tv_nsec = (deadline_ms % 1000) * 1000000 };
	bool stop;

	/*
	 * The heartbeat is the end of the wait: a thread asleep until its next
	 * device is due is not wedged, however rare its polls, and sleeping
	 * in one piece spends no wake-ups (a station runs on solar power).
	 */
	atomic_store(&b->heartbeat_ms, deadline_ms);
	pthread_mutex_lock(&b->mu);
	while (!b->stop && queue_now_ms() < deadline_ms)
		if (pthread_cond_timedwait(&b->cv, &b->mu, &ts) == ETIMEDOUT)
			break;
	stop = b->stop;
	pthread_mutex_unlock(&b->mu);
	return stop;
}

static bool
stopping(struct bus *b)
{
	bool stop;

	pthread_mutex_lock(&b->mu);
	stop = b->stop;
	pthread_mutex_unlock(&b->mu);
	return stop;
}

/*
 * The bus's context, opening it when it is closed and its reopen backoff has
 * run out; NULL while it cannot be opened (its error is then in *open_err, as
 * -errno).  Logs the first failure and the recovery, once each.
 */
static modbus_t *
bus_context(struct bus *b, int *open_err)
{
	char err[256];
	int64_t now = queue_now_ms();
	int rc;

	if (b->ctx != NULL || now < b->reopen_due_ms)
		return b->ctx;
	rc = poll_open_bus(b->cb, &b->ctx, err, sizeof(err));
	if (rc == 0) {
		if (b->open_failures > 0)
			log_notice("bus '%s': open again after %u failed attempts", b->cb->name,
			    b->open_failures);
		b->open_failures = 0;
		atomic_store(&b->is_open, true);
		b->reopen_wait_ms = BUS_REOPEN_MIN_MS;
		return b->ctx;
	}
	if (b->open_failures++ == 0)
		log_err("%s; its devices are recorded as missing until it opens", err);
	*open_err = rc;
	b->reopen_due_ms = now + b->reopen_wait_ms;
	b->reopen_wait_ms = b->reopen_wait_ms * 2 > BUS_REOPEN_MAX_MS ?
	    BUS_REOPEN_MAX_MS : b->reopen_wait_ms * 2;
	b->ctx = NULL;
	return NULL;
}

static void
bus_close(struct bus *b)
{
	if (b->ctx == NULL)
		return;
	modbus_close(b->ctx);
	modbus_free(b->ctx);
	b->ctx = NULL;
	atomic_store(&b->is_open, false);
}

/* A serial adapter that was unplugged answers EIO/ENODEV until reopened. */
static bool
needs_reopen(const struct conf_bus *cb, int e)
{
	return cb->type == CONF_BUS_RTU && (e == EIO || e == ENODEV || e == EBADF);
}

static const char *
errtext(int e, char *buf, size_t len)
{
	if (e >= MODBUS_ENOBASE)
		return modbus_strerror(e);
	if (strerror_r(e, buf, len) != 0)
		return "unknown error";
	return buf;
}

bool
bus_clock_unset(int64_t now_ms)
{
	return now_ms < (int64_t)LW_SOURCE_EPOCH * 1000;
}

/* An unset clock: flag the readings, and say so when it starts and ends. */
static void
check_clock(struct bus *b, const struct conf_device *dev, struct lw_reading *r)
{
	bool unset = dev->model->npoints > 0 && bus_clock_unset(r[0].time_ms);

	if (unset != b->clock_unset) {
		char when[TIMEFMT_ISO_LEN];

		if (timefmt_iso8601(r[0].time_ms, when, sizeof(when)) != 0)
			snprintf(when, sizeof(when), "%lld ms", (long long)r[0].time_ms);
		if (unset)
			log_err("bus '%s': the system clock reads %s, before this lakewatch was "
			    "made: readings are stored as suspect until it is set", b->cb->name,
			    when);
		else
			log_notice("bus '%s': the system clock is set: readings are no longer flagged",
			    b->cb->name);
		b->clock_unset = unset;
	}
	if (!unset)
		return;
	for (size_t p = 0; p < dev->model->npoints; p++)
		if (r[p].quality < LW_Q_SUSPECT)
			r[p].quality = LW_Q_SUSPECT;
}

/* A failed poll for people, by its kind: "timeout: no reply within 500 ms". */
static void
failure_text(const struct conf_device *dev, int e, char *buf, size_t len)
{
	char ebuf[96];

	switch (poll_failure_kind(e)) {
	case POLL_FAIL_TIMEOUT:
		snprintf(buf, len, "timeout: no reply within %lld ms", (long long)dev->timeout_ms);
		break;
	case POLL_FAIL_EXCEPTION:
		snprintf(buf, len, "Modbus exception: %s", errtext(e, ebuf, sizeof(ebuf)));
		break;
	case POLL_FAIL_FRAME:
		snprintf(buf, len, "bad reply: %s", errtext(e, ebuf, sizeof(ebuf)));
		break;
	case POLL_FAIL_LINK:
		snprintf(buf, len, "link: %s", errtext(e, ebuf, sizeof(ebuf)));
		break;
	}
}

/* The device's figures after a poll. */
static void
record(struct bus *b, size_t i, const struct conf_device *dev, int rc,
    const struct poll_result *res)
{
	struct bus_device_status *st = &b->status[i];

	pthread_mutex_lock(&b->mu);
	st->last_poll_ms = b->readings[0].time_ms;
	st->maintenance = dev->model->npoints > 0 && b->readings[0].quality == LW_Q_MAINTENANCE;
	st->failures = b->sched[i].failures;
	st->transactions = res->transactions;
	st->latency_ms = res->latency_ms;
	st->polls++;
	st->transactions_total += res->transactions;
	st->bytes += res->bytes;
	st->latency_total_ms += res->latency_ms;
	if (rc == 0) {
		st->last_good_ms = st->last_poll_ms;
	} else {
		st->failed_polls++;
		switch (poll_failure_kind(-rc)) {
		case POLL_FAIL_TIMEOUT: st->timeouts++; break;
		case POLL_FAIL_EXCEPTION: st->exceptions++; break;
		case POLL_FAIL_FRAME: st->frame_errors++; break;
		case POLL_FAIL_LINK: st->link_errors++; break;
		}
		failure_text(dev, -rc, st->last_error, sizeof(st->last_error));
	}
	pthread_mutex_unlock(&b->mu);
}

/*
 * Hand a poll's readings to the core.  While the next device is due already
 * they go as part of a burst, which wakes the core once at its end (but at
 * least every BUS_BURST_MAX_MS, however long the bus stays busy).
 */
static size_t
push(struct bus *b, size_t n)
{
	int64_t now = queue_now_ms();
	int next = sched_next(b->sched, b->ndev);
	bool more = next >= 0 && b->sched[next].due_ms <= now &&
	    (b->burst_since_ms < 0 || now - b->burst_since_ms < BUS_BURST_MAX_MS);

	if (!more) {
		b->burst_since_ms = -1;
		return queue_push(b->q, b->readings, n);
	}
	if (b->burst_since_ms < 0)
		b->burst_since_ms = now;
	return queue_push_more(b->q, b->readings, n);
}

/* Readings dropped for a full queue: logged when it starts, now and then, and when it ends. */
static void
note_drops(struct bus *b, const struct conf_device *dev, size_t dropped)
{
	int64_t now = now_mono_ms();
	unsigned pushes;

	if (dropped == 0) {
		if ((pushes = failrun_ok(&b->drops)) > 0)
			log_notice("bus '%s': the store queue has room again; %llu readings were "
			    "dropped in %u polls", b->cb->name, (unsigned long long)b->dropped, pushes);
		b->dropped = 0;
		return;
	}
	b->dropped += dropped;
	switch (failrun_fail(&b->drops, now)) {
	case FAILRUN_FIRST:
		log_warn("bus '%s': store queue full, %zu readings of device '%s' dropped: the store "
		    "cannot keep up with the polls", b->cb->name, dropped, dev->name);
		break;
	case FAILRUN_REMIND:
		log_warn("bus '%s': store queue still full: %llu readings dropped in %lld s",
		    b->cb->name, (unsigned long long)b->dropped,
		    (long long)((now - b->drops.since_ms) / 1000));
		break;
	case FAILRUN_QUIET:
		break;
	}
}

static void *
bus_main(void *arg)
{
	struct bus *b = arg;
	int open_err = -ENOTCONN;

	thread_name("bus %s", b->cb->name);
	for (;;) {
		int i = sched_next(b->sched, b->ndev);

		atomic_store(&b->heartbeat_ms, queue_now_ms());
		if (i < 0) {
			/* No enabled device: nothing to do but wait for the stop. */
			if (wait_until(b, queue_now_ms() + BUS_IDLE_MS))
				break;
			continue;
		}
		if (wait_until(b, b->sched[i].due_ms))
			break;
		/*
		 * "As fast as possible" is as fast as the store takes the readings:
		 * taken faster they would only be dropped.  Devices with an
		 * interval keep their schedule whatever the store does.
		 */
		if (b->sched[i].interval_ms == 0 && !queue_wait_room(b->q,
		    b->devs[i]->model->npoints, queue_now_ms() + BUS_ROOM_WAIT_MS)) {
			atomic_store(&b->heartbeat_ms, queue_now_ms());
			continue;
		}

		const struct conf_device *dev = b->devs[i];
		modbus_t *ctx = bus_context(b, &open_err);
		struct poll_result res;
		unsigned before = b->sched[i].failures;
		char ebuf[128];
		int rc;

		if (ctx != NULL) {
			int64_t now = now_wall_ms();
			bool maintenance = dev->maintenance ||
			    (b->maint != NULL && maint_active(b->maint, dev->name, now));

			rc = poll_device(ctx, b->conf, dev, now, maintenance, b->readings, &res);
		} else {
			poll_unreachable(dev, now_wall_ms(), b->readings);
			rc = open_err;
		}
		if (ctx == NULL)
			memset(&res, 0, sizeof(res));
		check_clock(b, dev, b->readings);
		sched_done(&b->sched[i], rc == 0, queue_now_ms());
		note_drops(b, dev, push(b, dev->model->npoints));
		record(b, (size_t)i, dev, rc, &res);
		if (rc != 0) {
			int64_t now = now_mono_ms();

			switch (failrun_fail(&b->failrun[i], now)) {
			case FAILRUN_FIRST:
				log_warn("device '%s' (bus '%s', unit %u): not answering: %s; retrying "
				    "with backoff", dev->name, b->cb->name, dev->unit,
				    errtext(-rc, ebuf, sizeof(ebuf)));
				break;
			case FAILRUN_REMIND:
				log_warn("device '%s' (bus '%s', unit %u): still not answering after %u "
				    "polls in %lld min: %s", dev->name, b->cb->name, dev->unit,
				    b->failrun[i].failures,
				    (long long)((now - b->failrun[i].since_ms) / 60000),
				    errtext(-rc, ebuf, sizeof(ebuf)));
				break;
			case FAILRUN_QUIET:
				break;
			}
		} else if ((before = failrun_ok(&b->failrun[i])) > 0) {
			log_notice("device '%s': answering again after %u failed polls", dev->name, before);
		}
		if (rc != 0 && ctx != NULL && needs_reopen(b->cb, -rc))
			bus_close(b);
		if (stopping(b))
			break;
	}
	bus_close(b);
	return NULL;
}

static void
bus_free(struct bus *b)
{
	free(b->devs);
	free(b->sched);
	free(b->readings);
	free(b->failrun);
	free(b->status);
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
	free(b);
}

int
bus_start(const struct conf *conf, size_t index, struct queue *q, struct maint *maint,
    struct bus **ret)
{
	struct bus *b = calloc(1, sizeof(*b));
	pthread_condattr_t ca;
	size_t maxpoints = 1;
	int64_t now = queue_now_ms();
	int rc;

	if (b == NULL)
		return -ENOMEM;
	b->conf = conf;
	b->cb = &conf->buses[index];
	b->q = q;
	b->burst_since_ms = -1;
	b->maint = maint;
	pthread_mutex_init(&b->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->cv, &ca);
	pthread_condattr_destroy(&ca);
	atomic_store(&b->heartbeat_ms, now);
	b->reopen_wait_ms = BUS_REOPEN_MIN_MS;
	failrun_init(&b->drops, BUS_DROP_REMIND_MS);

	b->devs = calloc(conf->ndevices ? conf->ndevices : 1, sizeof(*b->devs));
	b->sched = calloc(conf->ndevices ? conf->ndevices : 1, sizeof(*b->sched));
	for (size_t i = 0; b->devs && b->sched && i < conf->ndevices; i++) {
		const struct conf_device *d = &conf->devices[i];

		if (d->bus != index || !d->enabled)
			continue;
		sched_init(&b->sched[b->ndev], d->interval_ms, now);
		/* Bus k of n runs k/n of an interval behind the first. */
		sched_stagger(&b->sched[b->ndev],
		    conf->nbuses > 1 ? d->interval_ms * (int64_t)index / (int64_t)conf->nbuses : 0);
		b->devs[b->ndev++] = d;
		if (d->model->npoints > maxpoints)
			maxpoints = d->model->npoints;
	}
	b->readings = calloc(maxpoints, sizeof(*b->readings));
	b->failrun = calloc(b->ndev ? b->ndev : 1, sizeof(*b->failrun));
	b->status = calloc(b->ndev ? b->ndev : 1, sizeof(*b->status));
	for (size_t i = 0; b->failrun != NULL && b->status != NULL && i < b->ndev; i++) {
		failrun_init(&b->failrun[i], BUS_REMIND_MS);
		snprintf(b->status[i].device, sizeof(b->status[i].device), "%s", b->devs[i]->name);
		b->status[i].unit = b->devs[i]->unit;
		b->status[i].interval_ms = b->devs[i]->interval_ms;
	}
	if (b->devs == NULL || b->sched == NULL || b->readings == NULL || b->failrun == NULL ||
	    b->status == NULL) {
		bus_free(b);
		return -ENOMEM;
	}
	rc = pthread_create(&b->thread, NULL, bus_main, b);
	if (rc != 0) {
		bus_free(b);
		return -rc;
	}
	*ret = b;
	return 0;
}

void
bus_stop(struct bus *b)
{
	if (b == NULL)
		return;
	pthread_mutex_lock(&b->mu);
	b->stop = true;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
	pthread_join(b->thread, NULL);
	bus_free(b);
}

int64_t
bus_heartbeat(const struct bus *b)
{
	return atomic_load(&b->heartbeat_ms);
}

const char *
bus_name(const struct bus *b)
{
	return b->cb->name;
}

bool
bus_is_open(struct bus *b)
{
	return atomic_load(&b->is_open);
}

size_t
bus_status(struct bus *b, struct bus_device_status *out, size_t max)
{
	pthread_mutex_lock(&b->mu);
	for (size_t i = 0; i < b->ndev && i < max; i++)
		out[i] = b->status[i];
	pthread_mutex_unlock(&b->mu);
	return b->ndev;
}
