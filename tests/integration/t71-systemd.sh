#!/usr/bin/env bash
# The systemd unit and the notification protocol.  (a) The unit: its exposure
# score from `systemd-analyze security --offline=true` is 2.0 or lower, it
# verifies cleanly (with ExecStart= pointing at the built daemon), and it says
# what the daemon relies on.  (b) The daemon under a NOTIFY_SOCKET this test
# listens on, with lakewatch-sim as its sensors: READY=1 once, after the
# "started" line; STATUS= with "N/M devices up"; WATCHDOG=1 every half
# WATCHDOG_USEC or sooner, but not in a flood; RELOADING=1 then READY=1 around
# a SIGHUP; STOPPING=1 after SIGTERM.  Without the watchdog meant for it
# (WATCHDOG_PID another process's) it sends no WATCHDOG=1, and a NOTIFY_SOCKET
# it cannot use is logged once and does not stop it.
. "$(dirname "$0")/lib.sh"

unset NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID
UNIT=$LW_TOP/systemd/lakewatchd.service

# --- (a) the unit file --------------------------------------------------------

if ! command -v systemd-analyze >/dev/null; then
	not_ok "systemd-analyze is installed (Debian package systemd)"
else
	out=$(systemd-analyze security --offline=true "$UNIT" 2>&1)
	score=$(grep -oE 'Overall exposure level for [^:]+: [0-9]+(\.[0-9]+)?' <<<"$out" | awk '{ print $NF }')
	if [ -z "$score" ]; then
		not_ok "systemd-analyze security rates the unit" "$out"
	elif awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
		ok "exposure level $score, 2.0 or lower"
	else
		not_ok "exposure level $score, 2.0 or lower" "$(grep -E '^✗' <<<"$out")"
	fi

	# verify checks that every command exists: point ExecStart= at the built
	# daemon.  It also opens the Documentation= pages with man: give it the
	# source's pages (without man, it is told not to look).
	if [ ! -x /bin/kill ]; then
		skip "systemd-analyze verify: /bin/kill (ExecReload=) is not installed here"
	else
		sed "s#/usr/sbin/lakewatchd#$LW_BIN/lakewatchd#g" "$UNIT" >"$T/lakewatchd.service"
		mkdir -p "$T/man/man8" "$T/man/man5"
		cp "$LW_TOP/man/lakewatchd.8" "$T/man/man8/" 2>/dev/null
		cp "$LW_TOP/man/lakewatch.conf.5" "$T/man/man5/" 2>/dev/null
		man=--man=yes
		command -v man >/dev/null || man=--man=no
		out=$(MANPATH=$T/man systemd-analyze verify "$man" "$T/lakewatchd.service" 2>&1); rc=$?
		if [ "$rc" -eq 0 ] && ! grep -q lakewatchd <<<"$out"; then
			ok "systemd-analyze verify: no complaint about the unit"
		else
			not_ok "systemd-analyze verify: no complaint about the unit" "status $rc: $out"
		fi
	fi
fi

# directive VALUE-REGEX: the unit sets it so.
has() { grep -Eq "^$1=$2\$" "$UNIT"; }
check "Type=notify" has Type notify
check "NotifyAccess=main" has NotifyAccess main
check "ExecStartPre= checks the configuration (-n)" has ExecStartPre '/usr/sbin/lakewatchd -n -c /etc/lakewatch/lakewatch.conf'
check "ExecStart= runs in the foreground" has ExecStart '/usr/sbin/lakewatchd -f -c /etc/lakewatch/lakewatch.conf'
check "ExecReload= sends SIGHUP" has ExecReload '/bin/kill -HUP \$MAINPID'
check "WatchdogSec= is set" has WatchdogSec '[0-9]+(s|min)?'
check "Restart=always, StartLimitIntervalSec=0" bash -c "grep -qx Restart=always '$UNIT' && grep -qx StartLimitIntervalSec=0 '$UNIT'"
check "the control socket's directory is the runtime directory" has RuntimeDirectory lakewatch
check "a static user with dialout" bash -c "grep -qx User=lakewatch '$UNIT' && grep -qx SupplementaryGroups=dialout '$UNIT' && ! grep -q '^DynamicUser=yes' '$UNIT'"

