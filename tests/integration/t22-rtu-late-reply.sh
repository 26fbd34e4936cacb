#!/usr/bin/env bash
# The RTU late-reply hazard (libmodbus 3.1.6 takes a late frame as the answer
# to the next request): a device answers after the response timeout for a
# while; its late answers must never be stored as another register's value.
# The device has two one-register blocks of the same shape, 111 at address 0
# and 222 at address 200, so a misattributed reply would show as 111 in 'b'.
. "$(dirname "$0")/lib.sh"

pty_pair line-sim line-daemon || { not_ok "socat pty pair"; exit 1; }

conf() {
	cat >"$1" <<CONF
station = { id = "pp-late"; };
buses = ( { name = "rs485"; type = "rtu"; device = "$2"; baud = 38400; timeout = "200ms"; } );
devices = (
  { name = "dev"; bus = "rs485"; unit = 7; model = "generic"; interval = "300ms"; max_gap = 0;
    points = ( { name = "a"; unit = "1"; address = 0; type = "u16"; },
               { name = "b"; unit = "1"; address = 200; type = "u16"; } ); },
  { name = "other"; bus = "rs485"; unit = 8; model = "generic"; interval = "300ms";
    points = ( { name = "c"; unit = "1"; address = 0; type = "u16"; } ); }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
CONF
}
conf "$T/sim.conf" "$T/line-sim"
conf "$T/lw.conf" "$T/line-daemon"
echo "dev slow:300" >"$T/faults"
start_sim sim "$T/sim.conf" --set dev.a=111 --set dev.b=222 --set other.c=333 \
	--faults-file "$T/faults" || exit 1
kill -USR1 "$SIM_PID"	# the late replies start now

start_daemon lakewatchd "$T/lw.conf"
db=$T/lw.db
late() { [ "$(sql "$db" "select count(*) from readings where device='dev' and quality='missing'" 2>/dev/null)" -ge 3 ]; }
check "late replies are recorded as missing" wait_for 20 late
: >"$T/faults"
kill -USR1 "$SIM_PID"	# answers on time again
back() { [ "$(sql "$db" "select count(*) from readings where device='dev' and point='b' and quality='good'" 2>/dev/null)" -ge 3 ]; }
check "the device is read again once it answers in time" wait_for 30 back
stop_pid "$DAEMON_PID"

check_eq "no late reply was taken for register 200" "222" \
	"$(sql "$db" "select distinct printf('%g', value) from readings where device='dev' and point='b' and value is not null")"
check_eq "no late reply was taken for register 0" "111" \
	"$(sql "$db" "select distinct printf('%g', value) from readings where device='dev' and point='a' and value is not null")"
check_eq "the other unit on the line only ever read its own value" "333" \
	"$(sql "$db" "select distinct printf('%g', value) from readings where device='other' and value is not null")"
check_eq "the other unit stayed good throughout" "good" \
	"$(sql "$db" "select distinct quality from readings where device='other'")"
