/* SPDX-License-Identifier: MIT */
/*
 * lakewatch: the command-line tool for operators, technicians and
 * researchers.  `lakewatch [-c FILE] COMMAND [ARGS]`: the global options,
 * then one command, which parses its own options (cli_<command>.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef LW_VERSION
#define LW_VERSION	"unknown"
#endif

struct command {
	const char	*name;
	int		(*run)(struct cli *, int, char **);
	const char	*args;		/* after the name, in the list of commands */
	const char	*summary;
};

static const struct command commands[] = {
	{ "status", cmd_status, "", "the running daemon: devices, backlog, alerts" },
	{ "query", cmd_query, "POINT...", "readings or aggregates from the local store" },
	{ "export", cmd_export, "", "the station's readings as CSV, with quality" },
	{ "read", cmd_read, "DEVICE", "one poll of a device through its driver" },
	{ "alerts", cmd_alerts, "", "the active alerts, from the local store" },
	{ "events", cmd_events, "", "the alert history, from the local store" },
	{ "ack", cmd_ack, "ALERT", "acknowledge an alert (through the daemon)" },
	{ "maintenance", cmd_maintenance, "DEVICE on|off", "a device in or out of maintenance" },
	{ "reload", cmd_reload, "", "the daemon re-reads its configuration" },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	char head[64];

	fprintf(f,
	    "usage: lakewatch [-c FILE] COMMAND [ARGS]\n"
	    "       lakewatch -V | -h | help COMMAND\n"
	    "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		snprintf(head, sizeof(head), "%s %s", commands[i].name, commands[i].args);
		fprintf(f, "  %-26s %s\n", head, commands[i].summary);
	}
	fprintf(f,
	    "Options:\n"
	    "  -c FILE   the station's configuration (default " CONF_DEFAULT_PATH ")\n"
	    "  -h        this help; 'lakewatch COMMAND -h' for a command's options\n"
	    "  -V        print the version\n"
	    "Exit status: 0 done, 1 failed, 2 wrong usage.\n");
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { CONF_DEFAULT_PATH, NULL };
	const struct command *cmd;
	int c, status;

	opterr = 0;
	/* "+": stop at the command; its options are its own. */
	while ((c = getopt_long(argc, argv, "+:c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cli.conf_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		case 'V':
			printf("lakewatch %s\n", LW_VERSION);
			return CLI_OK;
		default:
			cli_option_error(NULL, c, argv);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		cli_err("name a command");
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0) {
		if (optind + 1 >= argc) {
			usage(stdout);
			return CLI_OK;
		}
		if ((cmd = find_command(argv[optind + 1])) == NULL) {
			cli_err("no command '%s'", argv[optind + 1]);
			usage(stderr);
			return CLI_USAGE;
		}
		char *hargv[] = { (char *)cmd->name, (char *)"--help", NULL };
		return cmd->run(&cli, 2, hargv);
	}
	if ((cmd = find_command(argv[optind])) == NULL) {
		cli_err("no command '%s'", argv[optind]);
		usage(stderr);
		return CLI_USAGE;
	}
	status = cmd->run(&cli, argc - optind, argv + optind);
	if (cli.conf != NULL)
		conf_free(cli.conf);
	return status;
}
