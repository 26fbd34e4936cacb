/* SPDX-License-Identifier: MIT */
/*
 * The rule engine for one alert: one kind (alertdef.h) watched on one point,
 * or on one device for ALERT_COMM, by one rule (struct conf_alert).  It is
 * fed the point's readings, the passing of time and the device's poll
 * results, and says when the alert's severity changes, with a sentence for
 * people.  Pure: no I/O, no logging, no clock (every time is passed in, UTC
 * ms like lw_reading.time_ms) and no allocation: the state is a fixed-size
 * struct that the caller owns, one per alert, used by one thread at a time.
 *
 * Which readings count.  A reading is good when its quality is LW_Q_GOOD, or
 * LW_Q_SUSPECT and the rule's use_suspect, and it has a finite value.  Any
 * other reading (bad, missing, suspect without use_suspect, no value, NaN or
 * an infinity, a quality code out of range) is bad data.
 *
 * Maintenance.  A reading of quality LW_Q_MAINTENANCE means the device is in
 * maintenance: the alert is silent (no change, from readings, ticks or
 * polls) and pending holds are dropped.  The first reading of another
 * quality after it resets all transient state (holds, hysteresis side, rate
 * window, flatline band, and the last good time := that reading's time) and
 * is then judged normally: leaving maintenance re-evaluates from fresh data.
 * alertrule_maintenance() says the same from the device's configuration:
 * while it is on every reading, whatever its quality, every tick and every
 * poll is ignored; turning it off resets the transient state as above, with
 * the last good time := then.  (A device in maintenance often does not
 * answer at all, and its readings are then missing, not maintenance.)  A
 * comm alert takes no readings: only alertrule_maintenance() silences it.
 *
 * Bad data.  For the kinds value, rate and flatline: when the severity is ok
 * it becomes unknown (a change, transition "unknown"); when it is warning or
 * critical it stays, since an alert is never cleared by bad data, and
 * data_unknown is set; when it is unknown it stays.  Pending holds are
 * dropped.  A stale alert is not changed by bad data (that is what it
 * measures), which only does not refresh the last good time.  data_unknown
 * is cleared by the next good reading; its changes are not severity changes
 * and are not reported.  From unknown a good reading is judged as from ok:
 * when the level judged is ok the change is unknown -> ok at once
 * ("cleared"), with no clear_hold; a raise from unknown takes the hold as
 * one from ok.
 *
 * VALUE.  Levels by the limits, strictly: value > crit_high or < crit_low is
 * critical; else > warn_high or < warn_low is warning; else ok.  A limit
 * that is NAN does not exist.  Hysteresis h: while the alert is active on
 * one side (high or low), the limits of that side for the levels at or below
 * the current severity move back toward the normal range by h (high limits
 * - h, low limits + h), so a level is left only when the value is back past
 * its limit by h; rising to a higher level always uses the raw limit.  When
 * the value is past limits on both sides at once (limits closer than h), the
 * higher level wins, and on a tie the side the alert is active on.  The side
 * of an alert restored after a restart is found from its limit (equal to a
 * limit of the rule) or else its value; a change of side at the same
 * severity is no change.
 *
 * Holds (value and rate).  A higher level must be seen continuously for
 * hold_ms before the severity rises; the change's time is that of the
 * reading that completes the hold.  When the level seen changes while still
 * above the current one (warning, then critical) the hold keeps running from
 * its start and the change goes to the latest level seen.  A lower level must
 * persist for clear_hold_ms before the severity drops, alike.  A reading back
 * at the current level cancels a pending hold; so does a reading on the other
 * side of it (a pending rise is replaced by a pending drop, and the other way
 * round).  hold 0 and clear_hold 0 (or negative) mean at once.  A hold whose
 * start is later than the reading (the clock stepped back) starts again at
 * the reading.  The change's value is the reading's; its limit, for a rise,
 * is the raw limit of the new level on its side, and for a drop the raw limit
 * of the level that was left (crit_high for critical -> warning or ok on the
 * high side).  A drop to a level on the other side (critical high to warning
 * low) is told as a rise on that side, with the limit of the new level.
 *
 * RATE.  The good readings of the last rate_window_ms are kept in up to
 * ALERTRULE_RATE_SLICES time slices, each rate_window_ms / 127 (rounded up)
 * wide from its first reading, holding the count, the means and the
 * co-moments of time and value of its readings.  So the least-squares slope
 * is exact over every reading kept, however fast they come, in fixed
 * memory.  A slice leaves the window whole, as soon as its first reading is
 * older than rate_window_ms; a reading older than the newest one kept (the
 * clock stepped back) empties the window first.  The rate is the slope in
 * value units per hour; it is judged only when the window spans (first to
 * newest reading) at least half of rate_window_ms, holds at least 3
 * readings and the rate is finite; before that there is no judgement and no
 * change (not "unknown").  rate_direction 0 judges |rate|, 1 only rises
 * (rate), -1 only falls (-rate).  Levels: past rate_crit critical, past
 * rate_warn warning, strictly (each may be NAN: not set); hold and
 * clear_hold as for value; no hysteresis.  value: the signed rate per hour;
 * limit: the limit crossed or left.  A rate_window_ms <= 0 never judges.
 *
 * STALE.  The time of the last good reading is kept; on a reading or a tick,
 * when now - last good >= stale_ms the severity becomes stale_severity
 * (value: the age in s, limit: stale_ms / 1000).  The next good reading
 * clears it at once (value: how long there was none, in s).  A last good
 * time later than now (the clock stepped back) is moved to now.  stale_ms
 * <= 0: not watched.
 *
 * FLATLINE.  A band [min, max] of the good values since the band started; a
 * value that would widen it beyond flatline_tolerance (max - min > tol)
 * starts a new band at that value and clears an active flatline alert at
 * once.  When the band has lasted flatline_ms with at least 3 values the
 * severity becomes flatline_severity (value: the latest value, limit: the
 * tolerance).  Opening the first band after a reset (init, restore,
 * maintenance) clears nothing.  flatline_ms <= 0: not watched; a NAN or
 * negative tolerance is 0.
 *
 * COMM.  failed_in_a_row >= comm_failures gives comm_severity (value:
 * failed_in_a_row, limit: comm_failures); 0 (the device answered) gives ok
 * at once, from any severity; fewer failures than that change nothing.
 * comm_failures 0: not watched.
 *
 * Holds apply to value and rate only.  stale_severity, flatline_severity and
 * comm_severity other than warning or critical count as their defaults
 * (warning, warning, critical).  A kind the rule does not set (no limit, a
 * duration of 0) never changes, and a call for another kind than the
 * function serves (a tick for a value alert, a reading for a comm alert)
 * does nothing.  Each call makes at most one change; since_ms becomes the
 * change's time.  Counters saturate, and arithmetic on times saturates, so
 * neither huge numbers of readings nor wild clock steps overflow.
 *
 * Messages: one sentence, no trailing period, numbers rounded to 6
 * significant digits and then written shortest (numfmt_double: "9.31",
 * "0.12", "1e-05", always a '.') with " UNIT" when the unit is not "", the
 * rule's message appended as " (MESSAGE)" when not "", durations as
 * duration_format writes them ("15m", "6h", "90s"), the subject as
 * DEVICE.POINT (DEVICE for comm).  Cut to fit at a character boundary.
 *
 *   value    "sonde.ph 9.31 [pH] above the warning limit 9 [pH]"
 *            "level.depth 0.27 m below the critical limit 0.3 m"
 *            "sonde.ph 9.12 [pH] back below the critical limit 9.2 [pH], still above
 *             the warning limit 9 [pH]"
 *            "sonde.ph 8.95 [pH] back below the warning limit 9 [pH]"
 *            "level.depth 0.6 m back above the warning limit 0.5 m"
 *            "sonde.ph 8.5 [pH] back within the limits"   (critical -> ok; or no limit known)
 *            "sonde.ph 8.4 [pH] within the limits again"  (unknown -> ok)
 *   rate     "level.depth falling 0.12 m per hour, faster than 0.05 m per hour"
 *            "level.depth falling 0.01 m per hour, no longer faster than 0.05 m per hour"
 *            "level.depth rising 0.01 m per hour, within the limits again"  (unknown -> ok)
 *            ("level.depth steady, ..." for a rate of 0)
 *   stale    "sonde.ph: no good reading for 15m"
 *            "sonde.ph 8.4 [pH]: good data again"
 *   flatline "sonde.temperature stuck at 16.4 Cel (within 0.001 Cel for 6h)"
 *            ("unchanged for 6h" when the tolerance is 0)
 *            "sonde.temperature 16.5 Cel: changing again"
 *            "sonde.temperature 16.4 Cel: good data again"  (unknown -> ok)
 *   comm     "sonde: 5 polls in a row failed" ("sonde: 1 poll failed")
 *            "sonde: answering again"
 *   unknown  "sonde.ph: no data to judge (missing)", the reason being "bad",
 *            "missing", "suspect", "no value", "not a finite number" or
 *            "unknown quality"
 */
