/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the configuration loader: the input is loaded as the
 * text of a configuration file in a private temporary directory, which also
 * holds two small files for @include to find (one good, one with errors).
 * Besides the sanitizers' own findings it checks the loader's promises: a
 * configuration exactly when there are no messages, and every message one
 * "FILE:LINE: text" line.
 *
 *   make fuzz && build-fuzz/fuzz_conf -max_total_time=60 tests/fuzz/corpus/conf
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

int		 LLVMFuzzerInitialize(int *argc, char ***argv);
int		 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char	*__lsan_default_suppressions(void);

/*
 * libconfig 1.5 leaks the value of a string token its parser discards at a
 * syntax error (`a = 1; "x"` loses "x": there is no bison %destructor).  The
 * memory is allocated by its scanner and lost inside its parser, out of the
 * loader's reach, so only leaks allocated by the scanner are let through;
 * any setting the loader failed to free is still reported.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:libconfig_yylex\nleak:strbuf_append\n";
}

static char dir[] = "/tmp/lw-fuzz-conf-XXXXXX";
static char name[sizeof(dir) + 16];
static char good[sizeof(dir) + 16];
static char bad[sizeof(dir) + 16];

static void
put(char *path, size_t len, const char *file, const char *text)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, file);
	f = fopen(path, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

static void
cleanup(void)
{
	unlink(good);
	unlink(bad);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	put(good, sizeof(good), "devices.inc",
	    "devices = ( { name = \"sonde\"; bus = \"rs485\"; unit = 1; model = \"insitu-at400\"; } );\n");
	put(bad, sizeof(bad), "bad.inc",
	    "devices = ( { name = \"Sonde\"; bus = \"x\"; unit = 999; model = \"generic\"; } );\n");
	snprintf(name, sizeof(name), "%s/fuzz.conf", dir);
	atexit(cleanup);
	return 0;
}

/* "FILE:LINE: text" on one line. */
static int
well_formed(const char *line)
{
	const char *p = strstr(line, ": ");

	if (strchr(line, '\n') != NULL || p == NULL)
		return 0;
	/* The last ":DIGITS: " before the text: file names may hold colons. */
	for (p = line; (p = strchr(p, ':')) != NULL; p++) {
		const char *q = p + 1;

		while (*q >= '0' && *q <= '9')
			q++;
		if (q > p + 1 && q[0] == ':' && q[1] == ' ')
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_errors errs = { NULL, 0 };
	struct conf *c = NULL;
	char *text = malloc(size + 1);
	int rc;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = conf_load_string(name, text, &c, &errs);
	if (rc == 0 && (c == NULL || errs.n != 0))
		abort();
	if (rc != 0 && c != NULL)
		abort();
	if (rc == -EINVAL && errs.n == 0)
		abort();
	for (size_t i = 0; i < errs.n; i++)
		if (!well_formed(errs.lines[i]))
			abort();
	if (c != NULL && conf_find_device(c, c->devices[0].name) == NULL && c->devices[0].name[0])
		abort();
	conf_free(c);
	conf_errors_clear(&errs);
	free(text);
	return 0;
}
