#!/usr/bin/env bash
# Acknowledging and maintenance, through the control socket (`lakewatch ack`,
# `lakewatch maintenance`) and over MQTT (ROOT/STATION/cmd/ack): an
# acknowledgement is journaled with who and why, keeps the alert active,
# stops its reminders and is published; retained and malformed commands are
# ignored and logged; a device in maintenance has its readings marked and its
# alerts silent, and leaving maintenance judges afresh.
. "$(dirname "$0")/lib.sh"

# conf FILE SIM_PORT MQTT_PORT
conf() {
	cat >"$1" <<CONF
station = { id = "pp-ack"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "250ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; } ); },
  { name = "level"; bus = "lan"; unit = 2; model = "generic"; interval = "250ms";
    points = ( { name = "depth"; unit = "m"; register = "input"; address = 0; type = "f32"; } ); }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
mqtt = { host = "127.0.0.1"; port = $3; topic_root = "lw"; keepalive = "5s"; };
alerts = ( { point = "sonde.ph"; warn_high = 9.0; },
           { point = "level.depth"; crit_low = 0.3; } );
CONF
}
L() { "$LW_BIN/lakewatch" -c "$T/lw.conf" "$@"; }
values() { printf '%s\n' "$@" >"$T/faults"; kill -USR1 "$SIM_PID"; }
state() { sql_plain "$T/lw.db" "select severity || ',' || coalesce(acked_by, '-') from alert_state where id = '$1'"; }

start_mosquitto mq || exit 1
mqtt_sub "$T/mqtt.out" 'lw/pp-ack/#' -q 1 || exit 1
conf "$T/sim.conf" 1 "$MQTT_PORT"
printf '%s\n' "set sonde.ph=9.5" "set level.depth=1.5" >"$T/faults"
start_sim sim "$T/sim.conf" --listen lan=0 --faults-file "$T/faults" || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan" "$MQTT_PORT"
# A retained command waits on the broker: the daemon gets it (flagged retained)
# when it subscribes, and must not carry it out.
mqtt_pub lw/pp-ack/cmd/ack '{"alert":"sonde.ph/value","by":"maria"}' -q 1 -r
start_daemon lakewatchd "$T/lw.conf"
check "a retained command is ignored, and logged" wait_for 10 \
	grep -q "mqtt: ignored a retained command on lw/pp-ack/cmd/ack" "$T/lakewatchd.log"
mqtt_pub lw/pp-ack/cmd/ack '' -q 1 -r	# clear the retained message
raised() { [ "$(state sonde.ph/value)" == "warning,-" ]; }
check "the pH alert is raised" wait_for 15 raised

# The control socket.
out=$(L ack sonde.ph --note "cleaning the probe" 2>&1); rc=$?
check_eq "lakewatch ack succeeds" "0 1 alert acknowledged" "$rc $out"
check_eq "the alert stays active, acknowledged by the user who asked" "warning,$(id -un)" \
	"$(state sonde.ph/value)"
check_eq "the acknowledgement is journaled with who and why" \
	"acknowledged,warning,$(id -un),cleaning the probe" \
	"$(sql_plain "$T/lw.db" "select transition, severity, acked_by, note from alert_event where transition = 'acknowledged'" | tr '|' ',')"
out=$(L ack sonde.ph 2>&1); rc=$?
check_eq "acknowledging again says so" "0 the 1 active alert on 'sonde.ph' was already acknowledged" "$rc $out"
out=$(L ack level.depth 2>&1); rc=$?
check_eq "acknowledging a point with no active alert fails" "1 lakewatch: ack: no active alert on 'level.depth'" "$rc $out"
out=$(L alerts)
check "lakewatch alerts shows who acknowledged, and the note" \
	grep -q "acknowledged at .*: cleaning the probe" <<<"$out"
ack_on_mqtt() { grep -q '^lw/pp-ack/events .*"transition":"acknowledged".*"by":"'"$(id -un)"'","note":"cleaning the probe"' "$T/mqtt.out"; }
check "the acknowledgement is published as an event" wait_for 10 ack_on_mqtt
retained_ack() { mqtt_retained lw/pp-ack/alerts/sonde/ph | grep -q '"acknowledged":true,"acknowledged_by":"'"$(id -un)"'"'; }
check "and in the retained state" wait_for 10 retained_ack

# MQTT: a clear makes the next raise need a new acknowledgement.
values "set sonde.ph=8.4" "set level.depth=1.5"
cleared() { [ "$(state sonde.ph/value)" == "ok,-" ]; }
check "the alert clears, and its acknowledgement with it" wait_for 15 cleared
values "set sonde.ph=9.5" "set level.depth=1.5"
check "it is raised again, unacknowledged" wait_for 15 raised
mqtt_pub lw/pp-ack/cmd/ack '{"alert":"sonde.ph/value"}' -q 1
check "a command without 'by' is ignored, and logged" wait_for 10 \
	grep -q "mqtt: ignored a malformed command on lw/pp-ack/cmd/ack: no \"by\" string" "$T/lakewatchd.log"
mqtt_pub lw/pp-ack/cmd/ack 'not json' -q 1
check "a command that is not JSON is ignored, and logged" wait_for 10 \
	grep -q "mqtt: ignored a malformed command on lw/pp-ack/cmd/ack: " "$T/lakewatchd.log"
check_eq "none of them acknowledged anything" "warning,-" "$(state sonde.ph/value)"
mqtt_pub lw/pp-ack/cmd/ack '{"alert":"sonde.ph","by":"maria","note":"on my way"}' -q 1
mqtt_acked() { [ "$(state sonde.ph/value)" == "warning,mqtt:maria" ]; }
check "an acknowledgement over MQTT, by who it says, marked as from MQTT" wait_for 10 mqtt_acked
result() { grep -q '^lw/pp-ack/cmd/result {"cmd":"ack","alert":"sonde.ph","ok":true,"message":"1 alert acknowledged"}' "$T/mqtt.out"; }
check "its outcome is published on cmd/result" wait_for 10 result

# Maintenance: readings marked, alerts silent, judged afresh after.
out=$(L maintenance level on --for 1h 2>&1); rc=$?
check "maintenance on for 1h" grep -q "^device 'level': maintenance on until 20" <<<"$out"
marked() { [ "$(sql "$T/lw.db" "select quality from readings where device = 'level' order by time desc limit 1")" == maintenance ]; }
check "its readings are stored as maintenance" wait_for 10 marked
values "set sonde.ph=9.5" "set level.depth=0.1"
sleep 2
check_eq "a level below the critical depth raises nothing while in maintenance" 0 \
	"$(sql "$T/lw.db" "select count(*) from alert_event where device = 'level'")"
check "lakewatch alerts lists the device in maintenance" grep -q "maintenance: level until" <<<"$(L alerts)"
out=$(L maintenance level off 2>&1)
check_eq "maintenance off" "device 'level': maintenance off" "$out"
crit() { [ "$(state level.depth/value)" == "critical,-" ]; }
check "after maintenance the fresh low level raises the alert" wait_for 10 crit
out=$(L maintenance nope on 2>&1); rc=$?
check_eq "maintenance of a device that does not exist is refused" 1 "$rc"
out=$(L maintenance level on --for 2x 2>&1); rc=$?
check_eq "a bad duration is refused" 1 "$rc"
out=$(L maintenance level sometimes 2>&1); rc=$?
check_eq "a state other than on or off is wrong usage" 2 "$rc"
stop_pid "$DAEMON_PID"
check_eq "the daemon logged no error" "" "$(grep -h 'error:' "$T"/lakewatchd.log)"
