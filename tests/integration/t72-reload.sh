#!/usr/bin/env bash
# Reload (SIGHUP) without losing anything: a file with errors is refused with
# its errors logged and the old configuration keeps running; a good file is
# swapped in restarting only what changed (an unchanged bus keeps polling
# without a gap, an unchanged forwarder keeps its connection); no reading,
# alert state or forwarder cursor is lost, and no active alert is raised or
# notified again.
. "$(dirname "$0")/lib.sh"

# conf FILE PORT_A PORT_B MQTT_PORT INTERVAL_B
conf() {
	cat >"$1" <<CONF
station = { id = "pp-rl"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; },
          { name = "gw"; type = "tcp"; host = "127.0.0.1"; port = $3; timeout = "200ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "200ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; } ); },
  { name = "level"; bus = "gw"; unit = 2; model = "generic"; interval = "$5";
    points = ( { name = "depth"; unit = "m"; register = "input"; address = 0; type = "f32"; } ); }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
mqtt = { host = "127.0.0.1"; port = $4; topic_root = "lw"; keepalive = "5s"; };
influxdb = { url = "$INFLUX_URL"; database = "lakewatch"; flush_interval = "200ms"; };
alerts = ( { point = "sonde.ph"; warn_high = 9.0; } );
notify = ( { exec = "$T/hook.sh"; name = "log"; } );
CONF
}
cat >"$T/hook.sh" <<HOOK
#!/bin/sh
echo "\$LAKEWATCH_ALERT \$LAKEWATCH_TRANSITION" >>"$T/calls"
HOOK
chmod 755 "$T/hook.sh"
: >"$T/calls"
# The longest gap between two readings of the sonde, in ms.
gap() {
	sql "$T/lw.db" "select max(t - p) from (select time_ms t, lag(time_ms) over
		(order by time_ms) p from sample s join series r on r.id = s.series where r.device = 'sonde')"
}
readings() { sql "$T/lw.db" "select count(*) from sample"; }
more() {
	local n
	n=$(readings)
	wait_for 10 eval "[ \"\$(readings)\" -gt $((n + 20)) ]"
}
reload() {
	local n
	n=$(grep -c "reload: " "$T/lakewatchd.log")
	kill -HUP "$DAEMON_PID"
	wait_for 10 eval "[ \"\$(grep -c 'reload: ' '$T/lakewatchd.log')\" -gt $n ]"
}

start_mosquitto mq || exit 1
start_influxd flux || exit 1
influx_q "" 'CREATE DATABASE "lakewatch"'
conf "$T/sim.conf" 1 1 "$MQTT_PORT" 200ms
start_sim sim "$T/sim.conf" --listen lan=0 --listen gw=0 --set sonde.ph=9.5 --set level.depth=1.5 || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan" "$SIM_PORT_gw" "$MQTT_PORT" 200ms
start_daemon lakewatchd "$T/lw.conf"
raised() { [ "$(sql "$T/lw.db" "select severity from alert_state where id = 'sonde.ph/value'")" == warning ]; }
check "an alert is active before the reloads" wait_for 15 raised
check "and notified" wait_for 10 grep -q "sonde.ph/value raised" "$T/calls"
more

# The same file: everything keeps running.
reload
check "an unchanged file keeps both buses polling" grep -q \
	"reload: $T/lw.conf loaded: 2 buses running (2 kept polling, 0 started)" "$T/lakewatchd.log"
more

# One bus changes: only it restarts.
conf "$T/lw.conf" "$SIM_PORT_lan" "$SIM_PORT_gw" "$MQTT_PORT" 300ms
reload
check "a changed device restarts only its bus" grep -q \
	"reload: $T/lw.conf loaded: 2 buses running (1 kept polling, 1 started)" "$T/lakewatchd.log"
more

# A file with errors: refused, with its errors, and the old configuration runs on.
cp "$T/lw.conf" "$T/good.conf"
sed -i 's/interval = "300ms"/interval = "300x"/' "$T/lw.conf"
printf 'bogus = 1;\n' >>"$T/lw.conf"
n=$(readings)
reload
check "a file with errors is refused, and said so" grep -q \
	"reload: $T/lw.conf has errors (in the daemon.s log); keeping the running configuration" \
	"$T/lakewatchd.log"
check "its errors are logged with file and line, every one" eval \
	'grep -q "$T/lw.conf:[0-9]*: unknown top-level key .bogus." "$T/lakewatchd.log" &&
	 grep -q "$T/lw.conf:[0-9]*: device .level.: interval .300x. is not a duration" "$T/lakewatchd.log"' 
more
check "acquisition goes on after a refused reload" test "$(readings)" -gt "$n"
cp "$T/good.conf" "$T/lw.conf"

check "the sonde's bus never stopped: no gap over 600 ms in its readings (longest $(gap) ms)" \
	test "$(gap)" -lt 600
check_eq "the mqtt connection was kept: connected once" 1 \
	"$(grep -c 'mqtt: connected to' "$T/lakewatchd.log")"
check_eq "the active alert was not raised again" 1 \
	"$(sql "$T/lw.db" "select count(*) from alert_event where transition = 'raised'")"
check_eq "nor notified again" "sonde.ph/value raised" "$(cat "$T/calls")"
check_eq "it is still active" warning \
	"$(sql "$T/lw.db" "select severity from alert_state where id = 'sonde.ph/value'")"

# Nothing lost: InfluxDB has every reading up to the newest at stop time.
stop_pid "$DAEMON_PID"
start_daemon lakewatchd2 "$T/lw.conf"
t=$(sql "$T/lw.db" "select max(time_ms) from sample")
all_in() {
	[ "$(influx_count lakewatch ph "time <= ${t}ms")" == \
	  "$(sql "$T/lw.db" "select count(*) from sample s join series r on r.id = s.series where r.point = 'ph' and s.time_ms <= $t")" ]
}
check "every reading taken across the reloads is in InfluxDB" wait_for 20 all_in
stop_pid "$DAEMON_PID"
check_eq "no other error was logged" "" \
	"$(grep -h 'error:' "$T"/lakewatchd*.log | grep -v "bogus\|reload: \|300x")"
