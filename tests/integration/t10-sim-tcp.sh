#!/usr/bin/env bash
# lakewatch-sim over Modbus TCP, checked with an independent client: raw
# Modbus TCP frames from a few lines of Python, not libmodbus.  Pinned values
# arrive as the exact bytes of their type and word order, gaps in a device's
# map read 0, unknown units get silence, addresses a device does not have get
# exception 2, each fault kind behaves as documented, a fault window opens on
# time, SIGUSR1 re-reads the faults file, and SIGTERM stops the simulator at
# once with status 0.
. "$(dirname "$0")/lib.sh"

if ! python3 -c 'import socket' 2>/dev/null; then
	skip "skipped: python3 missing"
	exit 0
fi

# mb MODE TARGET UNIT FC ADDR COUNT [WAIT] [badcrc] [then=UNIT2]: one request
# (then=: and at once the same request to UNIT2, on the same line, and
# everything that comes within WAIT s is taken); prints
# "VERDICT PDU FIRST_MS RAW" (VERDICT: ok, truncated, badcrc, junk or none;
# PDU: the reply after the MBAP header or unit, in hex; FIRST_MS: when the
# first byte came, -1 for never).  MODE: tcp, rtutcp (RTU frames over TCP), rtu.
cat >"$T/mb.py" <<'PY'
import os, select, socket, struct, sys, time, tty

def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return struct.pack('<H', crc)

def collect(read, wait, whole):
    t0 = time.monotonic(); end = t0 + wait; data = b''; first = None
    while True:
        now = time.monotonic()
        left = end - now if first is None or whole else min(end - now, 0.15)
        if left <= 0:
            break
        chunk = read(left)
        if not chunk:
            break
        if first is None:
            first = time.monotonic() - t0
        data += chunk
    return data, first

mode, target = sys.argv[1], sys.argv[2]
unit, fc, addr, count = (int(x, 0) for x in sys.argv[3:7])
wait = float(sys.argv[7]) if len(sys.argv) > 7 else 1.0
pdu = struct.pack('>BHH', fc, addr, count)
tid = 0x1234
if mode == 'tcp':
    frame = struct.pack('>HHHB', tid, 0, len(pdu) + 1, unit) + pdu
else:
    frame = bytes([unit]) + pdu
    crc = crc16(frame)
    if 'badcrc' in sys.argv[8:]:
        crc = bytes([crc[0] ^ 0xFF, crc[1]])
    frame += crc
for a in sys.argv[8:]:
    if a.startswith('then='):
        u2 = int(a[5:], 0)
        if mode == 'tcp':
            frame += struct.pack('>HHHB', tid + 1, 0, len(pdu) + 1, u2) + pdu
        else:
            frame += bytes([u2]) + pdu + crc16(bytes([u2]) + pdu)
if mode in ('tcp', 'rtutcp'):
    s = socket.create_connection(('127.0.0.1', int(target)), timeout=2)
    def read(t):
        r, _, _ = select.select([s], [], [], t)
        return s.recv(512) if r else None
    s.sendall(frame)
    data, first = collect(read, wait, len(frame) > 12)
    s.close()
