/* SPDX-License-Identifier: MIT */
/*
 * The control socket (see ctl.h for the protocol): the server's thread,
 * which owns the listening socket and the one client it serves at a time,
 * and the client the lakewatch tool uses.  The thread polls the listening
 * socket together with a wake eventfd, and every wait for a client does
 * too, so ctl_stop is answered at once, whatever a client does.
 */
#define _GNU_SOURCE	/* struct ucred (SO_PEERCRED), accept4, strerror_r returning char * */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "duration.h"
#include "json.h"
#include "jsonparse.h"
#include "log.h"
#include "now.h"
#include "strbuf.h"
#include "threadname.h"
#include "utf8.h"
#include "wake.h"

#ifndef LW_VERSION
#define LW_VERSION	"unknown"
#endif

#define SUN_PATH_MAX	sizeof(((struct sockaddr_un *)NULL)->sun_path)
#define STATION_MAX	64
#define BACKLOG		16
#define QUOTE_MAX	48		/* bytes of a client's text quoted in a message */
#define ACCEPT_PAUSE_MS	100		/* after accept failed for want of descriptors */

struct ctl {
	int			 lfd;			/* listening socket */
	struct wake		*wake;			/* signalled by ctl_stop */
	pthread_t		 thread;
	bool			 running;		/* thread started */
	char			 path[SUN_PATH_MAX];
	dev_t			 dev;			/* of the socket file made */
	ino_t			 ino;
	char			 station[STATION_MAX];
	struct ctl_handlers	 h;
	/* The request being served, and its tree. */
	char			 buf[CTL_REQUEST_MAX];
	struct jp_node		 nodes[JP_NODES_FOR(CTL_REQUEST_MAX)];
	char			 arena[CTL_REQUEST_MAX + 1];
};

/* Who is connected. */
struct peer {
	uid_t			 uid;
	pid_t			 pid;			/* 0 when unknown */
	char			 who[CTL_WHO_MAX];
};

/* One request as the commands see it, and what they make of it. */
struct request {
	struct ctl		*c;
	const struct peer	*peer;
	const struct jp_node	*nodes;
	const struct jp_node	*root;
	const char		*cmd;
};

struct outcome {
	struct strbuf		 reply;			/* a command's own reply, or empty */
	char			 what[512];		/* the request, for the log */
	char			 msg[CTL_MESSAGE_MAX];	/* for people: what was done, or why not */
	bool			 question;		/* it changes nothing: logged at debug */
};

struct command {
	const char		*name;
	const char *const	*fields;		/* besides "cmd"; NULL-terminated */
	int			(*run)(const struct request *, struct outcome *);
};

static int	cmd_ping(const struct request *, struct outcome *);
static int	cmd_ack(const struct request *, struct outcome *);
static int	cmd_maintenance(const struct request *, struct outcome *);
static int	cmd_status(const struct request *, struct outcome *);
static int	cmd_reload(const struct request *, struct outcome *);

static const char *const ping_fields[] = { NULL };
static const char *const ack_fields[] = { "alert", "note", NULL };
static const char *const maint_fields[] = { "device", "state", "for", NULL };

/* The commands: a new one is a function and a line here. */
static const struct command commands[] = {
	{ "ping", ping_fields, cmd_ping },
	{ "ack", ack_fields, cmd_ack },
	{ "maintenance", maint_fields, cmd_maintenance },
	{ "status", ping_fields, cmd_status },
	{ "reload", ping_fields, cmd_reload },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* printf into a fixed buffer (truncated, always terminated). */
static void
setf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
setf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (len == 0)
		return;
	va_start(ap, fmt);
	if (vsnprintf(buf, len, fmt, ap) < 0)
		buf[0] = '\0';
	va_end(ap);
}

static const char *
errstr(int err, char *buf, size_t len)
{
	return strerror_r(err, buf, len);
}

/*
 * A client's text to quote in a message: at most QUOTE_MAX bytes, cut on a
 * character boundary (a reply must stay valid UTF-8), "..." when cut.
 */
static const char *
quote(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s);

	if (n <= QUOTE_MAX || len < QUOTE_MAX + 4) {
		setf(buf, len, "%s", s);
		return buf;
	}
	n = QUOTE_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	setf(buf, len, "%.*s...", (int)n, s);
	return buf;
}

