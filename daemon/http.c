/* SPDX-License-Identifier: MIT */
/*
 * The HTTP/1.1 client (see http.h): non-blocking sockets and poll(2) with
 * the abort descriptor, OpenSSL for https, httpresp.c for the answers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "http.h"
#include "now.h"

#define HTTP_READ_CHUNK	16384

struct http {
	struct http_url		 url;
	const char		*target;	/* in urlcopy */
	char			*urlcopy;	/* owned */
	bool			 tls_verify;
	char			*ca_file;	/* owned, NULL for the system's */
	int64_t			 connect_timeout_ms;
	int			 abort_fd;
	SSL_CTX			*ctx;		/* owned, made at the first https connection */
	/* The connection. */
	int			 fd;		/* -1 when none */
	SSL			*ssl;		/* owned; NULL for http */
	struct httpresp		*resp;		/* owned */
	struct strbuf		 req;		/* the request head: may hold credentials */
	char			 error[256];
};

__attribute__((format(printf, 2, 3)))
static void
set_error(struct http *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->error, sizeof(h->error), fmt, ap);
	va_end(ap);
}

/* ---- URLs and headers (pure) ---- */

int
http_url_parse(const char *url, struct http_url *u, char *err, size_t errlen)
{
	const char *p, *end, *hs, *he;
	size_t hl;

	memset(u, 0, sizeof(*u));
	for (p = url; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f) {
			snprintf(err, errlen, "URL '%s' must be printable ASCII without spaces", url);
			return -EINVAL;
		}
	}
	if (strncmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else if (strncmp(url, "https://", 8) == 0) {
		u->tls = true;
		p = url + 8;
	} else {
		snprintf(err, errlen, "URL '%s' must start with http:// or https://", url);
		return -EINVAL;
	}
	end = p + strcspn(p, "/?#");
	if (*end == '#' || strchr(end, '#') != NULL) {
		snprintf(err, errlen, "URL '%s' must not have a fragment ('#')", url);
		return -EINVAL;
	}
	if (memchr(p, '@', (size_t)(end - p)) != NULL) {
		snprintf(err, errlen, "URL '%s' must not hold a user or a password", url);
		return -EINVAL;
	}
	if (*p == '[') {
		hs = p + 1;
		he = memchr(hs, ']', (size_t)(end - hs));
		if (he == NULL) {
			snprintf(err, errlen, "URL '%s': an IPv6 address without its ']'", url);
			return -EINVAL;
		}
		p = he + 1;
		hl = (size_t)(he - hs);
		struct in6_addr a6;
		char tmp[64];
		if (hl == 0 || hl >= sizeof(tmp) || (memcpy(tmp, hs, hl), tmp[hl] = '\0',
		    inet_pton(AF_INET6, tmp, &a6) != 1)) {
			snprintf(err, errlen, "URL '%s': '%.*s' is not an IPv6 address", url,
			    (int)hl, hs);
			return -EINVAL;
		}
	} else {
		hs = p;
		p = memchr(p, ':', (size_t)(end - p));
		if (p != NULL && memchr(p + 1, ':', (size_t)(end - p - 1)) != NULL) {
			snprintf(err, errlen, "URL '%s': '%.*s' is not a host name or an address "
			    "(an IPv6 address goes in brackets)", url, (int)(end - hs), hs);
			return -EINVAL;
		}
		if (p == NULL)
			p = end;
		he = p;
		hl = (size_t)(he - hs);
		for (const char *q = hs; q < he; q++) {
			char c = *q;

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) {
				snprintf(err, errlen, "URL '%s': '%.*s' is not a host name or an "
				    "address (an IPv6 address goes in brackets)", url, (int)hl, hs);
				return -EINVAL;
			}
		}
	}
	if (hl == 0 || hl >= sizeof(u->host)) {
		snprintf(err, errlen, "URL '%s' has no valid host", url);
		return -EINVAL;
	}
	memcpy(u->host, hs, hl);
	u->host[hl] = '\0';
	if (p < end && *p == ':') {
		const char *ps = p + 1;
		long port = 0;

		if (ps == end || end - ps > 5) {
			snprintf(err, errlen, "URL '%s': the port must be a number 1..65535", url);
			return -EINVAL;
		}
		for (const char *q = ps; q < end; q++) {
			if (*q < '0' || *q > '9') {
				snprintf(err, errlen, "URL '%s': the port must be a number 1..65535",
				    url);
				return -EINVAL;
			}
			port = port * 10 + (*q - '0');
		}
		if (port < 1 || port > 65535) {
			snprintf(err, errlen, "URL '%s': port %ld out of range 1..65535", url, port);
			return -EINVAL;
		}
		snprintf(u->port, sizeof(u->port), "%ld", port);
	} else if (p != end) {
		snprintf(err, errlen, "URL '%s': unexpected '%c' after the host", url, *p);
		return -EINVAL;
	} else {
		snprintf(u->port, sizeof(u->port), "%s", u->tls ? "443" : "80");
	}
	snprintf(u->authority, sizeof(u->authority), strchr(u->host, ':') ? "[%s]:%s" : "%s:%s",
	    u->host, u->port);
	u->target_off = (size_t)(end - url);
	return 0;
}

