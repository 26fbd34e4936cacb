/* SPDX-License-Identifier: MIT */
/*
 * The MQTT forwarder (see mqttfwd.h).
 *
 * libmosquitto 2.0.11 facts this relies on (Debian 12; see the project's
 * reference notes):
 * - A QoS 1 or 2 publish while disconnected returns MOSQ_ERR_NO_CONN but the
 *   message is queued and sent after the next connect, so it must not be
 *   submitted again; a QoS 0 publish that returns it is dropped.
 * - Outgoing messages live only in the client object: they are resent after
 *   a reconnect of the same object, and gone with it.  When the object is
 *   replaced (a connect that hangs, acknowledgements that never come), the
 *   readings are sent again from the acknowledged cursor.
 * - Its own in-flight limit queues the rest in memory without bound, so this
 *   forwarder never has more than max_inflight messages outstanding.
 * - mosquitto_loop_read() and mosquitto_loop_write() close the socket and
 *   call on_disconnect themselves when the connection fails.
 * - Reconnect delays of its own are fixed or quadratic without jitter; this
 *   thread reconnects itself, with exponential backoff and jitter.
 */
#include <errno.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ackring.h"
#include "backoff.h"
#include "failrun.h"
#include "fwdstore.h"
#include "log.h"
#include "mqttfwd.h"
#include "json.h"
#include "jsonparse.h"
#include "mqttmsg.h"
#include "secret.h"
#include "store.h"
#include "strbuf.h"
#include "now.h"
#include "threadname.h"

#define MQTTFWD_READ_ROWS	256		/* readings read from the store at a time */
#define MQTTFWD_PERSIST_MS	1000		/* the cursor is written at most this often */
#define MQTTFWD_BUSY_RETRY_MS	50		/* ... and tried again this soon if the store was busy */
#define MQTTFWD_BACKOFF_MIN_MS	1000
#define MQTTFWD_BACKOFF_MAX_MS	60000
#define MQTTFWD_REMIND_MS	(10 * 60 * 1000)	/* a lasting failure is logged again this often */
#define MQTTFWD_DRAIN_MS	2000		/* at stop: wait this long for outstanding PUBACKs */
#define MQTTFWD_BYE_MS		1000		/* at stop: wait this long for `offline` to go out */
#define MQTTFWD_CMDS		8		/* commands waiting to be carried out */
#define MQTTFWD_CMD_MAX		2048		/* bytes of a command */

/* A command that arrived, carried out after the network round that brought it. */
struct mqtt_cmd {
	char	 alert[STORE_ALERT_ID_MAX];
	char	 by[STORE_WHO_MAX];
	char	 note[STORE_TEXT_MAX];
};

enum link_state {
	LINK_DOWN,		/* no connection; next attempt at next_attempt_ms */
	LINK_CONNECTING,	/* TCP (and TLS) handshake or CONNACK pending */
	LINK_UP,		/* CONNACK accepted */
};

struct mqttfwd {
	struct conf_mqtt	 cfg;
	char			 station[LW_NAME_MAX];
	char			 store_path[CONF_PATH_MAX];
	struct wake		*journal;	/* borrowed */
	const struct mqttfwd_cmds *cmds;	/* borrowed, may be NULL */
	struct wake		*stop_wake;	/* owned */
	atomic_bool		 stop;
	bool			 draining;	/* stopping, but still sending what is stored */
	pthread_t		 thread;
	pthread_mutex_t		 mu;		/* guards stats */
	struct fwd_stats	 stats;
	_Atomic int64_t		 heartbeat_ms;

	/* The thread's own. */
	struct mosquitto	*mosq;
	bool			 mosq_connected_once;	/* connect_async done on this object */
	struct store		*st;
	struct ackring		 ring;
	struct backoff		 backoff;
	enum link_state		 link;
	int64_t			 next_attempt_ms;
	int64_t			 attempt_started_ms;
	int64_t			 last_progress_ms;	/* outstanding messages last moved */
	int64_t			 sent_seq;		/* last reading handed to libmosquitto */
	int64_t			 persisted_seq;
	int64_t			 sent_ev_seq;		/* the same for alert events */
	int64_t			 persisted_ev_seq;
	int64_t			 persisted_ms;
	int64_t			 next_misc_ms;
	int			 status_mid;		/* of the last status message, -1 none */
	bool			 status_acked;
	struct failrun		 failrun;		/* of connection attempts */
	char			 status_topic[MQTTMSG_TOPIC_MAX];
	char			 ack_topic[MQTTMSG_TOPIC_MAX];
	char			 result_topic[MQTTMSG_TOPIC_MAX];
	struct mqtt_cmd		 cmd[MQTTFWD_CMDS];
	size_t			 ncmd;
	char			 lib_error[200];	/* libmosquitto's last error line */
	char			 password[512];
	bool			 have_password;
	struct strbuf		 payload;
	struct store_row	*rows;
	uint64_t		 acked_unreported;	/* PUBACKs not yet in stats */
	uint64_t		 rejected_unreported;
};

