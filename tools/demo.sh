#!/usr/bin/env bash
# make demo: a simulated Lake Poopó station, end to end.
#   lakewatch-sim serves a multiparameter sonde and a level sensor on an
#   RS-485 line (a socat pseudo-terminal pair) and a turbidity probe on Modbus
#   TCP; lakewatchd polls them into its store and judges an alert rule; every
#   few seconds the latest readings and `lakewatch status` are shown.  Ctrl-C
#   stops everything.  With a number of seconds as argument (make demo
#   DEMO_SECONDS=20) it stops by itself and exits 0.
set -u
seconds=${1:-0}
: "${LW_BIN:?}"
dir=$(mktemp -d "${TMPDIR:-/tmp}/lakewatch-demo.XXXXXX")
pids=()

stop_all() {	# the daemon first (the last started), so it never sees its devices go
	local i
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill -TERM "${pids[i]}" 2>/dev/null
		wait "${pids[i]}" 2>/dev/null
	done
	rm -rf "$dir"
}
trap stop_all EXIT
trap 'echo; echo "demo: stopping"; exit 0' INT TERM

socat -d -d "pty,raw,echo=0,link=$dir/ttySIM" "pty,raw,echo=0,link=$dir/ttyLW" 2>"$dir/socat.log" &
pids+=($!)
for _ in $(seq 1 50); do [ -e "$dir/ttySIM" ] && [ -e "$dir/ttyLW" ] && break; sleep 0.1; done

station_conf() {	# FILE TTY PORT
	cat >"$1" <<CONF
# PP-06, the lake-centre buoy (coordinates are estimates).
station = { id = "pp-06"; name = "Lake centre buoy"; latitude = -18.74; longitude = -67.09;
            elevation = 3686.0; };
buses = (
  { name = "rs485"; type = "rtu"; device = "$2"; baud = 19200; parity = "even"; timeout = "500ms"; },
  { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $3; timeout = "500ms"; }
);
devices = (
  { name = "sonde"; bus = "rs485"; unit = 1; model = "insitu-at400"; interval = "2s"; },
  { name = "level"; bus = "rs485"; unit = 2; model = "keller-x"; interval = "2s"; },
  { name = "turb"; bus = "lan"; unit = 3; model = "generic"; interval = "2s";
    points = ( { name = "turbidity"; unit = "NTU"; register = "input"; address = 0;
                 type = "f32"; order = "abcd"; min = 0.0; max = 4000.0; } ); }
);
store = { path = "$dir/lakewatch.db"; commit_interval = "200ms"; };
control = { socket = "$dir/control.sock"; };
# A demonstration limit below the lake's usual pH of about 8.4, so an alert shows.
alerts = ( { point = "sonde.ph"; warn_high = 8.3; crit_high = 9.2; hold = "2s"; },
           { point = "*"; stale = "30s"; } );
CONF
}

station_conf "$dir/sim.conf" "$dir/ttySIM" 1
"$LW_BIN/lakewatch-sim" -c "$dir/sim.conf" --listen lan=0 >"$dir/sim.out" 2>"$dir/sim.log" &
pids+=($!)
for _ in $(seq 1 100); do grep -qx READY "$dir/sim.out" && break; sleep 0.1; done
if ! grep -qx READY "$dir/sim.out"; then
	echo "demo: the simulator did not start:" >&2; cat "$dir/sim.log" >&2; exit 1
fi
port=$(sed -n 's/^READY bus lan tcp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$dir/sim.out")
station_conf "$dir/lakewatch.conf" "$dir/ttyLW" "$port"

echo "demo: simulated station PP-06: sonde and level sensor on RS-485 ($dir/ttyLW),"
echo "      turbidity probe on Modbus TCP 127.0.0.1:$port; store $dir/lakewatch.db"
# Process substitution, not a pipe, so that $! is the daemon itself.
"$LW_BIN/lakewatchd" -f -c "$dir/lakewatch.conf" > >(sed 's/^/  /') 2>&1 &
pids+=($!)

start=$SECONDS
while :; do
	sleep 3
	echo
	echo "--- $(date -u +%H:%M:%S) UTC: latest reading per point ---"
	sqlite3 -separator ' ' "$dir/lakewatch.db" "
		SELECT printf('%-34s %10s %-7s %s', device || '.' || point,
		              CASE WHEN value IS NULL THEN '-' ELSE printf('%.4g', value) END, unit, quality)
		FROM readings r
		WHERE device <> 'lakewatchd' AND time = (SELECT max(time) FROM readings
		              WHERE device = r.device AND point = r.point)
		ORDER BY device, point;" 2>/dev/null || echo "(no readings yet)"
	echo "--- lakewatch status ---"
	"$LW_BIN/lakewatch" -c "$dir/lakewatch.conf" status 2>&1 | sed 's/^/  /' 
	if [ "$seconds" -gt 0 ] && [ $((SECONDS - start)) -ge "$seconds" ]; then
		echo "demo: $seconds seconds done"
		exit 0
	fi
done
