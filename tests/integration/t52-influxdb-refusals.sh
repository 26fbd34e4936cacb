#!/usr/bin/env bash
# What the InfluxDB forwarder does when influxd says no (real influxd 1.6.7):
# - a wrong password (401) keeps the data until the password file is fixed,
#   and the password never appears in the log;
# - a missing database (404) keeps the data until the database exists;
# - a batch over the server's body limit (413) is split and all of it lands;
# - lines the server refuses for good (400, a field type conflict) are
#   counted and logged, never retried, and do not hold up the rest.
. "$(dirname "$0")/lib.sh"

# conf FILE SIM_PORT URL DB [MORE_INFLUXDB_KEYS [FLUSH_INTERVAL]]
conf() {
	cat >"$1" <<CONF
station = { id = "pp-ref"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "100ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; },
               { name = "orp"; unit = "mV"; register = "input"; address = 2; type = "f32"; } ); }
);
store = { path = "$T/$4.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
influxdb = { url = "$3"; database = "$4"; flush_interval = "${6:-200ms}"; batch_size = 100;
             timeout = "2s"; ${5:-} };
CONF
}

# DB POINT [T]: readings of POINT in the store DB (up to time T, ms).
stored() {
	sql "$T/$1.db" "select count(*) from sample s join series r on r.id = s.series
		where r.point = '$2' and s.time_ms <= ${3:-9223372036854775807}"
}
# DB POINT: true once influxd has exactly the readings of POINT that DB had when asked.
all_in() {
	local t n
	t=$(sql "$T/$1.db" "select max(time_ms) from sample") || return 1
	n=$(stored "$1" "$2" "$t")
	wait_for 30 eval "[ \"\$(influx_count $1 $2 'time <= ${t}ms' 2>/dev/null)\" == $n ]"
}
some_stored() { wait_for 10 eval "[ \"\$(stored $1 ph 2>/dev/null)\" -ge ${2:-10} ]"; }

start_sim sim <(conf /dev/stdout 1 http://127.0.0.1:1 x) --listen lan=0 --set sonde.ph=8.375 \
	--set sonde.orp=120.5 || exit 1
SIM=$SIM_PORT_lan

# --- A wrong password, then the right one in the same file --------------------
start_influxd secure auth || exit 1
influx_admin_setup admin admin-pw lw 'Right-Pw-42' authdb WRITE
printf 'Wr0ng-Pw-17\n' >"$T/pw"
chmod 600 "$T/pw"
conf "$T/a.conf" "$SIM" "$INFLUX_URL" authdb "username = \"lw\"; password_file = \"$T/pw\";"
start_daemon da "$T/a.conf"
some_stored authdb
refused() { grep -q "influxdb: $INFLUX_URL: HTTP 401: .*check the credentials" "$T/da.log"; }
check "a wrong password is logged as HTTP 401 with a hint" wait_for 10 refused
check_eq "and nothing is written meanwhile" 0 "$(influx_count authdb ph)"
n=$(stored authdb ph 2>&1)
check "the data is kept in the store ($n readings)" test "$n" -ge 10
printf 'Right-Pw-42\n' >"$T/pw"
check "once the password file is right, every reading is written" all_in authdb ph
check_eq "no password ever appears in the log" 0 "$(grep -c -e 'Wr0ng-Pw-17' -e 'Right-Pw-42' "$T/da.log")"
stop_pid "$DAEMON_PID"
stop_influxd secure

# --- A database that does not exist yet --------------------------------------
start_influxd open || exit 1
conf "$T/b.conf" "$SIM" "$INFLUX_URL" nodb
start_daemon db "$T/b.conf"
some_stored nodb
missing() { grep -q "influxdb: $INFLUX_URL: HTTP 404: .*database not found.*does the database" "$T/db.log"; }
check "a missing database is logged as HTTP 404 with a hint" wait_for 10 missing
influx_q "" 'CREATE DATABASE "nodb"'
check "once it exists, every reading is written" all_in nodb ph
stop_pid "$DAEMON_PID"
stop_influxd open

# --- A body limit smaller than a batch ---------------------------------------
INFLUX_MAX_BODY_SIZE=3000 start_influxd small || exit 1
influx_q "" 'CREATE DATABASE "split"'
conf "$T/c.conf" "$SIM" "$INFLUX_URL" split "gzip = false;" 3s
start_daemon dc "$T/c.conf"
some_stored split 80
check "a batch over the body limit is split until it fits, and all of it lands" all_in split ph
check "the split is logged" grep -q "influxdb: a batch of [0-9]* lines is too large; sending [0-9]* at a time" \
	"$T/dc.log"
stop_pid "$DAEMON_PID"

# --- Lines the server refuses for good ---------------------------------------
influx_q "" 'CREATE DATABASE "poison"'
# ph already exists as an integer field in this shard: every float ph line conflicts.
check_eq "an integer ph point is written first" 204 \
	"$(influx_write poison "ph,device=sonde,station=pp-ref,unit=[pH] value=1i $(($(date +%s) * 1000))")"
conf "$T/d.conf" "$SIM" "$INFLUX_URL" poison
start_daemon dd "$T/d.conf"
some_stored poison 30
check "the good lines of each batch are written (orp), the conflicting ones are not" all_in poison orp
check_eq "the refused lines are not in influxd" 1 "$(influx_count poison ph "" value)"
check "the refusal is logged" grep -q "influxdb: the server refused some of [0-9]* lines (HTTP 400): .*field type conflict" \
	"$T/dd.log"
stop_pid "$DAEMON_PID"
posts=$(grep -c 'POST /write?db=poison' "$T/small/http.log")
batches=$(sql "$T/poison.db" "select count(*) from sample")
check "a refused batch is never sent again ($posts requests for $batches readings in batches of 100)" \
	test "$posts" -le $((batches / 2 + 5))
