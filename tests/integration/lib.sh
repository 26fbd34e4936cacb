# Shared helpers for the integration tests (bash).  Source it first:
#   . "$(dirname "$0")/lib.sh"
# Gives a private temporary directory ($T), removed with every process the
# test started when the script exits, also on failure; TAP-style checks that
# tests/run.sh counts; and starters for the simulator, socat pty pairs and the
# daemon.  Everything listens on 127.0.0.1 only.
set -u
: "${LW_BIN:?LW_BIN must name the directory holding the built programs}"
T=$(mktemp -d "${TMPDIR:-/tmp}/lakewatch-test.XXXXXX")
LW_PIDS=()
LW_N=0
LW_FAILED=0

lw_cleanup() {
	local pid
	for pid in "${LW_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${LW_PIDS[@]}"; do
		for _ in $(seq 1 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ "$LW_FAILED" -ne 0 ] && [ -n "${LW_KEEP_LOGS:-}" ]; then
		echo "# logs kept in $T"
	else
		rm -rf "$T"
	fi
}
trap lw_cleanup EXIT
trap 'exit 130' INT TERM

# ok DESC / not_ok DESC [DETAIL]
ok() { LW_N=$((LW_N + 1)); echo "ok $LW_N - $1"; }
not_ok() {
	LW_N=$((LW_N + 1)); LW_FAILED=$((LW_FAILED + 1))
	echo "not ok $LW_N - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}
skip() { LW_N=$((LW_N + 1)); echo "ok $LW_N - $1 # SKIP"; }

# check DESC CMD...: ok when CMD succeeds.
check() {
	local desc=$1; shift
	local out
	if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$out"; fi
}

# check_eq DESC WANT GOT
check_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "want: $2
got:  $3"; fi
}

# wait_for SECONDS CMD...: true once CMD succeeds, false after SECONDS.
wait_for() {
	local limit=$1; shift
	local end=$((SECONDS + limit))
	while [ $SECONDS -le $end ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# bg NAME CMD...: start CMD in the background, output in $T/NAME.log; sets LAST_PID.
bg() {
	local name=$1; shift
	"$@" >"$T/$name.log" 2>&1 &
	LAST_PID=$!
	LW_PIDS+=("$LAST_PID")
}

# pty_pair A B: a socat pseudo-terminal pair with links $T/A and $T/B.
pty_pair() {
	command -v socat >/dev/null || { echo "socat missing" >&2; return 1; }
	bg "socat-$1" socat -d -d "pty,raw,echo=0,link=$T/$1" "pty,raw,echo=0,link=$T/$2"
	wait_for 5 test -e "$T/$1" -a -e "$T/$2"
}

# start_sim NAME CONFIG ARGS...: start lakewatch-sim and wait for READY.
# Sets SIM_PID, and SIM_PORT_<bus> for each TCP bus it announced.
start_sim() {
	local name=$1 conf=$2; shift 2
	bg "$name" "$LW_BIN/lakewatch-sim" -c "$conf" "$@"
	SIM_PID=$LAST_PID
	if ! wait_for 10 grep -qx READY "$T/$name.log"; then
		echo "simulator did not start:" >&2
		cat "$T/$name.log" >&2
		return 1
	fi
	local line bus addr
	while read -r line; do
		set -- $line
		[ "$1" == READY ] && [ "${2:-}" == bus ] || continue
		bus=$3 addr=$5
		if [ "$4" == tcp ]; then
			printf -v "SIM_PORT_${bus//-/_}" '%s' "${addr##*:}"
		fi
	done <"$T/$name.log"
}

# start_daemon NAME CONFIG ARGS...: start lakewatchd in the foreground mode; sets DAEMON_PID.
start_daemon() {
	local name=$1 conf=$2; shift 2
	bg "$name" "$LW_BIN/lakewatchd" -f -c "$conf" "$@"
	DAEMON_PID=$LAST_PID
}

# stop_pid PID: SIGTERM and wait (at most 10 s); the exit status is returned.
stop_pid() {
	local pid=$1 rc
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	wait "$pid"
	rc=$?
	return $rc
}

# sql DB QUERY: run a query with the sqlite3 shell (csv, no header).
sql() { sqlite3 -csv -bail "$1" "$2"; }