/* Refuse a request: the message; returns -1 for the command to return. */
static int
refuse(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
refuse(struct outcome *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(o->msg, sizeof(o->msg), fmt, ap) < 0)
		setf(o->msg, sizeof(o->msg), "refused");
	va_end(ap);
	return -1;
}

static const char *
a_type(enum jp_type t)
{
	switch (t) {
	case JP_NULL: return "null";
	case JP_BOOL: return "a boolean";
	case JP_NUMBER: return "a number";
	case JP_STRING: return "a string";
	case JP_ARRAY: return "an array";
	case JP_OBJECT: return "an object";
	}
	return "?";
}

static bool
has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/*
 * A string member of the request: 0 and *ret (NULL when absent and not
 * required), or -1 having refused the request.
 */
static int
field_string(const struct request *r, struct outcome *o, const char *key, bool required,
    bool empty_ok, size_t max, const char **ret)
{
	const struct jp_node *m = jp_get(r->nodes, r->root, key);

	*ret = NULL;
	if (m == NULL)
		return required ? refuse(o, "%s needs \"%s\"", r->cmd, key) : 0;
	if (m->type != JP_STRING)
		return refuse(o, "\"%s\" must be a string, not %s", key, a_type(m->type));
	if (m->len == 0 && !empty_ok)
		return refuse(o, "\"%s\" must not be empty", key);
	if (m->len >= max)
		return refuse(o, "\"%s\" is longer than %zu bytes", key, max - 1);
	if (has_control(m->str, m->len))
		return refuse(o, "\"%s\" must be one line of text, without control characters", key);
	*ret = m->str;
	return 0;
}

/* Every member of the request is "cmd" or one of the command's fields. */
static int
check_fields(const struct request *r, const struct command *cmd, struct outcome *o)
{
	char q[QUOTE_MAX + 4], list[128];
	size_t used = 0;

	for (const struct jp_node *m = jp_child(r->nodes, r->root); m != NULL;
	    m = jp_next(r->nodes, m)) {
		bool known = strcmp(m->key, "cmd") == 0;

		for (size_t i = 0; !known && cmd->fields[i] != NULL; i++)
			known = strcmp(m->key, cmd->fields[i]) == 0;
		if (known)
			continue;
		if (strcmp(m->key, "by") == 0)
			return refuse(o, "\"by\" is not taken from a request: who asks is the user "
			    "connected");
		list[0] = '\0';
		for (size_t i = 0; cmd->fields[i] != NULL && used < sizeof(list); i++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
			    i ? ", " : "", cmd->fields[i]);
		if (cmd->fields[0] == NULL)
			return refuse(o, "unknown field \"%s\" (%s takes no other)",
			    quote(m->key, q, sizeof(q)), cmd->name);
		return refuse(o, "unknown field \"%s\" (%s takes %s)", quote(m->key, q, sizeof(q)),
		    cmd->name, list);
	}
	return 0;
}

static int
cmd_ping(const struct request *r, struct outcome *o)
{
	struct strbuf *sb = &o->reply;

	setf(o->what, sizeof(o->what), "ping");
	o->question = true;
	if (sb_appends(sb, "{\"ok\":true,\"station\":") != 0 ||
	    json_string(sb, r->c->station) != 0 || sb_appends(sb, ",\"version\":") != 0 ||
	    json_string(sb, LW_VERSION) != 0 || sb_appends(sb, "}") != 0) {
		sb_reset(sb);
		return refuse(o, "the reply could not be made");
	}
	setf(o->msg, sizeof(o->msg), "pong");
	return 0;
}

/* After a handler: its message, made sure to be one valid UTF-8 string. */
static int
handled(struct outcome *o, int rc, const char *what)
{
	char e[128];

	o->msg[sizeof(o->msg) - 1] = '\0';
	if (!utf8_valid(o->msg, strlen(o->msg)))
		o->msg[0] = '\0';
	if (rc >= 0) {
		if (o->msg[0] == '\0')
			setf(o->msg, sizeof(o->msg), "%s: done", what);
		return 0;
	}
	if (o->msg[0] == '\0')
		setf(o->msg, sizeof(o->msg), "%s", errstr(-rc, e, sizeof(e)));
	return -1;
}