int
http_escape(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t before = sb->len;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		unsigned char c = *p;
		int rc;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			rc = sb_appendc(sb, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			rc = sb_append(sb, e, 3);
		}
		if (rc != 0) {
			sb_truncate(sb, before);
			return rc;
		}
	}
	return 0;
}

int
http_basic_auth(struct strbuf *sb, const char *user, const char *password)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t ul = strlen(user), pl = strlen(password), n = ul + 1 + pl, before = sb->len;
	unsigned char *in = malloc(n);
	int rc;

	if (in == NULL)
		return -ENOMEM;
	memcpy(in, user, ul);
	in[ul] = ':';
	memcpy(in + ul + 1, password, pl);
	rc = sb_appends(sb, "Basic ");
	for (size_t i = 0; i < n && rc == 0; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		char out[4];

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[0] = b64[v >> 18 & 63];
		out[1] = b64[v >> 12 & 63];
		out[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[3] = i + 2 < n ? b64[v & 63] : '=';
		rc = sb_append(sb, out, 4);
	}
	explicit_bzero(in, n);
	free(in);
	if (rc != 0)
		sb_truncate(sb, before);
	return rc;
}

/* ---- a socket BIO that never raises SIGPIPE ---- */

static BIO_METHOD *bio_method;
static pthread_once_t bio_once = PTHREAD_ONCE_INIT;

static int
bio_write(BIO *b, const char *data, int len)
{
	int fd = (int)(intptr_t)BIO_get_data(b);
	ssize_t n = send(fd, data, (size_t)len, MSG_NOSIGNAL);

	BIO_clear_retry_flags(b);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_write(b);
	return (int)n;
}

static int
bio_read(BIO *b, char *data, int len)
{
	int fd = (int)(intptr_t)BIO_get_data(b);
	ssize_t n = recv(fd, data, (size_t)len, 0);

	BIO_clear_retry_flags(b);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_read(b);
	return (int)n;
}

static long
bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b; (void)num; (void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int
bio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static void
bio_method_make(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
	    "lakewatch socket");

	if (m != NULL && (BIO_meth_set_write(m, bio_write) != 1 ||
	    BIO_meth_set_read(m, bio_read) != 1 || BIO_meth_set_ctrl(m, bio_ctrl) != 1 ||
	    BIO_meth_set_create(m, bio_create) != 1)) {
		BIO_meth_free(m);
		m = NULL;
	}
	bio_method = m;
}

/* ---- the client ---- */

