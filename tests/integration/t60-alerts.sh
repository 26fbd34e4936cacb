#!/usr/bin/env bash
# Alerts end to end, driven by lakewatch-sim's run-time values: a pH spike
# through warning and critical and back, a level that falls below the
# critical depth, a sensor that freezes, and a device that goes silent.  The
# exact sequence of transitions is checked in the store (alert_events) and on
# MQTT (ROOT/STATION/events and the retained ROOT/STATION/alerts/...), a
# notify hook is called exactly once per transition at or above its severity,
# and a restart in the middle of active alerts raises and notifies nothing
# again.
. "$(dirname "$0")/lib.sh"

# conf FILE SIM_PORT MQTT_PORT
conf() {
	cat >"$1" <<CONF
station = { id = "pp-al"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "250ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; },
               { name = "temperature"; unit = "Cel"; register = "input"; address = 2; type = "f32"; } ); },
  { name = "level"; bus = "lan"; unit = 2; model = "generic"; interval = "250ms";
    points = ( { name = "depth"; unit = "m"; register = "input"; address = 0; type = "f32"; } ); },
  { name = "far"; bus = "lan"; unit = 3; model = "generic"; interval = "250ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; } ); }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
mqtt = { host = "127.0.0.1"; port = $3; topic_root = "lw"; keepalive = "5s"; };
influxdb = { url = "$INFLUX_URL"; database = "lakewatch"; flush_interval = "200ms"; };
alerts = (
  { point = "sonde.ph"; warn_high = 9.0; crit_high = 9.2; hysteresis = 0.05;
    hold = "1s"; clear_hold = "1s"; },
  { point = "level.depth"; warn_low = 1.0; crit_low = 0.3; },
  { point = "sonde.temperature"; flatline = "3s"; flatline_tolerance = 0.0001; },
  { point = "far.*"; comm_failures = 3; }
);
notify = ( { exec = "$T/hook.sh"; name = "sms"; min_severity = "warning"; min_interval = "0s"; } );
CONF
}

cat >"$T/hook.sh" <<HOOK
#!/bin/sh
echo "\$LAKEWATCH_ALERT \$LAKEWATCH_TRANSITION \$LAKEWATCH_SEVERITY" >>"$T/calls"
HOOK
chmod 755 "$T/hook.sh"
: >"$T/calls"