static int
cmd_ack(const struct request *r, struct outcome *o)
{
	const struct ctl_handlers *h = &r->c->h;
	const char *target, *note;

	setf(o->what, sizeof(o->what), "ack");
	if (field_string(r, o, "alert", true, false, CTL_NAME_MAX, &target) != 0 ||
	    field_string(r, o, "note", false, true, CTL_NOTE_MAX, &note) != 0)
		return -1;
	if (note == NULL)
		note = "";
	if (note[0] != '\0')
		setf(o->what, sizeof(o->what), "ack '%s' (note '%s')", target, note);
	else
		setf(o->what, sizeof(o->what), "ack '%s'", target);
	if (h->ack == NULL)
		return refuse(o, "ack is not available");
	return handled(o, h->ack(h->arg, target, r->peer->who, note, o->msg, sizeof(o->msg)),
	    "ack");
}

/* {"ok":true,"message":"...","status":{...}}: the one reply that carries data. */
static int
cmd_status(const struct request *r, struct outcome *o)
{
	const struct ctl_handlers *h = &r->c->h;
	struct strbuf *sb = &o->reply;
	int rc;

	setf(o->what, sizeof(o->what), "status");
	o->question = true;
	if (h->status == NULL)
		return refuse(o, "status is not available");
	setf(o->msg, sizeof(o->msg), "status");
	if (sb_appends(sb, "{\"ok\":true,\"message\":\"status\",\"status\":") != 0) {
		sb_reset(sb);
		return refuse(o, "out of memory");
	}
	rc = h->status(h->arg, sb, o->msg, sizeof(o->msg));
	if (rc != 0 || sb_appendc(sb, '}') != 0) {
		sb_reset(sb);
		return handled(o, rc != 0 ? rc : -ENOMEM, "status");
	}
	return 0;
}

static int
cmd_reload(const struct request *r, struct outcome *o)
{
	const struct ctl_handlers *h = &r->c->h;

	setf(o->what, sizeof(o->what), "reload");
	if (h->reload == NULL)
		return refuse(o, "reload is not available");
	return handled(o, h->reload(h->arg, r->peer->who, o->msg, sizeof(o->msg)), "reload");
}

static int
cmd_maintenance(const struct request *r, struct outcome *o)
{
	const struct ctl_handlers *h = &r->c->h;
	const char *device, *state, *dur;
	int64_t for_ms = 0;
	char q[QUOTE_MAX + 4];
	bool on;

	setf(o->what, sizeof(o->what), "maintenance");
	if (field_string(r, o, "device", true, false, CTL_NAME_MAX, &device) != 0 ||
	    field_string(r, o, "state", true, false, CTL_NAME_MAX, &state) != 0 ||
	    field_string(r, o, "for", false, false, CTL_NAME_MAX, &dur) != 0)
		return -1;
	if (strcmp(state, "on") == 0)
		on = true;
	else if (strcmp(state, "off") == 0)
		on = false;
	else
		return refuse(o, "\"state\" must be \"on\" or \"off\", not \"%s\"",
		    quote(state, q, sizeof(q)));
	if (dur != NULL) {
		if (!on)
			return refuse(o, "\"for\" goes only with \"state\":\"on\"");
		if (duration_parse(dur, &for_ms) != 0)
			return refuse(o, "\"for\" must be a duration like \"90m\" or \"2h\", not \"%s\"",
			    quote(dur, q, sizeof(q)));
		if (for_ms <= 0)
			return refuse(o, "\"for\" must be longer than 0");
	}
	setf(o->what, sizeof(o->what), "maintenance '%s' %s%s%s", device, state,
	    dur != NULL ? " for " : "", dur != NULL ? dur : "");
	if (h->maintenance == NULL)
		return refuse(o, "maintenance is not available");
	return handled(o, h->maintenance(h->arg, device, on, for_ms, r->peer->who, o->msg,
	    sizeof(o->msg)), "maintenance");
}