static void
set_error(struct mqttfwd *f, const char *msg)
{
	pthread_mutex_lock(&f->mu);
	snprintf(f->stats.error, sizeof(f->stats.error), "%s", msg);
	pthread_mutex_unlock(&f->mu);
}

/*
 * A connection attempt failed: log the first failure of a run and a
 * reminder now and then, and schedule the next attempt.
 */
static void
attempt_failed(struct mqttfwd *f, const char *why)
{
	int64_t now = now_mono_ms();
	int64_t delay = backoff_next(&f->backoff);

	switch (failrun_fail(&f->failrun, now)) {
	case FAILRUN_FIRST:
		log_warn("mqtt: %s:%u: %s; readings are kept in the store and sent when the broker is back",
		    f->cfg.host, f->cfg.port, why);
		break;
	case FAILRUN_REMIND:
		log_warn("mqtt: %s:%u: still failing after %u attempts in %lld s: %s",
		    f->cfg.host, f->cfg.port, f->failrun.failures,
		    (long long)((now - f->failrun.since_ms) / 1000), why);
		break;
	case FAILRUN_QUIET:
		break;
	}
	set_error(f, why);
	pthread_mutex_lock(&f->mu);
	f->stats.connected = false;
	f->stats.failures++;
	pthread_mutex_unlock(&f->mu);
	f->link = LINK_DOWN;
	f->next_attempt_ms = now + delay;
}

/* Publish the retained station status; its mid is remembered. */
static void
publish_status(struct mqttfwd *f, const char *status)
{
	int mid = -1;
	int rc = mosquitto_publish(f->mosq, &mid, f->status_topic, (int)strlen(status), status,
	    f->cfg.qos > 0 ? f->cfg.qos : 1, true);

	f->status_mid = rc == MOSQ_ERR_SUCCESS || rc == MOSQ_ERR_NO_CONN ? mid : -1;
	f->status_acked = false;
	if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN)
		log_warn("mqtt: publishing status '%s': %s", status, mosquitto_strerror(rc));
}

static void
on_connect(struct mosquitto *m, void *arg, int rc)
{
	struct mqttfwd *f = arg;
	char why[200];

	(void)m;
	if (rc != 0) {
		/* The broker closes the connection; on_disconnect follows. */
		/* MQTT 5 reason codes (0x80 and up) are not MQTT 3.1.1's return codes. */
		snprintf(why, sizeof(why), "the broker refused the connection: %s",
		    f->cfg.protocol == CONF_MQTT_V5 ? mosquitto_reason_string(rc) :
		    mosquitto_connack_string(rc));
		attempt_failed(f, why);
		f->have_password = false;	/* read the password file again */
		return;
	}
	unsigned failed = failrun_ok(&f->failrun);

	if (failed > 0)
		log_notice("mqtt: connected to %s:%u again after %u failed attempts",
		    f->cfg.host, f->cfg.port, failed);
	else
		log_info("mqtt: connected to %s:%u", f->cfg.host, f->cfg.port);
	backoff_reset(&f->backoff);
	f->link = LINK_UP;
	f->last_progress_ms = now_mono_ms();
	set_error(f, "");
	pthread_mutex_lock(&f->mu);
	f->stats.connected = true;
	pthread_mutex_unlock(&f->mu);
	publish_status(f, "online");
	if (f->cmds != NULL &&
	    (rc = mosquitto_subscribe(f->mosq, NULL, f->ack_topic, 1)) != MOSQ_ERR_SUCCESS)
		log_warn("mqtt: cannot subscribe to %s: %s", f->ack_topic, mosquitto_strerror(rc));
}