#ifndef LW_ALERTRULE_H
#define LW_ALERTRULE_H

#include <stdbool.h>
#include <stdint.h>

#include "alertdef.h"
#include "conf.h"
#include "reading.h"

/* Slices of the rate window: memory per alert is fixed by this. */
#define ALERTRULE_RATE_SLICES	128
#define ALERTRULE_MESSAGE_MAX	256

/* What is watched: names are read during the call only. */
struct alert_subject {
	const char	*device;
	const char	*point;		/* NULL for comm */
	const char	*unit;		/* may be "" or NULL */
};

/* The readings of one slice of the rate window (see above). */
struct alertrule_slice {
	int64_t		 first_ms;	/* its first reading */
	uint32_t	 n;		/* readings in it, >= 1 */
	double		 mean_t;	/* mean of time - first_ms, ms */
	double		 mean_v;	/* mean value */
	double		 m_tt;		/* sum of (t - mean_t)^2 */
	double		 c_tv;		/* sum of (t - mean_t)(v - mean_v) */
};

/*
 * The state of one alert.  The caller owns it; it holds no pointers, so it
 * may be copied.  The first group is what the alert is, which the caller
 * persists across restarts (alertrule_restore); the rest is transient.
 */
struct alertrule_state {
	enum alert_severity	 severity;	/* ALERT_OK at init */
	int64_t			 since_ms;	/* when it took this severity */
	bool			 has_value;	/* at the last change: */
	double			 value;		/* rate: per hour, stale: s, comm: failures */
	bool			 has_limit;
	double			 limit;		/* the limit of the last change */
	bool			 data_unknown;	/* active, but the newest data not judged */