/* The request in c->buf (len bytes) to its outcome; 0 done, -1 refused. */
static int
dispatch(struct ctl *c, const struct peer *peer, size_t len, struct outcome *o)
{
	struct request r = { c, peer, c->nodes, c->nodes, NULL };
	const struct command *cmd = NULL;
	char q[QUOTE_MAX + 4], known[128];
	const char *why = "";
	size_t used = 0;
	int n;

	setf(o->what, sizeof(o->what), "a request");
	n = jp_parse(c->buf, len, c->nodes, sizeof(c->nodes) / sizeof(c->nodes[0]), c->arena,
	    sizeof(c->arena), &why);
	if (n == -EINVAL)
		return refuse(o, "the request is not valid JSON: %s", why);
	if (n < 0)
		return refuse(o, "the request cannot be read: %s", why);
	if (r.root->type != JP_OBJECT)
		return refuse(o, "a request is a JSON object, like {\"cmd\":\"ping\"}, not %s",
		    a_type(r.root->type));
	switch (jp_get_string(r.nodes, r.root, "cmd", &r.cmd)) {
	case 0:
		break;
	case -ENOENT:
		return refuse(o, "a request needs \"cmd\", like {\"cmd\":\"ping\"}");
	default:
		return refuse(o, "\"cmd\" must be a string, not %s",
		    a_type(jp_get(r.nodes, r.root, "cmd")->type));
	}
	for (size_t i = 0; i < NCOMMANDS && cmd == NULL; i++)
		if (strcmp(commands[i].name, r.cmd) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		known[0] = '\0';
		for (size_t i = 0; i < NCOMMANDS && used < sizeof(known); i++)
			used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
			    i ? ", " : "", commands[i].name);
		return refuse(o, "unknown command \"%s\" (there are %s)", quote(r.cmd, q, sizeof(q)),
		    known);
	}
	setf(o->what, sizeof(o->what), "%s", cmd->name);
	if (check_fields(&r, cmd, o) != 0)
		return -1;
	return cmd->run(&r, o);
}

/* The reply line of an outcome into sb. */
static void
reply_line(const struct outcome *o, int rc, struct strbuf *sb)
{
	int err = 0;

	if (rc == 0 && o->reply.len > 0) {
		err = sb_append(sb, o->reply.data, o->reply.len);
	} else {
		err = sb_appends(sb, rc == 0 ? "{\"ok\":true,\"message\":" : "{\"ok\":false,\"error\":");
		if (err == 0 && json_string(sb, o->msg) != 0)
			err = json_string(sb, rc == 0 ? "done" : "refused");
		if (err == 0)
			err = sb_appends(sb, "}");
	}
	if (err == 0)
		err = sb_appendc(sb, '\n');
	if (err != 0) {
		sb_reset(sb);
		sb_appends(sb, "{\"ok\":false,\"error\":\"out of memory\"}\n");
	}
}

/* Text for the log: control characters as '?', so a line stays one line. */
static void
clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/*
 * Wait until fd has events or the deadline passes: 0 ready, -ETIMEDOUT, or
 * -ECANCELED when ctl_stop asks the thread to end.
 */
static int
wait_fd(struct ctl *c, int fd, short events, int64_t deadline)
{
	struct pollfd p[2] = { { fd, events, 0 }, { wake_fd(c->wake), POLLIN, 0 } };

	for (;;) {
		int64_t left = deadline - now_mono_ms();
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(p, 2, (int)left);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		if (p[1].revents != 0)
			return -ECANCELED;
		if (p[0].revents != 0)
			return 0;
	}
}

/*
 * Read a request line into c->buf: 0 and its length (the '\n' not counted;
 * the end of the client's data ends a request too), -ENODATA when the
 * client sent nothing at all, -EMSGSIZE for a line over CTL_REQUEST_MAX,
 * -ETIMEDOUT, -ECANCELED, or the errno of recv.
 */
static int
read_request(struct ctl *c, int fd, size_t *ret_len)
{
	int64_t deadline = now_mono_ms() + CTL_IO_TIMEOUT_MS;
	size_t len = 0;

	for (;;) {
		ssize_t n;
		char *nl;
		int rc;

		if (len >= sizeof(c->buf))
			return -EMSGSIZE;
		if ((rc = wait_fd(c, fd, POLLIN, deadline)) != 0)
			return rc;
		n = recv(fd, c->buf + len, sizeof(c->buf) - len, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			if (len == 0)
				return -ENODATA;
			*ret_len = len;
			return 0;
		}
		nl = memchr(c->buf + len, '\n', (size_t)n);
		len += (size_t)n;
		if (nl != NULL) {
			*ret_len = (size_t)(nl - c->buf);
			return 0;
		}
	}
}