int
http_new(const char *url, const struct http_opts *o, struct http **ret, char *err, size_t errlen)
{
	struct http *h = calloc(1, sizeof(*h));
	int rc;

	if (h == NULL)
		return -ENOMEM;
	if ((rc = http_url_parse(url, &h->url, err, errlen)) != 0) {
		free(h);
		return rc;
	}
	h->fd = -1;
	h->tls_verify = o->tls_verify;
	h->connect_timeout_ms = o->connect_timeout_ms;
	h->abort_fd = o->abort_fd;
	h->urlcopy = strdup(url);
	if (o->ca_file != NULL && o->ca_file[0] != '\0')
		h->ca_file = strdup(o->ca_file);
	rc = httpresp_new(o->body_max, &h->resp);
	if (h->urlcopy == NULL || (o->ca_file != NULL && o->ca_file[0] != '\0' &&
	    h->ca_file == NULL) || rc != 0) {
		snprintf(err, errlen, "%s", rc == -EINVAL ? "answer body cap too large" :
		    "out of memory");
		http_free(h);
		return rc == -EINVAL ? rc : -ENOMEM;
	}
	h->target = h->urlcopy[h->url.target_off] != '\0' ? h->urlcopy + h->url.target_off : "/";
	sb_init(&h->req);
	*ret = h;
	return 0;
}

static void
conn_close(struct http *h)
{
	if (h->ssl != NULL) {
		/* A close_notify if it can go at once; the socket closes anyway. */
		if (SSL_is_init_finished(h->ssl))
			SSL_shutdown(h->ssl);
		SSL_free(h->ssl);
		h->ssl = NULL;
	}
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	ERR_clear_error();
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	conn_close(h);
	SSL_CTX_free(h->ctx);
	httpresp_free(h->resp);
	if (h->req.data != NULL)
		explicit_bzero(h->req.data, h->req.cap);
	sb_free(&h->req);
	free(h->urlcopy);
	free(h->ca_file);
	free(h);
}

const char *
http_target(const struct http *h)
{
	return h->target;
}

const char *
http_error(const struct http *h)
{
	return h->error;
}

bool
http_connected(const struct http *h)
{
	return h->fd >= 0;
}

/*
 * Wait until fd is ready for events or the deadline passes or the abort
 * descriptor is readable: 1 ready, 0 deadline, -ECANCELED, or -errno.
 */
static int
wait_fd(struct http *h, int fd, short events, int64_t deadline)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = events },
		{ .fd = h->abort_fd, .events = POLLIN },
	};
	int n = h->abort_fd >= 0 ? 2 : 1;

	for (;;) {
		int64_t left = deadline - now_mono_ms();
		int rc;

		if (left < 0)
			left = 0;
		rc = poll(p, (nfds_t)n, (int)(left > 60000 ? 60000 : left));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -errno;
		if (n == 2 && (p[1].revents & (POLLIN | POLLERR | POLLHUP)))
			return -ECANCELED;
		if (rc > 0 && p[0].revents != 0)
			return 1;
		if (left == 0)
			return 0;
	}
}

/* The OpenSSL error queue's oldest reason (or what errno or fallback say). */
static const char *
tls_reason(char *buf, size_t len, const char *fallback)
{
	unsigned long e = ERR_get_error();
	const char *r;

	ERR_clear_error();
	if (e == 0)
		return fallback;
	r = ERR_reason_error_string(e);
	if (r != NULL) {
		snprintf(buf, len, "%s", r);
		return buf;
	}
	ERR_error_string_n(e, buf, len);
	return buf;
}

