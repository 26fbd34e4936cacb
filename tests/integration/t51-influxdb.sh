#!/usr/bin/env bash
# Sensor -> store -> InfluxDB through a real influxd (Debian's 1.6.7, /write):
# measurement, tags and fields as SPEC says, with the readings' own times;
# units with a space and UTF-8 unchanged; missing readings without a value;
# and after influxd is stopped for a while and started again, and after the
# daemon is killed with SIGKILL and started again, InfluxDB holds exactly the
# store's readings, point by point (InfluxDB keeps one point per series and
# time, so a reading sent twice counts once: the counts must be equal);
# and lakewatch query --influxdb reads back what the store has.
. "$(dirname "$0")/lib.sh"

# conf FILE SIM_PORT INFLUX_URL
conf() {
	cat >"$1" <<CONF
station = { id = "pp-flux"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "200ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; },
               { name = "alkalinity"; unit = "mg/L as CaCO3"; register = "input"; address = 2; type = "f32"; },
               { name = "conductivity"; unit = "µS/cm"; register = "input"; address = 4; type = "f32"; } ); },
  { name = "silent"; bus = "lan"; unit = 3; model = "keller-x"; interval = "400ms"; }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
influxdb = { url = "$3"; database = "lakewatch"; flush_interval = "200ms"; batch_size = 50;
             timeout = "2s"; };
CONF
}

POINTS="sonde.ph sonde.alkalinity sonde.conductivity silent.pressure silent.temperature silent.conductivity"
# "POINT COUNT" for every point, of the readings up to time T (ms), from the store and from influxd.
store_counts() {
	local p
	for p in $POINTS; do
		echo "$p $(sql "$T/lw.db" "select count(*) from sample s join series r on r.id = s.series
			where r.device = '${p%.*}' and r.point = '${p#*.}' and s.time_ms <= $1")"
	done
}
influx_counts() {
	local p n
	for p in $POINTS; do
		n=$(influx_count lakewatch "${p#*.}" "\"device\" = '${p%.*}' AND time <= ${1}ms") || n=error
		echo "$p $n"
	done
}
# True once influxd holds exactly the store's readings up to the newest stored now.
same_counts() {
	local t
	t=$(sql "$T/lw.db" "select max(time_ms) from sample") || return 1
	[ -n "$t" ] || return 1
	for _ in $(seq 1 100); do
		[ "$(store_counts "$t")" == "$(influx_counts "$t")" ] && return 0
		sleep 0.2
	done
	echo "store:"; store_counts "$t"; echo "influxd:"; influx_counts "$t"
	return 1
}
more_readings() {
	local n
	wait_for 10 sql "$T/lw.db" "select 1 from sample limit 1"
	n=$(sql "$T/lw.db" "select count(*) from sample")
	wait_for 10 eval '[ "$(sql "$T/lw.db" "select count(*) from sample")" -gt $((n + 20)) ]'
}

start_influxd flux || exit 1
influx_q "" 'CREATE DATABASE "lakewatch"'
conf "$T/sim.conf" 1 "$INFLUX_URL"
start_sim sim "$T/sim.conf" --listen lan=0 --set sonde.ph=8.375 --set sonde.alkalinity=120.5 \
	--set sonde.conductivity=45125 --fault silent=timeout || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan" "$INFLUX_URL"
check_eq "-n accepts an influxdb group" "configuration OK" "$("$LW_BIN/lakewatchd" -n -c "$T/lw.conf" 2>&1)"

start_daemon lakewatchd "$T/lw.conf"
more_readings
check "every stored reading is in influxd, exactly once per point" same_counts