# --- (b) the daemon and NOTIFY_SOCKET ------------------------------------------

if ! command -v python3 >/dev/null; then
	not_ok "python3 is installed (the notification receiver)"
	exit 1
fi

# The receiver: binds the socket, then writes one line per assignment
# "MONOTONIC_S DATAGRAM STARTED KEY=VALUE" (STARTED: 1 when the daemon's log
# already said "started:" as the datagram arrived), newlines in a value as \n.
cat >"$T/notify-recv.py" <<'PY'
import socket, sys, time
sock_path, log_path, out_path = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock_path)
print("READY", flush=True)
n = 0
with open(out_path, "a", buffering=1) as out:
    while True:
        data = s.recv(65536)
        t = time.monotonic()
        n += 1
        try:
            with open(log_path, "rb") as f:
                started = 1 if b"started:" in f.read() else 0
        except OSError:
            started = 0
        for a in data.decode("utf-8", "replace").split("\n"):
            if a:
                out.write("%.3f %d %d %s\n" % (t, n, started, a))
PY

# notify_listen NAME: a receiver at $T/NAME.sock writing $T/NAME.txt, for the
# daemon logging to $T/NAME-daemon.log.
notify_listen() {
	: >"$T/$1.txt"
	bg "$1-recv" python3 "$T/notify-recv.py" "$T/$1.sock" "$T/$1-daemon.log" "$T/$1.txt"
	wait_for 10 grep -qx READY "$T/$1-recv.log"
}

# lines FILE KEY=VALUE-REGEX: the received lines whose assignment matches.
lines() { awk -v re="^($2)\$" '{ a = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", a) } a ~ re' "$1"; }
count() { lines "$@" | wc -l; }

conf() {
	cat >"$1" <<CONF
station = { id = "pp-test"; name = "systemd test station"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "300ms"; } );
devices = (
  { name = "level"; bus = "lan"; unit = 2; model = "keller-x"; interval = "500ms"; },
  { name = "cond"; bus = "lan"; unit = 4; model = "yosemitech-y520"; interval = "500ms"; }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
CONF
}
conf "$T/sim.conf" 1
start_sim sim "$T/sim.conf" --listen lan=0 || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan"

# 1. The whole protocol, with a 2 s watchdog.
notify_listen n1 || { not_ok "the notification receiver starts" "$(cat "$T/n1-recv.log")"; exit 1; }
bg n1-daemon env NOTIFY_SOCKET="$T/n1.sock" WATCHDOG_USEC=2000000 \
	"$LW_BIN/lakewatchd" -f -c "$T/lw.conf"
pid=$LAST_PID
N=$T/n1.txt
if wait_for 15 grep -q ' READY=1$' "$N"; then
	ok "READY=1 arrives"
	sleep 5.5	# the watchdog window below, counted from READY=1
else
	not_ok "READY=1 arrives" "daemon log:
$(cat "$T/n1-daemon.log")"
fi
check_eq "READY=1 once" 1 "$(count "$N" READY=1)"
check_eq "READY=1 only after the log said 'started'" "1" "$(lines "$N" READY=1 | awk '{ print $3 }' | head -n 1)"
t_ready=$(lines "$N" READY=1 | awk '{ print $1; exit }')
t_ready=${t_ready:-0}
check "STATUS= lines arrive" test "$(count "$N" 'STATUS=.+')" -ge 1
check "STATUS= says N/M devices up" test "$(count "$N" 'STATUS=.*[0-9]+/[0-9]+ devices up.*')" -ge 1
check "STATUS= comes to 2/2 devices up" wait_for 10 bash -c "grep -Eq ' STATUS=(.*[^0-9])?2/2 devices up' '$N'"
wd=$(lines "$N" WATCHDOG=1 | awk -v t0="$t_ready" '$1 >= t0 { print $1 }')
n5=$(awk -v t0="$t_ready" 'NF && $1 <= t0 + 5 { n++ } END { print n + 0 }' <<<"$wd")
check "WATCHDOG=1 at least 3 times in the 5 s after READY=1 (got $n5)" test "$n5" -ge 3
awk 'NR > 1 { printf "%.3f\n", $1 - prev } { prev = $1 }' <<<"$wd" >"$T/gaps"
check "WATCHDOG=1 no more often than every 0.4 s" \
	awk '$1 < 0.4 { bad = 1 } END { exit bad || NR < 2 }' "$T/gaps"