static int
tls_context(struct http *h)
{
	char why[160];
	SSL_CTX *ctx;

	if (h->ctx != NULL)
		return 0;
	pthread_once(&bio_once, bio_method_make);
	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL || bio_method == NULL) {
		SSL_CTX_free(ctx);
		set_error(h, "TLS: cannot set up: %s", tls_reason(why, sizeof(why), "out of memory"));
		return -ENOMEM;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Partial writes on a non-blocking socket; no buffers held while idle. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
	    SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_verify(ctx, h->tls_verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	if (h->tls_verify) {
		int ok;

		if (h->ca_file != NULL) {
			if (access(h->ca_file, R_OK) != 0) {
				set_error(h, "TLS: cannot read the CA file %s: %s", h->ca_file,
				    strerror(errno));
				SSL_CTX_free(ctx);
				return -EPROTO;
			}
			ok = SSL_CTX_load_verify_locations(ctx, h->ca_file, NULL);
		} else {
			ok = SSL_CTX_set_default_verify_paths(ctx);
		}
		if (ok != 1) {
			if (h->ca_file != NULL)
				set_error(h, "TLS: cannot load the CA file %s: %s", h->ca_file,
				    tls_reason(why, sizeof(why), "no certificates"));
			else
				set_error(h, "TLS: cannot load the system's CA certificates: %s",
				    tls_reason(why, sizeof(why), "unknown error"));
			SSL_CTX_free(ctx);
			return -EPROTO;
		}
	}
	h->ctx = ctx;
	return 0;
}

/* The TLS handshake on the connected h->fd, by the deadline. */
static int
tls_handshake(struct http *h, int64_t deadline, int64_t limit_ms)
{
	unsigned char addr[16];
	bool literal = inet_pton(AF_INET, h->url.host, addr) == 1 ||
	    inet_pton(AF_INET6, h->url.host, addr) == 1;
	char why[160];
	BIO *bio;
	int rc;

	if ((rc = tls_context(h)) != 0)
		return rc;
	h->ssl = SSL_new(h->ctx);
	bio = h->ssl != NULL ? BIO_new(bio_method) : NULL;
	if (bio == NULL) {
		set_error(h, "TLS: cannot set up: out of memory");
		return -ENOMEM;
	}
	BIO_set_data(bio, (void *)(intptr_t)h->fd);
	SSL_set_bio(h->ssl, bio, bio);
	/* SNI for names only (RFC 6066); the check against the name or address. */
	if (!literal && SSL_set_tlsext_host_name(h->ssl, h->url.host) != 1) {
		set_error(h, "TLS: cannot set the server name %s", h->url.host);
		return -EPROTO;
	}
	if (h->tls_verify && (literal ?
	    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(h->ssl), h->url.host) != 1 :
	    SSL_set1_host(h->ssl, h->url.host) != 1)) {
		set_error(h, "TLS: cannot set the name to verify: %s", h->url.host);
		return -EPROTO;
	}
	SSL_set_connect_state(h->ssl);
	for (;;) {
		short ev;

		ERR_clear_error();
		errno = 0;
		rc = SSL_do_handshake(h->ssl);
		if (rc == 1)
			return 0;
		int e = SSL_get_error(h->ssl, rc);
		if (e == SSL_ERROR_WANT_READ) {
			ev = POLLIN;
		} else if (e == SSL_ERROR_WANT_WRITE) {
			ev = POLLOUT;
		} else {
			long v = SSL_get_verify_result(h->ssl);

			if (h->tls_verify && v != X509_V_OK)
				set_error(h, "TLS: certificate verify failed: %s",
				    X509_verify_cert_error_string(v));
			else if (e == SSL_ERROR_SYSCALL && errno != 0)
				set_error(h, "TLS: handshake with %s failed: %s", h->url.authority,
				    strerror(errno));
			else
				set_error(h, "TLS: handshake with %s failed: %s", h->url.authority,
				    tls_reason(why, sizeof(why), "the server closed the connection"));
			ERR_clear_error();
			return -EPROTO;
		}
		rc = wait_fd(h, h->fd, ev, deadline);
		if (rc == 0) {
			set_error(h, "TLS: no handshake with %s within %lld ms", h->url.authority,
			    (long long)limit_ms);
			return -ETIMEDOUT;
		}
		if (rc < 0) {
			if (rc == -ECANCELED)
				set_error(h, "stopped");
			else
				set_error(h, "TLS: waiting for %s: %s", h->url.authority,
				    strerror(-rc));
			return rc;
		}
	}
}

