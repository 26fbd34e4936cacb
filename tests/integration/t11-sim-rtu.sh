#!/usr/bin/env bash
# lakewatch-sim over Modbus RTU, checked with an independent client: raw RTU
# frames with their CRC computed in a few lines of Python, written to the
# other end of a socat pseudo-terminal pair (the RS-485 line), and over TCP
# for an RTU-over-TCP gateway bus.  Several units share the line: a request
# to another unit, or with a bad CRC, gets silence and does not upset the
# framing of the next one; faults behave as documented (on RTU a crc fault
# is a reply with a wrong CRC); SIGUSR1 re-reads the faults file; SIGTERM
# stops the simulator at once with status 0.
. "$(dirname "$0")/lib.sh"

if ! python3 -c 'import socket' 2>/dev/null; then
	skip "skipped: python3 missing"
	exit 0
fi
pty_pair line-sim line-client || { not_ok "a socat pty pair for the RS-485 line"; exit 1; }

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
line=$T/line-client

# A generic device on BUS: f32 'value' (rated 0-100) at holding 0, u16 'count' at 2.
gen() {
	echo "  { name = \"$1\"; bus = \"${3:-rs485}\"; unit = $2; model = \"generic\"; interval = \"1s\";
    points = ( { name = \"value\"; unit = \"1\"; address = 0; type = \"f32\"; min = 0.0; max = 100.0; },
               { name = \"count\"; unit = \"1\"; address = 2; type = \"u16\"; } ); }"
}

cat >"$T/sim.conf" <<CONF
station = { id = "pp-06"; name = "Lake centre buoy"; latitude = -18.74; longitude = -67.09; elevation = 3686.0; };
buses = ( { name = "rs485"; type = "rtu"; device = "/dev/null-not-used"; baud = 19200; parity = "even";
            data_bits = 8; stop_bits = 1; timeout = "500ms"; },
          { name = "gw"; type = "rtu-over-tcp"; host = "127.0.0.1"; port = 1; timeout = "500ms"; } );
devices = (
  { name = "sonde"; bus = "rs485"; unit = 1; model = "insitu-at400"; interval = "1s"; },
  { name = "level"; bus = "rs485"; unit = 2; model = "keller-x"; interval = "1s"; },
$(gen gen 3),
$(gen remote 5 gw),
$(gen f_timeout 10),
$(gen f_exc 12),
$(gen f_slow 14),
$(gen f_crc 15),
$(gen f_garbage 16),
$(gen f_nan 17),
$(gen f_usr1 21)
);
store = { path = "$T/lw.db"; };
control = { socket = "$T/control.sock"; };
CONF
: >"$T/faults"

start_sim sim "$T/sim.conf" -v --serial "rs485=$T/line-sim" --listen gw=0 --faults-file "$T/faults" \
	--set sonde.ph=8.375 --set level.pressure=0.125 --set gen.value=17.625 --set gen.count=515 \
	--set remote.value=42.5 --set f_slow.value=1.5 \
	--fault f_timeout=timeout --fault f_exc=exception:2 --fault f_slow=slow:700 --fault f_crc=crc \
	--fault f_garbage=garbage --fault f_nan=nan || { not_ok "the simulator starts"; exit 1; }
ok "the simulator starts on the pty and says READY"
check "READY names the serial bus and its device" grep -qx "READY bus rs485 rtu $T/line-sim" "$T/sim.log"
gw=${SIM_PORT_gw:-}
check "READY names the RTU-over-TCP bus on 127.0.0.1 (port $gw)" \
	grep -Eqx "READY bus gw tcp 127\.0\.0\.1:$gw" "$T/sim.log"

# Pinned values, byte for byte, in frames with a good CRC.
read -r v pdu _ <<<"$(mb rtu "$line" 3 3 0 3)"
check_eq "generic f32 ABCD 17.625 is 41 8d 00 00, u16 515 is 02 03" "ok 0306418d00000203" "$v $pdu"
read -r v pdu _ <<<"$(mb rtu "$line" 1 3 1537 2)"
check_eq "insitu-at400 pH 8.375 is f32 ABCD 41 06 00 00" "ok 030441060000" "$v $pdu"
read -r v pdu _ <<<"$(mb rtu "$line" 1 3 1537 5)"
check_eq "insitu-at400 pH block: value, units ID 145 ([pH]) and quality ID 0 (all is well)" \
	"ok 030a41060000000000910000" "$v $pdu"
read -r v pdu _ <<<"$(mb rtu "$line" 2 3 0x0100 2)"
check_eq "keller-x pressure 0.125 bar is f32 ABCD 3e 00 00 00" "ok 03043e000000" "$v $pdu"

# Several units on one line: silence for others, and the framing holds.
read -r v _ ms _ <<<"$(mb rtu "$line" 99 3 0 2)"
check_eq "an unconfigured unit gets no answer within 1 s" "none -1" "$v $ms"
read -r v pdu _ <<<"$(mb rtu "$line" 3 3 0 2 1)"
check_eq "... and the next request on the line is answered" "ok 0304418d0000" "$v $pdu"
read -r v _ ms _ <<<"$(mb rtu "$line" 3 3 0 2 1 badcrc)"
check_eq "a request with a bad CRC gets no answer" "none -1" "$v $ms"
read -r v pdu _ <<<"$(mb rtu "$line" 3 3 0 2 1)"
check_eq "... and the next request is answered" "ok 0304418d0000" "$v $pdu"
read -r v pdu _ <<<"$(mb rtu "$line" 3 3 200 2)"
check_eq "an address outside the device's map: exception 2" "ok 8302" "$v $pdu"
read -r v pdu _ <<<"$(mb rtu "$line" 3 4 0 2)"
check_eq "a register kind the device does not have: exception 2" "ok 8402" "$v $pdu"

# Faults on the line.
read -r v _ ms _ <<<"$(mb rtu "$line" 10 3 0 2)"
check_eq "timeout: no bytes within 1 s" "none -1" "$v $ms"
read -r v pdu _ <<<"$(mb rtu "$line" 12 3 0 2)"
check_eq "exception:2: illegal data address" "ok 8302" "$v $pdu"
read -r v pdu ms _ <<<"$(mb rtu "$line" 14 3 0 2 3)"
check_eq "slow: the late reply is whole and right (1.5)" "ok 03043fc00000" "$v $pdu"
check "slow:700: the reply arrives after 700 ms (got $ms ms)" test "$ms" -ge 680 -a "$ms" -lt 1600
read -r _ _ _ raw <<<"$(mb rtu "$line" 14 3 0 2 2 then=3)"
check "slow: the other units on the line are answered meanwhile ($raw)" \
	grep -Eq '^030304418d0000.{4}0e03043fc00000.{4}$' <<<"$raw"
read -r v pdu _ raw <<<"$(mb rtu "$line" 15 3 0 2)"
check_eq "crc: a whole reply with a wrong CRC ($raw)" "badcrc 0304" "$v ${pdu:0:4}"
read -r v _ _ raw <<<"$(mb rtu "$line" 16 3 0 2)"
check "garbage: a few bytes that are no reply ($raw)" \
	test "$v" != ok -a "$v" != none -a "${#raw}" -ge 6 -a "${#raw}" -le 16
read -r v pdu _ <<<"$(mb rtu "$line" 17 3 0 3)"
check_eq "nan: f32 reads 7fc00000, u16 its maximum" "ok 03067fc00000ffff" "$v $pdu"
read -r v pdu _ <<<"$(mb rtu "$line" 3 3 0 2)"
check_eq "the healthy unit is still answered after every fault" "ok 0304418d0000" "$v $pdu"

# RTU frames over TCP.
read -r v pdu _ <<<"$(mb rtutcp "$gw" 5 3 0 2)"
check_eq "RTU over TCP: an RTU frame with a good CRC, f32 42.5" "ok 0304422a0000" "$v $pdu"
read -r v _ ms _ <<<"$(mb rtutcp "$gw" 3 3 0 2)"
check_eq "RTU over TCP: a unit of another bus gets no answer" "none -1" "$v $ms"

# SIGUSR1: the faults file replaces every fault.
echo "f_usr1 exception:4@-600" >"$T/faults"
kill -USR1 "$SIM_PID"
usr1_on() { [ "$(mb rtu "$line" 21 3 0 2 0.5 | cut -d' ' -f1,2)" = "ok 8304" ]; }
check "SIGUSR1 switches a fault on from the faults file" wait_for 3 usr1_on
printf '# nothing\n\n' >"$T/faults"
kill -USR1 "$SIM_PID"
usr1_off() { mb rtu "$line" 21 3 0 2 0.5 | grep -q '^ok 0304'; }
check "a faults file of comments switches it off again" wait_for 3 usr1_off
read -r v _ <<<"$(mb rtu "$line" 10 3 0 2)"
check_eq "the file replaced the --fault faults too" ok "$v"

check "-v logs unit, function, address, count and fault" \
	grep -q "rs485: unit 12 (f_exc): read holding (3) 0+2: exception 2; fault: exception 2" "$T/sim.log"
check "-v logs the dropped bad-CRC request" grep -q "rs485: unit 3: bad CRC, request dropped" "$T/sim.log"

s=$(date +%s%N)
stop_pid "$SIM_PID"; rc=$?
ms=$(( ($(date +%s%N) - s) / 1000000 ))
check_eq "SIGTERM: exit status 0" 0 "$rc"
check "SIGTERM: stopped within 1 s (took $ms ms)" test "$ms" -lt 1000
out=$("$LW_BIN/lakewatch-sim" -c "$T/sim.conf" --serial "rs485=$T/no-such-tty" 2>&1); rc=$?
check "a serial device that cannot be opened: exit 1 with a message (status $rc)" \
	test "$rc" -eq 1 -a -n "$out"
