/* SPDX-License-Identifier: MIT */
/*
 * The InfluxDB forwarder (see influxfwd.h).  The project's own HTTP/1.1
 * client (http.h), one connection kept alive from request to request; the
 * body is gzipped with zlib when asked.  Credentials never go in the URL:
 * HTTP Basic for 1.x, a Token header for 2.x.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "backoff.h"
#include "failrun.h"
#include "fwdstore.h"
#include "http.h"
#include "influxauth.h"
#include "influxfwd.h"
#include "influxmsg.h"
#include "influxpolicy.h"
#include "log.h"
#include "secret.h"
#include "store.h"
#include "strbuf.h"
#include "now.h"
#include "threadname.h"

#define INFLUXFWD_READ_ROWS	512		/* readings read from the store at a time */
#define INFLUXFWD_READ_EVENTS	64		/* alert events */
#define INFLUXFWD_BODY_MAX	4096		/* of an answer, kept for the log */
#define INFLUXFWD_BACKOFF_MIN_MS	1000
#define INFLUXFWD_BACKOFF_MAX_MS	60000
#define INFLUXFWD_CONFIG_MIN_MS	10000		/* a configuration error is retried slower */
#define INFLUXFWD_CONFIG_MAX_MS	300000
#define INFLUXFWD_RETRY_AFTER_MAX_MS	600000
#define INFLUXFWD_REMIND_MS	(10 * 60 * 1000)
#define INFLUXFWD_IDLE_MS	60000		/* longest sleep with nothing to send */
#define INFLUXFWD_STORE_RETRY_MS	5000
#define INFLUXFWD_CONNECT_MAX_MS	10000		/* of the request's timeout, for connecting */

#ifndef LW_VERSION
#define LW_VERSION	"unknown"
#endif

struct influxfwd {
	struct conf_influx	 cfg;
	char			 station[LW_NAME_MAX];
	char			 store_path[CONF_PATH_MAX];
	struct wake		*journal;	/* borrowed */
	struct wake		*stop_wake;	/* owned */
	atomic_bool		 stop;
	pthread_t		 thread;
	pthread_mutex_t		 mu;		/* guards stats */
	struct fwd_stats	 stats;
	_Atomic int64_t		 heartbeat_ms;

	/* The thread's own. */
	struct store		*st;
	struct http		*http;
	struct strbuf		 headers;		/* of each request: may hold the secret */
	char			*url;			/* the write URL, with its query */
	char			 secret[512];
	bool			 have_secret;
	int64_t			 cursor[2];		/* acknowledged, per stream: readings, events */
	int64_t			 saved[2];		/* the same, as written to the store */
	int			 stream;		/* of the batch: 0 readings, 1 alert events */
	struct backoff		 backoff;
	struct backoff		 config_backoff;
	struct failrun		 failrun;		/* of requests */
	/* The batch: lines in body, line i at off[i] .. off[i+1], from reading seq[i]. */
	struct strbuf		 body;
	size_t			*off;
	int64_t			*seq;
	size_t			 nlines;
	int64_t			 last_read_seq;		/* the last one the batch covers */
	int64_t			 oldest_ms;		/* time of its oldest reading */
	int64_t			 waiting_since_ms;	/* monotonic: first seen, not yet sent */
	unsigned char		*gz;			/* the gzipped body */
	size_t			 gzlen;
	size_t			 gzcap;
	struct strbuf		 answer;
	char			 retry_after[32];
	struct store_row	*rows;
	struct store_alert_event *events;		/* INFLUXFWD_READ_EVENTS */
};

static void	save_cursor(struct influxfwd *, int stream, bool force);

/* Sleep until ms pass, the journal grows (if asked) or a stop; true on stop. */
static bool
wait_for(struct influxfwd *f, int64_t ms, bool journal)
{
	struct pollfd p[2] = {
		{ .fd = wake_fd(f->stop_wake), .events = POLLIN },
		{ .fd = wake_fd(f->journal), .events = POLLIN },
	};

	if (f->st != NULL) {
		save_cursor(f, 0, false);
		save_cursor(f, 1, false);
	}
	if (ms > 0 && !atomic_load(&f->stop))
		poll(p, journal ? 2 : 1, (int)(ms > INFLUXFWD_IDLE_MS ? INFLUXFWD_IDLE_MS : ms));
	if (journal && (p[1].revents & POLLIN))
		wake_clear(f->journal);
	atomic_store(&f->heartbeat_ms, now_mono_ms());
	return atomic_load(&f->stop);
}