# values LINES...: what the simulator serves from now on (a faults file, then SIGUSR1).
values() { printf '%s\n' "$@" >"$T/faults"; kill -USR1 "$SIM_PID"; }
events() { sqlite3 -cmd ".timeout 5000" "$T/lw.db" "select device || '.' || coalesce(point, '') || ' ' || kind || ' ' ||
	transition || ' ' || severity from alert_events where kind = '$1' order by rowid"; }
has_events() { [ "$(events "$1" | grep -c "^$2 ")" -ge "$3" ]; }
mqtt_events() {
	sed -n 's/^lw\/pp-al\/events {.*"alert":"\([^"]*\)".*"transition":"\([a-z]*\)","severity":"\([a-z]*\)".*/\1 \2 \3/p' \
		"$T/events.out"
}

start_mosquitto mq || exit 1
mqtt_sub "$T/events.out" 'lw/pp-al/events' -q 1 || exit 1
start_influxd flux || exit 1
influx_q "" 'CREATE DATABASE "lakewatch"' 
conf "$T/sim.conf" 1 "$MQTT_PORT"
printf '%s\n' "set sonde.ph=8.4" "set level.depth=1.5" >"$T/faults"
start_sim sim "$T/sim.conf" --listen lan=0 --faults-file "$T/faults" || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan" "$MQTT_PORT"
check_eq "-n accepts the rules" "configuration OK" "$("$LW_BIN/lakewatchd" -n -c "$T/lw.conf" 2>&1)"
start_daemon lakewatchd "$T/lw.conf"
wait_for 10 sql "$T/lw.db" "select 1 from sample limit 1"
sleep 1

# The pH spike: 9.1 (warning), 9.3 (critical), 9.1 (warning), 8.5 (ok), each held.
for v in 9.1 9.3 9.1 8.5; do
	values "set sonde.ph=$v" "set level.depth=1.5"
	sleep 2
done
check "the pH spike went through all four transitions" wait_for 10 has_events value sonde.ph 4
check_eq "sonde.ph: raised, escalated, deescalated, cleared" \
	"sonde.ph value raised warning
sonde.ph value escalated critical
sonde.ph value deescalated warning
sonde.ph value cleared ok" "$(events value | grep '^sonde.ph ')"

# The level falls from 1.5 m to 0.2 m in 4 s: warning below 1 m, critical below 0.3 m.
values "set sonde.ph=8.5" "ramp level.depth=1.5:0.2:4"
check "the falling level raised and escalated" wait_for 15 has_events value level.depth 2
check_eq "level.depth: raised warning, escalated critical" \
	"level.depth value raised warning
level.depth value escalated critical" "$(events value | grep '^level.depth ')"

# The temperature sensor freezes.
values "set sonde.ph=8.5" "set level.depth=0.2" "set sonde.temperature=16.4"
check "a frozen sensor raises a flatline alert" wait_for 15 has_events flatline sonde.temperature 1
check_eq "sonde.temperature: flatline raised warning" "sonde.temperature flatline raised warning" \
	"$(events flatline)"

# The device 'far' goes silent.
values "set sonde.ph=8.5" "set level.depth=0.2" "set sonde.temperature=16.4" "far timeout"
check "a silent device raises a comm alert" wait_for 15 has_events comm far. 1
check_eq "far: comm raised critical" "far. comm raised critical" "$(events comm)"
check_eq "far.ph: its missing readings make the value unknown... only where a rule is" "" \
	"$(events value | grep '^far')"

# The same on MQTT, in order, and the retained state of each point.
want_mqtt="sonde.ph/value raised warning
sonde.ph/value escalated critical
sonde.ph/value deescalated warning
sonde.ph/value cleared ok
level.depth/value raised warning
level.depth/value escalated critical
sonde.temperature/flatline raised warning
far/comm raised critical"
mqtt_caught_up() { [ "$(mqtt_events)" == "$want_mqtt" ]; }
check "every transition reached MQTT, in order" wait_for 10 mqtt_caught_up
check_eq "the events on MQTT" "$want_mqtt" "$(mqtt_events)"
check "the retained state of level.depth is critical" grep -q \
	'"device":"level","point":"depth","severity":"critical"' <<<"$(mqtt_retained lw/pp-al/alerts/level/depth)"
check "the retained state of sonde.ph is ok" grep -q \
	'"device":"sonde","point":"ph","severity":"ok"' <<<"$(mqtt_retained lw/pp-al/alerts/sonde/ph)"
check "a device's comm alert is retained at alerts/DEVICE" grep -q \
	'"device":"far","point":null,"severity":"critical".*"kind":"comm"' <<<"$(mqtt_retained lw/pp-al/alerts/far)"

# And in InfluxDB, measurement alert, one point per transition.
influx_alerts() {
	influx_q lakewatch 'SELECT "alert", "transition", "severity" FROM "alert" GROUP BY "severity"' |
		sed -n 's/^alert,severity=[a-z]*,[0-9]*,\([^,]*\),\([a-z]*\),\([a-z]*\)$/\1 \2 \3/p'
}
influx_has() { [ "$(influx_count lakewatch alert "" transition)" -ge 8 ]; }
check "every transition reached InfluxDB" wait_for 15 influx_has
check_eq "the alert measurement has the same transitions" "$(sort <<<"$want_mqtt")" \
	"$(influx_alerts | sort)"

# The hook: once per transition at or above warning, and the all-clear of what it told.
want_calls="sonde.ph/value raised warning
sonde.ph/value escalated critical
sonde.ph/value deescalated warning
sonde.ph/value cleared ok
level.depth/value raised warning
level.depth/value escalated critical
sonde.temperature/flatline raised warning
far/comm raised critical"
calls_done() { [ "$(cat "$T/calls")" == "$want_calls" ]; }
check "the hook was called once per transition" wait_for 10 calls_done
check_eq "its calls" "$want_calls" "$(cat "$T/calls")"

# A restart with three alerts active: nothing raised or notified again.
n_events=$(sql "$T/lw.db" "select count(*) from alert_event")
stop_pid "$DAEMON_PID"
start_daemon lakewatchd2 "$T/lw.conf"
check "the restarted daemon restores the active alerts" wait_for 10 \
	grep -q "alerts: 3 active alerts restored" "$T/lakewatchd2.log"
sleep 4
check_eq "after the restart no transition was journaled again" "$n_events" \
	"$(sql "$T/lw.db" "select count(*) from alert_event")"
check_eq "and the hook was not called again" "$want_calls" "$(cat "$T/calls")"
check_eq "the active alerts in the store" "far/comm|critical
level.depth/value|critical
sonde.temperature/flatline|warning" \
	"$(sql "$T/lw.db" "select id, severity from alert_state where severity in ('warning', 'critical') order by id" | tr ',' '|')"

# Recovery: the level comes back, the sensor moves, the device answers.
values "set sonde.ph=8.5" "ramp level.depth=0.2:1.5:2"
check "everything clears" wait_for 20 eval '[ "$(sql "$T/lw.db" "select count(*) from alert_state where severity != '"'ok'"'")" -eq 0 ]'
check_eq "level.depth went back through warning to ok" \
	"level.depth value raised warning
level.depth value escalated critical
level.depth value deescalated warning
level.depth value cleared ok" "$(events value | grep '^level.depth ')"
stop_pid "$DAEMON_PID"
check_eq "the daemons logged no error" "" "$(grep -h 'error:' "$T"/lakewatchd*.log)"
