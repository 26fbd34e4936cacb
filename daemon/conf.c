/* SPDX-License-Identifier: MIT */
/*
 * The configuration loader: read the file, check its text before libconfig
 * sees it (conf_scan.c), parse it with libconfig 1.5, walk every setting
 * against the schema (conf_check.c, conf_device.c), and hand back either a
 * complete struct conf or every error found, sorted by file and line.
 *
 * The main file is read here and given to libconfig as a string, so a file
 * that cannot be read is an errno, never a half-read configuration.  Files
 * named by @include are read by libconfig itself, from the directory of the
 * main file (config_set_include_dir); conf_scan.c has read each of them
 * first, so libconfig never opens one that would make its scanner exit.
 *
 * Nothing here logs, exits or keeps global state: the loader runs again on
 * every SIGHUP while the old configuration is still in use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_impl.h"
#include "strbuf.h"

char *
conf_join(const char *dir, const char *rel)
{
	size_t dl = strlen(dir), rl = strlen(rel);
	bool slash = dl > 0 && dir[dl - 1] != '/';
	char *p;

	if (rel[0] == '/' || dl == 0)
		return strdup(rel);
	p = malloc(dl + slash + rl + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, rel, rl + 1);
	return p;
}

int
conf_read_text(const char *path, bool regular, char **ret, size_t *retlen)
{
	struct stat st;
	size_t len = 0, cap = 4096;
	char *buf = NULL;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (regular ? O_NONBLOCK : 0));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		goto out;
	}
	if (regular && !S_ISREG(st.st_mode)) {
		rc = -ENODEV;
		goto out;
	}
	buf = malloc(cap);
	if (buf == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n;

		/* Room for the terminating NUL and one appended newline. */
		if (cap - len < 3) {
			char *nb;

			if (cap > CONF_TEXT_MAX) {
				rc = -EFBIG;
				goto out;
			}
			nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				rc = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 2);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CONF_TEXT_MAX) {
			rc = -EFBIG;
			goto out;
		}
	}
	buf[len] = '\0';
	*ret = buf;
	*retlen = len;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

size_t
conf_file_add(struct conf_loader *L, const char *src, size_t parent, int line)
{
	struct conf_file *nf;
	char *shown, *copy;

	for (size_t i = 1; i < L->nfiles; i++)
		if (strcmp(L->files[i].src, src) == 0)
			return i;
	nf = realloc(L->files, (L->nfiles + 1) * sizeof(*nf));
	if (nf == NULL) {
		L->oom = true;
		return 0;
	}
	L->files = nf;
	shown = conf_join(L->dir, src);
	copy = strdup(src);
	if (shown == NULL || copy == NULL) {
		free(shown);
		free(copy);
		L->oom = true;
		return 0;
	}
	nf[L->nfiles].shown = shown;
	nf[L->nfiles].src = copy;
	nf[L->nfiles].parent = parent;
	nf[L->nfiles].line = line;
	return L->nfiles++;
}

size_t
conf_file_index(struct conf_loader *L, const char *src)
{
	/* Every included file was added by conf_scan.c; this only finds it. */
	return src == NULL ? 0 : conf_file_add(L, src, 0, 0);
}

/* Append a byte to a message, control characters as \xHH so it stays one line. */
static size_t
put_clean(char *dst, size_t at, size_t cap, const char *s)
{
	for (; *s != '\0' && at + 5 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f)
			at += (size_t)snprintf(dst + at, cap - at, "\\x%02x", ch);
		else
			dst[at++] = (char)ch;
	}
	dst[at] = '\0';
	return at;
}

static void err_add(struct conf_loader *, size_t, int, const char *, va_list)
    __attribute__((format(printf, 4, 0)));

