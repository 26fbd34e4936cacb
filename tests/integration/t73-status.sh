#!/usr/bin/env bash
# lakewatch status and reload against a running daemon: the table (80
# columns) and --json show each device's state, last poll and error, a bus
# that cannot be opened, each forwarder's connection and backlog, and the
# active alerts; the daemon's own figures are recorded as readings of the
# device lakewatchd; reload says what it did, and refuses a file with errors.
. "$(dirname "$0")/lib.sh"

# conf FILE PORT_LAN PORT_GW MQTT_PORT INFLUX_PORT GHOST_UNIT
conf() {
	cat >"$1" <<CONF
station = { id = "pp-st"; metrics_interval = "1s"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; },
          { name = "gw"; type = "tcp"; host = "127.0.0.1"; port = $3; timeout = "200ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "300ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; } ); },
  { name = "ghost"; bus = "lan"; unit = $6; model = "generic"; interval = "300ms";
    points = ( { name = "ec"; unit = "uS/cm"; register = "input"; address = 0; type = "f32"; } ); },
  { name = "level"; bus = "gw"; unit = 2; model = "generic"; interval = "300ms";
    points = ( { name = "depth"; unit = "m"; register = "input"; address = 0; type = "f32"; } ); }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
mqtt = { host = "127.0.0.1"; port = $4; topic_root = "lw"; };
influxdb = { url = "http://127.0.0.1:$5"; database = "lakewatch"; flush_interval = "200ms"; };
alerts = ( { point = "sonde.ph"; warn_high = 9.0; } );
CONF
}
lw() { "$LW_BIN/lakewatch" -c "$T/lw.conf" "$@"; }
st() { lw status --json >"$T/status.json" && python3 -c "import json,sys
s = json.load(open('$T/status.json'))
d = {x['device']: x for b in s['buses'] for x in b['devices']}
b = {x['bus']: x for x in s['buses']}
f = {x['forwarder']: x for x in s['forwarders']}
sys.exit(0 if ($1) else 1)"; }

start_mosquitto mq || exit 1
dead_gw=$(free_port) dead_influx=$(free_port)
# The simulator has no unit 9: the daemon's ghost never answers.
conf "$T/sim.conf" 1 1 "$MQTT_PORT" 1 8
start_sim sim "$T/sim.conf" --listen lan=0 --set sonde.ph=9.5 || exit 1

conf "$T/lw.conf" "$SIM_PORT_lan" "$dead_gw" "$MQTT_PORT" "$dead_influx" 9
out=$(lw status 2>&1)
check_eq "status without a daemon fails" 1 "$(lw status >/dev/null 2>&1; echo $?)"
check "and says the daemon is not running" grep -q "status: .*not running" <<<"$out"

start_daemon lakewatchd "$T/lw.conf"
check "the daemon answers status" wait_for 10 st "s['station'] == 'pp-st'"
check "the sonde is up, with its last poll and latency" wait_for 10 \
	st "d['sonde']['state'] == 'up' and d['sonde']['last_good'] and d['sonde']['failures'] == 0"
check "a unit that does not answer is down, with failures and its error" wait_for 10 \
	st "d['ghost']['state'] == 'down' and d['ghost']['failures'] >= 2 and d['ghost']['last_error'] == 'timeout: no reply within 200 ms' and not d['ghost']['last_good']"
check "a bus that cannot be opened is shown so, its device down" wait_for 10 \
	st "not b['gw']['open'] and d['level']['state'] == 'down' and d['level']['last_error'] == 'link: Connection refused'"
check "the counts add up: one of three devices up" st "s['devices_up'] == 1 and s['devices'] == 3"
check "mqtt is connected and keeps up" wait_for 10 \
	st "f['mqtt']['connected'] and f['mqtt']['acked'] > 0"
check "influxdb is not, and its backlog grows in readings and seconds" wait_for 10 \
	st "not f['influxdb']['connected'] and f['influxdb']['lag_readings'] > 5 and f['influxdb']['lag_seconds'] >= 1 and f['influxdb']['error']"
check "the active alert is listed" wait_for 10 \
	st "[a['alert'] for a in s['alerts']] == ['sonde.ph/value'] and s['alerts'][0]['severity'] == 'warning'"
check "the store's figures are there" st "s['store']['last_seq'] > 0 and s['store']['size_bytes'] > 0 and s['store']['committed'] > 0"

lw status >"$T/table" 2>&1
check_eq "the table exits 0" 0 "$?"
check "it names the station and the counts" grep -q "^station pp-st: lakewatchd .*, up " "$T/table"
check "it has the devices with their state" eval \
	'grep -Eq "^sonde +lan +up " "$T/table" && grep -Eq "^ghost +lan +down " "$T/table" && grep -Eq "^level +gw +down " "$T/table"'
check "the bus that is not open is said so" grep -q "bus gw is not open" "$T/table"
check "the errors are under their devices" eval \
	'grep -A1 -E "^ghost " "$T/table" | grep -q "^    timeout: no reply within 200 ms"'
check "the forwarders, one disconnected" eval \
	'grep -Eq "^mqtt +connected " "$T/table" && grep -Eq "^influxdb +disconnected +[0-9]+ " "$T/table"'
check "the alert" grep -Eq "^warning +sonde.ph/value " "$T/table"
check_eq "every line fits 80 columns" "" "$(awk 'length > 80' "$T/table")"

# Self-metrics: readings of the reserved device lakewatchd, stored and published.
metric() { [ "$(sql "$T/lw.db" "select count(*) from sample s join series r on r.id = s.series
	where r.device = 'lakewatchd' and r.point = '$1' and s.value $2")" -gt 0 ]; }
check "self-metrics are recorded: polls in the interval" wait_for 10 metric polls "> 0"
check "devices up and the devices counted" eval 'metric devices_up "= 1" && metric devices "= 3"'
check "poll failures and timeouts are counted" eval 'metric poll_failures "> 0" && metric timeouts "> 0"'
check "the influxdb backlog, which grows" wait_for 10 metric influxdb_backlog "> 5"
check "and the store's size" metric store_size "> 0"
mqtt_sub "$T/sub" lw/pp-st/lakewatchd/polls || exit 1
check "they are published like any reading" wait_for 5 grep -q '^lw/pp-st/lakewatchd/polls {.*"value":' "$T/sub"

# reload: an unchanged file keeps the buses; one with errors is refused.
out=$(lw reload 2>&1)
check_eq "reload of the same file exits 0" 0 "$?"
check "and says both buses kept polling" grep -q "loaded: 2 buses running (2 kept polling, 0 started)" <<<"$out"
cp "$T/lw.conf" "$T/good.conf"
printf 'bogus = 1;\n' >>"$T/lw.conf"
said=$(lw reload 2>&1)
check_eq "reload of a file with errors fails" 1 "$?"
check "naming the file and line, and that the daemon runs on" eval \
	'grep -q "lw.conf:[0-9]*: unknown top-level key" <<<"$said" && grep -q "keeps running as it was" <<<"$said"'
cp "$T/good.conf" "$T/lw.conf"
check "the daemon still answers" st "d['sonde']['state'] == 'up'"
check "reload and status have their help" eval 'lw reload -h | grep -q "usage: lakewatch" && lw status --help | grep -q -- --json'
check_eq "a stray argument is wrong usage" 2 "$(lw status extra >/dev/null 2>&1; echo $?)"
stop_pid "$DAEMON_PID"
check_eq "the daemon stopped cleanly" 0 "$?"
