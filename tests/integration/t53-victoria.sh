#!/usr/bin/env bash
# The InfluxDB forwarder against VictoriaMetrics (Debian's victoria-metrics),
# the path for deployments that outgrow one database server: its InfluxDB 1.x
# endpoint (/write?db=) and its 2.x endpoint (/api/v2/write?bucket=) both take
# every reading, with the readings' own times and the station's tags as labels,
# also after VictoriaMetrics was down for a while.
. "$(dirname "$0")/lib.sh"

# conf FILE SIM_PORT URL NAME INFLUXDB_TARGET_KEYS
conf() {
	cat >"$1" <<CONF
station = { id = "pp-vm"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "200ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; } ); }
);
store = { path = "$T/$4.db"; commit_interval = "100ms"; };
control = { socket = "$T/$4.sock"; };
influxdb = { url = "$3"; $5 flush_interval = "200ms"; timeout = "2s"; };
CONF
}

# NAME: every ph time in the store, and every ph time VictoriaMetrics has for that daemon.
# VictoriaMetrics 1.79 turns ?db= of /write into a db label but ignores ?bucket= of
# /api/v2/write: the v2 daemon's series are those without a db label.
stored_times() { sql "$T/$1.db" "select time_ms from sample order by 1"; }
vm_times() {
	local db=$1
	[ "$db" == v2 ] && db=""
	vm_query "ph_value{station=\"pp-vm\",db=\"$db\"}" |
		sed -n 's/.*"timestamps":\[\([^]]*\)\].*/\1/p' | tr ',' '\n' | sort -n -u
}
# NAME: true once every stored reading is in VictoriaMetrics.
all_in() { [ -s "$T/$1.db" ] && [ -z "$(comm -23 <(stored_times "$1") <(vm_times "$1"))" ]; }
more() {
	local n
	wait_for 10 sql "$T/$1.db" "select 1 from sample limit 1"
	n=$(sql "$T/$1.db" "select count(*) from sample")
	wait_for 10 eval "[ \"\$(sql $T/$1.db 'select count(*) from sample')\" -gt $((n + 10)) ]"
}

start_victoria vm || exit 1
conf "$T/sim.conf" 1 "$VM_URL" sim 'database = "x";'
start_sim sim "$T/sim.conf" --listen lan=0 --set sonde.ph=8.375 || exit 1
conf "$T/v1.conf" "$SIM_PORT_lan" "$VM_URL" v1 'database = "v1";'
conf "$T/v2.conf" "$SIM_PORT_lan" "$VM_URL" v2 'org = "poopo"; bucket = "v2";'
start_daemon d1 "$T/v1.conf"
D1=$DAEMON_PID
start_daemon d2 "$T/v2.conf"
D2=$DAEMON_PID
more v1
more v2
check "v1 /write: every reading arrives" wait_for 20 all_in v1
check "v2 /api/v2/write: every reading arrives" wait_for 20 all_in v2
check "the station's tags are labels, with the value as it was read" grep -q \
	'"device":"sonde","station":"pp-vm","unit":"\[pH\]"},"values":\[8.375' <<<"$(vm_query 'ph_value{db="v1"}')"

stop_victoria vm
more v1
more v2
restart_victoria vm || exit 1
more v1
check "after VictoriaMetrics was down, v1 has every reading" wait_for 30 all_in v1
check "and so has v2" wait_for 30 all_in v2
stop_pid "$D1"
stop_pid "$D2"
check_eq "the daemons logged no error" "" "$(grep -h 'error:' "$T"/d1.log "$T"/d2.log)"
