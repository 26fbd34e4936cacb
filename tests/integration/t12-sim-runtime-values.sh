#!/usr/bin/env bash
# lakewatch-sim values that change while it runs, for alert scenarios: the
# faults file's "set DEVICE.POINT=VALUE" and "ramp DEVICE.POINT=FROM:TO:SECONDS"
# lines, re-read on SIGUSR1.  Read back through the daemon's own decoding
# (lakewatchd --once, lakewatch read): a set value is served while the file
# says so, over --set; a ramp passes through the values between FROM and TO
# and then stays at TO; without the line a point has its --set value or the
# simulated one again.  The registers are those --set gives for the same
# values (type, scale, offset, word order), byte for byte.  Bad lines are
# refused with FILE:LINE, at the start and on SIGUSR1 (the values in force
# then stay).
. "$(dirname "$0")/lib.sh"

# conf FILE PORT: a Keller level sensor and a generic gauge whose points have
# a scale and offset, and word orders other than abcd.
conf() {
	cat >"$1" <<CONF
station = { id = "pp-values"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "500ms"; } );
devices = (
  { name = "level"; bus = "lan"; unit = 2; model = "keller-x"; interval = "1s"; },
  { name = "gauge"; bus = "lan"; unit = 5; model = "generic"; interval = "1s";
    points = ( { name = "depth"; unit = "m"; address = 0; type = "u16"; scale = 0.01;
                 offset = -2.0; min = 0.0; max = 10.0; },
               { name = "flow"; unit = "m3/s"; address = 2; type = "f32"; order = "cdab"; },
               { name = "count"; unit = "1"; address = 4; type = "i32"; order = "badc";
                 scale = 0.1; } ); }
);
store = { path = "$T/lw.db"; };
control = { socket = "$T/control.sock"; };
CONF
}

conf "$T/sim.conf" 1
: >"$T/faults"
start_sim sim "$T/sim.conf" --listen lan=0 --faults-file "$T/faults" \
	--set gauge.depth=3.5 --set level.pressure=0.25 || { not_ok "the simulator starts"; exit 1; }
ok "the simulator starts with an empty faults file"
pid=$SIM_PID port=$SIM_PORT_lan
conf "$T/lw.conf" "$port"

once() { "$LW_BIN/lakewatchd" --once -c "$T/lw.conf" 2>>"$T/once.err"; }
# value OUTPUT POINT: the VALUE column of POINT's line.
value() { awk -v p="$2" '$1 == p { print $2 }' <<<"$1"; }
# near GOT WANT TOLERANCE
near() { awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { exit !(g + 0 == g && g - w <= t && w - g <= t) }'; }
# between LOW GOT HIGH: LOW < GOT < HIGH
between() { awk -v l="$1" -v g="$2" -v h="$3" 'BEGIN { exit !(g + 0 == g && l < g && g < h) }'; }
ms() { echo $(($(date +%s%N) / 1000000)); }
# sleep_until MS: sleep until the ms clock reads MS.
sleep_until() {
	local left=$(($1 - $(ms)))
	[ "$left" -gt 0 ] && sleep "$(awk -v m="$left" 'BEGIN { printf "%.3f", m / 1000 }')"
	return 0
}
# usr1 LINE...: write the faults file and wait until the simulator has read it
# (taken or refused).
handled=0
taken() { [ "$(grep -cE 'faults from .* in force|keeping the faults in force' "$T/sim.log")" -ge "$handled" ]; }
usr1() {
	printf '%s\n' "$@" >"$T/faults"
	handled=$((handled + 1))
	kill -USR1 "$pid"
	wait_for 5 taken
}
# raw PORT: the holding registers 0..5 of unit 5 as hex, by a few lines of Python.
raw() {
	python3 - "$1" <<'PY' 2>/dev/null
import socket, struct, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=2)
s.sendall(struct.pack('>HHHBBHH', 1, 0, 6, 5, 3, 0, 6))
data = b''
while len(data) < 6 or len(data) < 6 + struct.unpack('>H', data[4:6])[0]:
    chunk = s.recv(512)
    if not chunk:
        break
    data += chunk
print(data[9:].hex())
PY
}

check "--help documents the set and ramp lines" \
	grep -q "ramp DEVICE.POINT=FROM:TO:SECONDS" <<<"$("$LW_BIN/lakewatch-sim" --help)"

