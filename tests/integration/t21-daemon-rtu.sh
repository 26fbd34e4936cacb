#!/usr/bin/env bash
# Sensor -> store over Modbus RTU: a socat pseudo-terminal pair stands for the
# RS-485 line (19200 baud, even parity, as the In-Situ sondes ship), with a
# sonde and a level sensor as two units on it.
. "$(dirname "$0")/lib.sh"

pty_pair line-sim line-daemon || { not_ok "socat pty pair"; exit 1; }

conf() {
	cat >"$1" <<CONF
station = { id = "pp-06"; name = "Lake centre buoy"; latitude = -18.74; longitude = -67.09; elevation = 3686.0; };
buses = ( { name = "rs485"; type = "rtu"; device = "$2"; baud = 19200; parity = "even";
            data_bits = 8; stop_bits = 1; timeout = "300ms"; turnaround = "5ms"; } );
devices = (
  { name = "sonde"; bus = "rs485"; unit = 1; model = "insitu-at400"; interval = "400ms"; },
  { name = "level"; bus = "rs485"; unit = 2; model = "keller-x"; interval = "400ms";
    calibration = ( { point = "pressure"; offset = 0.5; scale = 2.0; } ); }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
CONF
}
conf "$T/sim.conf" "$T/line-sim"
conf "$T/lw.conf" "$T/line-daemon"
start_sim sim "$T/sim.conf" --set sonde.ph=8.375 --set level.pressure=0.125 || exit 1

out=$("$LW_BIN/lakewatchd" --once -v -c "$T/lw.conf" 2>"$T/once.err"); rc=$?
check_eq "--once over RTU exits 0" 0 "$rc"
check "--once over RTU reads the sonde's pH" grep -Eq '^sonde\.ph +8\.375 +\[pH\] +good$' <<<"$out"
check "calibration applies (0.125 x 2 + 0.5)" grep -Eq '^level\.pressure +0\.75 +bar +good$' <<<"$out"

start_daemon lakewatchd "$T/lw.conf"
have_rows() { [ "$(sql "$T/lw.db" "select count(*) from readings where point='ph'" 2>/dev/null)" -ge 4 ]; }
check "RTU readings arrive in the store" wait_for 15 have_rows
stop_pid "$DAEMON_PID"; rc=$?
check_eq "SIGTERM stops the daemon with status 0" 0 "$rc"
db=$T/lw.db
check_eq "sonde pH stored exactly, good" "8.375,[pH],good" \
	"$(sql "$db" "select distinct value, unit, quality from readings where device='sonde' and point='ph'")"
check_eq "calibrated level stored" "0.75,good" \
	"$(sql "$db" "select distinct value, quality from readings where device='level' and point='pressure'")"
check_eq "every RTU reading is good" 0 "$(sql "$db" "select count(*) from readings where quality != 'good'")"
check_eq "both units polled" 2 "$(sql "$db" "select count(distinct device) from readings")"
