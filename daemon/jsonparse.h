/* SPDX-License-Identifier: MIT */
/*
 * A JSON reader for the little JSON the daemon is sent (control requests,
 * later MQTT commands): one complete RFC 8259 JSON text into a tree of nodes.
 * Pure: no I/O, no logging, no allocation of its own.  The caller gives an
 * array of nodes and a string arena; the tree lives in them and in nothing
 * else, so it stays valid as long as they do (the text itself may go).
 *
 * What is accepted is exactly RFC 8259's grammar, with these decisions:
 *
 * - The text is UTF-8 (the RFC's requirement between systems) and must be
 *   well-formed throughout (utf8_valid).  A byte order mark is refused.
 * - Escapes: \" \\ \/ \b \f \n \r \t and \uXXXX (either case), a UTF-16
 *   surrogate pair \uD8xx\uDCxx as the one code point it encodes, in UTF-8.
 *   A lone surrogate, high or low, is refused: it is no character and has
 *   no UTF-8 form.
 * - Strings are handed out NUL-terminated, so U+0000 (written \u0000; a raw
 *   NUL byte in a string is a control character and refused anyway) is
 *   refused: a C string holding it would silently be cut short.  Every
 *   string and key is therefore also a plain C string of length len.
 * - Numbers follow the JSON grammar (no '+', no leading zeros, no '.5' or
 *   '5.', no hex, no NaN or Infinity) and are read with strtod in a C locale
 *   of the reader's own (uselocale), so the process's locale never changes
 *   a value and threads do not disturb one another (the locale is made
 *   once for the process, the reader's only allocation).  A number beyond
 *   the range of a double (1e400) is refused with -ERANGE; one too small
 *   for it becomes 0 or the nearest subnormal.
 * - Duplicate keys in an object are refused: a request {"cmd":"ping",
 *   "cmd":"ack"} means different things to different readers, so it means
 *   nothing here.  (Checking takes time quadratic in the members of one
 *   object; the node limit bounds it.)
 * - Nesting deeper than JP_MAX_DEPTH arrays and objects is refused.
 * - Whitespace is space, tab, LF and CR, before and after any token;
 *   anything but whitespace after the value is refused.
 *
 * The tree: nodes[0] is the value of the text; the nodes of a container
 * follow it in document order.  A container's child is the index of its
 * first member or element and each node's next that of its next sibling,
 * -1 for none.  Iterate with jp_child and jp_next; look members up with
 * jp_get and the typed jp_get_* helpers.
 */
#ifndef LW_JSONPARSE_H
#define LW_JSONPARSE_H

#include <stdbool.h>
#include <stddef.h>

#define JP_MAX_DEPTH	32	/* arrays and objects inside one another */

/* Nodes that are always enough for a text of len bytes (see jp_parse). */
#define JP_NODES_FOR(len)	((len) / 2 + JP_MAX_DEPTH / 2 + 1)

enum jp_type {
	JP_NULL,
	JP_BOOL,
	JP_NUMBER,
	JP_STRING,
	JP_ARRAY,
	JP_OBJECT,
};

struct jp_node {
	enum jp_type	 type;
	const char	*key;		/* a member's key (in the arena, NUL-terminated), else NULL */
	size_t		 key_len;	/* its bytes, the NUL not counted */
	const char	*str;		/* JP_STRING: the text (in the arena), else NULL */
	size_t		 len;		/* JP_STRING: its bytes; JP_ARRAY, JP_OBJECT: children */
	double		 num;		/* JP_NUMBER: the value, else 0 */
	bool		 boolean;	/* JP_BOOL: the value, else false */
	int		 next;		/* the next sibling's index, or -1 */
	int		 child;		/* JP_ARRAY, JP_OBJECT: the first child's index, or -1 */
};

/*
 * Parse the len bytes at text (no NUL needed; a NUL byte in them is an
 * error) into nodes, whose strings and keys are written into the arena.
 * Returns the number of nodes used (at least 1), or
 *   -EINVAL   not a JSON text, or one this reader refuses (above);
 *   -ERANGE   a number beyond the range of a double;
 *   -ENOSPC   more than max_nodes values, an arena too small, or nesting
 *             deeper than JP_MAX_DEPTH;
 *   -ENOMEM   the C locale for numbers could not be made (once, at the
 *             first number of the process; never after it was made);
 * with *why (may be NULL) set to a static message saying what was wrong
 * ("expected ':' after an object key"), and to "" on success.  On error
 * the nodes and the arena hold nothing usable.  JP_NODES_FOR(len) nodes and
 * an arena of len + 1 bytes are always enough for a text of len bytes, valid
 * or not: with them -ENOSPC means nesting too deep, and nothing else.
 * max_nodes is at most INT_MAX.
 */
int	 jp_parse(const char *text, size_t len, struct jp_node *nodes, size_t max_nodes,
	     char *arena, size_t arena_len, const char **why);

/* The first child of a container, or NULL (none, or not a container). */
const struct jp_node *jp_child(const struct jp_node *nodes, const struct jp_node *n);

/* The next sibling, or NULL. */
const struct jp_node *jp_next(const struct jp_node *nodes, const struct jp_node *n);

/* The member key of object obj, or NULL (no such member, or obj not an object). */
const struct jp_node *jp_get(const struct jp_node *nodes, const struct jp_node *obj,
	     const char *key);

/*
 * Typed members: 0 and *ret, -ENOENT when obj has no member key (or is not
 * an object), -EINVAL when the member is of another type (null included).
 * *ret is set only on success; a string stays in the arena.
 */
int	 jp_get_string(const struct jp_node *nodes, const struct jp_node *obj, const char *key,
	     const char **ret);
int	 jp_get_number(const struct jp_node *nodes, const struct jp_node *obj, const char *key,
	     double *ret);
int	 jp_get_bool(const struct jp_node *nodes, const struct jp_node *obj, const char *key,
	     bool *ret);

/* "null", "boolean", "number", "string", "array", "object"; "?" when out of range. */
const char *jp_type_name(enum jp_type);

#endif