# --- before: --set values and simulated ones ---
out=$(once); rc=$?
check_eq "--once against the simulator exits 0" 0 "$rc"
check_eq "gauge.depth has its --set value" 3.5 "$(value "$out" gauge.depth)"
check_eq "level.pressure has its --set value" 0.25 "$(value "$out" level.pressure)"
flow0=$(value "$out" gauge.flow)
count0=$(value "$out" gauge.count)
check "gauge.flow is simulated ($flow0)" test -n "$flow0" -a "$flow0" != -12.75

# --- set lines ---
usr1 "set gauge.depth=0.42" "set gauge.flow = -12.75" "  set gauge.count=-1234.5   # comment" \
	"set level.pressure=0.125"
check "SIGUSR1: the simulator reports the values it took" \
	grep -q "faults from $T/faults: 0 in force, 4 values" "$T/sim.log"
check "... and logs each" grep -q "value: gauge.flow = -12.75" "$T/sim.log"
out=$(once)
check_eq "set: u16 with scale 0.01 and offset -2 reads 0.42" 0.42 "$(value "$out" gauge.depth)"
check_eq "set: f32 cdab reads -12.75" -12.75 "$(value "$out" gauge.flow)"
check_eq "set: i32 badc with scale 0.1 reads -1234.5" -1234.5 "$(value "$out" gauge.count)"
check_eq "set: the file's value wins over --set" 0.125 "$(value "$out" level.pressure)"
check_eq "set: its quality is good" good "$(awk '$1 == "gauge.depth" { print $4 }' <<<"$out")"
out=$("$LW_BIN/lakewatch" -c "$T/lw.conf" read gauge 2>"$T/read.err"); rc=$?
check_eq "lakewatch read gauge sees them too" "0 0.42 -12.75 -1234.5" \
	"$rc $(value "$out" gauge.depth) $(value "$out" gauge.flow) $(value "$out" gauge.count)"
if python3 -c 'import socket' 2>/dev/null; then
	regs=$(raw "$port")
	check_eq "set: the registers, byte for byte (242; gap; c14c0000 as cdab; -12345 as badc)" \
		00f200000000c14cffffc7cf "$regs"
	start_sim sim2 "$T/sim.conf" --listen lan=0 --set gauge.depth=0.42 --set gauge.flow=-12.75 \
		--set gauge.count=-1234.5 || not_ok "a second simulator starts"
	check_eq "set: the same registers as --set gives for the same values" "$(raw "$SIM_PORT_lan")" "$regs"
	stop_pid "$SIM_PID"
else
	skip "set: the registers byte for byte (python3 missing)"
	skip "set: the same registers as --set (python3 missing)"
fi

# --- ramp lines: the lake falls below its critical depth of 1 m ---
usr1 "# from 3 m to 0.5 m in 4 s" "ramp gauge.depth=3:0.5:4" "ramp gauge.count = -5:5:0"
t0=$(ms)
check "the simulator logs the ramp" grep -q "value: gauge.depth ramp 3 -> 0.5 over 4 s" "$T/sim.log"
sleep_until $((t0 + 1000))
out=$(once)
d1=$(value "$out" gauge.depth); e1=$(($(ms) - t0))
check "ramp: about 3 - 2.5 x ${e1}/4000 m after $e1 ms (got $d1)" \
	near "$d1" "$(awk -v e="$e1" 'BEGIN { print 3 - 2.5 * e / 4000 }')" 0.25
check_eq "ramp over 0 s: TO at once" 5 "$(value "$out" gauge.count)"
check_eq "ramp: the values the file no longer gives are gone (level.pressure: --set again)" \
	0.25 "$(value "$out" level.pressure)"
check "ramp: gauge.flow is simulated again" near "$(value "$out" gauge.flow)" "$flow0" \
	"$(awk -v f="$flow0" 'BEGIN { print (f < 0 ? -f : f) * 0.1 + 0.01 }')"
sleep_until $((t0 + 2200))
out=$(once)
d2=$(value "$out" gauge.depth)
sleep_until $((t0 + 3600))
out=$(once)
d3=$(value "$out" gauge.depth)
falling() { between 0.5 "$d3" "$d2" && between "$d3" "$d2" "$d1" && between "$d2" "$d1" 3; }
check "ramp: it goes on falling ($d1, $d2, $d3), between TO and FROM" falling
check "ramp: below the critical depth of 1 m after 3.6 s ($d3, about 0.75)" between 0.5 "$d3" 1
sleep_until $((t0 + 4300))
out=$(once)
check_eq "ramp: TO once SECONDS have passed" 0.5 "$(value "$out" gauge.depth)"
sleep_until $((t0 + 5000))
out=$(once)
check_eq "ramp: and it stays at TO" 0.5 "$(value "$out" gauge.depth)"