else:
    fd = os.open(target, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    def read(t):
        r, _, _ = select.select([fd], [], [], t)
        return os.read(fd, 512) if r else None
    os.write(fd, frame)
    data, first = collect(read, wait, len(frame) > 12)
    os.close(fd)
ms = -1 if first is None else int(first * 1000)
verdict, body = 'none', '-'
if data and mode == 'tcp':
    verdict = 'junk'
    if len(data) >= 7:
        t, p, n, u = struct.unpack('>HHHB', data[:7])
        body = data[7:].hex() or '-'
        if t == tid and p == 0 and u == unit:
            verdict = 'ok' if len(data) == 6 + n else 'truncated' if len(data) < 6 + n else 'junk'
elif data:
    verdict = 'junk'
    if len(data) >= 4 and data[0] == unit:
        body = data[1:-2].hex()
        verdict = 'ok' if crc16(data[:-2]) == data[-2:] else 'badcrc'
print(verdict, body, ms, data.hex() or '-')
PY
mb() { python3 "$T/mb.py" "$@"; }

# A generic device: f32 'value' (rated 0-100) at holding 0, u16 'count' at 2.
gen() {
	echo "  { name = \"$1\"; bus = \"lan\"; unit = $2; model = \"generic\"; interval = \"1s\";
    points = ( { name = \"value\"; unit = \"1\"; address = 0; type = \"f32\"; min = 0.0; max = 100.0; },
               { name = \"count\"; unit = \"1\"; address = 2; type = \"u16\"; } ); }"
}

cat >"$T/sim.conf" <<CONF
station = { id = "pp-sim"; name = "Simulator test station"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = 1; timeout = "500ms"; } );
devices = (
  { name = "level"; bus = "lan"; unit = 2; model = "keller-x"; interval = "1s"; },
  { name = "turb"; bus = "lan"; unit = 3; model = "generic"; interval = "1s";
    points = ( { name = "turbidity"; unit = "NTU"; register = "input"; address = 0;
                 type = "f32"; order = "abcd"; min = 0.0; max = 4000.0; },
               { name = "counts"; unit = "1"; address = 10; type = "i16"; scale = 0.1; },
               { name = "flags"; unit = "1"; address = 14; type = "u16"; order = "badc"; } ); },
  { name = "cond"; bus = "lan"; unit = 4; model = "yosemitech-y520"; interval = "1s"; },
  { name = "spare"; bus = "lan"; unit = 9; model = "generic"; interval = "1s"; enabled = false;
    points = ( { name = "value"; unit = "1"; address = 0; type = "u16"; } ); },
$(gen f_timeout 10),
$(gen f_down 11),
$(gen f_exc 12),
$(gen f_exc6 13),
$(gen f_slow 14),
$(gen f_crc 15),
$(gen f_garbage 16),
$(gen f_nan 17),
$(gen f_range 18),
  { name = "f_flag"; bus = "lan"; unit = 19; model = "yosemitech-y520"; interval = "1s"; },
$(gen f_window 20),
$(gen f_usr1 21)
);
store = { path = "$T/lw.db"; };
control = { socket = "$T/control.sock"; };
CONF
: >"$T/faults"

t0=$(date +%s%N)
start_sim sim "$T/sim.conf" -v --seed 7 --listen lan=0 --faults-file "$T/faults" \
	--set turb.turbidity=42.5 --set turb.counts=-12.3 --set turb.flags=0x1234 \
	--set level.pressure=0.25 --set cond.conductivity=45.125 \
	--set f_range.value=50 --set f_nan.value=50 --set f_slow.value=1.5 \
	--fault f_timeout=timeout --fault f_down=down --fault f_exc=exception \
	--fault f_exc6=exception:6 --fault f_slow=slow:600 --fault f_crc=crc \
	--fault f_garbage=garbage --fault f_nan=nan --fault f_range=range --fault f_flag=flag \
	--fault 'f_window=timeout@5-' || { not_ok "the simulator starts"; exit 1; }
ok "the simulator starts and says READY"
port=${SIM_PORT_lan:-}
check "READY names the bus, on 127.0.0.1 with the port it took" \
	grep -Eqx "READY bus lan tcp 127\.0\.0\.1:$port" "$T/sim.log"
check_eq "READY comes last" READY "$(grep '^READY' "$T/sim.log" | tail -n 1)"
refused() { ! python3 -c "import socket; socket.create_connection(('127.0.0.2', $port), timeout=1)" 2>/dev/null; }
check "it listens on 127.0.0.1 only (127.0.0.2 is refused)" refused
read -r v _ <<<"$(mb tcp "$port" 20 3 0 2)"
check_eq "a fault window: answered before it opens (timeout@5-)" ok "$v"

# Pinned values, byte for byte.
read -r v pdu _ <<<"$(mb tcp "$port" 3 4 0 2)"
check_eq "generic f32 ABCD input register: 42.5 is 42 2a 00 00" "ok 0404422a0000" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 3 3 10 5)"
check_eq "i16 with scale 0.1: -12.3 is ff85; the gap reads 0; u16 BADC 0x1234 is 34 12" \
	"ok 030aff850000000000003412" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 2 3 0x0100 2)"
check_eq "keller-x pressure 0.25 bar is f32 ABCD 3e 80 00 00" "ok 03043e800000" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 2 3 0x0100 6)"
check_eq "keller-x takes at most 4 registers a read, as its table says: exception 3" "ok 8303" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 2 3 0x0101 2)"
check_eq "keller-x refuses a read that starts odd: exception 2" "ok 8302" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 2 3 0x020C 1)"
check_eq "keller-x STATUS reads all is well (0)" "ok 03020000" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 4 3 0x2602 2)"
check_eq "yosemitech-y520 conductivity 45.125 mS/cm is f32 DCBA 00 80 34 42" "ok 030400803442" "$v $pdu"