/* A non-blocking connect to one address, by the deadline: 0 or -errno. */
static int
connect_one(struct http *h, const struct addrinfo *ai, int64_t deadline)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol);
	int rc, soerr = 0, one = 1;
	socklen_t sl = sizeof(soerr);

	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS) {
			rc = -errno;
			close(fd);
			return rc;
		}
		rc = wait_fd(h, fd, POLLOUT, deadline);
		if (rc <= 0) {
			close(fd);
			return rc == 0 ? -ETIMEDOUT : rc;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
			soerr = errno;
		if (soerr != 0) {
			close(fd);
			return -soerr;
		}
	}
	/* The head and the body go as they are written: no Nagle wait for an ACK. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	h->fd = fd;
	return 0;
}

/* Resolve, connect (and for https, the handshake) within the connect timeout. */
static int
conn_open(struct http *h, int64_t request_deadline, int64_t timeout_ms)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int64_t limit = h->connect_timeout_ms < timeout_ms ? h->connect_timeout_ms : timeout_ms;
	int64_t deadline = now_mono_ms() + limit;
	int rc, gai;

	if (deadline > request_deadline)
		deadline = request_deadline;
	gai = getaddrinfo(h->url.host, h->url.port, &hints, &res);
	if (gai != 0) {
		set_error(h, "cannot resolve %s: %s", h->url.host,
		    gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
		return -EHOSTUNREACH;
	}
	rc = -EHOSTUNREACH;
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		rc = connect_one(h, ai, deadline);
		if (rc == 0 || rc == -ECANCELED || rc == -ETIMEDOUT)
			break;
	}
	freeaddrinfo(res);
	if (rc == -ECANCELED) {
		set_error(h, "stopped");
		return rc;
	}
	if (rc == -ETIMEDOUT) {
		set_error(h, "cannot connect to %s: no connection within %lld ms",
		    h->url.authority, (long long)limit);
		return rc;
	}
	if (rc != 0) {
		set_error(h, "cannot connect to %s: %s", h->url.authority, strerror(-rc));
		return rc;
	}
	if (h->url.tls && (rc = tls_handshake(h, deadline, limit)) != 0) {
		conn_close(h);
		return rc;
	}
	return 0;
}

/*
 * Whether the idle, kept-alive connection is still good: nothing to read
 * (the server has neither closed it nor sent anything unasked).
 */
static bool
conn_idle_ok(struct http *h)
{
	struct pollfd p = { .fd = h->fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, 0) == 0)
		return true;
	if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
		return false;
	if (h->ssl != NULL) {
		/* A record that is no data (a session ticket) leaves it good. */
		ERR_clear_error();
		int rc = SSL_peek(h->ssl, &c, 1);
		bool ok = rc <= 0 && SSL_get_error(h->ssl, rc) == SSL_ERROR_WANT_READ;

		ERR_clear_error();
		return ok;
	}
	ssize_t n = recv(h->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

enum io { IO_OK, IO_AGAIN_READ, IO_AGAIN_WRITE, IO_EOF, IO_FAIL };

/*
 * What an SSL_read or SSL_write that returned k <= 0 means, the error in
 * *err; OpenSSL's error queue is left empty.
 */
static enum io
ssl_outcome(struct http *h, int k, int *err)
{
	switch (SSL_get_error(h->ssl, k)) {
	case SSL_ERROR_WANT_READ:
		return IO_AGAIN_READ;
	case SSL_ERROR_WANT_WRITE:
		return IO_AGAIN_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return IO_EOF;
	case SSL_ERROR_SYSCALL:
		/* An EOF without close_notify: what most servers do. */
		if (errno == 0 && ERR_peek_error() == 0)
			return IO_EOF;
		*err = errno != 0 ? errno : EPROTO;
		ERR_clear_error();
		return IO_FAIL;
	default:
		/* OpenSSL 3 reports an EOF without close_notify as a protocol error. */
		if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			return IO_EOF;
		}
		*err = EPROTO;
		ERR_clear_error();
		return IO_FAIL;
	}
}