static int
write_all(struct ctl *c, int fd, const char *data, size_t len)
{
	int64_t deadline = now_mono_ms() + CTL_IO_TIMEOUT_MS;
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(fd, data + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		int rc;

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if ((rc = wait_fd(c, fd, POLLOUT, deadline)) != 0)
			return rc;
	}
	return 0;
}

/* Who is at the other end of fd: the user name of its uid, or "uid N". */
static void
peer_of(int fd, struct peer *p)
{
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	struct passwd pw, *res = NULL;
	char buf[2048];

	p->uid = (uid_t)-1;
	p->pid = 0;
	setf(p->who, sizeof(p->who), "unknown");
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) != 0 || crlen != sizeof(cr))
		return;
	p->uid = cr.uid;
	p->pid = cr.pid;
	if (getpwuid_r(cr.uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL &&
	    pw.pw_name != NULL && pw.pw_name[0] != '\0' && strlen(pw.pw_name) < sizeof(p->who) &&
	    !has_control(pw.pw_name, strlen(pw.pw_name)) &&
	    utf8_valid(pw.pw_name, strlen(pw.pw_name)))
		setf(p->who, sizeof(p->who), "%s", pw.pw_name);
	else
		setf(p->who, sizeof(p->who), "uid %u", (unsigned)cr.uid);
}

/* Serve the client on fd: read its request, answer, log. */
static void
serve_client(struct ctl *c, int fd)
{
	struct outcome o;
	struct strbuf line;
	struct peer peer;
	size_t len = 0;
	char e[128];
	int rc;

	peer_of(fd, &peer);
	memset(&o, 0, sizeof(o));
	sb_init(&o.reply);
	sb_init(&line);
	rc = read_request(c, fd, &len);
	switch (rc) {
	case 0:
		rc = dispatch(c, &peer, len, &o);
		clean(o.what);
		break;
	case -ECANCELED:
		return;
	case -ENODATA:
		/* Someone checking that the socket is alive (a starting daemon, say). */
		log_debug("control: %s (pid %d) connected and sent nothing", peer.who,
		    (int)peer.pid);
		return;
	case -ETIMEDOUT:
		setf(o.what, sizeof(o.what), "a request");
		rc = refuse(&o, "no whole request line within %d s", CTL_IO_TIMEOUT_MS / 1000);
		break;
	case -EMSGSIZE:
		setf(o.what, sizeof(o.what), "a request");
		rc = refuse(&o, "the request is longer than %d bytes", CTL_REQUEST_MAX);
		break;
	default:
		log_notice("control: reading the request of %s (pid %d): %s", peer.who,
		    (int)peer.pid, errstr(-rc, e, sizeof(e)));
		return;
	}
	reply_line(&o, rc, &line);
	clean(o.msg);
	if (rc == 0 && o.question)
		log_debug("control: %s (pid %d): %s: %s", peer.who, (int)peer.pid, o.what, o.msg);
	else
		log_info("control: %s (pid %d): %s: %s%s", peer.who, (int)peer.pid, o.what,
		    rc == 0 ? "" : "refused: ", o.msg);
	if (line.data != NULL && (rc = write_all(c, fd, line.data, line.len)) != 0 &&
	    rc != -ECANCELED)
		log_notice("control: sending the reply to %s (pid %d): %s", peer.who,
		    (int)peer.pid, errstr(-rc, e, sizeof(e)));
	sb_free(&line);
	sb_free(&o.reply);
}

static void *
serve(void *arg)
{
	struct ctl *c = arg;
	struct pollfd p[2] = { { c->lfd, POLLIN, 0 }, { wake_fd(c->wake), POLLIN, 0 } };
	bool complained = false;
	char e[128];

	thread_name("control");
	for (;;) {
		int fd, n = poll(p, 2, -1);

		if (n < 0 && errno != EINTR) {
			log_warn("control: poll: %s", errstr(errno, e, sizeof(e)));
			poll(&p[1], 1, ACCEPT_PAUSE_MS);
		}
		if (p[1].revents != 0)
			break;
		if (n <= 0 || p[0].revents == 0)
			continue;
		fd = accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
			    errno == ECONNABORTED)
				continue;
			/* Out of descriptors, say: wait a little (for ctl_stop too) and retry. */
			if (!complained)
				log_warn("control: accepting a connection: %s, will retry",
				    errstr(errno, e, sizeof(e)));
			complained = true;
			if (poll(&p[1], 1, ACCEPT_PAUSE_MS) > 0)
				break;
			continue;
		}
		complained = false;
		serve_client(c, fd);
		close(fd);
	}
	return NULL;
}

