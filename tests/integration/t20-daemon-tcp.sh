#!/usr/bin/env bash
# Sensor -> store over Modbus TCP: lakewatchd --once and the running daemon
# against lakewatch-sim, with pinned values checked exactly in the store.
. "$(dirname "$0")/lib.sh"

# conf FILE PORT: the station, three devices of different models on one TCP bus.
conf() {
	cat >"$1" <<CONF
station = { id = "pp-test"; name = "Integration test station"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "300ms"; } );
devices = (
  { name = "level"; bus = "lan"; unit = 2; model = "keller-x"; interval = "300ms"; },
  { name = "turb"; bus = "lan"; unit = 3; model = "generic"; interval = "300ms";
    points = ( { name = "turbidity"; unit = "NTU"; register = "input"; address = 0;
                 type = "f32"; order = "abcd"; min = 0.0; max = 4000.0; } ); },
  { name = "cond"; bus = "lan"; unit = 4; model = "yosemitech-y520"; interval = "300ms"; }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
CONF
}

conf "$T/sim.conf" 1
start_sim sim "$T/sim.conf" --listen lan=0 --set level.pressure=0.25 \
	--set level.temperature=11.5 --set turb.turbidity=42.5 --set cond.conductivity=45.125 || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan"

out=$("$LW_BIN/lakewatchd" -n -c "$T/lw.conf" 2>&1)
check_eq "-n accepts the test configuration" "configuration OK" "$out"

out=$("$LW_BIN/lakewatchd" --once -v -c "$T/lw.conf" 2>"$T/once.err"); rc=$?
check_eq "--once exits 0 when every device answered" 0 "$rc"
check "--once prints level.pressure 0.25 bar good" grep -Eq '^level\.pressure +0\.25 +bar +good$' <<<"$out"
check "--once prints turb.turbidity 42.5 NTU good" grep -Eq '^turb\.turbidity +42\.5 +NTU +good$' <<<"$out"
check "--once prints cond.conductivity 45.125 mS/cm good" grep -Eq '^cond\.conductivity +45\.125 +mS/cm +good$' <<<"$out"
check "--once -v shows each transaction" grep -Eq 'level: read holding \(3\) [0-9]+\+[0-9]+ unit 2: ok' "$T/once.err"
check "--once -v shows transactions per device" grep -Eq 'level: [0-9]+ transactions?, 0 failed' "$T/once.err"
check "--once stores nothing" test ! -e "$T/lw.db"

start_daemon lakewatchd "$T/lw.conf"
have_rows() { [ "$(sql "$T/lw.db" "select count(*) from readings where point='pressure'" 2>/dev/null)" -ge 5 ]; }
check "readings arrive in the store" wait_for 15 have_rows
stop_pid "$DAEMON_PID"; rc=$?
check_eq "SIGTERM stops the daemon with status 0" 0 "$rc"
check "the daemon says it stopped" grep -q "stopped: .* readings committed" "$T/lakewatchd.log"

db=$T/lw.db
check_eq "the store is in WAL mode" wal "$(sql "$db" 'pragma journal_mode')"
check_eq "pinned pressure stored exactly, good" "0.25,bar,good" \
	"$(sql "$db" "select distinct value, unit, quality from readings where device='level' and point='pressure'")"
check_eq "pinned turbidity stored exactly, good" "42.5,NTU,good" \
	"$(sql "$db" "select distinct value, unit, quality from readings where device='turb' and point='turbidity'")"
check_eq "pinned conductivity stored exactly, good" "45.125,mS/cm,good" \
	"$(sql "$db" "select distinct value, unit, quality from readings where device='cond' and point='conductivity'")"
check_eq "every reading carries the station" "pp-test" "$(sql "$db" "select distinct station from readings")"
check_eq "times are ISO 8601 UTC with milliseconds" 0 \
	"$(sql "$db" "select count(*) from readings where time not glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'")"
check_eq "one reading per point per poll: equal counts for a device's points" 1 \
	"$(sql "$db" "select count(distinct n) from (select point, count(*) n from readings where device='level' group by point)")"
check_eq "no value without a good answer" 0 \
	"$(sql "$db" "select count(*) from readings where quality in ('missing') and value is not null")"
check_eq "every simulated reading is good" 0 \
	"$(sql "$db" "select count(*) from readings where quality != 'good'")"
n=$(sql "$db" "select count(*) from readings where device='turb'")
t=$(sql "$db" "select (julianday(max(time)) - julianday(min(time))) * 86400000 from readings where device='turb'")
check "polls follow the 300 ms interval (loosely: 200-600 ms on a loaded machine)" awk -v n="$n" -v t="$t" \
	'BEGIN { if (n < 3) exit 1; iv = t / (n - 1); exit !(iv > 200 && iv < 600) }'
