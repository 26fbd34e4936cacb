/* SPDX-License-Identifier: MIT */
/*
 * The daemon's control socket, which `lakewatch ack`, `lakewatch
 * maintenance` (and later `status` and `reload`) talk to: a server that
 * runs a thread of its own, and the client the tool uses.
 *
 * Protocol.  A Unix stream socket (control.socket, default
 * /run/lakewatch/control.sock).  A client connects, sends one request: a
 * JSON object on one line of at most CTL_REQUEST_MAX bytes, the '\n'
 * included (the end of its data ends it as well); the server answers one
 * line of JSON ending in '\n' and closes the connection.  One request per
 * connection; anything after the first line is ignored.
 *
 *   {"cmd":"ping"}
 *     -> {"ok":true,"station":"pp-06","version":"0.1.0"}
 *   {"cmd":"ack","alert":ALERT,"note":TEXT}
 *     ALERT is an alert id, "sonde.ph/value" (or "sonde/comm"), a point,
 *     "sonde.ph" (every kind watched on it), or a device, "sonde" (every
 *     alert of it); "note" is optional.
 *     -> {"ok":true,"message":"..."}
 *   {"cmd":"maintenance","device":DEVICE,"state":"on"|"off","for":DURATION}
 *     "for" is optional and goes only with "on": a duration as in the
 *     configuration ("90m", "2h"); without it maintenance lasts until
 *     turned off.
 *     -> {"ok":true,"message":"..."}
 *   anything wrong (not JSON, not an object, an unknown cmd, a missing,
 *   wrong-typed or unknown field, a handler's refusal)
 *     -> {"ok":false,"error":"..."}
 *
 * Strings are UTF-8 without control characters; an alert or device is at
 * most CTL_NAME_MAX - 1 bytes, a note CTL_NOTE_MAX - 1.  Who asks is not
 * part of a request: the server takes it from the connection (SO_PEERCRED:
 * the user name of the client's uid, or "uid N" when it has none), so an
 * acknowledgement says truthfully who made it.  Who may ask is who may
 * connect: the socket is made mode 0660, so the daemon's user and group
 * (give operators the lakewatch group) and root.
 *
 * Server.  ctl_start makes the socket and starts the thread (which blocks
 * every signal, leaving them to the main thread); the thread serves one
 * client at a time, giving each CTL_IO_TIMEOUT_MS to send its
 * request and again to take the reply, so a stuck client holds the others
 * up that long at most, and logs each request served (who, what, outcome).
 * It carries nothing out itself: ack and maintenance go to the handlers
 * given, called on the control thread one at a time; a handler should be
 * quick (hand the work to the thread that owns it and wait for the answer
 * with a bound), since ctl_stop waits for one that runs.  New commands are a
 * line in the table in ctl.c.
 */
#ifndef LW_CTL_H
#define LW_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTL_REQUEST_MAX		8192	/* a request line, '\n' included */
#define CTL_REPLY_MAX		262144	/* a reply line, '\n' included (status is the long one) */
#define CTL_IO_TIMEOUT_MS	2000	/* to read a request; again to write its reply */
#define CTL_NAME_MAX		128	/* an alert or device named in a request, with NUL */
#define CTL_NOTE_MAX		256	/* a note, with NUL */
#define CTL_WHO_MAX		64	/* a user name, or "uid N", with NUL */
#define CTL_MESSAGE_MAX		512	/* a handler's reply, with NUL */

/*
 * What the commands do, in the daemon.  Each writes a message for people
 * into reply (len bytes, CTL_MESSAGE_MAX) and returns 0 when done (reply:
 * what was done, "acknowledged sonde.ph/value") or a negative errno when not
 * (reply: why, "no alert sonde.ph/value"; strerror's text when left empty).
 * by is who asked (see above).  A NULL function makes its command answer
 * that it is not available.
 */
struct strbuf;

struct ctl_handlers {
	void	*arg;
	/* target: an alert id, a point or a device, as in the request; note: "" for none */
	int	(*ack)(void *arg, const char *target, const char *by, const char *note,
		    char *reply, size_t len);
	/* on: start (for_ms > 0: for that long, 0: until turned off) or end maintenance */
	int	(*maintenance)(void *arg, const char *device, bool on, int64_t for_ms,
		    const char *by, char *reply, size_t len);
	/* the daemon's view as one JSON object, appended to out (status.h) */
	int	(*status)(void *arg, struct strbuf *out, char *reply, size_t len);
	/* load the configuration again; the outcome in reply */
	int	(*reload)(void *arg, const char *by, char *reply, size_t len);
};

struct ctl;

/*
 * Make the socket at path and start serving it.  The directory must exist,
 * or its parent must, in which case the directory is made (mode 0750: the
 * group may reach the socket, others may not).  A socket file left by a
 * daemon that is gone is replaced; one that a live server answers on is
 * not: -EADDRINUSE.  Anything else at path (a file that is no socket) is
 * left alone: -EEXIST.  station is the one a ping names; the handlers
 * struct is copied.  0 and *ret (the caller owns it: ctl_stop), or a
 * negative errno with what went wrong in err (errlen bytes).  Logs nothing.
 */
int	 ctl_start(const char *path, const char *station, const struct ctl_handlers *,
	     struct ctl **ret, char *err, size_t errlen);

/*
 * Stop serving: wakes the thread at once (a client being served is dropped),
 * joins it, closes every descriptor and removes the socket file (unless it
 * is no longer the one ctl_start made).  NULL is allowed.
 */
void	 ctl_stop(struct ctl *);

/*
 * The client: connect to the socket at path, send request_json (one JSON
 * object, without '\n'; the line end is added) and read the reply line,
 * within timeout_ms altogether.  0 and the reply (its '\n' removed,
 * NUL-terminated) in reply, or a negative errno with a message for people
 * in err:
 *   -ENOENT        "the daemon is not running (no socket at PATH)"
 *   -ECONNREFUSED  "the daemon is not running (PATH is left from an earlier run)"
 *   -EACCES        "permission denied on PATH: ask to be added to the lakewatch group"
 *   -ETIMEDOUT     no reply within the time
 *   -ECONNRESET    the connection closed before a whole reply
 *   -EMSGSIZE      a reply longer than len - 1, or a request over CTL_REQUEST_MAX
 *   -EINVAL        a request that holds a line break
 * or another errno of the system call that failed.
 */
int	 ctl_request(const char *path, const char *request_json, char *reply, size_t len,
	     int64_t timeout_ms, char *err, size_t errlen);

#endif
