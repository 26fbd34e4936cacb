#!/usr/bin/env bash
# A bus that cannot be opened: a Modbus TCP gateway that refuses connections
# and a serial line whose device does not exist yet.  Their devices are
# journaled as missing on their schedule (an outage is visible in the store,
# never a silent gap), and polled normally once the bus opens.
. "$(dirname "$0")/lib.sh"

# conf FILE PORT TTY
conf() {
	cat >"$1" <<CONF
station = { id = "pp-down"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "300ms"; },
          { name = "rs485"; type = "rtu"; device = "$3"; baud = 19200; timeout = "300ms"; } );
devices = (
  { name = "turb"; bus = "lan"; unit = 3; model = "generic"; interval = "300ms";
    points = ( { name = "turbidity"; unit = "NTU"; register = "input"; address = 0;
                 type = "f32"; order = "abcd"; } ); },
  { name = "level"; bus = "rs485"; unit = 2; model = "keller-x"; interval = "300ms"; }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
CONF
}

# A free port: the simulator takes one, says which, and goes.
cat >"$T/probe.conf" <<CONF
station = { id = "pp-probe"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = 1; } );
devices = ( { name = "turb"; bus = "lan"; unit = 3; model = "yosemitech-y511"; interval = "1s"; } );
store = { path = "$T/probe.db"; };
CONF
start_sim probe "$T/probe.conf" --listen lan=0 || exit 1
port=$SIM_PORT_lan
stop_pid "$SIM_PID"

conf "$T/lw.conf" "$port" "$T/line-daemon"
start_daemon lakewatchd "$T/lw.conf"
db=$T/lw.db
count() { sql "$db" "select count(*) from readings where device='$1' and $2" 2>/dev/null; }
down() { [ "$(count turb "quality='missing'")" -ge 2 ] && [ "$(count level "quality='missing'")" -ge 2 ]; }
check "devices on buses that cannot be opened are journaled as missing" wait_for 20 down
check_eq "no value while the buses are down" "0 0" "$(count turb "value is not null") $(count level "value is not null")"
check "the TCP bus failure is logged with its address" \
	grep -q "bus 'lan': cannot connect to 127.0.0.1:$port" "$T/lakewatchd.log"
check "the serial bus failure is logged with its device" \
	grep -q "bus 'rs485': cannot open $T/line-daemon" "$T/lakewatchd.log"

# The gateway and the serial line come up.
pty_pair line-sim line-daemon || { not_ok "socat pty pair"; exit 1; }
conf "$T/sim.conf" "$port" "$T/line-sim"
start_sim sim "$T/sim.conf" --listen lan="$port" --set turb.turbidity=12.5 \
	--set level.pressure=0.5 || exit 1
up() { [ "$(count turb "quality='good'")" -ge 2 ] && [ "$(count level "point='pressure' and quality='good'")" -ge 2 ]; }
check "both buses are polled once they open" wait_for 60 up
stop_pid "$DAEMON_PID"
check_eq "the TCP device's values are the simulator's" "12.5" \
	"$(sql "$db" "select distinct printf('%g', value) from readings where device='turb' and value is not null")"
check_eq "the serial device's values are the simulator's" "0.5" \
	"$(sql "$db" "select distinct printf('%g', value) from readings where device='level' and point='pressure' and value is not null")"
check "the recovery is logged once per bus" \
	test "$(grep -c "open again after" "$T/lakewatchd.log")" -eq 2
