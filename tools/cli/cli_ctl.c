/* SPDX-License-Identifier: MIT */
/*
 * The tool's side of the daemon's control socket (ctl.h): one request to
 * the socket the configuration names, and its reply for people.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ctl.h"
#include "jsonparse.h"

int
cli_control(const struct cli *cli, const char *command, const char *request)
{
	static struct jp_node nodes[JP_NODES_FOR(CLI_CONTROL_REPLY_MAX)];
	static char reply[CLI_CONTROL_REPLY_MAX], arena[CLI_CONTROL_REPLY_MAX + 1];
	const char *text = NULL, *why = "";
	char err[512];
	bool ok = false;
	int rc;

	rc = ctl_request(cli->conf->control_socket, request, reply, sizeof(reply),
	    CLI_CONTROL_TIMEOUT_MS, err, sizeof(err));
	if (rc != 0) {
		cli_err("%s: %s", command, err);
		return CLI_FAIL;
	}
	rc = jp_parse(reply, strlen(reply), nodes, sizeof(nodes) / sizeof(nodes[0]), arena,
	    sizeof(arena), &why);
	if (rc < 0 || jp_get_bool(nodes, &nodes[0], "ok", &ok) != 0 ||
	    jp_get_string(nodes, &nodes[0], ok ? "message" : "error", &text) != 0) {
		cli_err("%s: the daemon's reply is not understood (%s): %.200s", command,
		    rc < 0 ? why : "no \"ok\" with a message", reply);
		return CLI_FAIL;
	}
	if (!ok) {
		cli_err("%s: %s", command, text);
		return CLI_FAIL;
	}
	printf("%s\n", text);
	return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}