static void
on_disconnect(struct mosquitto *m, void *arg, int rc)
{
	struct mqttfwd *f = arg;
	char why[200];

	(void)m;
	if (f->link == LINK_DOWN)
		return;		/* already counted (a refused CONNACK) */
	if (atomic_load(&f->stop) && rc == 0) {
		f->link = LINK_DOWN;
		return;
	}
	snprintf(why, sizeof(why), "%s: %s",
	    f->link == LINK_UP ? "connection lost" : "cannot connect",
	    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
	attempt_failed(f, why);
}

/* A command on ROOT/STATION/cmd/ack: checked here, carried out by the forwarder's loop. */
static void
on_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg)
{
	struct mqttfwd *f = arg;
	struct jp_node nodes[JP_NODES_FOR(MQTTFWD_CMD_MAX)];
	char arena[MQTTFWD_CMD_MAX + 1];
	const char *alert, *by, *note = "", *why = NULL;
	struct mqtt_cmd *c;

	(void)m;
	if (strcmp(msg->topic, f->ack_topic) != 0)
		return;
	if (msg->retain) {
		log_warn("mqtt: ignored a retained command on %s (commands must not be retained, "
		    "or they would be carried out again at every connect)", msg->topic);
		return;
	}
	if (msg->payloadlen == 0)
		return;		/* an empty message clears a retained one: nothing to do */
	const char *perr = NULL;
	if (msg->payloadlen < 0 || msg->payloadlen > MQTTFWD_CMD_MAX)
		why = "longer than 2048 bytes";
	else if (jp_parse(msg->payload, (size_t)msg->payloadlen, nodes,
	    sizeof(nodes) / sizeof(nodes[0]), arena, sizeof(arena), &perr) < 0)
		why = perr != NULL ? perr : "not JSON";
	else if (nodes[0].type != JP_OBJECT)
		why = "not a JSON object";
	else if (jp_get_string(nodes, &nodes[0], "alert", &alert) != 0 || alert[0] == '\0')
		why = "no \"alert\" string";
	else if (jp_get_string(nodes, &nodes[0], "by", &by) != 0 || by[0] == '\0')
		why = "no \"by\" string: say who acknowledges";
	else if (jp_get(nodes, &nodes[0], "note") != NULL &&
	    jp_get_string(nodes, &nodes[0], "note", &note) != 0)
		why = "\"note\" is not a string";
	else if (strlen(alert) >= sizeof(c->alert) || strlen(by) >= sizeof(c->by) - 5 ||
	    strlen(note) >= sizeof(c->note))
		why = "a field is too long";
	else if (f->ncmd == MQTTFWD_CMDS)
		why = "too many commands at once";
	if (why != NULL) {
		log_warn("mqtt: ignored a malformed command on %s: %s", msg->topic, why);
		return;
	}
	c = &f->cmd[f->ncmd++];
	snprintf(c->alert, sizeof(c->alert), "%s", alert);
	snprintf(c->by, sizeof(c->by), "mqtt:%s", by);
	snprintf(c->note, sizeof(c->note), "%s", note);
}

/* Carry out the commands that came, and publish each outcome. */
static void
run_commands(struct mqttfwd *f)
{
	for (size_t i = 0; i < f->ncmd; i++) {
		const struct mqtt_cmd *c = &f->cmd[i];
		char reply[256];
		struct json_obj o;
		int rc = f->cmds->ack(f->cmds->arg, c->alert, c->by, c->note, reply, sizeof(reply));

		log_info("mqtt: ack '%s' by %s: %s", c->alert, c->by, reply);
		sb_reset(&f->payload);
		json_obj_begin(&o, &f->payload);
		json_obj_str(&o, "cmd", "ack");
		json_obj_str(&o, "alert", c->alert);
		json_obj_bool(&o, "ok", rc >= 0);
		json_obj_str(&o, "message", reply);
		if (json_obj_end(&o) == 0 && f->mosq != NULL)
			mosquitto_publish(f->mosq, NULL, f->result_topic, (int)f->payload.len,
			    f->payload.data, 1, false);
	}
	f->ncmd = 0;
}

/* libmosquitto says why a TLS handshake failed only in its log: keep the last error. */
static void
on_log(struct mosquitto *m, void *arg, int level, const char *text)
{
	struct mqttfwd *f = arg;

	(void)m;
	if (level & MOSQ_LOG_ERR)
		snprintf(f->lib_error, sizeof(f->lib_error), "%s", text);
}

static void
on_publish(struct mosquitto *m, void *arg, int mid, int reason, const mosquitto_property *props)
{
	struct mqttfwd *f = arg;

	(void)m;
	(void)props;
	/*
	 * Message ids are 16 bits and come round again after 65535 messages:
	 * the status's is forgotten once acknowledged, or the reading that
	 * gets it next would never be.
	 */
	if (mid == f->status_mid) {
		f->status_acked = true;
		f->status_mid = -1;
		return;
	}
	if (!ackring_ack(&f->ring, mid))
		return;
	f->last_progress_ms = now_mono_ms();
	/* Counted here, published to the stats once per network round. */
	f->acked_unreported++;
	if (reason >= 0x80)
		f->rejected_unreported++;
	/* MQTT 5: the broker may refuse a message (not authorized, quota). */
	if (reason >= 0x80)
		log_warn("mqtt: the broker refused a reading (reason %d: %s); it is not sent again",
		    reason, mosquitto_reason_string(reason));
}

