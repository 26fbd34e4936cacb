/* SPDX-License-Identifier: MIT */
/* Unit tests for the readings' line protocol (SPEC "InfluxDB" schema). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
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

	struct store_alert_event e;

	memset(&e, 0, sizeof(e));
	e.time_ms = 1763941516123;
	snprintf(e.station, sizeof(e.station), "pp-06");
	snprintf(e.id, sizeof(e.id), "sonde.ph/value");
	snprintf(e.device, sizeof(e.device), "sonde");
	snprintf(e.point, sizeof(e.point), "ph");
	e.kind = ALERT_VALUE;
	e.from = ALERT_OK;
	e.to = ALERT_WARNING;
	e.transition = ALERT_RAISED;
	e.has_value = e.has_limit = true;
	e.value = 9.31;
	e.limit = 9;
	snprintf(e.message, sizeof(e.message), "sonde.ph 9.31 [pH] above the warning limit 9 [pH]");
	sb_reset(&sb);
	CHECK_EQ_INT(0, influxmsg_alert(&sb, &e, &why), "an alert line");
	CHECK_EQ_STR("alert,device=sonde,point=ph,severity=warning,station=pp-06 alert=\"sonde.ph/value\","
	    "kind=\"value\",transition=\"raised\",previous=\"ok\",value=9.31,limit=9,"
	    "message=\"sonde.ph 9.31 [pH] above the warning limit 9 [pH]\" 1763941516123\n", sb.data,
	    "tags station, device, point, severity; the transition in fields");
	e.point[0] = '\0';
	e.kind = ALERT_COMM;
	e.transition = ALERT_ACKNOWLEDGED;
	e.from = ALERT_WARNING;
	e.has_value = e.has_limit = false;
	snprintf(e.id, sizeof(e.id), "sonde/comm");
	snprintf(e.message, sizeof(e.message), "acknowledged");
	snprintf(e.by, sizeof(e.by), "maria");
	snprintf(e.note, sizeof(e.note), "on my way");
	sb_reset(&sb);
	CHECK_EQ_INT(0, influxmsg_alert(&sb, &e, &why), "an acknowledgement of a device's alert");
	CHECK_EQ_STR("alert,device=sonde,severity=warning,station=pp-06 alert=\"sonde/comm\","
	    "kind=\"comm\",transition=\"acknowledged\",previous=\"warning\",message=\"acknowledged\","
	    "by=\"maria\",note=\"on my way\" 1763941516123\n", sb.data, "no point tag, who and why");
	e.to = (enum alert_severity)8;
	CHECK_EQ_INT(-EINVAL, influxmsg_alert(&sb, &e, &why), "an unknown severity");
	sb_free(&sb);
	return tap_done();
}
