/* SPDX-License-Identifier: MIT */
/*
 * Output of the lakewatch tool, row by row as the store hands the rows over,
 * so no result is held in memory.  Tables are for people: aligned columns,
 * values to 7 significant digits (a float32 sensor has no more).  CSV
 * (RFC 4180 quoting, LF line ends) and JSON (an array of objects, one per
 * line) are for programs: values exact, in the shortest form that reads back
 * as the same double.  A missing value is "-" in a table, an empty field in
 * CSV and null in JSON, never 0.  The program never calls setlocale(), so
 * numbers always have a decimal point.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "timefmt.h"

int
cli_format_parse(const char *name, enum cli_format *ret)
{
	if (strcmp(name, "table") == 0)
		*ret = CLI_FMT_TABLE;
	else if (strcmp(name, "csv") == 0)
		*ret = CLI_FMT_CSV;
	else if (strcmp(name, "json") == 0)
		*ret = CLI_FMT_JSON;
	else
		return -EINVAL;
	return 0;
}

void
cli_fmt_exact(double v, char *buf, size_t len)
{
	/* 17 significant digits always read back exactly; fewer often do. */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (prec == 17 || !isfinite(v) || strtod(buf, NULL) == v)
			return;
	}
}

void
cli_fmt_time(int64_t ms, char *buf, size_t len)
{
	if (timefmt_iso8601(ms, buf, len) != 0)
		snprintf(buf, len, "%lld", (long long)ms);
}

/* A CSV field, quoted when it holds a comma, a quote or a line break. */
static void
csv_text(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
json_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The table's text of a cell. */
static const char *
table_cell(const struct cli_col *col, const struct cli_cell *cell, char *buf, size_t len)
{
	if (cell->missing)
		return "-";
	if (col->kind == CLI_TEXT)
		return cell->text;
	snprintf(buf, len, col->kind == CLI_INTEGER ? "%.0f" : "%.7g", cell->num);
	return buf;
}

static void
table_line(struct cli_out *o, const char *const *texts)
{
	for (size_t i = 0; i < o->ncols; i++) {
		const struct cli_col *col = &o->cols[i];
		int w = col->width;

		if (i > 0)
			fputc(' ', o->f);
		/* The last column is not padded: no trailing blanks. */
		if (i + 1 == o->ncols && !col->right)
			w = 0;
		fprintf(o->f, col->right ? "%*s" : "%-*s", w, texts[i]);
	}
	fputc('\n', o->f);
}

void
cli_out_begin(struct cli_out *o, FILE *f, enum cli_format fmt, const struct cli_col *cols,
    size_t ncols)
{
	const char *titles[CLI_MAX_COLS];

	if (ncols > CLI_MAX_COLS)
		ncols = CLI_MAX_COLS;
	o->f = f;
	o->fmt = fmt;
	o->cols = cols;
	o->ncols = ncols;
	o->rows = 0;
	switch (fmt) {
	case CLI_FMT_TABLE:
		for (size_t i = 0; i < ncols; i++)
			titles[i] = cols[i].title;
		table_line(o, titles);
		break;
	case CLI_FMT_CSV:
		for (size_t i = 0; i < ncols; i++) {
			if (i > 0)
				fputc(',', f);
			csv_text(f, cols[i].name);
		}
		fputc('\n', f);
		break;
	case CLI_FMT_JSON:
		fputc('[', f);
		break;
	}
}

void
cli_out_row(struct cli_out *o, const struct cli_cell *cells)
{
	char num[64];

	switch (o->fmt) {
	case CLI_FMT_TABLE: {
		const char *texts[CLI_MAX_COLS];
		char bufs[CLI_MAX_COLS][32];

		for (size_t i = 0; i < o->ncols; i++)
			texts[i] = table_cell(&o->cols[i], &cells[i], bufs[i], sizeof(bufs[i]));
		table_line(o, texts);
		break;
	}
	case CLI_FMT_CSV:
		for (size_t i = 0; i < o->ncols; i++) {
			if (i > 0)
				fputc(',', o->f);
			if (cells[i].missing)
				continue;
			if (o->cols[i].kind == CLI_TEXT) {
				csv_text(o->f, cells[i].text);
			} else if (o->cols[i].kind == CLI_INTEGER) {
				fprintf(o->f, "%.0f", cells[i].num);
			} else {
				cli_fmt_exact(cells[i].num, num, sizeof(num));
				fputs(num, o->f);
			}
		}
		fputc('\n', o->f);
		break;
	case CLI_FMT_JSON:
		fputs(o->rows ? ",\n{" : "\n{", o->f);
		for (size_t i = 0; i < o->ncols; i++) {
			if (i > 0)
				fputc(',', o->f);
			json_text(o->f, o->cols[i].name);
			fputc(':', o->f);
			/* JSON has no NaN or infinity: those are null as well. */
			if (cells[i].missing || (o->cols[i].kind != CLI_TEXT && !isfinite(cells[i].num))) {
				fputs("null", o->f);
			} else if (o->cols[i].kind == CLI_TEXT) {
				json_text(o->f, cells[i].text);
			} else if (o->cols[i].kind == CLI_INTEGER) {
				fprintf(o->f, "%.0f", cells[i].num);
			} else {
				cli_fmt_exact(cells[i].num, num, sizeof(num));
				fputs(num, o->f);
			}
		}
		fputc('}', o->f);
		break;
	}
	o->rows++;
}

int
cli_out_end(struct cli_out *o)
{
	if (o->fmt == CLI_FMT_JSON)
		fputs(o->rows ? "\n]\n" : "]\n", o->f);
	if (fflush(o->f) != 0 || ferror(o->f))
		return errno ? -errno : -EIO;
	return 0;
}