check "WATCHDOG=1 at least every 1.5 s with a 2 s watchdog (half of it, and some slack)" \
	awk '$1 > 1.5 { bad = 1 } END { exit bad || NR < 2 }' "$T/gaps"
check_eq "nothing about STOPPING yet" 0 "$(count "$N" STOPPING=1)"

kill -HUP "$pid"
check "SIGHUP: RELOADING=1" wait_for 10 grep -q ' RELOADING=1$' "$N"
ready_after_reload() {
	awk '{ a = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", a) }
	     a == "RELOADING=1" { r = 1 } r && a == "READY=1" { f = 1 } END { exit !f }' "$N"
}
check "SIGHUP: then READY=1 when the reload is done" wait_for 15 ready_after_reload

stop_pid "$pid"; rc=$?
lw_forget "$pid"
check_eq "SIGTERM: the daemon exits 0" 0 "$rc"
check "SIGTERM: STOPPING=1 arrives" wait_for 5 grep -q ' STOPPING=1$' "$N"
check_eq "STOPPING=1 once" 1 "$(count "$N" STOPPING=1)"
check "STOPPING=1 after every READY=1" awk '{ a = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", a) }
	a == "READY=1" { r = NR } a == "STOPPING=1" { s = NR } END { exit !(s > r && r > 0) }' "$N"

# 2. A watchdog meant for another process (WATCHDOG_PID): no WATCHDOG=1.
notify_listen n2 || exit 1
bg n2-daemon env NOTIFY_SOCKET="$T/n2.sock" WATCHDOG_USEC=2000000 WATCHDOG_PID=$$ \
	"$LW_BIN/lakewatchd" -f -c "$T/lw.conf"
pid=$LAST_PID
if wait_for 15 grep -q 'started:' "$T/n2-daemon.log"; then
	sleep 3
fi
check "WATCHDOG_PID another's: READY=1 all the same" grep -q ' READY=1$' "$T/n2.txt"
check_eq "WATCHDOG_PID another's: no WATCHDOG=1" 0 "$(count "$T/n2.txt" WATCHDOG=1)"
stop_pid "$pid"; rc=$?
lw_forget "$pid"
check_eq "WATCHDOG_PID another's: exits 0" 0 "$rc"

# 3. A NOTIFY_SOCKET that cannot be used: logged once, the daemon runs on.
bg n3-daemon env NOTIFY_SOCKET=relative/notify.sock WATCHDOG_USEC=2000000 \
	"$LW_BIN/lakewatchd" -f -c "$T/lw.conf"
pid=$LAST_PID
check "bad NOTIFY_SOCKET: the daemon starts" wait_for 15 grep -q 'started:' "$T/n3-daemon.log"
have_rows() { [ "$(sql "$T/lw.db" "select count(*) from readings where time > '$1'" 2>/dev/null)" -ge 2 ]; }
since=$(date -u +%Y-%m-%dT%H:%M:%S)
check "bad NOTIFY_SOCKET: and polls" wait_for 10 have_rows "$since"
sleep 2
check_eq "bad NOTIFY_SOCKET: logged once" 1 "$(grep -c 'NOTIFY_SOCKET' "$T/n3-daemon.log")"
check "bad NOTIFY_SOCKET: the log names the value" grep -q 'relative/notify.sock' "$T/n3-daemon.log"
stop_pid "$pid"; rc=$?
lw_forget "$pid"
check_eq "bad NOTIFY_SOCKET: exits 0" 0 "$rc"