/* The socket's directory: there, or made (0750) when its parent is. */
static int
ensure_dir(const char *path, char *err, size_t errlen)
{
	char dir[SUN_PATH_MAX], parent[SUN_PATH_MAX], e[128];
	const char *slash = strrchr(path, '/');
	struct stat st;
	char *ps;

	if (slash == NULL)
		return 0;			/* the working directory */
	if (slash == path)
		return 0;			/* "/" */
	setf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		setf(err, errlen, "control socket %s: %s is not a directory", path, dir);
		return -ENOTDIR;
	}
	if (errno != ENOENT) {
		int rc = -errno;

		setf(err, errlen, "control socket %s: %s: %s", path, dir, errstr(-rc, e, sizeof(e)));
		return rc;
	}
	memcpy(parent, dir, sizeof(parent));
	ps = strrchr(parent, '/');
	if (ps != NULL && ps != parent)
		*ps = '\0';
	else if (ps != NULL)
		ps[1] = '\0';
	else
		setf(parent, sizeof(parent), ".");
	if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode)) {
		setf(err, errlen, "control socket %s: the directory %s does not exist (nor does %s)",
		    path, dir, parent);
		return -ENOENT;
	}
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		int rc = -errno;

		setf(err, errlen, "control socket %s: cannot make the directory %s: %s%s", path, dir,
		    errstr(-rc, e, sizeof(e)), rc == -EACCES || rc == -EPERM ?
		    " (make it for the daemon's user; under systemd, RuntimeDirectory= does)" : "");
		return rc;
	}
	/* Whatever the umask: the group may reach the socket, others may not. */
	if (chmod(dir, 0750) != 0) {
		int rc = -errno;

		setf(err, errlen, "control socket %s: chmod %s: %s", path, dir,
		    errstr(-rc, e, sizeof(e)));
		return rc;
	}
	return 0;
}

/*
 * Something at path already: a socket nobody answers on is left from a
 * daemon that is gone, and removed; one that answers is another server's.
 * (Two daemons started at the very same moment could both find the old
 * file stale; the second bind then fails, or, in a narrower window, the
 * later one takes the path.  Two daemons of one station share one store
 * too, which is the bigger trouble; systemd starts one.)
 */
static int
clear_stale(const struct sockaddr_un *sa, char *err, size_t errlen)
{
	const char *path = sa->sun_path;
	struct stat st;
	char e[128];
	int fd, rc;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		rc = -errno;
		setf(err, errlen, "control socket %s: %s", path, errstr(-rc, e, sizeof(e)));
		return rc;
	}
	if (!S_ISSOCK(st.st_mode)) {
		setf(err, errlen, "control socket %s: something that is not a socket is there; "
		    "left alone", path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		setf(err, errlen, "control socket: socket: %s", errstr(-rc, e, sizeof(e)));
		return rc;
	}
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ? 0 : -errno;
	close(fd);
	if (rc == 0 || rc == -EAGAIN) {
		setf(err, errlen, "control socket %s: another server answers on it (is lakewatchd "
		    "already running?)", path);
		return -EADDRINUSE;
	}
	if (rc != -ECONNREFUSED) {
		setf(err, errlen, "control socket %s: cannot tell whether a server answers on it: %s",
		    path, errstr(-rc, e, sizeof(e)));
		return rc;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		rc = -errno;
		setf(err, errlen, "control socket %s: cannot remove the one left from an earlier run: %s",
		    path, errstr(-rc, e, sizeof(e)));
		return rc;
	}
	return 0;
}