/* Write some of data: *n bytes went. */
static enum io
io_write(struct http *h, const char *data, size_t len, bool more, size_t *n, int *err)
{
	*n = 0;
	*err = 0;
	if (h->ssl == NULL) {
		ssize_t k = send(h->fd, data, len, MSG_NOSIGNAL | (more ? MSG_MORE : 0));

		if (k >= 0) {
			*n = (size_t)k;
			return IO_OK;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return IO_AGAIN_WRITE;
		*err = errno;
		return IO_FAIL;
	}
	ERR_clear_error();
	errno = 0;
	int k = SSL_write(h->ssl, data, len > INT32_MAX ? INT32_MAX : (int)len);
	if (k > 0) {
		*n = (size_t)k;
		return IO_OK;
	}
	return ssl_outcome(h, k, err);
}

static enum io
io_read(struct http *h, char *buf, size_t len, size_t *n, int *err)
{
	*n = 0;
	*err = 0;
	if (h->ssl == NULL) {
		ssize_t k = recv(h->fd, buf, len, MSG_DONTWAIT);

		if (k > 0) {
			*n = (size_t)k;
			return IO_OK;
		}
		if (k == 0)
			return IO_EOF;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return IO_AGAIN_READ;
		*err = errno;
		return IO_FAIL;
	}
	ERR_clear_error();
	errno = 0;
	int k = SSL_read(h->ssl, buf, (int)len);
	if (k > 0) {
		*n = (size_t)k;
		return IO_OK;
	}
	return ssl_outcome(h, k, err);
}

/* The outcome of one exchange on one connection. */
enum xfer { X_DONE, X_FAIL, X_STALE };

/*
 * Send the request (head, then body) and read the answer.  X_STALE: the
 * connection turned out closed before any byte of the answer (the caller
 * may try again on a new one).
 */
static enum xfer
exchange(struct http *h, const char *body, size_t len, int64_t deadline, int64_t timeout_ms,
    int *rc)
{
	const char *part[2] = { h->req.data, body };
	size_t plen[2] = { h->req.len, len }, off = 0;
	int k = 0, werr = 0, err;
	bool sent = false;
	char buf[HTTP_READ_CHUNK];
	enum io io;
	size_t n;

	/* Send, watching for an early answer or a close. */
	while (k < 2) {
		if (off == plen[k]) {
			k++;
			off = 0;
			continue;
		}
		io = io_write(h, part[k] + off, plen[k] - off, k == 0 && len > 0, &n, &err);
		if (io == IO_OK) {
			off += n;
			continue;
		}
		if (io == IO_EOF || io == IO_FAIL) {
			werr = io == IO_EOF ? ECONNRESET : err;
			break;
		}
		struct pollfd p[3] = {
			{ .fd = h->fd, .events = io == IO_AGAIN_READ ? POLLIN : POLLOUT },
			{ .fd = h->abort_fd, .events = POLLIN },
		};
		int np = h->abort_fd >= 0 ? 2 : 1, pr;
		int64_t left = deadline - now_mono_ms();

		if (io == IO_AGAIN_WRITE)
			p[0].events |= POLLIN;		/* an answer before the end of the request */
		if (left <= 0) {
			*rc = -ETIMEDOUT;
			set_error(h, "timeout: the request was not sent within %lld ms",
			    (long long)timeout_ms);
			return X_FAIL;
		}
		pr = poll(p, (nfds_t)np, (int)(left > 60000 ? 60000 : left));
		if (pr < 0 && errno != EINTR) {
			*rc = -errno;
			set_error(h, "poll: %s", strerror(errno));
			return X_FAIL;
		}
		if (np == 2 && (p[1].revents & (POLLIN | POLLERR | POLLHUP))) {
			*rc = -ECANCELED;
			set_error(h, "stopped");
			return X_FAIL;
		}
		if (io == IO_AGAIN_WRITE && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !(p[0].revents & POLLOUT))
			break;				/* read what the server says */
	}
	sent = k == 2;

	/* Read the answer. */
	for (;;) {
		io = io_read(h, buf, sizeof(buf), &n, &err);
		if (io == IO_OK) {
			size_t used;
			int pr = httpresp_feed(h->resp, buf, n, &used);

			if (pr < 0) {
				*rc = -EBADMSG;
				set_error(h, "not an HTTP answer: %s", httpresp_error(h->resp));
				return X_FAIL;
			}
			if (pr == 1) {
				/* Anything after it, or a request not sent in full: not reusable. */
				if (used < n || !sent || httpresp_head(h->resp)->close)
					conn_close(h);
				*rc = 0;
				return X_DONE;
			}
			continue;
		}
		if (io == IO_EOF || io == IO_FAIL) {
			if (!httpresp_started(h->resp)) {
				*rc = -ECONNRESET;
				if (werr != 0 || io == IO_FAIL)
					set_error(h, "the server closed the connection: %s",
					    strerror(werr != 0 ? werr : err));
				else
					set_error(h, "the server closed the connection without an answer");
				return X_STALE;
			}
			if (io == IO_EOF && httpresp_eof(h->resp) == 1) {
				conn_close(h);
				*rc = 0;
				return X_DONE;
			}
			*rc = io == IO_EOF ? -EBADMSG : -err;
			if (io == IO_EOF)
				set_error(h, "incomplete answer: %s", httpresp_error(h->resp));
			else
				set_error(h, "reading the answer: %s", strerror(err));
			return X_FAIL;
		}
		int wr = wait_fd(h, h->fd, io == IO_AGAIN_WRITE ? POLLOUT : POLLIN, deadline);
		if (wr == 0) {
			*rc = -ETIMEDOUT;
			set_error(h, "timeout: no answer within %lld ms", (long long)timeout_ms);
			return X_FAIL;
		}
		if (wr < 0) {
			*rc = wr;
			set_error(h, "%s", wr == -ECANCELED ? "stopped" : strerror(-wr));
			return X_FAIL;
		}
	}
}

int
http_post(struct http *h, const char *target, const char *headers, const void *body, size_t len,
    int64_t timeout_ms, struct http_answer *ret)
{
	int64_t deadline = now_mono_ms() + timeout_ms;
	int rc = 0;

	h->error[0] = '\0';
	memset(ret, 0, sizeof(*ret));
	if (h->req.data != NULL)
		explicit_bzero(h->req.data, h->req.cap);
	sb_reset(&h->req);
	if (sb_printf(&h->req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %zu\r\n%s\r\n",
	    target, h->url.authority, len, headers != NULL ? headers : "") != 0) {
		set_error(h, "out of memory");
		return -ENOMEM;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		bool reused;
		enum xfer x;

		if (h->fd >= 0 && !conn_idle_ok(h))
			conn_close(h);
		reused = h->fd >= 0;
		if (!reused && (rc = conn_open(h, deadline, timeout_ms)) != 0)
			return rc;
		httpresp_reset(h->resp);
		x = exchange(h, body, len, deadline, timeout_ms, &rc);
		if (x == X_DONE) {
			const struct httpresp_head *hd = httpresp_head(h->resp);

			ret->status = hd->status;
			ret->head = hd;
			ret->body = httpresp_body(h->resp, &ret->body_len);
			ret->body_total = httpresp_body_total(h->resp);
			return 0;
		}
		conn_close(h);
		if (x == X_FAIL || !reused)
			return rc;
		/* A kept-alive connection the server had closed: once more on a new one. */
	}
	return rc;
}
