#!/usr/bin/env bash
# Faults and quality codes: a device that does not answer, one that answers
# with an exception, NaN, a sensor error flag and an out-of-range value each
# give the quality SPEC names, never a 0 for a failed read; the healthy device
# on the same bus keeps its schedule; a device that comes back is polled again.
. "$(dirname "$0")/lib.sh"

conf() {
	cat >"$1" <<CONF
station = { id = "pp-faults"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; } );
devices = (
  { name = "ok"; bus = "lan"; unit = 1; model = "keller-x"; interval = "250ms"; },
  { name = "silent"; bus = "lan"; unit = 2; model = "keller-x"; interval = "250ms"; },
  { name = "exc"; bus = "lan"; unit = 3; model = "keller-x"; interval = "250ms"; },
  { name = "nan"; bus = "lan"; unit = 4; model = "ysi-odo-rtu"; interval = "250ms"; },
  { name = "flag"; bus = "lan"; unit = 5; model = "yosemitech-y520"; interval = "250ms"; },
  { name = "range"; bus = "lan"; unit = 6; model = "yosemitech-y532"; interval = "250ms"; },
  { name = "plaus"; bus = "lan"; unit = 7; model = "yosemitech-y532"; interval = "250ms";
    plausible = ( { point = "temperature"; min = 0.0; max = 30.0; } ); }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
CONF
}

conf "$T/sim.conf" 1
: >"$T/faults"
start_sim sim "$T/sim.conf" --listen lan=0 --faults-file "$T/faults" \
	--fault silent=timeout --fault exc=exception:2 --fault nan=nan --fault flag=flag \
	--fault range=range --set plaus.temperature=45 || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan"

start_daemon lakewatchd "$T/lw.conf"
db=$T/lw.db
enough() { [ "$(sql "$db" "select count(*) from readings where device='silent' and point='pressure'" 2>/dev/null)" -ge 2 ]; }
check "the silent device is recorded" wait_for 20 enough
sleep 2

check_eq "no answer: missing, no value" "missing,1" \
	"$(sql "$db" "select distinct quality, value is null from readings where device='silent'")"
check_eq "exception: missing, no value" "missing,1" \
	"$(sql "$db" "select distinct quality, value is null from readings where device='exc'")"
check_eq "NaN: bad, no value" "bad,1" \
	"$(sql "$db" "select distinct quality, value is null from readings where device='nan'")"
check_eq "sensor error flag: bad, value kept" "bad,0" \
	"$(sql "$db" "select distinct quality, value is null from readings where device='flag' and point='conductivity'")"
check_eq "outside the rated range: suspect" "suspect" \
	"$(sql "$db" "select distinct quality from readings where device='range' and point='ph'")"
check_eq "outside the configured plausible range: suspect" "suspect,45.0" \
	"$(sql "$db" "select distinct quality, value from readings where device='plaus' and point='temperature'")"
check_eq "a failed read is never stored as 0" 0 \
	"$(sql "$db" "select count(*) from readings where quality='missing' and value is not null")"
check_eq "the healthy device stays good" "good" \
	"$(sql "$db" "select distinct quality from readings where device='ok'")"

ok_n=$(sql "$db" "select count(*) from readings where device='ok' and point='pressure'")
silent_n=$(sql "$db" "select count(*) from readings where device='silent' and point='pressure'")
check "the silent device is backed off (fewer polls than the healthy one)" test "$silent_n" -lt "$ok_n"
check "the silent device's 'not answering' is logged once" \
	test "$(grep -c "device 'silent'.*not answering" "$T/lakewatchd.log")" -eq 1

# The device comes back: clear the faults.
kill -USR1 "$SIM_PID"
: >"$T/faults"
kill -USR1 "$SIM_PID"
back() { [ "$(sql "$db" "select count(*) from readings where device='silent' and quality='good'" 2>/dev/null)" -ge 2 ]; }
check "a device that comes back is polled again (within its backoff)" wait_for 20 back
check "'answering again' is logged once" \
	test "$(grep -c "device 'silent': answering again" "$T/lakewatchd.log")" -eq 1
stop_pid "$DAEMON_PID"; rc=$?
check_eq "the daemon stops cleanly" 0 "$rc"