static void
set_state(struct influxfwd *f, bool ok, const char *error)
{
	pthread_mutex_lock(&f->mu);
	f->stats.connected = ok;
	snprintf(f->stats.error, sizeof(f->stats.error), "%s", error);
	if (!ok)
		f->stats.failures++;
	pthread_mutex_unlock(&f->mu);
}

/* A request that failed: log the first of a run and a reminder now and then. */
static void
request_failed(struct influxfwd *f, const char *why)
{
	int64_t now = now_mono_ms();

	switch (failrun_fail(&f->failrun, now)) {
	case FAILRUN_FIRST:
		log_warn("influxdb: %s: %s; readings are kept in the store and sent when it works",
		    f->cfg.url, why);
		break;
	case FAILRUN_REMIND:
		log_warn("influxdb: %s: still failing after %u attempts in %lld s: %s", f->cfg.url,
		    f->failrun.failures, (long long)((now - f->failrun.since_ms) / 1000), why);
		break;
	case FAILRUN_QUIET:
		break;
	}
	set_state(f, false, why);
}

static void
request_succeeded(struct influxfwd *f)
{
	unsigned failed = failrun_ok(&f->failrun);

	if (failed > 0)
		log_notice("influxdb: %s: writing again after %u failed attempts", f->cfg.url, failed);
	backoff_reset(&f->backoff);
	backoff_reset(&f->config_backoff);
	set_state(f, true, "");
}

/* base + path + '?' + the query, names escaped. */
static char *
write_url(const struct conf_influx *cfg)
{
	struct strbuf sb;
	char *out = NULL;
	int rc;

	sb_init(&sb);
	if (cfg->api == CONF_INFLUX_V1) {
		rc = sb_printf(&sb, "%s/write?db=", cfg->url);
		if (rc == 0)
			rc = http_escape(&sb, cfg->database);
		if (rc == 0 && cfg->retention_policy[0] != '\0') {
			rc = sb_appends(&sb, "&rp=");
			if (rc == 0)
				rc = http_escape(&sb, cfg->retention_policy);
		}
	} else {
		rc = sb_printf(&sb, "%s/api/v2/write?org=", cfg->url);
		if (rc == 0)
			rc = http_escape(&sb, cfg->org);
		if (rc == 0)
			rc = sb_appends(&sb, "&bucket=");
		if (rc == 0)
			rc = http_escape(&sb, cfg->bucket);
	}
	if (rc == 0)
		rc = sb_appends(&sb, "&precision=ms");
	if (rc == 0)
		out = strdup(sb.data);
	sb_free(&sb);
	return out;
}

/*
 * The client for the write URL, with everything that does not change
 * between requests.  0, or -errno with a message in err.
 */
