#!/usr/bin/env bash
# Sensor -> store -> MQTT through a real mosquitto: topics and payloads as
# SPEC says, retained; station status `online`, `offline` at a clean stop and
# as the last will after SIGKILL; and no reading lost when the broker is down
# at the daemon's start, when it restarts mid-run, and when the daemon is
# killed and started again.  A subscriber with a persistent session sees every
# message the broker took, so every reading in the store must reach it.
. "$(dirname "$0")/lib.sh"

# conf FILE SIM_PORT MQTT_PORT
conf() {
	cat >"$1" <<CONF
station = { id = "pp-mq"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; } );
devices = (
  { name = "ph"; bus = "lan"; unit = 1; model = "generic"; interval = "200ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; } ); },
  { name = "level"; bus = "lan"; unit = 2; model = "keller-x"; interval = "200ms"; },
  { name = "silent"; bus = "lan"; unit = 3; model = "keller-x"; interval = "400ms"; }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
mqtt = { host = "127.0.0.1"; port = $3; topic_root = "lw"; keepalive = "5s";
         connect_timeout = "2s"; };
CONF
}

# Every reading in the store as "DEVICE/POINT TIME", and every reading message received.
stored() { sqlite3 "$T/lw.db" "select distinct device || '/' || point || ' ' || time from readings" | sort -u; }
received() {
	sed -n 's#^lw/pp-mq/\([a-z_]*/[a-z_]*\) {"time":"\([^"]*\)".*#\1 \2#p' "$T/sub.out" | sort -u
}
# The readings stored but never received (none, once the forwarder caught up).
unsent() { comm -23 <(stored) <(received); }
caught_up() { [ -s "$T/lw.db" ] && [ -z "$(unsent)" ]; }

start_mosquitto mq "persistence true
max_queued_messages 0" || exit 1
# A persistent session: the broker keeps its messages while it is itself offline.
mqtt_sub "$T/sub.out" 'lw/#' -c -q 1 -i lw-test-sub || exit 1
stop_mosquitto mq

conf "$T/sim.conf" 1 1
start_sim sim "$T/sim.conf" --listen lan=0 --set ph.ph=8.375 --set level.pressure=0.25 \
	--fault silent=timeout || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan" "$MQTT_PORT"
check_eq "-n accepts an mqtt group" "configuration OK" "$("$LW_BIN/lakewatchd" -n -c "$T/lw.conf" 2>&1)"

# 1. The broker is down when the daemon starts: readings wait in the store.
start_daemon lakewatchd "$T/lw.conf"
backlog() { [ "$(sql "$T/lw.db" "select count(*) from readings where device='ph'" 2>/dev/null)" -ge 10 ]; }
check "the daemon stores readings while the broker is down" wait_for 20 backlog
check "it says the broker cannot be reached, and that readings are kept" \
	grep -q "mqtt: 127.0.0.1:$MQTT_PORT: cannot connect.*readings are kept in the store" \
	"$T/lakewatchd.log"
restart_mosquitto mq || exit 1
check "once the broker is up, every stored reading reaches the subscriber" wait_for 30 caught_up
check "the connection is logged" grep -q "mqtt: connected to 127.0.0.1:$MQTT_PORT" "$T/lakewatchd.log"
ph_times=$(sed -n 's#^lw/pp-mq/ph/ph {"time":"\([^"]*\)".*#\1#p' "$T/sub.out")
check_eq "the backlog arrived in order" "$(sort <<<"$ph_times")" "$ph_times"

# 2. Payloads exactly as SPEC says.
line=$(grep -m1 '^lw/pp-mq/ph/ph ' "$T/sub.out")
check "a good reading: time, value, unit, quality" grep -Eq \
	'^lw/pp-mq/ph/ph \{"time":"20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z","value":8\.375,"unit":"\[pH\]","quality":"good"\}$' <<<"$line"
check_eq "a float register's value is the shortest that reads back (0.25 bar)" 1 \
	"$(grep -m1 -c '^lw/pp-mq/level/pressure {"time":"[^"]*","value":0.25,"unit":"bar","quality":"good"}$' "$T/sub.out")"
check "a failed read is published with value null and quality missing, never 0" grep -Eq \
	'^lw/pp-mq/silent/pressure \{"time":"[^"]*","value":null,"unit":"bar","quality":"missing"\}$' \
	"$T/sub.out"
check_eq "no missing reading carries a number" 0 \
	"$(grep '"quality":"missing"' "$T/sub.out" | grep -vc '"value":null')"

# 3. Retained: the latest reading and the status are there for a new subscriber.
check_eq "the status is retained: online" "lw/pp-mq/status online" "$(mqtt_retained lw/pp-mq/status)"
check "the latest ph reading is retained" grep -q '^lw/pp-mq/ph/ph {"time":".*","value":8.375,' \
	<<<"$(mqtt_retained lw/pp-mq/ph/ph)"

# 4. The broker restarts mid-run.
stop_mosquitto mq
sleep 2
restart_mosquitto mq || exit 1
more() { [ "$(sql "$T/lw.db" "select count(*) from readings where device='ph'")" -gt "$1" ]; }
n=$(sql "$T/lw.db" "select count(*) from readings where device='ph'")
wait_for 10 more "$((n + 5))"
check "after a broker restart, every reading (those of the outage too) arrives" wait_for 30 caught_up

# 5. The broker hangs (SIGSTOP) with the connection open: no PUBACK, no PINGRESP.
kill -STOP "$MQTT_PID"
sleep 12
kill -CONT "$MQTT_PID"
check "a hung broker is noticed and left (keepalive), and that is logged" \
	grep -q "mqtt: 127.0.0.1:$MQTT_PORT: .*\(lost\|timeout\|acknowledgement\)" "$T/lakewatchd.log"
n=$(sql "$T/lw.db" "select count(*) from readings where device='ph'")
wait_for 10 more "$((n + 5))"
check "once it runs again, every reading arrives" wait_for 40 caught_up

# 6. SIGKILL: the will says offline; a restarted daemon sends what it had not.
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
lw_forget "$DAEMON_PID"
offline() { [ "$(mqtt_retained lw/pp-mq/status)" == "lw/pp-mq/status offline" ]; }
check "after SIGKILL the last will shows offline" wait_for 15 offline
start_daemon lakewatchd2 "$T/lw.conf"
online() { [ "$(mqtt_retained lw/pp-mq/status)" == "lw/pp-mq/status online" ]; }
check "the restarted daemon is online again" wait_for 15 online
n=$(sql "$T/lw.db" "select count(*) from readings where device='ph'")
wait_for 10 more "$((n + 5))"
check "after SIGKILL and restart every reading has arrived" wait_for 30 caught_up

# 7. A clean stop publishes offline first and leaves the cursor at the last reading.
stop_pid "$DAEMON_PID"; rc=$?
check_eq "SIGTERM stops the daemon with status 0" 0 "$rc"
check_eq "a clean stop leaves the status offline" "lw/pp-mq/status offline" \
	"$(mqtt_retained lw/pp-mq/status)"
check_eq "the cursor is at the last reading" \
	"$(sql "$T/lw.db" "select max(seq) from sample")" \
	"$(sql "$T/lw.db" "select seq from cursor where name = 'mqtt'")"
check "everything stored was received" caught_up
check_eq "the daemon logged no error" "" "$(grep -h 'error:' "$T"/lakewatchd*.log)"