	/* Transient: reset at init, restore and when leaving maintenance. */
	bool			 in_maintenance;	/* the last reading said maintenance */
	bool			 maintenance_set;	/* alertrule_maintenance() on */
	int			 side;			/* value: which limits are active */
	bool			 pending;		/* a hold is running */
	bool			 pending_up;		/* towards a higher level */
	enum alert_severity	 pending_level;		/* the latest level seen */
	int			 pending_side;
	int64_t			 pending_since_ms;	/* when the hold started */
	int64_t			 last_good_ms;		/* stale */
	bool			 band;			/* flatline: a band is open */
	double			 band_min;
	double			 band_max;
	int64_t			 band_since_ms;
	uint32_t		 band_n;		/* values in it, saturating */
	int64_t			 rate_last_ms;		/* the newest reading in the window */
	unsigned		 rate_first;		/* the oldest slice */
	unsigned		 rate_n;		/* slices in use */
	struct alertrule_slice	 rate[ALERTRULE_RATE_SLICES];
};

/* A change of severity, for the journal, the publishers and the notifiers. */
struct alert_change {
	enum alert_severity	 from;
	enum alert_severity	 to;
	enum alert_transition	 transition;	/* alert_transition_between(from, to) */
	int64_t			 time_ms;
	bool			 has_value;
	double			 value;
	bool			 has_limit;
	double			 limit;
	char			 message[ALERTRULE_MESSAGE_MAX];	/* NUL-terminated */
};

/* A new alert: ok since now, the last good reading at now. */
void	 alertrule_init(struct alertrule_state *, int64_t now_ms);

/*
 * After a restart: the persisted severity (ALERT_UNKNOWN when out of range),
 * since, value and limit (a value or limit that is not finite is none); the
 * transient state reset, the last good reading at now.  Nothing is raised
 * again: the next readings are judged from the restored severity.
 */
void	 alertrule_restore(struct alertrule_state *, enum alert_severity, int64_t since_ms,
	     bool has_value, double value, bool has_limit, double limit, int64_t now_ms);

/*
 * A reading of the alert's point (kinds value, rate, stale and flatline).
 * 1 and *out (which may be NULL) when the severity changed, else 0 and *out
 * untouched.  rule, subject and the reading are only read.
 */
int	 alertrule_reading(const struct conf_alert *rule, enum alert_kind,
	     const struct alert_subject *, struct alertrule_state *,
	     const struct lw_reading *, struct alert_change *out);

/*
 * Time passed, readings or not: stale alerts.  As alertrule_reading.  Called
 * at alertrule_tick_due, or whenever else (it changes nothing before then).
 */
int	 alertrule_tick(const struct conf_alert *rule, enum alert_kind,
	     const struct alert_subject *, struct alertrule_state *, int64_t now_ms,
	     struct alert_change *out);

/*
 * The earliest time (ms, the readings' clock) at which alertrule_tick could
 * change the alert if no reading came first: a stale alert's last good
 * reading plus its limit; INT64_MAX when time alone changes nothing (another
 * kind, in maintenance, already raised).
 */
int64_t	 alertrule_tick_due(const struct conf_alert *rule, enum alert_kind,
	     const struct alertrule_state *);

/*
 * ALERT_COMM: after a poll of the device at time_ms, its failed polls in a
 * row (0: it answered).  As alertrule_reading.  For comm alerts only: there
 * is no kind to tell.
 */
int	 alertrule_comm(const struct conf_alert *rule, const struct alert_subject *,
	     struct alertrule_state *, int64_t time_ms, unsigned failed_in_a_row,
	     struct alert_change *out);

/*
 * The device's maintenance mode as configured, for every kind: on silences
 * the alert whatever arrives; off resets the transient state (last good
 * reading at now) and lets it judge again.  Turning it on twice is the
 * same as once; turning it off when it is not on does nothing.
 */
void	 alertrule_maintenance(struct alertrule_state *, bool on, int64_t now_ms);

/* Whether the reading counts as good under rule (see above). */
bool	 alertrule_good(const struct conf_alert *rule, const struct lw_reading *);

#endif