# A value nobody pinned comes from the simulated lake.
read -r v pdu _ <<<"$(mb tcp "$port" 4 3 0x2600 2)"
temp=$(python3 -c "import struct,sys; print(struct.unpack('<f', bytes.fromhex(sys.argv[1][4:]))[0])" "$pdu" 2>/dev/null)
check "an unpinned yosemitech temperature is lake water, 8-18 Cel (got $temp)" \
	awk -v t="${temp:-x}" 'BEGIN { exit !(t + 0 == t && t >= 8 && t <= 18) }'

# Addressing like a real device.
read -r v _ ms _ <<<"$(mb tcp "$port" 99 3 0 2)"
check_eq "an unconfigured unit gets no answer within 1 s" "none -1" "$v $ms"
read -r v _ ms _ <<<"$(mb tcp "$port" 9 3 0 1)"
check_eq "a disabled device gets no answer" "none -1" "$v $ms"
read -r v pdu _ <<<"$(mb tcp "$port" 3 4 100 2)"
check_eq "an address outside the device's map: exception 2" "ok 8402" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 3 3 0 2)"
check_eq "a register kind the device does not have: exception 2" "ok 8302" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 3 4 0 126)"
check_eq "more than 125 registers: exception 3" "ok 8403" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 3 6 10 7)"
check_eq "a write: exception 1 (the simulator has no writable registers)" "ok 8601" "$v $pdu"

# Faults.
read -r v _ ms _ <<<"$(mb tcp "$port" 10 3 0 2)"
check_eq "timeout: no bytes within 1 s" "none -1" "$v $ms"
read -r v _ ms _ <<<"$(mb tcp "$port" 11 3 0 2)"
check_eq "down: no bytes within 1 s" "none -1" "$v $ms"
read -r v pdu _ <<<"$(mb tcp "$port" 12 3 0 2)"
check_eq "exception: server device failure (4) by default" "ok 8304" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 13 3 0 2)"
check_eq "exception:6: server busy" "ok 8306" "$v $pdu"
read -r v pdu ms _ <<<"$(mb tcp "$port" 14 3 0 2 3)"
check_eq "slow: the reply itself is whole and right (1.5)" "ok 03043fc00000" "$v $pdu"
check "slow:600: the reply arrives after 600 ms (got $ms ms)" test "$ms" -ge 580 -a "$ms" -lt 1500
read -r _ _ _ raw <<<"$(mb tcp "$port" 14 3 0 2 2 then=17)"
check "slow: other units behind the gateway are answered meanwhile ($raw)" \
	grep -Eq '^1235000000071103047fc000001234000000070e03043fc00000$' <<<"$raw"
read -r v _ _ raw <<<"$(mb tcp "$port" 15 3 0 2)"
check_eq "crc on TCP: a frame shorter than its MBAP length says ($raw)" truncated "$v"
read -r v _ _ raw <<<"$(mb tcp "$port" 16 3 0 2)"
check "garbage: a few bytes that are no reply ($raw)" \
	test "$v" = junk -a "${#raw}" -ge 6 -a "${#raw}" -le 16
