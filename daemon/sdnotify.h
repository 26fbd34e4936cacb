/* SPDX-License-Identifier: MIT */
/*
 * The service manager's notification protocol (sd_notify(3)), without
 * libsystemd: each message is one datagram of "KEY=VALUE" lines ("READY=1",
 * "STATUS=...", "WATCHDOG=1", "RELOADING=1", "STOPPING=1") sent to the
 * AF_UNIX socket that NOTIFY_SOCKET names, a path ("/run/systemd/notify") or
 * an abstract name ("@name").  Without NOTIFY_SOCKET (not started by systemd,
 * or not Type=notify) every call is a quiet no-op.
 *
 * Nothing here ever blocks (a full receive queue is -EAGAIN) or logs: each
 * function returns a negative errno, and the caller logs once and goes on;
 * the daemon never fails because its service manager cannot be told.
 *
 * Threads: sdnotify_open and sdnotify_close belong to the main thread, the
 * first before any thread that sends starts and the second after the last
 * one stopped.  In between, sdnotify_send and sdnotify_status may be called
 * from any thread (the socket and address do not change; each message is one
 * sendto).  sdnotify_watchdog_ms and sdnotify_watchdog_parse keep no state.
 */
#ifndef LW_SDNOTIFY_H
#define LW_SDNOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The largest message the service manager reads whole (its buffer). */
#define SDNOTIFY_MAX	4096

/*
 * Read NOTIFY_SOCKET and make the socket.  1 when messages will be sent; 0
 * when NOTIFY_SOCKET is not set (every send is then a no-op); a negative
 * errno otherwise, with a message naming the value in err (errlen bytes;
 * NULL for none), sends being no-ops too:
 *   -EINVAL		neither an absolute path nor "@" and an abstract name
 *			(e.g. "vsock:..." or a relative path)
 *   -ENAMETOOLONG	longer than a socket address holds
 *   -EMFILE, ...	socket(2) failed
 * Calling it again closes the previous socket first.
 */
int	 sdnotify_open(char *err, size_t errlen);

/* Whether sdnotify_open found a socket (messages are sent). */
int	 sdnotify_enabled(void);

/*
 * Send state, one or more "KEY=VALUE" lines separated by '\n', as one
 * datagram (MSG_DONTWAIT).  1 when sent; 0 when there is no socket; a
 * negative errno otherwise: -EINVAL for an empty or NULL state, -EMSGSIZE
 * past SDNOTIFY_MAX bytes, -EAGAIN when the manager's queue is full,
 * -ECONNREFUSED or -ENOENT when nobody listens at the address.
 */
int	 sdnotify_send(const char *state);

/*
 * Send "STATUS=" and the formatted text, cut to fit SDNOTIFY_MAX, with every
 * control character (a '\n' would start another assignment) made a space.
 * Returns as sdnotify_send.
 */
int	 sdnotify_status(const char *fmt, ...)
	     __attribute__((format(printf, 1, 2)));

/* Close the socket; sends are no-ops again.  Safe to call twice. */
void	 sdnotify_close(void);

/*
 * The watchdog interval systemd asks for, as sd_watchdog_enabled(3) reads
 * it: from WATCHDOG_USEC (microseconds) and WATCHDOG_PID (when set, it must
 * be our pid).  The interval in milliseconds (at least 1), which the caller
 * should answer with WATCHDOG=1 every half of; 0 when the watchdog is not
 * enabled (WATCHDOG_USEC not set, or WATCHDOG_PID another process's);
 * -EINVAL when a variable is not a number (not only digits, out of range,
 * WATCHDOG_USEC 0 or infinity, WATCHDOG_PID 0).
 */
int64_t	 sdnotify_watchdog_ms(void);

/* The same from the two values (NULL for not set) and the pid to compare with. */
int64_t	 sdnotify_watchdog_parse(const char *usec, const char *pid, pid_t self);

#endif
