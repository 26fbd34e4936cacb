/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the JSON reader.  The input is the JSON text itself,
 * so the seeds are plain JSON files.  Besides the sanitizers' own findings
 * it checks, and aborts on a violation of:
 *
 * - the sizes jsonparse.h says are always enough (JP_NODES_FOR(len)
 *   nodes, an arena of len + 1 bytes): with them -ENOSPC comes only from
 *   the depth limit, and a text that parses needs no more than
 *   (len + 1) / 2 nodes;
 * - the tree of a text that parses: as many nodes as said, children and
 *   siblings later in the array than their parent, a container's len its
 *   number of children, keys exactly on an object's members and never
 *   twice in one object, strings and keys inside the arena, NUL-terminated,
 *   without NUL inside and valid UTF-8, numbers finite, and every message
 *   empty on success and set on failure;
 * - round trip: the tree written again with the project's JSON writer
 *   (json_string, json_number) parses to the same tree (numbers bit for
 *   bit), and writing that one gives the very same text;
 * - smaller limits: one node fewer, or an arena cut anywhere, gives the same
 *   tree or -ENOSPC, never anything else.
 *
 *   make build-fuzz/fuzz_jsonparse &&
 *   build-fuzz/fuzz_jsonparse -max_total_time=60 $(mktemp -d) tests/fuzz/corpus/jsonparse
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonparse.h"
#include "strbuf.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_jsonparse: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

struct tree {
	struct jp_node	*nodes;
	char		*arena;
	size_t		 alen;
	int		 n;
};

static int
parse(const char *text, size_t len, size_t max_nodes, size_t alen, struct tree *t,
    const char **why)
{
	t->nodes = malloc((max_nodes ? max_nodes : 1) * sizeof(*t->nodes));
	t->arena = malloc(alen ? alen : 1);
	t->alen = alen;
	ASSERT(t->nodes != NULL && t->arena != NULL, "out of memory");
	t->n = jp_parse(text, len, t->nodes, max_nodes, alen ? t->arena : NULL, alen, why);
	return t->n;
}

static void
tree_free(struct tree *t)
{
	free(t->nodes);
	free(t->arena);
}

static bool
in_arena(const struct tree *t, const char *s, size_t len)
{
	return s >= t->arena && s + len < t->arena + t->alen && s[len] == '\0' &&
	    memchr(s, '\0', len) == NULL && utf8_valid(s, len);
}

/* The invariants of node i (and, through it, of its subtree); returns the nodes seen. */
static int
check_node(const struct tree *t, int i, bool member)
{
	const struct jp_node *nd = &t->nodes[i];
	int seen = 1;
	size_t kids = 0;

	ASSERT(i >= 0 && i < t->n, "node %d of %d", i, t->n);
	if (member)
		ASSERT(nd->key != NULL && in_arena(t, nd->key, nd->key_len), "node %d's key", i);
	else
		ASSERT(nd->key == NULL && nd->key_len == 0, "node %d has a key", i);
	switch (nd->type) {
	case JP_STRING:
		ASSERT(nd->str != NULL && in_arena(t, nd->str, nd->len), "node %d's string", i);
		ASSERT(nd->child == -1, "a string with children");
		break;
	case JP_NUMBER:
		ASSERT(isfinite(nd->num), "node %d: %g", i, nd->num);
		ASSERT(nd->child == -1 && nd->str == NULL, "a number with more");
		break;
	case JP_NULL:
	case JP_BOOL:
		ASSERT(nd->child == -1 && nd->str == NULL && nd->num == 0, "a literal with more");
		ASSERT(nd->type == JP_BOOL || !nd->boolean, "null is not true");
		break;
	case JP_ARRAY:
	case JP_OBJECT:
		for (int c = nd->child; c >= 0; c = t->nodes[c].next) {
			ASSERT(c > i, "child %d of node %d", c, i);
			if (nd->type == JP_OBJECT)
				for (int d = nd->child; d != c; d = t->nodes[d].next)
					ASSERT(t->nodes[d].key_len != t->nodes[c].key_len ||
					    memcmp(t->nodes[d].key, t->nodes[c].key,
					    t->nodes[c].key_len) != 0, "a duplicate key");
			seen += check_node(t, c, nd->type == JP_OBJECT);
			kids++;
			ASSERT(t->nodes[c].next == -1 || t->nodes[c].next > c, "sibling order");
		}
		ASSERT(kids == nd->len, "node %d: %zu children, len %zu", i, kids, nd->len);
		ASSERT(nd->str == NULL, "a container with a string");
		break;
	default:
		ASSERT(0, "node %d has type %d", i, (int)nd->type);
	}
	return seen;
}

