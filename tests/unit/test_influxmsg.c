/* SPDX-License-Identifier: MIT */
/* Unit tests for the readings' line protocol (SPEC "InfluxDB" schema). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "influxmsg.h"
#include "tap.h"

int
main(void)
{
	static const struct {
		struct lw_reading r;
		const char *want;
	} cases[] = {
		{ { 1763941516123, "sonde", "ph", "[pH]", 8.41, true, LW_Q_GOOD },
		  "ph,device=sonde,station=pp-06,unit=[pH] quality=\"good\",value=8.41 1763941516123\n" },
		{ { 1763941516000, "level", "depth", "m", 0, false, LW_Q_MISSING },
		  "depth,device=level,station=pp-06,unit=m quality=\"missing\" 1763941516000\n" },
		{ { 5, "sonde", "specific_conductance", "µS/cm", 49673.5, true, LW_Q_SUSPECT },
		  "specific_conductance,device=sonde,station=pp-06,unit=µS/cm quality=\"suspect\",value=49673.5 5\n" },
		{ { 5, "lab", "alkalinity", "mg/L as CaCO3", 120, true, LW_Q_GOOD },
		  "alkalinity,device=lab,station=pp-06,unit=mg/L\\ as\\ CaCO3 quality=\"good\",value=120 5\n" },
		{ { 5, "gen", "count", "", 3, true, LW_Q_GOOD },
		  "count,device=gen,station=pp-06 quality=\"good\",value=3 5\n" },
		{ { 5, "sonde", "ph", "[pH]", NAN, true, LW_Q_BAD },
		  "ph,device=sonde,station=pp-06,unit=[pH] quality=\"bad\" 5\n" },
		{ { -86400000, "old", "temperature", "Cel", -0.5, true, LW_Q_MAINTENANCE },
		  "temperature,device=old,station=pp-06,unit=Cel quality=\"maintenance\",value=-0.5 -86400000\n" },
	};
	struct strbuf sb;
	const char *why;

	sb_init(&sb);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sb_reset(&sb);
		why = NULL;
		CHECK_EQ_INT(0, influxmsg_reading(&sb, "pp-06", &cases[i].r, &why), "line %zu (%s)", i,
		    why != NULL ? why : "");
		CHECK_EQ_STR(cases[i].want, sb.data, "line %zu", i);
	}
	struct lw_reading bad = { 5, "sonde", "ph", "a\nb", 1, true, LW_Q_GOOD };
	sb_reset(&sb);
	CHECK(influxmsg_reading(&sb, "pp-06", &bad, &why) < 0 && why != NULL,
	    "a unit with a line break is refused (%s)", why != NULL ? why : "");
	CHECK_EQ_INT(0, (int)sb.len, "and nothing is written");
	bad = (struct lw_reading){ 5, "sonde", "ph", "[pH]", 1, true, (enum lw_quality)7 };
	CHECK_EQ_INT(-EINVAL, influxmsg_reading(&sb, "pp-06", &bad, &why), "an unknown quality");
	sb_free(&sb);
	return tap_done();
}