/* Drop the client object and what it held; the next attempt makes a new one. */
static void
client_discard(struct mqttfwd *f)
{
	if (f->mosq != NULL)
		mosquitto_destroy(f->mosq);
	f->mosq = NULL;
	f->mosq_connected_once = false;
	ackring_clear(&f->ring);
	f->sent_seq = ackring_done(&f->ring, 0);
	f->sent_ev_seq = ackring_done(&f->ring, 1);
	f->status_mid = -1;
	f->link = LINK_DOWN;
	pthread_mutex_lock(&f->mu);
	f->stats.connected = false;
	pthread_mutex_unlock(&f->mu);
}

/*
 * Username and password on the client, the password (re)read from its file:
 * after the broker refused them the file is read again, so an operator who
 * fixes it needs no restart.  False, counted and logged on failure.
 */
static bool
apply_credentials(struct mqttfwd *f)
{
	const struct conf_mqtt *c = &f->cfg;
	char err[300];
	int rc;

	if (c->username[0] == '\0' || f->have_password)
		return true;
	f->password[0] = '\0';
	if (c->password_file[0] != '\0' &&
	    secret_read(c->password_file, f->password, sizeof(f->password), err, sizeof(err)) != 0) {
		attempt_failed(f, err);
		return false;
	}
	rc = mosquitto_username_pw_set(f->mosq, c->username,
	    c->password_file[0] != '\0' ? f->password : NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		attempt_failed(f, mosquitto_strerror(rc));
		return false;
	}
	f->have_password = true;
	return true;
}