void
ctl_stop(struct ctl *c)
{
	struct stat st;

	if (c == NULL)
		return;
	if (c->running) {
		wake_signal(c->wake);
		pthread_join(c->thread, NULL);
	}
	if (c->lfd >= 0) {
		close(c->lfd);
		/* Only our own file: not one another server has put there since. */
		if (stat(c->path, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino)
			unlink(c->path);
	}
	wake_free(c->wake);
	free(c);
}

int
ctl_start(const char *path, const char *station, const struct ctl_handlers *h, struct ctl **ret,
    char *err, size_t errlen)
{
	struct sockaddr_un sa;
	sigset_t all, saved;
	struct ctl *c;
	struct stat st;
	char e[128];
	int rc;

	setf(err, errlen, "%s", "");
	if (path == NULL || path[0] == '\0') {
		setf(err, errlen, "control socket: no path");
		return -EINVAL;
	}
	if (strlen(path) >= sizeof(sa.sun_path)) {
		setf(err, errlen, "control socket %s: longer than %zu bytes", path,
		    sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		setf(err, errlen, "control socket: out of memory");
		return -ENOMEM;
	}
	c->lfd = -1;
	memcpy(c->path, sa.sun_path, sizeof(c->path));
	setf(c->station, sizeof(c->station), "%s", station != NULL ? station : "");
	if (h != NULL)
		c->h = *h;
	if ((rc = wake_new(&c->wake)) != 0) {
		setf(err, errlen, "control socket: eventfd: %s", errstr(-rc, e, sizeof(e)));
		goto out_free;
	}
	if ((rc = ensure_dir(path, err, errlen)) != 0 || (rc = clear_stale(&sa, err, errlen)) != 0)
		goto out_free;
	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->lfd < 0) {
		rc = -errno;
		setf(err, errlen, "control socket: socket: %s", errstr(-rc, e, sizeof(e)));
		goto out_free;
	}
	if (bind(c->lfd, (const struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = -errno;
		if (rc == -EADDRINUSE)
			setf(err, errlen, "control socket %s: another server made it just now", path);
		else
			setf(err, errlen, "control socket %s: %s", path, errstr(-rc, e, sizeof(e)));
		goto out_close;
	}
	/*
	 * bind made the file with the process's umask.  Nobody can connect
	 * before listen(), so setting the mode in between leaves no moment in
	 * which others could, and touches no process-wide state (umask).
	 */
	if (stat(path, &st) != 0 || chmod(path, 0660) != 0) {
		rc = -errno;
		setf(err, errlen, "control socket %s: %s", path, errstr(-rc, e, sizeof(e)));
		unlink(path);
		goto out_close;
	}
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	if (listen(c->lfd, BACKLOG) != 0) {
		rc = -errno;
		setf(err, errlen, "control socket %s: listen: %s", path, errstr(-rc, e, sizeof(e)));
		unlink(path);
		goto out_close;
	}
	/* The thread takes no signal: they are the main thread's business. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	rc = -pthread_create(&c->thread, NULL, serve, c);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (rc != 0) {
		setf(err, errlen, "control socket: starting its thread: %s", errstr(-rc, e, sizeof(e)));
		unlink(path);
		goto out_close;
	}
	c->running = true;
	*ret = c;
	return 0;

out_close:
	close(c->lfd);
	c->lfd = -1;
out_free:
	ctl_stop(c);
	return rc;
}

/* ---- the client ---------------------------------------------------------- */

/* Wait for fd until deadline (no wake): 0, -ETIMEDOUT or -errno. */
static int
client_wait(int fd, short events, int64_t deadline)
{
	struct pollfd p = { fd, events, 0 };

	for (;;) {
		int64_t left = deadline - now_mono_ms();
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			return 0;
	}
}

static int
client_connect(int fd, const struct sockaddr_un *sa, int64_t timeout_ms, char *err, size_t errlen)
{
	const char *path = sa->sun_path;
	struct timeval tv = { (time_t)(timeout_ms / 1000), (suseconds_t)(timeout_ms % 1000 * 1000) };
	char e[128], d[32];
	int rc;

	/* A blocking connect waits (at most SO_SNDTIMEO) while the backlog is full. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while ((rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa))) != 0 && errno == EINTR)
		;
	if (rc == 0)
		return 0;
	rc = -errno;
	switch (rc) {
	case -ENOENT:
		setf(err, errlen, "the daemon is not running (no socket at %s)", path);
		break;
	case -ECONNREFUSED:
		setf(err, errlen, "the daemon is not running (%s is left from an earlier run)", path);
		break;
	case -EACCES:
	case -EPERM:
		setf(err, errlen, "permission denied on %s: ask to be added to the lakewatch group",
		    path);
		rc = -EACCES;
		break;
	case -EAGAIN:
	case -EINPROGRESS:
		setf(err, errlen, "the daemon did not take the connection within %s (%s)",
		    duration_format(timeout_ms, d, sizeof(d)), path);
		rc = -ETIMEDOUT;
		break;
	default:
		setf(err, errlen, "cannot connect to %s: %s", path, errstr(-rc, e, sizeof(e)));
	}
	return rc;
}

int
ctl_request(const char *path, const char *request_json, char *reply, size_t len,
    int64_t timeout_ms, char *err, size_t errlen)
{
	int64_t deadline = now_mono_ms() + (timeout_ms > 0 ? timeout_ms : 1);
	size_t rlen = strlen(request_json), off = 0, got = 0;
	struct sockaddr_un sa;
	char e[128], d[32];
	int fd, rc;

	setf(err, errlen, "%s", "");
	if (len > 0)
		reply[0] = '\0';
	if (strlen(path) >= sizeof(sa.sun_path)) {
		setf(err, errlen, "the control socket path %s is longer than %zu bytes", path,
		    sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	if (memchr(request_json, '\n', rlen) != NULL) {
		setf(err, errlen, "a request must be one line");
		return -EINVAL;
	}
	if (rlen + 1 > CTL_REQUEST_MAX) {
		setf(err, errlen, "the request is longer than %d bytes", CTL_REQUEST_MAX);
		return -EMSGSIZE;
	}
	if (len < 2) {
		setf(err, errlen, "no room for a reply");
		return -EMSGSIZE;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		rc = -errno;
		setf(err, errlen, "socket: %s", errstr(-rc, e, sizeof(e)));
		return rc;
	}
	if ((rc = client_connect(fd, &sa, timeout_ms > 0 ? timeout_ms : 1, err, errlen)) != 0)
		goto out;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		rc = -errno;
		setf(err, errlen, "fcntl: %s", errstr(-rc, e, sizeof(e)));
		goto out;
	}
	/* The request and its '\n'. */
	while (off < rlen + 1) {
		const char *p = off < rlen ? request_json + off : "\n";
		size_t n = off < rlen ? rlen - off : 1;
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			rc = -errno;
			if (rc == -EPIPE || rc == -ECONNRESET) {
				setf(err, errlen, "the daemon closed the connection before taking "
				    "the request");
				rc = -ECONNRESET;
			} else {
				setf(err, errlen, "sending to %s: %s", path, errstr(-rc, e, sizeof(e)));
			}
			goto out;
		}
		if ((rc = client_wait(fd, POLLOUT, deadline)) != 0)
			goto timeout;
	}
	/* The reply: up to its '\n' (or the end of the daemon's data). */
	for (;;) {
		ssize_t r;
		char *nl;

		if (got >= len - 1) {
			setf(err, errlen, "the daemon's reply is longer than %zu bytes", len - 1);
			rc = -EMSGSIZE;
			goto out;
		}
		if ((rc = client_wait(fd, POLLIN, deadline)) != 0)
			goto timeout;
		r = recv(fd, reply + got, len - 1 - got, 0);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			rc = -errno;
			if (rc == -ECONNRESET && got > 0)
				break;
			setf(err, errlen, "reading the reply: %s", errstr(-rc, e, sizeof(e)));
			goto out;
		}
		if (r == 0) {
			if (got > 0)
				break;
			setf(err, errlen, "the daemon closed the connection without a reply");
			rc = -ECONNRESET;
			goto out;
		}
		nl = memchr(reply + got, '\n', (size_t)r);
		got += (size_t)r;
		if (nl != NULL) {
			got = (size_t)(nl - reply);
			break;
		}
	}
	reply[got] = '\0';
	rc = 0;
	goto out;
timeout:
	if (rc == -ETIMEDOUT)
		setf(err, errlen, "no reply from the daemon within %s",
		    duration_format(timeout_ms, d, sizeof(d)));
	else
		setf(err, errlen, "poll: %s", errstr(-rc, e, sizeof(e)));
out:
	close(fd);
	if (rc != 0 && len > 0)
		reply[0] = '\0';
	return rc;
}