/* Write node i as JSON with the project's writer. */
static void
write_node(const struct tree *t, int i, struct strbuf *sb)
{
	const struct jp_node *nd = &t->nodes[i];
	bool first = true;

	switch (nd->type) {
	case JP_NULL:
		sb_appends(sb, "null");
		break;
	case JP_BOOL:
		sb_appends(sb, nd->boolean ? "true" : "false");
		break;
	case JP_NUMBER:
		ASSERT(json_number(sb, nd->num) == 0, "json_number %g", nd->num);
		break;
	case JP_STRING:
		ASSERT(json_string(sb, nd->str) == 0, "json_string");
		break;
	case JP_ARRAY:
	case JP_OBJECT:
		sb_appendc(sb, nd->type == JP_ARRAY ? '[' : '{');
		for (int c = nd->child; c >= 0; c = t->nodes[c].next) {
			if (!first)
				sb_appendc(sb, ',');
			first = false;
			if (nd->type == JP_OBJECT) {
				ASSERT(json_string(sb, t->nodes[c].key) == 0, "json_string key");
				sb_appendc(sb, ':');
			}
			write_node(t, c, sb);
		}
		sb_appendc(sb, nd->type == JP_ARRAY ? ']' : '}');
		break;
	}
}

static bool
same_node(const struct jp_node *a, const struct jp_node *b)
{
	if (a->type != b->type || a->len != b->len || a->key_len != b->key_len ||
	    a->next != b->next || a->child != b->child || a->boolean != b->boolean ||
	    (a->key == NULL) != (b->key == NULL))
		return false;
	if (a->key != NULL && memcmp(a->key, b->key, a->key_len) != 0)
		return false;
	if (a->type == JP_STRING && memcmp(a->str, b->str, a->len) != 0)
		return false;
	return memcmp(&a->num, &b->num, sizeof(double)) == 0;
}

static void
same_tree(const struct tree *a, const struct tree *b, const char *what)
{
	ASSERT(a->n == b->n, "%s: %d nodes, then %d", what, a->n, b->n);
	for (int i = 0; i < a->n; i++)
		ASSERT(same_node(&a->nodes[i], &b->nodes[i]), "%s: node %d differs", what, i);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *why = NULL;
	struct tree t, u, v;
	struct strbuf sb, sb2;
	uint64_t h = 1469598103934665603ULL;
	int n, m;

	n = parse(text, size, JP_NODES_FOR(size), size + 1, &t, &why);
	ASSERT(why != NULL, "no message");
	if (n < 0) {
		ASSERT(n == -EINVAL || n == -ERANGE || n == -ENOSPC, "rc %d", n);
		ASSERT(why[0] != '\0', "an error without a message");
		ASSERT(n != -ENOSPC || strstr(why, "nested too deep") != NULL,
		    "-ENOSPC within the sizes said to be enough: %s", why);
		tree_free(&t);
		return 0;
	}
	ASSERT(n >= 1 && why[0] == '\0', "%d '%s'", n, why);
	ASSERT((size_t)n <= (size + 1) / 2, "%d nodes for %zu bytes", n, size);
	ASSERT(check_node(&t, 0, false) == n, "nodes reachable from the root != %d", n);
	ASSERT(t.nodes[0].next == -1, "the root has a sibling");

	/* Written again and read again: the same tree, and a fixed point. */
	sb_init(&sb);
	sb_init(&sb2);
	write_node(&t, 0, &sb);
	ASSERT(sb.data != NULL, "nothing written");
	m = parse(sb.data, sb.len, JP_NODES_FOR(sb.len), sb.len + 1, &u, &why);
	ASSERT(m == n, "written again it gives %d (%s): %s", m, why, sb.data);
	same_tree(&t, &u, "round trip");
	write_node(&u, 0, &sb2);
	ASSERT(sb.len == sb2.len && memcmp(sb.data, sb2.data, sb.len) == 0,
	    "writing the tree read back gives other text");
	tree_free(&u);
	sb_free(&sb);
	sb_free(&sb2);

	/* Tighter limits: the same tree, or -ENOSPC. */
	m = parse(text, size, (size_t)n - 1, size + 1, &u, &why);
	ASSERT(m == -ENOSPC, "one node fewer: %d", m);
	tree_free(&u);
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	m = parse(text, size, (size_t)n, (size_t)(h % (size + 2)), &v, &why);
	ASSERT(m == -ENOSPC || m == n, "arena of %zu: %d", (size_t)(h % (size + 2)), m);
	if (m == n) {
		for (int i = 0; i < n; i++) {
			/* Same shape and content; the strings live elsewhere. */
			ASSERT(same_node(&t.nodes[i], &v.nodes[i]), "node %d with a smaller arena", i);
		}
	}
	tree_free(&v);
	tree_free(&t);
	return 0;
}