/* A new client object with the will, credentials and TLS set; false and logged on failure. */
static bool
client_make(struct mqttfwd *f)
{
	const struct conf_mqtt *c = &f->cfg;
	char err[300];
	int rc;

	f->mosq = mosquitto_new(c->client_id, true, f);
	if (f->mosq == NULL) {
		attempt_failed(f, "cannot create an MQTT client: out of memory");
		return false;
	}
	mosquitto_int_option(f->mosq, MOSQ_OPT_PROTOCOL_VERSION,
	    c->protocol == CONF_MQTT_V5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
	/* libmosquitto's own limit at ours: it never queues more than it may send. */
	mosquitto_int_option(f->mosq, MOSQ_OPT_SEND_MAXIMUM, (int)c->max_inflight);
	mosquitto_connect_callback_set(f->mosq, on_connect);
	mosquitto_disconnect_callback_set(f->mosq, on_disconnect);
	mosquitto_publish_v5_callback_set(f->mosq, on_publish);
	mosquitto_log_callback_set(f->mosq, on_log);
	mosquitto_message_callback_set(f->mosq, on_message);

	rc = mosquitto_will_set(f->mosq, f->status_topic, 7, "offline", c->qos > 0 ? c->qos : 1, true);
	if (rc == MOSQ_ERR_SUCCESS && !apply_credentials(f)) {
		client_discard(f);
		return false;
	}
	/* libmosquitto reads the client's TLS key itself: checked as every secret is, first. */
	if (rc == MOSQ_ERR_SUCCESS && c->tls && c->tls_key_file[0] != '\0' &&
	    secret_check(c->tls_key_file, err, sizeof(err)) != 0) {
		client_discard(f);
		attempt_failed(f, err);
		return false;
	}
	if (rc == MOSQ_ERR_SUCCESS && c->tls) {
		rc = mosquitto_tls_set(f->mosq, c->tls_ca_file[0] ? c->tls_ca_file : NULL,
		    c->tls_ca_path[0] ? c->tls_ca_path : NULL,
		    c->tls_cert_file[0] ? c->tls_cert_file : NULL,
		    c->tls_key_file[0] ? c->tls_key_file : NULL, NULL);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_tls_opts_set(f->mosq, 1, c->tls_version, NULL);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_tls_insecure_set(f->mosq, !c->tls_verify_hostname);
	}
	if (rc != MOSQ_ERR_SUCCESS) {
		snprintf(err, sizeof(err), "cannot set up the MQTT client: %s",
		    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		client_discard(f);
		attempt_failed(f, err);
		return false;
	}
	return true;
}

/* Start a (re)connection; its outcome arrives through the callbacks. */
static void
connect_start(struct mqttfwd *f)
{
	char why[200];
	int rc;

	if (f->mosq == NULL && !client_make(f))
		return;
	if (!apply_credentials(f))
		return;
	if (!f->mosq_connected_once)
		rc = mosquitto_connect_async(f->mosq, f->cfg.host, (int)f->cfg.port,
		    (int)(f->cfg.keepalive_ms / 1000));
	else
		rc = mosquitto_reconnect_async(f->mosq);
	if (rc != MOSQ_ERR_SUCCESS) {
		snprintf(why, sizeof(why), "cannot connect: %s",
		    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
		attempt_failed(f, why);
		return;
	}
	f->mosq_connected_once = true;
	f->link = LINK_CONNECTING;
	f->attempt_started_ms = now_mono_ms();
}

/* Publish one message of the alert stream; false when libmosquitto did not take it. */
static bool
publish_alert_msg(struct mqttfwd *f, const char *topic, bool retain, int64_t seq)
{
	int qos = f->cfg.qos > 0 ? f->cfg.qos : 1;	/* alerts are never fire-and-forget */
	int mid = -1;
	int rc = mosquitto_publish_v5(f->mosq, &mid, topic, (int)f->payload.len, f->payload.data,
	    qos, retain, NULL);

	if (rc == MOSQ_ERR_SUCCESS || rc == MOSQ_ERR_NO_CONN) {
		ackring_push(&f->ring, mid, 1, seq);
		return true;
	}
	if (rc == MOSQ_ERR_NOMEM)
		return false;
	log_warn("mqtt: alert event %lld cannot be published on %s: %s", (long long)seq, topic,
	    mosquitto_strerror(rc));
	ackring_push(&f->ring, -1, 1, seq);
	ackring_ack(&f->ring, -1);
	return true;
}

/* The current state of every alert of the event's point (or device), for its retained topic. */
static size_t
alert_states(struct mqttfwd *f, const struct store_alert_event *e, struct store_alert *out)
{
	size_t n = 0;

	for (int k = 0; k < ALERT_NKINDS; k++) {
		char id[STORE_ALERT_ID_MAX];

		if ((k == ALERT_COMM) != (e->point[0] == '\0'))
			continue;
		if (store_alert_id(id, sizeof(id), e->device, e->point, (enum alert_kind)k) == 0 &&
		    store_alert_get(f->st, id, &out[n]) == 0)
			n++;
	}
	return n;
}

/*
 * Alert events after sent_ev_seq, before any backlog of readings: for each,
 * the retained state of its point, then the event.  Each takes two places
 * in flight.
 */
static void
publish_events(struct mqttfwd *f)
{
	struct store_alert_event ev[16];
	struct store_alert states[ALERT_NKINDS];
	char topic[MQTTMSG_TOPIC_MAX];

	while (f->link == LINK_UP && f->ring.cap - ackring_count(&f->ring) >= 2 &&
	    (f->draining || !atomic_load(&f->stop))) {
		size_t room = (f->ring.cap - ackring_count(&f->ring)) / 2;
		int n = store_alert_read_after(f->st, f->sent_ev_seq, ev,
		    room < 16 ? room : 16);

		if (n < 0)
			log_warn("mqtt: reading the alert journal: %s", store_errmsg(f->st));
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			const struct store_alert_event *e = &ev[i];
			size_t ns = alert_states(f, e, states);

			sb_reset(&f->payload);
			if (mqttmsg_alert_topic(topic, sizeof(topic), f->cfg.topic_root, e->station,
			    e->device, e->point) == 0 &&
			    mqttmsg_alert_payload(&f->payload, e->device, e->point, states, ns) == 0 &&
			    !publish_alert_msg(f, topic, true, e->seq))
				return;
			sb_reset(&f->payload);
			if (mqttmsg_events_topic(topic, sizeof(topic), f->cfg.topic_root, e->station) == 0 &&
			    mqttmsg_event_payload(&f->payload, e) == 0 &&
			    !publish_alert_msg(f, topic, false, e->seq))
				return;
			f->sent_ev_seq = e->seq;
		}
	}
}

/* Count n more readings handed over, in the stats. */
static void
count_sent(struct mqttfwd *f, uint64_t n)
{
	if (n == 0)
		return;
	pthread_mutex_lock(&f->mu);
	f->stats.sent += n;
	f->stats.requests += n;
	pthread_mutex_unlock(&f->mu);
}

/* Hand readings after sent_seq to libmosquitto while there is room in flight. */
static void
publish_backlog(struct mqttfwd *f)
{
	char topic[MQTTMSG_TOPIC_MAX];
	uint64_t sent = 0;

	while (f->link == LINK_UP && !ackring_full(&f->ring) &&
	    (f->draining || !atomic_load(&f->stop))) {
		size_t room = f->ring.cap - ackring_count(&f->ring);
		int n = store_read_after(f->st, f->sent_seq, f->rows,
		    room < MQTTFWD_READ_ROWS ? room : MQTTFWD_READ_ROWS);

		if (n < 0) {
			log_warn("mqtt: reading the store: %s", store_errmsg(f->st));
			break;
		}
		for (int i = 0; i < n; i++) {
			const struct store_row *row = &f->rows[i];
			int mid = -1, rc;

			sb_reset(&f->payload);
			rc = mqttmsg_reading_topic(topic, sizeof(topic), f->cfg.topic_root,
			    row->station, &row->r);
			if (rc == 0)
				rc = mqttmsg_reading_payload(&f->payload, &row->r);
			if (rc == 0) {
				rc = mosquitto_publish_v5(f->mosq, &mid, topic, (int)f->payload.len,
				    f->payload.data, f->cfg.qos, f->cfg.retain, NULL);
				if (rc == MOSQ_ERR_NO_CONN && f->cfg.qos > 0)
					rc = MOSQ_ERR_SUCCESS;	/* queued all the same */
				else if (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_NOMEM)
					goto out;		/* not taken: try again later */
			} else {
				rc = MOSQ_ERR_INVAL;
			}
			if (rc == MOSQ_ERR_SUCCESS) {
				ackring_push(&f->ring, mid, 0, row->seq);
			} else {
				/* It can never be sent (oversize, bad name): skip it, loudly. */
				log_warn("mqtt: reading %lld (%s.%s) cannot be published: %s",
				    (long long)row->seq, row->r.device, row->r.point,
				    mosquitto_strerror(rc));
				ackring_push(&f->ring, -1, 0, row->seq);
				ackring_ack(&f->ring, -1);
				pthread_mutex_lock(&f->mu);
				f->stats.rejected++;
				pthread_mutex_unlock(&f->mu);
			}
			f->sent_seq = row->seq;
			sent++;
		}
		if ((size_t)n < (room < MQTTFWD_READ_ROWS ? room : MQTTFWD_READ_ROWS))
			break;		/* caught up */
	}
out:
	count_sent(f, sent);
}

/*
 * Write the cursors when they moved, at most every MQTTFWD_PERSIST_MS unless
 * forced.  Unforced, a store busy with a commit is tried again shortly
 * rather than waited for: the PUBACKs keep coming meanwhile.
 */
static void
persist_cursor(struct mqttfwd *f, bool force)
{
	int (*set)(struct store *, const char *, int64_t) =
	    force ? store_cursor_set : store_cursor_try_set;
	int64_t done = ackring_done(&f->ring, 0), done_ev = ackring_done(&f->ring, 1);
	int64_t now = now_mono_ms();
	int err = 0;

	if ((done <= f->persisted_seq && done_ev <= f->persisted_ev_seq) ||
	    (!force && now - f->persisted_ms < MQTTFWD_PERSIST_MS))
		return;
	if (done > f->persisted_seq && (err = set(f->st, MQTTFWD_CURSOR, done)) == 0)
		f->persisted_seq = done;
	if (err == 0 && done_ev > f->persisted_ev_seq &&
	    (err = set(f->st, MQTTFWD_EVENTS_CURSOR, done_ev)) == 0)
		f->persisted_ev_seq = done_ev;
	if (err == -EBUSY && !force) {
		f->persisted_ms = now - MQTTFWD_PERSIST_MS + MQTTFWD_BUSY_RETRY_MS;
		return;
	}
	if (err != 0)
		log_warn("mqtt: saving the cursor: %s", store_errmsg(f->st));
	f->persisted_ms = now;
}

/*
 * One round of the network loop: wait on the broker's socket, the journal and
 * the stop signal until something happens or timeout_ms passes, then let
 * libmosquitto read, write and keep the connection alive.
 */
static void
network_round(struct mqttfwd *f, int64_t timeout_ms)
{
	struct pollfd pfd[3];
	int sock = f->mosq != NULL ? mosquitto_socket(f->mosq) : -1;
	nfds_t n = 0;
	int si = -1;

	pfd[n++] = (struct pollfd){ .fd = wake_fd(f->stop_wake), .events = POLLIN };
	pfd[n++] = (struct pollfd){ .fd = wake_fd(f->journal), .events = POLLIN };
	if (sock >= 0) {
		si = (int)n;
		pfd[n++] = (struct pollfd){ .fd = sock,
		    .events = (short)(POLLIN | (mosquitto_want_write(f->mosq) ? POLLOUT : 0)) };
	}
	if (timeout_ms < 0)
		timeout_ms = 0;
	if (poll(pfd, n, (int)(timeout_ms > 60000 ? 60000 : timeout_ms)) < 0)
		return;
	atomic_store(&f->heartbeat_ms, now_mono_ms());
	if (pfd[1].revents & POLLIN)
		wake_clear(f->journal);
	if (si >= 0 && f->mosq != NULL) {
		int rc = MOSQ_ERR_SUCCESS;

		if (pfd[si].revents & (POLLIN | POLLERR | POLLHUP))
			rc = mosquitto_loop_read(f->mosq, 1);
		if (rc == MOSQ_ERR_SUCCESS && mosquitto_socket(f->mosq) >= 0 &&
		    (pfd[si].revents & POLLOUT))
			rc = mosquitto_loop_write(f->mosq, 1);
		/*
		 * A failed TLS handshake closes the socket without on_disconnect:
		 * the failure is known only from here.
		 */
		if (rc != MOSQ_ERR_SUCCESS && f->link != LINK_DOWN && mosquitto_socket(f->mosq) < 0) {
			char why[420];

			snprintf(why, sizeof(why), "%s: %s%s%s",
			    f->link == LINK_UP ? "connection lost" : "cannot connect",
			    rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc),
			    f->lib_error[0] ? " " : "", f->lib_error);
			f->lib_error[0] = '\0';
			attempt_failed(f, why);
		}
	}
	if (f->acked_unreported > 0) {
		pthread_mutex_lock(&f->mu);
		f->stats.acked += f->acked_unreported;
		f->stats.rejected += f->rejected_unreported;
		f->stats.last_ack_ms = now_wall_ms();
		f->stats.cursor = ackring_done(&f->ring, 0);
		pthread_mutex_unlock(&f->mu);
		f->acked_unreported = f->rejected_unreported = 0;
	}
	if (f->mosq != NULL && mosquitto_socket(f->mosq) >= 0 && now_mono_ms() >= f->next_misc_ms) {
		mosquitto_loop_misc(f->mosq);
		f->next_misc_ms = now_mono_ms() + f->cfg.keepalive_ms / 4;
	}
}

/* Supervision: a handshake that hangs, or acknowledgements that stopped. */
static void
supervise(struct mqttfwd *f)
{
	int64_t now = now_mono_ms();
	/* A broker that sends nothing back for this long is not coming back on this client. */
	int64_t ack_timeout = f->cfg.keepalive_ms * 2 > 30000 ? f->cfg.keepalive_ms * 2 : 30000;

	if (f->link == LINK_CONNECTING && now - f->attempt_started_ms > f->cfg.connect_timeout_ms) {
		client_discard(f);
		attempt_failed(f, "no answer from the broker within the connect timeout");
		return;
	}
	if (f->link == LINK_UP && (f->mosq == NULL || mosquitto_socket(f->mosq) < 0)) {
		attempt_failed(f, "the connection closed");
		return;
	}
	if (f->link == LINK_UP && ackring_count(&f->ring) > 0 &&
	    now - f->last_progress_ms > ack_timeout) {
		log_warn("mqtt: no acknowledgement for %lld s with %zu messages outstanding; "
		    "reconnecting and sending again from the last acknowledged reading",
		    (long long)(ack_timeout / 1000), ackring_count(&f->ring));
		client_discard(f);
		attempt_failed(f, "acknowledgements stopped");
	}
}

/* How long the loop may sleep. */
static int64_t
sleep_ms(const struct mqttfwd *f)
{
	int64_t now = now_mono_ms(), t = f->cfg.keepalive_ms / 4;
	int64_t persist = f->persisted_ms + MQTTFWD_PERSIST_MS - now;

	if (f->link == LINK_DOWN)
		t = f->next_attempt_ms - now;
	else if (f->link == LINK_CONNECTING)
		t = f->attempt_started_ms + f->cfg.connect_timeout_ms - now + 1;
	if ((f->persisted_seq < ackring_done(&f->ring, 0) ||
	    f->persisted_ev_seq < ackring_done(&f->ring, 1)) && t > persist)
		t = persist;
	return t < 0 ? 0 : t;
}

/* At stop: outstanding acknowledgements, the cursor, `offline`, DISCONNECT. */
static void
shut_down(struct mqttfwd *f)
{
	int64_t until = now_mono_ms() + MQTTFWD_DRAIN_MS;

	/* What the core committed last is sent too, as long as the broker keeps up. */
	f->draining = true;
	do {
		publish_events(f);
		publish_backlog(f);
		if (ackring_count(&f->ring) == 0)
			break;
		network_round(f, 50);
	} while (f->link == LINK_UP && now_mono_ms() < until);
	f->draining = false;
	persist_cursor(f, true);
	if (f->link == LINK_UP) {
		publish_status(f, "offline");
		until = now_mono_ms() + MQTTFWD_BYE_MS;
		while (f->link == LINK_UP && !f->status_acked && now_mono_ms() < until)
			network_round(f, 50);
		mosquitto_disconnect(f->mosq);
		until = now_mono_ms() + MQTTFWD_BYE_MS;
		while (f->mosq != NULL && mosquitto_socket(f->mosq) >= 0 &&
		    mosquitto_want_write(f->mosq) && now_mono_ms() < until)
			network_round(f, 50);
	}
}

/* Open the store and read the cursor, retrying until it works or we stop. */
static bool
open_store(struct mqttfwd *f)
{
	int64_t cursor = 0, ev_cursor = 0;

	if (fwdstore_open(f->store_path, MQTTFWD_CURSOR, "mqtt", wake_fd(f->stop_wake), &f->stop,
	    &f->st, &cursor) != 0)
		return false;
	if (store_cursor_get(f->st, MQTTFWD_EVENTS_CURSOR, &ev_cursor) != 0)
		log_warn("mqtt: reading the alert cursor: %s; starting from the first event",
		    store_errmsg(f->st));
	int64_t done[ACKRING_STREAMS] = { cursor, ev_cursor };
	if (ackring_init(&f->ring, f->cfg.max_inflight < 2 ? 2 : f->cfg.max_inflight, done) != 0)
		return false;
	f->sent_seq = f->persisted_seq = cursor;
	f->sent_ev_seq = f->persisted_ev_seq = ev_cursor;
	pthread_mutex_lock(&f->mu);
	f->stats.cursor = cursor;
	pthread_mutex_unlock(&f->mu);
	return true;
}

static void *
mqttfwd_main(void *arg)
{
	struct mqttfwd *f = arg;

	thread_name("mqtt");
	if (!open_store(f))
		goto out;
	f->next_attempt_ms = now_mono_ms();
	while (!atomic_load(&f->stop)) {
		atomic_store(&f->heartbeat_ms, now_mono_ms());
		if (f->link == LINK_DOWN && now_mono_ms() >= f->next_attempt_ms)
			connect_start(f);
		publish_events(f);
		publish_backlog(f);
		persist_cursor(f, false);
		network_round(f, f->ncmd > 0 ? 0 : sleep_ms(f));
		if (f->ncmd > 0)
			run_commands(f);
		supervise(f);
	}
	shut_down(f);
out:
	if (f->mosq != NULL)
		mosquitto_destroy(f->mosq);
	f->mosq = NULL;
	store_close(f->st);
	f->st = NULL;
	return NULL;
}

int
mqttfwd_start(const struct conf *conf, struct wake *journal, const struct mqttfwd_cmds *cmds,
    struct mqttfwd **ret)
{
	struct mqttfwd *f = calloc(1, sizeof(*f));
	int rc;

	if (f == NULL)
		return -ENOMEM;
	f->cfg = conf->mqtt;
	snprintf(f->station, sizeof(f->station), "%s", conf->station.id);
	snprintf(f->store_path, sizeof(f->store_path), "%s", conf->store.path);
	f->journal = journal;
	f->cmds = cmds;
	f->status_mid = -1;
	atomic_init(&f->stop, false);
	failrun_init(&f->failrun, MQTTFWD_REMIND_MS);
	backoff_init(&f->backoff, MQTTFWD_BACKOFF_MIN_MS, MQTTFWD_BACKOFF_MAX_MS,
	    (uint64_t)now_wall_ms() ^ ((uint64_t)getpid() << 32));
	sb_init(&f->payload);
	rc = mqttmsg_status_topic(f->status_topic, sizeof(f->status_topic), f->cfg.topic_root,
	    f->station);
	if (rc == 0)
		rc = mqttmsg_cmd_topic(f->ack_topic, sizeof(f->ack_topic), f->cfg.topic_root,
		    f->station, "ack");
	if (rc == 0)
		rc = mqttmsg_cmd_topic(f->result_topic, sizeof(f->result_topic), f->cfg.topic_root,
		    f->station, "result");
	f->rows = calloc(MQTTFWD_READ_ROWS, sizeof(*f->rows));
	if (rc == 0 && f->rows == NULL)
		rc = -ENOMEM;
	if (rc == 0)
		rc = wake_new(&f->stop_wake);
	if (rc != 0) {
		free(f->rows);
		free(f);
		return rc;
	}
	pthread_mutex_init(&f->mu, NULL);
	atomic_store(&f->heartbeat_ms, now_mono_ms());
	rc = pthread_create(&f->thread, NULL, mqttfwd_main, f);
	if (rc != 0) {
		pthread_mutex_destroy(&f->mu);
		wake_free(f->stop_wake);
		free(f->rows);
		free(f);
		return -rc;
	}
	*ret = f;
	return 0;
}

void
mqttfwd_stop(struct mqttfwd *f)
{
	if (f == NULL)
		return;
	atomic_store(&f->stop, true);
	wake_signal(f->stop_wake);
	pthread_join(f->thread, NULL);
	ackring_free(&f->ring);
	sb_free(&f->payload);
	explicit_bzero(f->password, sizeof(f->password));
	wake_free(f->stop_wake);
	pthread_mutex_destroy(&f->mu);
	free(f->rows);
	free(f);
}

void
mqttfwd_get_stats(struct mqttfwd *f, struct fwd_stats *ret)
{
	pthread_mutex_lock(&f->mu);
	*ret = f->stats;
	pthread_mutex_unlock(&f->mu);
}

int64_t
mqttfwd_heartbeat(struct mqttfwd *f)
{
	return atomic_load(&f->heartbeat_ms);
}