read -r v pdu _ <<<"$(mb tcp "$port" 17 3 0 3)"
check_eq "nan: f32 reads 7fc00000, u16 its maximum" "ok 03067fc00000ffff" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 18 3 0 2)"
check_eq "range: 10 % of the span above the rated maximum (110 = 42dc0000), over --set" \
	"ok 030442dc0000" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 19 3 0x2604 1)"
check_eq "flag: the yosemitech error flag (high byte of 0x2604) is set" "ok 0302ff00" "$v $pdu"
read -r v pdu _ <<<"$(mb tcp "$port" 4 3 0x2604 1)"
check_eq "without the flag fault the error flag is clear" "ok 03020000" "$v $pdu"

# The fault window (timeout from 5 s after the start) is open by now.
left=$(( (5500000000 - ($(date +%s%N) - t0)) / 1000000 ))
[ "$left" -gt 0 ] && sleep "$(awk -v ms="$left" 'BEGIN { printf "%.3f", ms / 1000 }')"
read -r v _ <<<"$(mb tcp "$port" 20 3 0 2)"
check_eq "a fault window: silent once it is open" none "$v"

# SIGUSR1: the faults file replaces every fault.
echo "f_usr1 exception:3  # switched on" >"$T/faults"
kill -USR1 "$SIM_PID"
usr1_on() { [ "$(mb tcp "$port" 21 3 0 2 0.5 | cut -d' ' -f1,2)" = "ok 8303" ]; }
check "SIGUSR1 switches a fault on from the faults file" wait_for 3 usr1_on
echo "f_usr1 no-such-fault" >"$T/faults"
kill -USR1 "$SIM_PID"
bad_logged() { grep -q "faults:1:.*unknown fault.*keeping the faults in force" "$T/sim.log"; }
check "a faults file with an error is reported with its line" wait_for 3 bad_logged
check "... and the faults in force stay" usr1_on
: >"$T/faults"
kill -USR1 "$SIM_PID"
usr1_off() { mb tcp "$port" 21 3 0 2 0.5 | grep -q '^ok 0304'; }
check "an empty faults file switches it off again" wait_for 3 usr1_off
read -r v _ <<<"$(mb tcp "$port" 10 3 0 2)"
check_eq "the file replaced the --fault faults too" ok "$v"

# -v logs each request with the fault applied.
check "-v logs unit, function, address, count and fault" \
	grep -q "lan: unit 12 (f_exc): read holding (3) 0+2: exception 4; fault: exception 4" "$T/sim.log"
check "-v logs requests to unknown units" grep -q "lan: unit 99: read holding (3) 0+2: no such unit" "$T/sim.log"

# SIGTERM: exit 0 within 1 s.
s=$(date +%s%N)
stop_pid "$SIM_PID"; rc=$?
ms=$(( ($(date +%s%N) - s) / 1000000 ))
check_eq "SIGTERM: exit status 0" 0 "$rc"
check "SIGTERM: stopped within 1 s (took $ms ms)" test "$ms" -lt 1000

# A bad configuration: every error as FILE:LINE, exit 1.
printf 'buses = ( { name = "x"; type = "tcp"; port = 502; } );\ndevices = ( { name = "d"; bus = "nope"; unit = 1; model = "keller-x"; } );\n' >"$T/bad.conf"
out=$("$LW_BIN/lakewatch-sim" -c "$T/bad.conf" 2>&1); rc=$?
check_eq "a bad configuration: exit 1" 1 "$rc"
check "a bad configuration: errors as FILE:LINE: message" grep -q "^$T/bad.conf:[0-9]*: " <<<"$out"
out=$("$LW_BIN/lakewatch-sim" -c "$T/sim.conf" --fault 'turb=melt' 2>&1); rc=$?
check "a bad --fault is refused with a message (status $rc)" test "$rc" -eq 2 -a -n "$out"
