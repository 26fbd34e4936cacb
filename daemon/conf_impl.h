/* SPDX-License-Identifier: MIT */
/*
 * What the configuration loader's own files share, and nothing else includes:
 * the loader state with its error list, and the passes.  conf.c reads the
 * text and runs the passes, conf_scan.c checks the text before libconfig sees
 * it, conf_check.c, conf_device.c, conf_forward.c and conf_alert.c walk the
 * parsed settings against the schema and fill struct conf.
 */
#ifndef LW_CONF_IMPL_H
#define LW_CONF_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "conf.h"

#define CONF_TEXT_MAX		(4u << 20)	/* largest file read, main or included */
#define CONF_INCLUDE_DEPTH	10		/* libconfig 1.5's MAX_INCLUDE_DEPTH */
#define CONF_INCLUDE_FILES	64		/* most @include directives followed */
#define CONF_MSG_MAX		400		/* a message longer than this is cut */
#define CONF_MAX_BUSES		256		/* far more than a station has, and */
#define CONF_MAX_DEVICES	4096		/* bounds for the pairwise checks */
#define CONF_MAX_POINTS		4096		/* of one generic device */
#define CONF_MAX_ALERTS		4096		/* entries of `alerts` */
#define CONF_MAX_NOTIFY		64		/* programs of `notify`, each run per transition */
#define CONF_NOTIFY_ARGS	32		/* arguments of one program */
#define CONF_ARG_MAX		1024		/* bytes of one argument, with the NUL */

/* One error: sorted in reading order (see conf.c), then as found. */
struct conf_err {
	size_t		 file;		/* index into loader.files */
	int		 line;
	size_t		 seq;
	char		*text;		/* "FILE:LINE: message", owned */
	/* The sort key: (file, line) from the main file down, filled to sort. */
	size_t		 nkey;
	size_t		 kfile[CONF_INCLUDE_DEPTH + 1];
	int		 kline[CONF_INCLUDE_DEPTH + 1];
};

/* A file read for this load: the main one first, then each one included. */
struct conf_file {
	char		*shown;		/* its name in messages */
	char		*src;		/* its name as libconfig records it (NULL: main) */
	size_t		 parent;	/* the file that first included it */
	int		 line;		/* and the line of that @include */
};

struct conf_loader {
	const char	*name;		/* the main file as given */
	char		*dir;		/* its directory as given, "" when it has none */
	char		*incdir;	/* the same for libconfig: "." when it has none */
	struct conf_file *files;	/* owned, main first */
	size_t		 nfiles;
	size_t		 nincludes;	/* @include directives followed so far */
	struct conf_err	*errs;
	size_t		 nerrs;
	size_t		 errcap;
	bool		 oom;		/* a memory allocation failed somewhere */
	bool		 buses_unnamed;	/* some bus has no usable name: a dangling
					   reference may only be a symptom */
};

