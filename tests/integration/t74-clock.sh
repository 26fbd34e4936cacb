#!/usr/bin/env bash
# Clock sanity: a station that boots without network time may read 1970.
# Under libfaketime (the daemon's wall clock only; its monotonic clock, which
# paces the polls, is left alone), readings taken while the clock is before
# the build date are stored as suspect, never as good data at a wrong time,
# and that is logged once; once the clock is set the readings are good again,
# and that is logged once too.  status says whether the clock is set.
. "$(dirname "$0")/lib.sh"

lib=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1)
if [ -z "$lib" ]; then
	not_ok "libfaketime is installed (Debian package faketime)"
	exit 0
fi

conf() {
	cat >"$1" <<CONF
station = { id = "pp-clk"; metrics_interval = "0s"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "200ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; } ); }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
CONF
}
conf "$T/sim.conf" 1
start_sim sim "$T/sim.conf" --listen lan=0 --set sonde.ph=8.4 || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan"

# The faked wall clock starts on 2 January 1970 and runs on from there.
echo "@1970-01-02 00:00:00" >"$T/faketime"
# A daemon built with AddressSanitizer wants its runtime first; libfaketime
# only wraps the clock functions, which ASan does not intercept.
bg lakewatchd env LD_PRELOAD="$lib" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" FAKETIME_TIMESTAMP_FILE="$T/faketime" FAKETIME_NO_CACHE=1 \
	FAKETIME_DONT_FAKE_MONOTONIC=1 "$LW_BIN/lakewatchd" -f -c "$T/lw.conf"
DAEMON_PID=$LAST_PID
count() { sql "$T/lw.db" "select count(*) from readings where $1" 2>/dev/null; }
early="time < '1971'"
check "readings are taken while the clock reads 1970" wait_for 10 \
	eval "[ \"\$(count \"$early\")\" -ge 5 ]"
check_eq "every one of them is suspect" 0 "$(count "$early and quality <> 'suspect'")"
check "the log says the clock is not set, once" eval \
	'[ "$(grep -c "the system clock reads 1970-01-02T.*before this lakewatch was made: readings are stored as suspect" "$T/lakewatchd.log")" == 1 ]'
status_clock() { "$LW_BIN/lakewatch" -c "$T/lw.conf" status --json | grep -q "\"clock_ok\":$1"; }
check "status says the clock is not set" status_clock false
check "and so does its table" eval '"$LW_BIN/lakewatch" -c "$T/lw.conf" status | grep -q "the clock is not set"'

# The clock is set (NTP, or the GSM network's time): the real time again.
echo "+0" >"$T/faketime"
check "readings at the real time follow" wait_for 10 \
	eval "[ \"\$(count \"time > '2020' and quality = 'good'\")\" -ge 5 ]"
check_eq "none of them is flagged" 0 "$(count "time > '2020' and quality <> 'good'")"
check_eq "the log says the clock is set, once" 1 \
	"$(grep -c "the system clock is set: readings are no longer flagged" "$T/lakewatchd.log")"
check "status says the clock is set" status_clock true
check_eq "the 1970 readings are still there, suspect" 0 "$(count "$early and quality <> 'suspect'")"
stop_pid "$DAEMON_PID"
check_eq "the daemon stops cleanly" 0 "$?"
