/* SPDX-License-Identifier: MIT */
/*
 * The tool's side of the daemon's control socket (ctl.h): one request to
 * the socket the configuration names, and its reply, parsed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ctl.h"
#include "json.h"

int
cli_control_reply(const struct cli *cli, const char *command, const char *request,
    size_t max, struct cli_reply *r)
{
	const char *text = NULL, *why = "";
	size_t max_nodes = JP_NODES_FOR(max);
	char err[512];
	bool ok = false;
	int rc;

	memset(r, 0, sizeof(*r));
	r->text = malloc(max);
	r->arena = malloc(max + 1);
	r->nodes = calloc(max_nodes, sizeof(*r->nodes));
	if (r->text == NULL || r->arena == NULL || r->nodes == NULL) {
		cli_reply_free(r);
		cli_err("%s: out of memory", command);
		return CLI_FAIL;
	}
	rc = ctl_request(cli->conf->control_socket, request, r->text, max,
	    CLI_CONTROL_TIMEOUT_MS, err, sizeof(err));
	if (rc != 0) {
		cli_err("%s: %s", command, err);
		cli_reply_free(r);
		return CLI_FAIL;
	}
	rc = jp_parse(r->text, strlen(r->text), r->nodes, max_nodes, r->arena, max + 1, &why);
	if (rc < 0 || jp_get_bool(r->nodes, &r->nodes[0], "ok", &ok) != 0 ||
	    jp_get_string(r->nodes, &r->nodes[0], ok ? "message" : "error", &text) != 0) {
		cli_err("%s: the daemon's reply is not understood (%s): %.200s", command,
		    rc < 0 ? why : "no \"ok\" with a message", r->text);
		cli_reply_free(r);
		return CLI_FAIL;
	}
	if (!ok) {
		cli_err("%s: %s", command, text);
		cli_reply_free(r);
		return CLI_FAIL;
	}
	r->message = text;
	return CLI_OK;
}

void
cli_reply_free(struct cli_reply *r)
{
	free(r->text);
	free(r->arena);
	free(r->nodes);
	memset(r, 0, sizeof(*r));
}

int
cli_control(const struct cli *cli, const char *command, const char *request)
{
	struct cli_reply r;
	int status;

	if (cli_control_reply(cli, command, request, CLI_CONTROL_REPLY_MAX, &r) != CLI_OK)
		return CLI_FAIL;
	printf("%s\n", r.message);
	status = fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
	cli_reply_free(&r);
	return status;
}

int
cli_json_node(struct strbuf *sb, const struct jp_node *nodes, const struct jp_node *n)
{
	const struct jp_node *c;
	int rc = 0;

	switch (n->type) {
	case JP_NULL:
		return sb_appends(sb, "null");
	case JP_BOOL:
		return sb_appends(sb, n->boolean ? "true" : "false");
	case JP_NUMBER:
		return json_number(sb, n->num);
	case JP_STRING:
		return json_string(sb, n->str);
	case JP_ARRAY:
	case JP_OBJECT:
		rc = sb_appendc(sb, n->type == JP_ARRAY ? '[' : '{');
		for (c = jp_child(nodes, n); rc == 0 && c != NULL; c = jp_next(nodes, c)) {
			if (c != jp_child(nodes, n))
				rc = sb_appendc(sb, ',');
			if (rc == 0 && n->type == JP_OBJECT) {
				rc = json_string(sb, c->key);
				if (rc == 0)
					rc = sb_appendc(sb, ':');
			}
			if (rc == 0)
				rc = cli_json_node(sb, nodes, c);
		}
		if (rc == 0)
			rc = sb_appendc(sb, n->type == JP_ARRAY ? ']' : '}');
		return rc;
	}
	return -EINVAL;
}