# The schema: measurement = point; tags station, device, unit; fields quality, value; own time.
first=$(sql "$T/lw.db" "select s.time_ms from sample s join series r on r.id = s.series
	where r.point = 'ph' order by s.seq limit 1")
check_eq "a ph point: tags, fields and the reading's own time" \
	"name,tags,time,device,quality,station,unit,value
ph,,$first,sonde,good,pp-flux,[pH],8.375" \
	"$(influx_q lakewatch "SELECT * FROM ph WHERE time = ${first}ms")"
check_eq "a unit with spaces comes back unchanged" "name,tags,key,value
alkalinity,,unit,mg/L as CaCO3" \
	"$(influx_q lakewatch "SHOW TAG VALUES FROM alkalinity WITH KEY = \"unit\"")"
check_eq "a UTF-8 unit comes back unchanged" "name,tags,key,value
conductivity,,unit,µS/cm" \
	"$(influx_q lakewatch "SHOW TAG VALUES FROM conductivity WITH KEY = \"unit\" WHERE \"device\" = 'sonde'")"
check_eq "values keep their digits" "120.5 45125" \
	"$(influx_q lakewatch "SELECT last(value) FROM alkalinity" | sed -n '2s/.*,//p') $(influx_q lakewatch "SELECT last(value) FROM conductivity WHERE device = 'sonde'" | sed -n '2s/.*,//p')"
check_eq "missing readings have a quality and no value" "0" \
	"$(influx_count lakewatch pressure "\"device\" = 'silent'" value)"
check "and there are missing readings" \
	test "$(influx_count lakewatch pressure "\"device\" = 'silent' AND \"quality\" = 'missing'")" -gt 0

# influxd stops for a while, then comes back.
stop_influxd flux
more_readings
check "the outage is logged, and that readings are kept" \
	grep -q "influxdb: $INFLUX_URL: .*readings are kept in the store" "$T/lakewatchd.log"
restart_influxd flux || exit 1
more_readings
check "after influxd comes back every reading of the outage is there too" same_counts
check "the recovery is logged" grep -q "influxdb: $INFLUX_URL: writing again after" "$T/lakewatchd.log"

# SIGKILL and restart.
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
lw_forget "$DAEMON_PID"
start_daemon lakewatchd2 "$T/lw.conf"
more_readings
check "after SIGKILL and a restart, exactly the store's readings are in influxd" same_counts
stop_pid "$DAEMON_PID"; rc=$?
check_eq "SIGTERM stops the daemon with status 0" 0 "$rc"
check_eq "the daemon logged no error" "" "$(grep -h 'error:' "$T"/lakewatchd*.log)"

# lakewatch query --influxdb reads the same back: raw rows (missing ones without a
# value) and buckets, laid out exactly as from the store.  Up to the last reading
# InfluxDB has: what the daemon stored as it stopped goes out at its next start.
to=$("$LW_BIN/lakewatch" -c "$T/lw.conf" query --influxdb --from -1h --format csv sonde.ph |
	tail -1 | cut -d, -f1)
q() { "$LW_BIN/lakewatch" -c "$T/lw.conf" query --from -1h --to "$to" --format csv "$@" 2>&1; }
local_raw=$(q sonde.ph sonde.conductivity silent.pressure)
check "the store has raw rows of both devices" \
	test "$(grep -c ',silent.pressure,,' <<<"$local_raw")" -gt 0 -a "$(wc -l <<<"$local_raw")" -gt 20
check_eq "query --influxdb gives the store's raw rows" "$local_raw" \
	"$(q --influxdb sonde.ph sonde.conductivity silent.pressure)"
check_eq "and its buckets (count, min, max)" "$(q --every 1m --agg count,min,max sonde.ph sonde.conductivity)" \
	"$(q --influxdb --every 1m --agg count,min,max sonde.ph sonde.conductivity)"
check_eq "a bucket of missing readings only is left out there (count 0 in the store)" \
	"time,point,count,unit" "$(q --influxdb --every 1m --agg count silent.pressure)"
check_eq "and the same means" "$(q --every 1m --agg mean sonde.conductivity)" \
	"$(q --influxdb --every 1m --agg mean sonde.conductivity)"
check_eq "--quality is refused with --influxdb" \
	"lakewatch: query: --quality is not available with --influxdb" \
	"$(q --influxdb --every 1m --quality sonde.ph | head -1)"
stop_influxd flux
check "an InfluxDB that is down is said so" \
	bash -c "'$LW_BIN/lakewatch' -c '$T/lw.conf' query --influxdb sonde.ph 2>&1 | grep -q 'query: InfluxDB at $INFLUX_URL: cannot connect'"