static void
err_add(struct conf_loader *L, size_t file, int line, const char *fmt, va_list ap)
{
	char msg[CONF_MSG_MAX], out[2 * CONF_MSG_MAX + 64], num[16];
	size_t at = 0;
	int n;

	if (L->errcap == L->nerrs) {
		size_t cap = L->errcap ? 2 * L->errcap : 16;
		struct conf_err *ne = realloc(L->errs, cap * sizeof(*ne));

		if (ne == NULL) {
			L->oom = true;
			return;
		}
		L->errs = ne;
		L->errcap = cap;
	}
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		snprintf(msg, sizeof(msg), "unprintable error");
	else if ((size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	if (line < 1)
		line = 1;
	snprintf(num, sizeof(num), ":%d: ", line);
	at = put_clean(out, at, sizeof(out), file < L->nfiles ? L->files[file].shown : L->name);
	at = put_clean(out, at, sizeof(out), num);
	put_clean(out, at, sizeof(out), msg);
	L->errs[L->nerrs].text = strdup(out);
	if (L->errs[L->nerrs].text == NULL) {
		L->oom = true;
		return;
	}
	L->errs[L->nerrs].file = file;
	L->errs[L->nerrs].line = line;
	L->errs[L->nerrs].seq = L->nerrs;
	L->nerrs++;
}

void
conf_err_file(struct conf_loader *L, size_t file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_add(L, file, line, fmt, ap);
	va_end(ap);
}

void
conf_err(struct conf_loader *L, const config_setting_t *s, const char *fmt, ...)
{
	size_t file = 0;
	int line = 1;
	va_list ap;

	if (s != NULL) {
		file = conf_file_index(L, config_setting_source_file(s));
		line = (int)config_setting_source_line(s);
	}
	va_start(ap, fmt);
	err_add(L, file, line, fmt, ap);
	va_end(ap);
}

const char *
conf_where(struct conf_loader *L, const config_setting_t *s, const config_setting_t *here,
    char *buf, size_t len)
{
	size_t f = conf_file_index(L, config_setting_source_file(s));
	size_t h = conf_file_index(L, config_setting_source_file(here));
	unsigned line = config_setting_source_line(s);

	if (f == h || f >= L->nfiles)
		snprintf(buf, len, "line %u", line);
	else
		snprintf(buf, len, "%s:%u", L->files[f].shown, line);
	return buf;
}

/*
 * Where an error is in reading order: the chain of (file, line) from the main
 * file through each @include down to the error's own line.  An error in an
 * included file comes after the main file's errors above its @include and
 * before those below it.
 */
static void
err_key(const struct conf_loader *L, struct conf_err *e)
{
	size_t n = 0, f = e->file;
	int line = e->line;

	for (;;) {
		e->kfile[n] = f;
		e->kline[n] = line;
		n++;
		/* A parent is always added before the files it includes. */
		if (f == 0 || f >= L->nfiles || n == CONF_INCLUDE_DEPTH + 1)
			break;
		line = L->files[f].line;
		f = L->files[f].parent;
	}
	for (size_t i = 0; i < n / 2; i++) {
		size_t tf = e->kfile[i];
		int tl = e->kline[i];

		e->kfile[i] = e->kfile[n - 1 - i];
		e->kline[i] = e->kline[n - 1 - i];
		e->kfile[n - 1 - i] = tf;
		e->kline[n - 1 - i] = tl;
	}
	e->nkey = n;
}

static int
err_cmp(const void *a, const void *b)
{
	const struct conf_err *x = a, *y = b;

	for (size_t i = 0; i < x->nkey && i < y->nkey; i++) {
		if (x->kfile[i] != y->kfile[i])
			return x->kfile[i] < y->kfile[i] ? -1 : 1;
		if (x->kline[i] != y->kline[i])
			return x->kline[i] < y->kline[i] ? -1 : 1;
	}
	if (x->nkey != y->nkey)
		return x->nkey < y->nkey ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq ? 1 : 0;
}

/* Move the sorted messages to errs; false when out of memory. */
static bool
errs_move(struct conf_loader *L, struct conf_errors *errs)
{
	char **nl;

	if (L->nerrs == 0)
		return true;
	for (size_t i = 0; i < L->nerrs; i++)
		err_key(L, &L->errs[i]);
	qsort(L->errs, L->nerrs, sizeof(*L->errs), err_cmp);
	nl = realloc(errs->lines, (errs->n + L->nerrs) * sizeof(*nl));
	if (nl == NULL)
		return false;
	errs->lines = nl;
	for (size_t i = 0; i < L->nerrs; i++) {
		errs->lines[errs->n++] = L->errs[i].text;
		L->errs[i].text = NULL;
	}
	return true;
}

static void
loader_free(struct conf_loader *L)
{
	for (size_t i = 0; i < L->nerrs; i++)
		free(L->errs[i].text);
	free(L->errs);
	for (size_t i = 0; i < L->nfiles; i++) {
		free(L->files[i].shown);
		free(L->files[i].src);
	}
	free(L->files);
	free(L->dir);
	free(L->incdir);
}

static int
loader_init(struct conf_loader *L, const char *name)
{
	const char *slash = strrchr(name, '/');

	memset(L, 0, sizeof(*L));
	L->name = name;
	if (slash == NULL)
		L->dir = strdup("");
	else if (slash == name)
		L->dir = strdup("/");
	else
		L->dir = strndup(name, (size_t)(slash - name));
	L->incdir = L->dir != NULL ? strdup(L->dir[0] != '\0' ? L->dir : ".") : NULL;
	L->files = calloc(1, sizeof(*L->files));
	if (L->files != NULL) {
		L->nfiles = 1;
		L->files[0].shown = strdup(name);
	}
	if (L->dir == NULL || L->incdir == NULL || L->nfiles == 0 || L->files[0].shown == NULL)
		return -ENOMEM;
	return 0;
}

/* libconfig's words for a parse error, made a little clearer. */
static const char *
parse_error_text(const char *text)
{
	if (text == NULL)
		return "syntax error";
	if (strcmp(text, "memory exhausted") == 0)
		return "syntax error: nested too deeply";
	return text;
}

/* Load text (len bytes, NUL-terminated, ending in a newline) of the file name. */
static int
load_text(const char *name, const char *text, size_t len, struct conf **ret,
    struct conf_errors *errs)
{
	struct conf_loader L;
	struct conf *c = NULL;
	int rc;

	rc = loader_init(&L, name);
	if (rc == 0 && conf_scan(&L, 0, text, len) == 0 && !L.oom) {
		config_t cfg;

		config_init(&cfg);
		/* Values are read by type, never converted behind our back. */
		config_set_auto_convert(&cfg, 0);
		config_set_include_dir(&cfg, L.incdir);
		if (!config_read_string(&cfg, text)) {
			conf_err_file(&L, conf_file_index(&L, config_error_file(&cfg)),
			    config_error_line(&cfg), "%s", parse_error_text(config_error_text(&cfg)));
		} else {
			c = calloc(1, sizeof(*c));
			if (c == NULL || (c->path = strdup(name)) == NULL)
				L.oom = true;
			else
				conf_check(&L, &cfg, c);
		}
		config_destroy(&cfg);
	}
	if (rc == 0 && L.oom)
		rc = -ENOMEM;
	if (rc == 0 && L.nerrs > 0)
		rc = -EINVAL;
	if (rc != -ENOMEM && !errs_move(&L, errs))
		rc = -ENOMEM;
	loader_free(&L);
	if (rc != 0) {
		conf_free(c);
		return rc;
	}
	*ret = c;
	return 0;
}

int
conf_load_string(const char *name, const char *text, struct conf **ret, struct conf_errors *errs)
{
	size_t len = strlen(text);
	char *copy = malloc(len + 2);
	int rc;

	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, text, len + 1);
	/* libconfig 1.5 rejects a '#' or '//' comment that ends the file without a newline. */
	if (len == 0 || copy[len - 1] != '\n') {
		copy[len++] = '\n';
		copy[len] = '\0';
	}
	rc = load_text(name, copy, len, ret, errs);
	free(copy);
	return rc;
}

int
conf_load(const char *path, struct conf **ret, struct conf_errors *errs)
{
	size_t len = 0;
	char *text = NULL;
	int rc;

	rc = conf_read_text(path, false, &text, &len);
	if (rc != 0)
		return rc;
	if (len == 0 || text[len - 1] != '\n') {
		text[len++] = '\n';
		text[len] = '\0';
	}
	/* conf_scan.c reports a NUL byte, which would cut the string short. */
	rc = load_text(path, text, len, ret, errs);
	free(text);
	return rc;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; c->devices != NULL && i < c->ndevices; i++) {
		struct conf_device *d = &c->devices[i];

		free(d->adjust);
		if (d->generic != NULL) {
			for (size_t p = 0; p < d->generic->npoints; p++) {
				free((void *)d->generic->points[p].name);
				free((void *)d->generic->points[p].unit);
			}
			free((void *)d->generic->points);
			free(d->generic);
		}
	}
	free(c->devices);
	free(c->buses);
	free(c->alerts);
	free(c->binds);
	for (size_t i = 0; c->notify != NULL && i < c->nnotify; i++) {
		for (size_t a = 0; c->notify[i].args != NULL && c->notify[i].args[a] != NULL; a++)
			free(c->notify[i].args[a]);
		free(c->notify[i].args);
	}
	free(c->notify);
	free(c->path);
	free(c);
}