static int
http_setup(struct influxfwd *f, char *err, size_t errlen)
{
	const struct conf_influx *cfg = &f->cfg;
	struct http_opts o = {
		.tls_verify = cfg->tls_verify,
		.ca_file = cfg->ca_file,
		.connect_timeout_ms = cfg->timeout_ms < INFLUXFWD_CONNECT_MAX_MS ? cfg->timeout_ms :
		    INFLUXFWD_CONNECT_MAX_MS,
		.abort_fd = wake_fd(f->stop_wake),	/* a stop ends a request at once */
		.body_max = INFLUXFWD_BODY_MAX,
	};

	f->url = write_url(cfg);
	if (f->url == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return http_new(f->url, &o, &f->http, err, errlen);
}

/* Wipe and empty the request headers (they may hold the secret). */
static void
headers_wipe(struct influxfwd *f)
{
	if (f->headers.data != NULL)
		explicit_bzero(f->headers.data, f->headers.cap);
	sb_reset(&f->headers);
}

/*
 * The request headers and credentials, (re)read from the secret file: after
 * the server refused them, the next attempt reads the file again, so an
 * operator who fixes the password file needs no restart.  The error message
 * in err.
 */
static int
credentials(struct influxfwd *f, char *err, size_t errlen)
{
	const struct conf_influx *cfg = &f->cfg;
	const char *file = influxauth_secret_file(cfg);
	struct strbuf *h = &f->headers;
	int rc;

	if (f->have_secret)
		return 0;
	f->secret[0] = '\0';
	if (file[0] != '\0' && (rc = secret_read(file, f->secret, sizeof(f->secret), err, errlen)) != 0)
		return rc;
	headers_wipe(f);
	rc = sb_appends(h, "User-Agent: lakewatchd/" LW_VERSION "\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n");
	if (rc == 0 && cfg->gzip)
		rc = sb_appends(h, "Content-Encoding: gzip\r\n");
	if (rc == 0)
		rc = influxauth_header(h, cfg, f->secret);
	if (rc != 0) {
		headers_wipe(f);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	f->have_secret = true;
	return 0;
}

/* Gzip len bytes at data into f->gz (grown as needed); 0 or -ENOMEM. */
static int
gzip_into(struct influxfwd *f, const char *data, size_t len)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	size_t bound = deflateBound(&z, (uLong)len) + 32;
	if (bound > f->gzcap) {
		unsigned char *p = realloc(f->gz, bound);

		if (p == NULL) {
			deflateEnd(&z);
			return -ENOMEM;
		}
		f->gz = p;
		f->gzcap = bound;
	}
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = f->gz;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	f->gzlen = bound - z.avail_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -ENOMEM;
}

/*
 * POST lines [a, b) of the batch.  The HTTP status, or 0 with a message in
 * why for a transport failure.
 */
static long
post(struct influxfwd *f, size_t a, size_t b, char *why, size_t whylen)
{
	const char *data = f->body.data + f->off[a];
	size_t len = f->off[b] - f->off[a];
	struct http_answer ans;
	int rc;

	if (f->cfg.gzip) {
		if (gzip_into(f, data, len) != 0) {
			snprintf(why, whylen, "compressing the batch: out of memory");
			return 0;
		}
		data = (const char *)f->gz;
		len = f->gzlen;
	}
	sb_reset(&f->answer);
	f->retry_after[0] = '\0';
	rc = http_post(f->http, http_target(f->http), f->headers.data, data, len, f->cfg.timeout_ms,
	    &ans);
	pthread_mutex_lock(&f->mu);
	f->stats.requests++;
	pthread_mutex_unlock(&f->mu);
	if (rc != 0) {
		snprintf(why, whylen, "%s", http_error(f->http));
		return 0;
	}
	/* The message: InfluxDB's body, or its X-Influxdb-Error header when there is none. */
	if (ans.body_len > 0)
		sb_append(&f->answer, ans.body, ans.body_len);
	else
		sb_appends(&f->answer, ans.head->influx_error);
	snprintf(f->retry_after, sizeof(f->retry_after), "%s", ans.head->retry_after);
	return ans.status;
}

/* A line for a reading or an event that cannot be one: skipped, loudly, never a broken line. */
static void
skipped(struct influxfwd *f, int64_t seq, const char *what, const char *why)
{
	log_warn("influxdb: %s %lld (%s) cannot be written as line protocol: %s; skipped",
	    f->stream == 0 ? "reading" : "alert event", (long long)seq, what,
	    why != NULL ? why : "invalid");
	pthread_mutex_lock(&f->mu);
	f->stats.rejected++;
	pthread_mutex_unlock(&f->mu);
}

/* The next ask (at most a read's worth) of the stream into the batch; how many, or -errno. */
static int
read_lines(struct influxfwd *f, size_t ask)
{
	int n;

	if (f->stream == 1)
		n = store_alert_read_after(f->st, f->last_read_seq, f->events, ask);
	else
		n = store_read_after(f->st, f->last_read_seq, f->rows, ask);
	if (n < 0)
		log_warn("influxdb: reading the store: %s", store_errmsg(f->st));
	for (int i = 0; i < n; i++) {
		const char *why = NULL;
		int64_t seq, time_ms;
		char what[STORE_ALERT_ID_MAX];
		int rc;

		if (f->stream == 1) {
			const struct store_alert_event *e = &f->events[i];

			seq = e->seq;
			time_ms = e->time_ms;
			snprintf(what, sizeof(what), "%s", e->id);
			rc = influxmsg_alert(&f->body, e, &why);
		} else {
			const struct store_row *row = &f->rows[i];

			seq = row->seq;
			time_ms = row->r.time_ms;
			snprintf(what, sizeof(what), "%s.%s", row->r.device, row->r.point);
			rc = influxmsg_reading(&f->body, row->station, &row->r, &why);
		}
		f->last_read_seq = seq;
		if (rc == -ENOMEM)
			return rc;
		if (rc != 0) {
			skipped(f, seq, what, why);
			continue;
		}
		if (time_ms < f->oldest_ms)
			f->oldest_ms = time_ms;
		f->seq[f->nlines] = seq;
		f->off[++f->nlines] = f->body.len;
	}
	return n;
}

/* The batch: up to batch_size readings (or alert events) after the stream's cursor. */
static int
build_batch(struct influxfwd *f, int stream)
{
	size_t want = f->cfg.batch_size;

	sb_reset(&f->body);
	f->stream = stream;
	f->nlines = 0;
	f->off[0] = 0;
	f->last_read_seq = f->cursor[stream];
	f->oldest_ms = INT64_MAX;
	size_t chunk = stream == 1 ? INFLUXFWD_READ_EVENTS : INFLUXFWD_READ_ROWS;
	while (f->nlines < want) {
		size_t ask = want - f->nlines < chunk ? want - f->nlines : chunk;
		int n = read_lines(f, ask);

		if (n < 0)
			return n;
		if ((size_t)n < ask)
			break;		/* caught up */
	}
	return 0;
}

/*
 * Write a stream's cursor.  Unforced, a store busy with a commit is left
 * for later (the next batch's, or before the thread waits): the forwarder
 * does not stop sending to wait for the lock.
 */
static void
save_cursor(struct influxfwd *f, int stream, bool force)
{
	const char *name = stream == 1 ? INFLUXFWD_EVENTS_CURSOR : INFLUXFWD_CURSOR;
	int err;

	if (f->saved[stream] == f->cursor[stream])
		return;
	err = force ? store_cursor_set(f->st, name, f->cursor[stream]) :
	    store_cursor_try_set(f->st, name, f->cursor[stream]);
	if (err == 0)
		f->saved[stream] = f->cursor[stream];
	else if (err != -EBUSY || force)
		log_warn("influxdb: saving the cursor: %s", store_errmsg(f->st));
}

static void
advance(struct influxfwd *f, int64_t seq, size_t lines)
{
	if (seq <= f->cursor[f->stream])
		return;
	f->cursor[f->stream] = seq;
	save_cursor(f, f->stream, false);
	if (f->stream == 1)
		return;
	pthread_mutex_lock(&f->mu);
	f->stats.cursor = seq;
	f->stats.acked += lines;
	f->stats.last_ack_ms = now_wall_ms();
	pthread_mutex_unlock(&f->mu);
}

/* The answer body, cut to one log line. */
static const char *
answer_text(struct influxfwd *f)
{
	if (f->answer.data == NULL || f->answer.len == 0)
		return "(no message)";
	for (size_t i = 0; i < f->answer.len; i++)
		if (f->answer.data[i] == '\n' || f->answer.data[i] == '\r')
			f->answer.data[i] = ' ';
	return f->answer.data;
}

/*
 * Send the batch, splitting it when the server says it is too large.  Returns
 * the delay before the next attempt: 0 when everything went (or was refused
 * for good), more after a failure.
 */
static int64_t
send_batch(struct influxfwd *f)
{
	size_t a = 0, chunk = f->nlines;
	char why[300], err[300];

	if (credentials(f, err, sizeof(err)) != 0) {
		request_failed(f, err);
		return backoff_next(&f->config_backoff);
	}
	while (a < f->nlines && !atomic_load(&f->stop)) {
		size_t b = a + chunk < f->nlines ? a + chunk : f->nlines;
		long status = post(f, a, b, why, sizeof(why));
		enum influx_action act = influx_classify(status);
		int64_t delay, dropped;

		if (atomic_load(&f->stop))
			return 0;	/* abandoned: the batch stays in the store */

		pthread_mutex_lock(&f->mu);
		f->stats.sent += b - a;
		pthread_mutex_unlock(&f->mu);
		switch (act) {
		case INFLUX_DONE:
			request_succeeded(f);
			advance(f, b == f->nlines ? f->last_read_seq : f->seq[b - 1], b - a);
			a = b;
			break;
		case INFLUX_REJECTED:
			/* Good lines were stored; the rest never will be. */
			request_succeeded(f);
			dropped = influx_dropped(f->answer.data);
			log_warn("influxdb: the server refused %s of %zu lines (HTTP %ld): %s",
			    dropped >= 0 ? "some" : "some or all", b - a, status, answer_text(f));
			pthread_mutex_lock(&f->mu);
			f->stats.rejected += dropped > 0 ? (uint64_t)dropped : 1;
			pthread_mutex_unlock(&f->mu);
			advance(f, b == f->nlines ? f->last_read_seq : f->seq[b - 1], b - a);
			a = b;
			break;
		case INFLUX_SPLIT:
			if (b - a > 1) {
				chunk = (b - a) / 2;
				log_info("influxdb: a batch of %zu lines is too large; sending %zu at a time",
				    b - a, chunk);
				break;
			}
			log_warn("influxdb: reading %lld is too large for the server even alone; skipped",
			    (long long)f->seq[a]);
			pthread_mutex_lock(&f->mu);
			f->stats.rejected++;
			pthread_mutex_unlock(&f->mu);
			advance(f, f->seq[a], 0);
			a = b;
			break;
		case INFLUX_CONFIG:
			snprintf(why, sizeof(why), "HTTP %ld: %s%s", status, answer_text(f),
			    status == 404 ? " (does the database, org or bucket exist?)" :
			    " (check the credentials in the configuration)");
			request_failed(f, why);
			f->have_secret = false;		/* read the secret again next time */
			return backoff_next(&f->config_backoff);
		case INFLUX_RETRY:
			if (status != 0) {
				char text[sizeof(why)];

				snprintf(text, sizeof(text), "HTTP %ld: %s", status, answer_text(f));
				snprintf(why, sizeof(why), "%s", text);
			}
			request_failed(f, why);
			delay = backoff_next(&f->backoff);
			int64_t ra = influx_retry_after_ms(f->retry_after, INFLUXFWD_RETRY_AFTER_MAX_MS);
			return ra > delay ? ra : delay;
		}
	}
	return 0;
}

/* Open the store and read the cursor, retrying until it works or we stop. */
static bool
open_store(struct influxfwd *f)
{
	if (fwdstore_open(f->store_path, INFLUXFWD_CURSOR, "influxdb", wake_fd(f->stop_wake),
	    &f->stop, &f->st, &f->cursor[0]) != 0)
		return false;
	if (store_cursor_get(f->st, INFLUXFWD_EVENTS_CURSOR, &f->cursor[1]) != 0)
		log_warn("influxdb: reading the alert cursor: %s; starting from the first event",
		    store_errmsg(f->st));
	f->saved[0] = f->cursor[0];
	f->saved[1] = f->cursor[1];
	pthread_mutex_lock(&f->mu);
	f->stats.cursor = f->cursor[0];
	pthread_mutex_unlock(&f->mu);
	return true;
}

static void *
influxfwd_main(void *arg)
{
	struct influxfwd *f = arg;
	char err[300];

	thread_name("influxdb");
	if (http_setup(f, err, sizeof(err)) != 0) {
		log_err("influxdb: cannot set up the HTTP client: %s", err);
		return NULL;
	}
	if (!open_store(f))
		return NULL;
	while (!atomic_load(&f->stop)) {
		atomic_store(&f->heartbeat_ms, now_mono_ms());
		/* Alert events first, and at once: they are few and they matter. */
		if (build_batch(f, 1) == 0 && f->nlines > 0) {
			int64_t delay = send_batch(f);

			if (delay > 0 && wait_for(f, delay, false))
				break;
			continue;
		}
		if (f->nlines == 0 && f->last_read_seq > f->cursor[1])
			advance(f, f->last_read_seq, 0);	/* skipped events only */
		if (build_batch(f, 0) != 0) {
			if (wait_for(f, INFLUXFWD_STORE_RETRY_MS, false))
				break;
			continue;
		}
		if (f->nlines == 0) {
			/* Skipped readings only: pass them. */
			if (f->last_read_seq > f->cursor[0])
				advance(f, f->last_read_seq, 0);
			f->waiting_since_ms = 0;
			if (wait_for(f, INFLUXFWD_IDLE_MS, true))
				break;
			continue;
		}
		/* A batch that is not full waits, but no reading longer than flush_interval. */
		int64_t now = now_mono_ms();
		if (f->waiting_since_ms == 0)
			f->waiting_since_ms = now;
		int64_t age = now_wall_ms() - f->oldest_ms;
		int64_t waited = now - f->waiting_since_ms;
		int64_t flush = f->cfg.flush_interval_ms;
		if (f->nlines < f->cfg.batch_size && age < flush && waited < flush) {
			int64_t left = flush - (age > waited ? age : waited);

			if (wait_for(f, left, true))
				break;
			continue;
		}
		int64_t delay = send_batch(f);
		f->waiting_since_ms = 0;
		if (delay > 0 && wait_for(f, delay, false))
			break;
	}
	save_cursor(f, 0, true);
	save_cursor(f, 1, true);
	return NULL;
}

int
influxfwd_start(const struct conf *conf, struct wake *journal, struct influxfwd **ret)
{
	struct influxfwd *f = calloc(1, sizeof(*f));
	int rc = 0;

	if (f == NULL)
		return -ENOMEM;
	f->cfg = conf->influx;
	snprintf(f->station, sizeof(f->station), "%s", conf->station.id);
	snprintf(f->store_path, sizeof(f->store_path), "%s", conf->store.path);
	f->journal = journal;
	atomic_init(&f->stop, false);
	uint64_t seed = (uint64_t)now_wall_ms() ^ ((uint64_t)getpid() << 32);
	failrun_init(&f->failrun, INFLUXFWD_REMIND_MS);
	backoff_init(&f->backoff, INFLUXFWD_BACKOFF_MIN_MS, INFLUXFWD_BACKOFF_MAX_MS, seed);
	backoff_init(&f->config_backoff, INFLUXFWD_CONFIG_MIN_MS, INFLUXFWD_CONFIG_MAX_MS, seed + 1);
	sb_init(&f->body);
	sb_init(&f->answer);
	sb_init(&f->headers);
	f->off = calloc(f->cfg.batch_size + 1, sizeof(*f->off));
	f->seq = calloc(f->cfg.batch_size, sizeof(*f->seq));
	f->rows = calloc(INFLUXFWD_READ_ROWS, sizeof(*f->rows));
	f->events = calloc(INFLUXFWD_READ_EVENTS, sizeof(*f->events));
	if (f->off == NULL || f->seq == NULL || f->rows == NULL || f->events == NULL)
		rc = -ENOMEM;
	if (rc == 0)
		rc = wake_new(&f->stop_wake);
	if (rc == 0) {
		pthread_mutex_init(&f->mu, NULL);
		atomic_store(&f->heartbeat_ms, now_mono_ms());
		rc = -pthread_create(&f->thread, NULL, influxfwd_main, f);
		if (rc != 0) {
			pthread_mutex_destroy(&f->mu);
			wake_free(f->stop_wake);
		}
	}
	if (rc != 0) {
		free(f->off);
		free(f->seq);
		free(f->rows);
		free(f->events);
		free(f);
		return rc;
	}
	*ret = f;
	return 0;
}

void
influxfwd_stop(struct influxfwd *f)
{
	if (f == NULL)
		return;
	atomic_store(&f->stop, true);
	wake_signal(f->stop_wake);
	pthread_join(f->thread, NULL);
	http_free(f->http);
	headers_wipe(f);
	sb_free(&f->headers);
	free(f->url);
	store_close(f->st);
	explicit_bzero(f->secret, sizeof(f->secret));
	sb_free(&f->body);
	free(f->gz);
	sb_free(&f->answer);
	wake_free(f->stop_wake);
	pthread_mutex_destroy(&f->mu);
	free(f->off);
	free(f->seq);
	free(f->rows);
	free(f->events);
	free(f);
}

void
influxfwd_get_stats(struct influxfwd *f, struct fwd_stats *ret)
{
	pthread_mutex_lock(&f->mu);
	*ret = f->stats;
	pthread_mutex_unlock(&f->mu);
}

int64_t
influxfwd_heartbeat(struct influxfwd *f)
{
	return atomic_load(&f->heartbeat_ms);
}