/* An error at a line of the file files[file]. */
void	 conf_err_file(struct conf_loader *, size_t file, int line, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/* An error at a setting (its file and line); s NULL means the main file, line 1. */
void	 conf_err(struct conf_loader *, const config_setting_t *s, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Index in files[] of a file as libconfig records it (NULL: main); adds it if new. */
size_t	 conf_file_index(struct conf_loader *, const char *src);

/* Index of the file src included at parent:line, added if new; 0 and oom set on ENOMEM. */
size_t	 conf_file_add(struct conf_loader *, const char *src, size_t parent, int line);

/*
 * Where setting s is, for remarks like "first at line 12": "line 12" when it
 * is in the same file as setting here, "FILE:12" when not.  Into buf.
 */
const char *conf_where(struct conf_loader *, const config_setting_t *s,
	     const config_setting_t *here, char *buf, size_t len);

/* dir + "/" + rel, or rel alone when rel is absolute or dir is empty; NULL on ENOMEM. */
char	*conf_join(const char *dir, const char *rel);

/*
 * Read a whole file into *ret (NUL-terminated, with room for one more byte)
 * and its length into *retlen.  regular: refuse anything but a regular file
 * (-ENODEV) and never block.  -EFBIG past CONF_TEXT_MAX, -errno otherwise.
 */
int	 conf_read_text(const char *path, bool regular, char **ret, size_t *retlen);

/*
 * conf_scan.c: check text (len bytes, the file files[file]) and every file it
 * includes, as libconfig 1.5's scanner would see them, before libconfig reads
 * anything.  Reports each problem and returns how many there were.
 */
size_t	 conf_scan(struct conf_loader *, size_t file, const char *text, size_t len);

/* conf_check.c: walk the parsed settings, fill *c; errors go to the loader. */
void	 conf_check(struct conf_loader *, const config_t *, struct conf *c);

/*
 * Helpers shared by conf_check.c, conf_device.c and conf_forward.c: each
 * member of a group is checked against a table of keys with the type it must
 * have.
 */
enum conf_kind {
	CK_STRING,		/* "text" */
	CK_INT,			/* 12 */
	CK_NUMBER,		/* 12 or 1.5 */
	CK_BOOL,		/* true, false */
	CK_DURATION,		/* "30s" */
	CK_SIZE,		/* "500MB"; an integer too, to be told it needs a unit */
	CK_GROUP,		/* { ... } */
	CK_LIST,		/* ( ... ) */
	CK_STRINGS,		/* ( "a", "b" ) or [ "a", "b" ]; each element checked by the caller */
};

struct conf_key {
	const char	*name;
	enum conf_kind	 kind;
};

/* A member found in a group: s is set when present with the right type. */
struct conf_slot {
	const config_setting_t	*s;
	bool			 present;	/* present, even with the wrong type */
};

/* Fill slots[] (nkeys of them) from group g; report unknown keys and wrong types. */
void	 conf_walk_group(struct conf_loader *, const config_setting_t *g, const char *ctx,
	     const struct conf_key *keys, size_t nkeys, struct conf_slot *slots);

/* "a string", "an integer", ... for a setting's libconfig type. */
const char *conf_type_name(const config_setting_t *);

/*
 * Value getters: each reports a problem itself (with ctx and the key's name)
 * and returns false; when the slot is empty they store the default and
 * return true.  "Missing" is reported only by conf_require.
 */
bool	 conf_require(struct conf_loader *, const config_setting_t *group, const char *ctx,
	     const struct conf_slot *, const char *key);
bool	 conf_get_int(struct conf_loader *, const struct conf_slot *, const char *ctx,
	     const char *key, long long lo, long long hi, long long def, long long *ret);
bool	 conf_get_num(struct conf_loader *, const struct conf_slot *, const char *ctx,
	     const char *key, double lo, double hi, double def, double *ret);
bool	 conf_get_dur(struct conf_loader *, const struct conf_slot *, const char *ctx,
	     const char *key, int64_t lo, int64_t hi, int64_t def, int64_t *ret);
bool	 conf_get_str(struct conf_loader *, const struct conf_slot *, const char *ctx,
	     const char *key, size_t max, const char *def, char *buf);
bool	 conf_get_size(struct conf_loader *, const struct conf_slot *, const char *ctx,
	     const char *key, int64_t lo, int64_t hi, int64_t def, int64_t *ret);
bool	 conf_get_bool(struct conf_loader *, const struct conf_slot *, bool def, bool *ret);

/*
 * A path, a relative one taken from the main file's directory, into buf (max
 * bytes, at most CONF_PATH_MAX).  It must not be empty.  def NULL makes the
 * key optional: buf is then "" when it is absent.
 */
bool	 conf_get_path(struct conf_loader *, const struct conf_slot *, const char *ctx,
	     const char *key, const char *def, char *buf, size_t max);

/* Index of text in names[] (n of them), or -1. */
int	 conf_one_of(const char *text, const char *const *names, size_t n);

/* A name made of [a-z0-9_-] (lower) or [a-z][a-z0-9_]* (snake), 1..max-1 bytes. */
bool	 conf_name_ok(const char *, bool snake, size_t max);

/* The valid name a group gives itself (its "name" key), for message contexts; or NULL. */
const char *conf_group_name(const config_setting_t *g, bool snake, size_t max);

/* conf_device.c: the devices list, once the buses are known. */
void	 conf_check_devices(struct conf_loader *, const config_setting_t *list, struct conf *c);

/* conf_forward.c: the mqtt and influxdb groups, once the station is known. */
void	 conf_check_mqtt(struct conf_loader *, const config_setting_t *g, struct conf *c);
void	 conf_check_influx(struct conf_loader *, const config_setting_t *g, struct conf *c);

/* conf_alert.c: the alerts list, once the devices are known, and the notify list. */
void	 conf_check_alerts(struct conf_loader *, const config_setting_t *list, struct conf *c);
void	 conf_check_notify(struct conf_loader *, const config_setting_t *list, struct conf *c);

/*
 * conf_alert.c: c->binds from the rules and the devices' points, last of
 * all: only when nothing so far was in error, since each rule and each
 * device must then be good.
 */
void	 conf_bind_alerts(struct conf_loader *, struct conf *c);

#endif