void
conf_errors_clear(struct conf_errors *errs)
{
	if (errs == NULL)
		return;
	for (size_t i = 0; i < errs->n; i++)
		free(errs->lines[i]);
	free(errs->lines);
	errs->lines = NULL;
	errs->n = 0;
}

const struct conf_device *
conf_find_device(const struct conf *c, const char *name)
{
	for (size_t i = 0; c != NULL && name != NULL && i < c->ndevices; i++)
		if (strcmp(c->devices[i].name, name) == 0)
			return &c->devices[i];
	return NULL;
}

const struct conf_bus *
conf_device_bus(const struct conf *c, const struct conf_device *d)
{
	if (c == NULL || d == NULL || d->bus >= c->nbuses)
		return NULL;
	return &c->buses[d->bus];
}

int
conf_find_point(const struct conf *c, const char *name, const struct conf_device **ret_dev,
    size_t *ret_point)
{
	char dev[LW_NAME_MAX];
	const struct conf_device *d;
	const char *dot;
	int i;

	if (c == NULL || name == NULL || (dot = strchr(name, '.')) == NULL ||
	    (size_t)(dot - name) >= sizeof(dev))
		return -ENOENT;
	memcpy(dev, name, (size_t)(dot - name));
	dev[dot - name] = '\0';
	d = conf_find_device(c, dev);
	if (d == NULL || d->model == NULL)
		return -ENOENT;
	i = drv_point_index(d->model, dot + 1);
	if (i < 0)
		return -ENOENT;
	if (ret_dev != NULL)
		*ret_dev = d;
	if (ret_point != NULL)
		*ret_point = (size_t)i;
	return 0;
}

