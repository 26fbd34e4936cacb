#!/usr/bin/env bash
# Bounded disk: with store.max_size set and the InfluxDB server unreachable,
# the store stays near its cap; the oldest readings are deleted first, the
# deletion is counted and logged with how many had not been forwarded, and
# acquisition never stops.
. "$(dirname "$0")/lib.sh"

port=$(free_port)	# nothing listens there: InfluxDB is "down" throughout
cat >"$T/sim.conf" <<CONF
station = { id = "pp-cap"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = 1; timeout = "200ms"; } );
devices = (
  { name = "a"; bus = "lan"; unit = 1; model = "insitu-at400"; interval = "10ms"; },
  { name = "b"; bus = "lan"; unit = 2; model = "insitu-at400"; interval = "10ms"; }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; max_size = "1MB"; };
control = { socket = "$T/control.sock"; };
influxdb = { url = "http://127.0.0.1:$port"; database = "lakewatch"; timeout = "1s"; };
CONF
start_sim sim "$T/sim.conf" --listen lan=0 || exit 1
sed "s/port = 1;/port = $SIM_PORT_lan;/" "$T/sim.conf" >"$T/lw.conf"
start_daemon lakewatchd "$T/lw.conf"

trimmed() { grep -q "store: over the size cap: deleted [0-9]* readings, [0-9]* of them not yet forwarded" \
	"$T/lakewatchd.log"; }
check "over the cap, the oldest readings are deleted, counted and logged as not forwarded" \
	wait_for 60 trimmed
first=$(sql "$T/lw.db" "select min(seq) from sample")
sleep 6
check "deletion goes on, oldest first" \
	test "$(sql "$T/lw.db" "select min(seq) from sample")" -gt "$first"
used=$(sql "$T/lw.db" "select (page_count - freelist_count) * page_size from pragma_page_count, pragma_freelist_count, pragma_page_size")
check "the pages in use stay within the cap ($used bytes)" test "$used" -le 1100000
# The cap is checked every 5 s: at this test's 2200 readings/s the file may first
# overshoot by what 5 s bring (~0.5 MB); after that freed pages are reused.
file=$(stat -c %s "$T/lw.db")
check "the file does not grow past the cap by more than 5 s of readings ($file bytes)" \
	test "$file" -le 2000000
newest=$(sql "$T/lw.db" "select cast((julianday('now') - 2440587.5) * 86400000 as integer) - max(time_ms) from sample")
check "acquisition never stopped (newest reading ${newest} ms old)" test "$newest" -lt 3000
stop_pid "$DAEMON_PID"; rc=$?
check_eq "the daemon stops cleanly" 0 "$rc"
