/* SPDX-License-Identifier: MIT */
/*
 * A small HTTP/1.1 client for one server (an http:// or https:// URL): the
 * InfluxDB forwarder's transport.  One connection, kept alive and reused
 * from request to request, opened again when the server has closed it; TLS
 * 1.2 or later through OpenSSL, verifying the server's certificate and its
 * host name (or IP address) unless told not to; a deadline for the
 * connection and one for the whole request; and an abort descriptor (the
 * caller's stop signal) that ends a request at once, however it hangs.
 * Errors come back as -errno with a message of the kind an operator can act
 * on ("cannot connect to 127.0.0.1:8086: Connection refused").
 *
 * SIGPIPE: plain sockets are written with send(MSG_NOSIGNAL), and TLS goes
 * through a socket BIO of our own that does the same, so a server that
 * closes the connection in the middle of a request never raises SIGPIPE,
 * whatever the process does with that signal.
 *
 * The client never logs.  It is owned by one thread at a time (the
 * forwarder's); OpenSSL 1.1 and later need no global initialisation.
 * Name resolution (getaddrinfo) cannot be interrupted by the abort
 * descriptor; an address literal needs none.
 */
#ifndef LW_HTTP_H
#define LW_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "httpresp.h"
#include "strbuf.h"

/* The parts of a URL that matter for a connection. */
struct http_url {
	bool		 tls;			/* https:// */
	char		 host[256];		/* a name or an address, without brackets */
	char		 port[6];		/* decimal: the URL's, or 80 or 443 */
	char		 authority[268];	/* host:port, an IPv6 address in brackets */
	size_t		 target_off;		/* where the path (and query) start in the URL */
};

/*
 * Split url: http:// or https://, a host name, an IPv4 address or an IPv6
 * address in brackets, an optional :port (1..65535), then a path and query
 * (or nothing: "/").  A user part, a fragment, another scheme, bytes
 * outside printable ASCII or an empty host are refused with a message in
 * err.  Pure.  0 or -EINVAL.
 */
int	 http_url_parse(const char *url, struct http_url *ret, char *err, size_t errlen);

/*
 * Append s percent-encoded for a query value: every byte but the
 * unreserved ones (A-Z a-z 0-9 - . _ ~) as %XX, as curl_easy_escape()
 * does.  Pure.  0 or -ENOMEM (the buffer as it was).
 */
int	 http_escape(struct strbuf *, const char *s);

/*
 * Append the value of an Authorization header for HTTP Basic
 * authentication, "Basic " and base64 of user ":" password.  Pure.  0 or
 * -ENOMEM (the buffer as it was).
 */
int	 http_basic_auth(struct strbuf *, const char *user, const char *password);

struct http_opts {
	bool		 tls_verify;		/* check the certificate and the host name */
	const char	*ca_file;		/* PEM CA certificates; NULL or "": the system's */
	int64_t		 connect_timeout_ms;	/* TCP connect and TLS handshake */
	int		 abort_fd;		/* readable: abandon the request; -1: none */
	size_t		 body_max;		/* bytes of an answer's body kept */
};

/* An answer; everything is valid until the next request or http_free. */
struct http_answer {
	int				 status;	/* 100..999 */
	const struct httpresp_head	*head;
	const char			*body;		/* its first bytes, NUL-terminated */
	size_t				 body_len;
	uint64_t			 body_total;	/* of the whole body, kept or not */
};

struct http;

/*
 * A client for url (see http_url_parse) with opts (ca_file is copied).  It
 * connects on the first request.  0 and *ret (the caller owns it:
 * http_free), -EINVAL with a message in err, or -ENOMEM.
 */
int	 http_new(const char *url, const struct http_opts *, struct http **ret, char *err,
	    size_t errlen);

/* Close the connection and free everything. */
void	 http_free(struct http *);

/* The URL's path and query (or "/"), as the target of a request. */
const char *http_target(const struct http *);

/*
 * POST len bytes at body to target (e.g. http_target()), with headers, a
 * block of "Name: value\r\n" lines (Host, Content-Length are added; NULL
 * for none), within timeout_ms of the call, connecting first if need be.
 * A request on a kept-alive connection that the server turns out to have
 * closed before any byte of an answer came is sent once more on a new
 * connection; nothing else is retried.  0 with the answer in *ret (any
 * status), or -errno (see http_error): -ECANCELED when the abort
 * descriptor became readable, -ETIMEDOUT, -ECONNREFUSED and the other
 * errors of connect(2), -EHOSTUNREACH when the name does not resolve,
 * -EPROTO for TLS, -EBADMSG for an answer that is not HTTP, -ECONNRESET
 * when the server closed the connection without an answer, -ENOMEM.
 */
int	 http_post(struct http *, const char *target, const char *headers, const void *body,
	    size_t len, int64_t timeout_ms, struct http_answer *ret);

/* The message of the last failure ("" after a success); valid until the next request. */
const char *http_error(const struct http *);

/* Whether a connection is open (kept alive for the next request). */
bool	 http_connected(const struct http *);

#endif