/* A double as its exact bits, so that -0, NaN and every digit count. */
static int
fp_double(struct strbuf *out, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	return sb_printf(out, "%016llx,", (unsigned long long)bits);
}

static int
fp_model(struct strbuf *out, const struct drv_model *m)
{
	int rc = sb_printf(out, "model %s %zu %u %u %d %u %u %u:", m->name, m->npoints,
	    m->max_regs_per_read, m->max_gap, m->align_even, m->turnaround_ms, m->warmup_ms,
	    m->max_reply_ms);

	for (size_t i = 0; rc == 0 && i < m->npoints; i++) {
		const struct drv_point *p = &m->points[i];

		rc = sb_printf(out, "[%s|%s|%d|%u|%d|%d|%d|%llx|", p->name, p->unit, (int)p->reg,
		    p->addr, (int)p->type, (int)p->order, p->has_sentinel,
		    (unsigned long long)p->sentinel);
		if (rc == 0)
			rc = fp_double(out, p->scale);
		if (rc == 0)
			rc = fp_double(out, p->offset);
		if (rc == 0)
			rc = fp_double(out, p->rated_min);
		if (rc == 0)
			rc = fp_double(out, p->rated_max);
		for (size_t c = 0; rc == 0 && c < DRV_MAX_CHECKS; c++) {
			const struct drv_check *k = &p->checks[c];

			rc = sb_printf(out, "%d/%d/%u/%u/%u/%u/%d,", (int)k->kind, (int)k->reg, k->addr,
			    k->shift, k->mask, k->code, (int)k->quality);
		}
		if (rc == 0)
			rc = sb_appendc(out, ']');
	}
	return rc;
}

int
conf_bus_fingerprint(const struct conf *c, size_t index, struct strbuf *out)
{
	const struct conf_bus *b = &c->buses[index];
	int rc = sb_printf(out, "bus %s %d %s %u %c %u %u %s %u %lld %lld;", b->name, (int)b->type,
	    b->device, b->baud, b->parity ? b->parity : '-', b->data_bits, b->stop_bits, b->host,
	    b->port, (long long)b->timeout_ms, (long long)b->turnaround_ms);

	for (size_t d = 0; rc == 0 && d < c->ndevices; d++) {
		const struct conf_device *dev = &c->devices[d];

		if (dev->bus != index)
			continue;
		rc = sb_printf(out, "device %s %u %lld %lld %d %d %u %u ", dev->name, dev->unit,
		    (long long)dev->interval_ms, (long long)dev->timeout_ms, dev->enabled,
		    dev->maintenance, dev->max_read, dev->max_gap);
		if (rc == 0)
			rc = fp_model(out, dev->model);
		for (size_t p = 0; rc == 0 && dev->adjust != NULL && p < dev->model->npoints; p++) {
			const struct sample_adjust *a = &dev->adjust[p];

			rc = fp_double(out, a->cal_scale);
			if (rc == 0)
				rc = fp_double(out, a->cal_offset);
			if (rc == 0)
				rc = sb_printf(out, "%d,", a->has_plausible);
			if (rc == 0)
				rc = fp_double(out, a->plausible_min);
			if (rc == 0)
				rc = fp_double(out, a->plausible_max);
		}
		if (rc == 0)
			rc = sb_appendc(out, ';');
	}
	/* The station's name is in every reading the bus takes. */
	if (rc == 0)
		rc = sb_printf(out, "station %s", c->station.id);
	return rc;
}