# --- bad lines on SIGUSR1: refused with the line, the values in force stay ---
usr1 "set gauge.depth=1" "set gauge.depth=2"
check "a point with two lines is refused, with both lines" \
	grep -q "faults:2: gauge.depth has a value on line 1 already; keeping the faults in force" \
	"$T/sim.log"
usr1 "set gauge.count=1" "" "set gauge.nosuch=1"
check "a point the device does not have is refused" \
	grep -q "faults:3: no point 'gauge.nosuch' in $T/sim.conf; keeping the faults in force" \
	"$T/sim.log"
out=$(once)
check_eq "... and the ramp's end stays in force" "0.5 5" \
	"$(value "$out" gauge.depth) $(value "$out" gauge.count)"

# --- the file cleared: everything as before ---
usr1
out=$(once)
check_eq "cleared: gauge.depth has its --set value again" 3.5 "$(value "$out" gauge.depth)"
check_eq "cleared: level.pressure has its --set value again" 0.25 "$(value "$out" level.pressure)"
check "cleared: gauge.count is simulated again ($count0 before, $(value "$out" gauge.count) now)" \
	near "$(value "$out" gauge.count)" "$count0" \
	"$(awk -v f="$count0" 'BEGIN { print (f < 0 ? -f : f) * 0.1 + 0.5 }')"

# --- values and faults in one file ---
usr1 "set level.pressure=0.5" "gauge timeout"
out=$(once)
check_eq "with a fault in the same file: the value is served" "0.5 good" \
	"$(awk '$1 == "level.pressure" { print $2, $4 }' <<<"$out")"
check_eq "... and the fault applies" missing "$(awk '$1 == "gauge.depth" { print $4 }' <<<"$out")"
usr1 "set gauge.depth=0.75" "gauge range"
out=$(once)
check "the range fault applies over a set value (10 % of the span above max: 11 m)" \
	near "$(value "$out" gauge.depth)" 11 0.011

# --- lines refused at the start: FILE:LINE: message, exit 2 ---
bad() {
	local line=$1 want=$2 out rc
	printf '# a comment\n%s\n' "$line" >"$T/bad"
	out=$("$LW_BIN/lakewatch-sim" -c "$T/sim.conf" --listen lan=0 --faults-file "$T/bad" 2>&1 \
		</dev/null); rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "$T/bad:2: " <<<"$out" && grep -qF -- "$want" <<<"$out"; then
		ok "refused at the start: '$line'"
	else
		not_ok "refused at the start: '$line'" "status $rc: $out"
	fi
}
bad "set gauge.depth" "'gauge.depth': expected 'set DEVICE.POINT=VALUE'"
bad "set gauge.depth=" "gauge.depth: no value"
bad "set gauge.depth=abc" "gauge.depth: 'abc' is not a number"
bad "set gauge.depth=1 2" "one value per line"
bad "set gauge=1" "'gauge': expected DEVICE.POINT"
bad "set .depth=1" "'.depth': expected DEVICE.POINT"
bad "set ghost.depth=1" "no point 'ghost.depth'"
bad "ramp gauge.depth=1:2" "gauge.depth: '1:2': expected FROM:TO:SECONDS"
bad "ramp gauge.depth=1:2:3:4" "expected FROM:TO:SECONDS"
bad "ramp gauge.depth=nan:2:3" "ramp FROM 'nan' is not a finite number"
bad "ramp gauge.depth=1:inf:3" "ramp TO 'inf' is not a finite number"
bad "ramp gauge.depth=1:2:-3" "ramp SECONDS '-3' is not a number of seconds"
bad "ramp gauge.depth=1:2:x" "ramp SECONDS 'x' is not a number of seconds"
bad "sets gauge.depth=1" "unknown fault"
# And some that are fine: hex as --set takes it, blanks around '=', fractional seconds.
printf 'set gauge.depth = 0x2\nramp level.pressure=1:2:0.5\nset gauge.count=-0.5\n' >"$T/good"
start_sim sim3 "$T/sim.conf" --listen lan=0 --faults-file "$T/good" || not_ok "a third simulator starts"
conf "$T/lw3.conf" "$SIM_PORT_lan"
sleep 0.6
out=$("$LW_BIN/lakewatchd" --once -c "$T/lw3.conf" 2>>"$T/once.err")
check_eq "read at the start: hex, blanks around '=', a ramp of 0.5 s" "2 2 -0.5" \
	"$(value "$out" gauge.depth) $(value "$out" level.pressure) $(value "$out" gauge.count)"
stop_pid "$SIM_PID"

stop_pid "$pid"; rc=$?
check_eq "SIGTERM: the simulator exits 0" 0 "$rc"
