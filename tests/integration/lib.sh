# Shared helpers for the integration tests (bash).  Source it first:
#   . "$(dirname "$0")/lib.sh"
# Gives a private temporary directory ($T), removed with every process the
# test started when the script exits, also on failure; TAP-style checks that
# tests/run.sh counts; starters for the simulator, socat pty pairs and the
# daemon; and the real peers (mosquitto, influxd, VictoriaMetrics) with helpers
# to use them.  Everything listens on 127.0.0.1 only.
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

# sql DB QUERY: run a query with the sqlite3 shell (csv, no header), waiting up to
# 5 s for a lock the daemon holds.
sql() { sqlite3 -csv -bail -cmd ".timeout 5000" "$1" "$2"; }

# sql_plain DB QUERY: the same in the shell's list mode: columns joined by '|',
# nothing quoted (for text with spaces, commas or quotes).
sql_plain() { sqlite3 -bail -cmd ".timeout 5000" "$1" "$2"; }

# ---------------------------------------------------------------------------
# Real peers: mosquitto, influxd and VictoriaMetrics.
#
# Each peer listens on 127.0.0.1 only, on a port free_port picked, with its
# configuration, data and log (LOG = $T/NAME.log, appended to on every start) under
# $T.  Every process is started through bg_append, so lw_cleanup stops it when the
# script exits, also on failure.  A start_* helper waits until the server really
# listens (the socket belongs to the started process, so a lost race with another
# program that took the port is noticed), starts again on new ports (up to 5 times)
# when a port was taken meanwhile, and prints the log and returns non-zero when the
# server does not come up.  restart_* starts the peer again with the same
# configuration, ports and data after it was stopped with stop_*.  start_* and
# restart_* set the peer's variables to the peer they started (and remember them by
# NAME for restart_*/stop_*, so a test can run several peers of a kind).
#
# Programs (override for another install): MOSQUITTO, INFLUXD, VICTORIA_METRICS.
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
INFLUXD=${INFLUXD:-/usr/bin/influxd}
VICTORIA_METRICS=${VICTORIA_METRICS:-/usr/bin/victoria-metrics}
declare -gA LW_PEER_PID=() LW_PEER_PORTS=()

# bg_append NAME CMD...: like bg, but appends to $T/NAME.log (so the log of a
# restarted server keeps what its earlier runs wrote); sets LAST_PID.
bg_append() {
	local name=$1; shift
	"$@" >>"$T/$name.log" 2>&1 &
	LAST_PID=$!
	LW_PIDS+=("$LAST_PID")
}

# lw_forget PID: drop a process that was stopped and reaped from lw_cleanup's list
# (so that cleanup never signals a recycled PID).
lw_forget() {
	local i
	for i in "${!LW_PIDS[@]}"; do
		[ "${LW_PIDS[$i]}" == "$1" ] && unset 'LW_PIDS[i]'
	done
	return 0
}

# free_port: print a TCP port of 127.0.0.1 that nothing uses right now.  Picks random
# ports in 20000..32767 (below the usual ephemeral range, which outgoing connections
# use) and takes the first that appears nowhere in /proc/net/tcp and /proc/net/tcp6
# (any state, local or remote), does not answer a connection, and was not already
# handed out by this test.  Another program can still take the port before the
# server binds it: the start_* helpers notice that and try other ports.
free_port() {
	local p i hex lo=32768 hi=60999
	read -r lo hi 2>/dev/null </proc/sys/net/ipv4/ip_local_port_range
	for i in $(seq 1 200); do
		p=$((20000 + ${SRANDOM:-$RANDOM} % 12768))
		if [ "$i" -le 100 ] && [ "$p" -ge "$lo" ] && [ "$p" -le "$hi" ]; then
			continue
		fi
		printf -v hex ':%04X ' "$p"
		if [ -r /proc/net/tcp ]; then
			grep -qF -- "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null && continue
		fi
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		grep -qx -- "$p" "$T/.ports" 2>/dev/null && continue
		echo "$p" >>"$T/.ports"
		echo "$p"
		return 0
	done
	echo "free_port: no free port found" >&2
	return 1
}

# lw_listen_inodes PORT: print the socket inodes listening on TCP port PORT.
lw_listen_inodes() {
	local hex
	printf -v hex '%04X' "$1"
	awk -v h=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == h { print $10 }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# pid_listens PID PORT: true when process PID itself listens on TCP port PORT.
# Falls back to "PID runs and the port answers" where /proc cannot tell.
pid_listens() {
	local pid=$1 port=$2 inode fds
	kill -0 "$pid" 2>/dev/null || return 1
	if [ ! -r /proc/net/tcp ] || [ ! -r "/proc/$pid/fd" ]; then
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
		return
	fi
	# (ls fails on an fd that closes meanwhile, e.g. while PID exits: use what it saw)
	fds=$(ls -l "/proc/$pid/fd" 2>/dev/null)
	for inode in $(lw_listen_inodes "$port"); do
		[[ $fds == *"socket:[$inode]"* ]] && return 0
	done
	return 1
}

# listen_addrs PID: print every socket PID listens on or has bound, one per line, as
# "tcp 127.0.0.1:PORT", "tcp6 [HEX]:PORT" or "udp ...", "udp6 ..." (addresses as
# /proc/net shows them, IPv4 decoded).  Tests use it to check that a peer listens on
# 127.0.0.1 only.
listen_addrs() {
	local pid=$1 fds inodes f laddr st addr a
	kill -0 "$pid" 2>/dev/null || return 1
	fds=$(ls -l "/proc/$pid/fd" 2>/dev/null)
	inodes=" $(sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' <<<"$fds" | tr '\n' ' ')"
	for f in tcp tcp6 udp udp6; do
		[ -r "/proc/net/$f" ] || continue
		while read -r laddr st; do
			# TCP: only listeners; UDP: any socket (there should be none).
			[[ $f == tcp* && $st != 0A ]] && continue
			addr=${laddr%:*}
			if [ ${#addr} -eq 8 ]; then
				a=$((16#${addr:6:2})).$((16#${addr:4:2})).$((16#${addr:2:2})).$((16#${addr:0:2}))
			else
				a="[$addr]"
			fi
			echo "$f $a:$((16#${laddr##*:}))"
		done < <(awk -v ino="$inodes" 'NR > 1 && index(ino, " " $10 " ") { print $2, $4 }' "/proc/net/$f")
	done
}

# lw_await NAME PID LOG_OFFSET SECONDS "PORT..." [PROBE...]: wait until PID listens
# on every PORT and PROBE (a command) succeeds.  Returns 0 when the server is up;
# 3 when it exited because an address was in use (the caller may try other ports);
# 1 when it exited otherwise or did not come up in time (it is then killed).
lw_await() {
	local name=$1 pid=$2 off=$3 limit=$4 ports=$5; shift 5
	local end=$((SECONDS + limit)) p up
	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null
			lw_forget "$pid"
			tail -c +"$((off + 1))" "$T/$name.log" | grep -qi 'address already in use' && return 3
			return 1
		fi
		up=1
		for p in $ports; do
			pid_listens "$pid" "$p" || { up=0; break; }
		done
		if [ "$up" == 1 ] && { [ $# -eq 0 ] || "$@" >/dev/null 2>&1; }; then
			return 0
		fi
		if [ $SECONDS -ge $end ]; then
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			lw_forget "$pid"
			return 1
		fi
		sleep 0.05
	done
}

# lw_log_size NAME: the current size of $T/NAME.log (0 when there is none).
lw_log_size() {
	if [ -f "$T/$1.log" ]; then wc -c <"$T/$1.log"; else echo 0; fi
}

# lw_peer_failed WHAT NAME LOG_OFFSET: report a server that did not come up, with
# what it logged this time.
lw_peer_failed() {
	{
		echo "$1 $2 did not start; its log ($T/$2.log):"
		tail -c +"$(($3 + 1))" "$T/$2.log" 2>/dev/null | tail -n 40 | sed 's/^/    /'
	} >&2
	return 1
}

# lw_peer_stop KIND:NAME|'' PID: SIGTERM, wait at most 15 s (then SIGKILL), reap and
# forget it.  Returns the exit status (0 for a clean shutdown).
lw_peer_stop() {
	local pid=$2 rc
	[ -n "$pid" ] || { echo "no such server to stop" >&2; return 1; }
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 150); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	rc=$?
	lw_forget "$pid"
	[ -n "$1" ] && LW_PEER_PID[$1]=
	return $rc
}

# lw_peer_gone KIND:NAME WHAT: false (with a message) when that server still runs;
# else forget its old process (stopped, or killed by the test).
lw_peer_gone() {
	local pid=${LW_PEER_PID[$1]:-}
	[ -n "$pid" ] || return 0
	if kill -0 "$pid" 2>/dev/null; then
		echo "$2 still runs" >&2
		return 1
	fi
	wait "$pid" 2>/dev/null
	lw_forget "$pid"
	LW_PEER_PID[$1]=
}

# lw_http_is CODE URL [CURL_ARGS...]: true when GET URL answers HTTP status CODE.
lw_http_is() {
	local code=$1 url=$2; shift 2
	[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url")" == "$code" ]
}

# lw_http_body_is TEXT URL: true when GET URL answers with exactly TEXT.
lw_http_body_is() {
	[ "$(curl -s --max-time 2 "$2")" == "$1" ]
}

# --- MQTT: mosquitto ----------------------------------------------------------
#
# The broker logs to $T/NAME.log with log_type subscribe, which mqtt_sub and
# mqtt_retained read to know when a subscription is in place.  MQTT clients of the
# helpers below connect to MQTT_PORT of 127.0.0.1, with -u "$MQTT_USER"
# -P "$MQTT_PASSWORD" when MQTT_USER is set (e.g. MQTT_USER=u MQTT_PASSWORD=p mqtt_pub ...).

# lw_mosquitto_conf NAME PORT EXTRA_CONF_LINES: write $T/NAME.conf.
lw_mosquitto_conf() {
	local name=$1 port=$2 extra=$3 t
	mkdir -p "$T/$name.d"
	{
		echo "# mosquitto for test $name: 127.0.0.1 only, everything under $T"
		echo "listener $port 127.0.0.1"
		# As root mosquitto would switch to user mosquitto, who cannot use $T.
		[ "$(id -u)" -eq 0 ] && echo "user root"
		echo "log_dest stderr"
		for t in error warning notice information subscribe unsubscribe; do
			echo "log_type $t"
		done
		grep -qE '^[[:space:]]*allow_anonymous[[:space:]]' <<<"$extra" || echo "allow_anonymous true"
		grep -qE '^[[:space:]]*persistence[[:space:]]' <<<"$extra" || echo "persistence false"
		if grep -qE '^[[:space:]]*persistence[[:space:]]+true' <<<"$extra" &&
			! grep -qE '^[[:space:]]*persistence_location[[:space:]]' <<<"$extra"; then
			echo "persistence_location $T/$name.d/"
		fi
		[ -z "$extra" ] || printf '%s\n' "$extra"
	} >"$T/$name.conf"
}

# lw_mosquitto_up NAME PORT: record and announce a broker that came up.
lw_mosquitto_up() {
	MQTT_PORT=$2 MQTT_PID=$LAST_PID MQTT_LOG="$T/$1.log" MQTT_CONF="$T/$1.conf"
	LW_PEER_PID[mqtt:$1]=$MQTT_PID LW_PEER_PORTS[mqtt:$1]=$MQTT_PORT
}

# start_mosquitto NAME [EXTRA_CONF_LINES]: start a broker from $T/NAME.conf:
# "listener PORT 127.0.0.1", allow_anonymous true and persistence false unless the
# extra lines (appended, newline-separated) set them, logging to $T/NAME.log, no pid
# file.  With "persistence true" and no persistence_location, the database is kept
# in $T/NAME.d/.  Password authentication:
#     mosquitto_passwd -b -c "$T/passwd" lake secret
#     start_mosquitto auth "allow_anonymous false
#     password_file $T/passwd"
# Sets MQTT_PORT, MQTT_PID, MQTT_LOG and MQTT_CONF.
start_mosquitto() {
	local name=$1 extra=${2:-} port off rc=1
	for _ in 1 2 3 4 5; do
		port=$(free_port) || return 1
		lw_mosquitto_conf "$name" "$port" "$extra"
		off=$(lw_log_size "$name")
		bg_append "$name" "$MOSQUITTO" -c "$T/$name.conf"
		lw_await "$name" "$LAST_PID" "$off" 10 "$port"
		rc=$?
		[ $rc -eq 0 ] && { lw_mosquitto_up "$name" "$port"; return 0; }
		[ $rc -eq 3 ] || break
	done
	lw_peer_failed mosquitto "$name" "$off"
}

# restart_mosquitto NAME: start broker NAME again, with the same configuration and
# port, after stop_mosquitto.  Waits a little if the port is still taken.  Sets
# MQTT_PORT, MQTT_PID, MQTT_LOG and MQTT_CONF.
restart_mosquitto() {
	local name=$1 port=${LW_PEER_PORTS[mqtt:$1]:-} off rc=1
	[ -n "$port" ] || { echo "restart_mosquitto: no broker $name" >&2; return 1; }
	lw_peer_gone "mqtt:$name" "restart_mosquitto: broker $name" || return 1
	for _ in $(seq 1 10); do
		off=$(lw_log_size "$name")
		bg_append "$name" "$MOSQUITTO" -c "$T/$name.conf"
		lw_await "$name" "$LAST_PID" "$off" 10 "$port"
		rc=$?
		[ $rc -eq 0 ] && { lw_mosquitto_up "$name" "$port"; return 0; }
		[ $rc -eq 3 ] || break
		sleep 0.3
	done
	lw_peer_failed mosquitto "$name" "$off"
}

# stop_mosquitto [NAME]: stop broker NAME (default: the one MQTT_PID names) with
# SIGTERM and wait; returns its exit status.  A persistent broker saves its
# database on the way out.
stop_mosquitto() {
	local key="" pid=${MQTT_PID:-} k
	if [ $# -gt 0 ]; then key=mqtt:$1 pid=${LW_PEER_PID[mqtt:$1]:-}; fi
	if [ -z "$key" ]; then
		for k in "${!LW_PEER_PID[@]}"; do
			[[ $k == mqtt:* && ${LW_PEER_PID[$k]} == "$pid" ]] && key=$k
		done
	fi
	lw_peer_stop "$key" "$pid"
}

# lw_mqtt_auth: LW_MQTT_AUTH=(-u MQTT_USER -P MQTT_PASSWORD) when MQTT_USER is set.
lw_mqtt_auth() {
	LW_MQTT_AUTH=()
	[ -z "${MQTT_USER:-}" ] || LW_MQTT_AUTH=(-u "$MQTT_USER" -P "${MQTT_PASSWORD:-}")
}

# lw_mqtt_subscribed ID TOPIC...: true when the broker (MQTT_LOG) logged client
# ID's subscription to every TOPIC.  The broker logs a subscription once it is in
# place (and the retained messages are queued), before it answers SUBACK.
lw_mqtt_subscribed() {
	local id=$1 t line found lines
	shift
	lines=$(grep -F -- "$id " "${MQTT_LOG:-/dev/null}" 2>/dev/null) || return 1
	for t in "$@"; do
		found=0
		while IFS= read -r line; do
			if [[ $line == "$id "[0-2]" $t" || $line == *": $id "[0-2]" $t" ]]; then
				found=1
				break
			fi
		done <<<"$lines"
		[ $found == 1 ] || return 1
	done
}

# lw_mqtt_wait_sub PID ID SECONDS TOPIC...: wait until client ID (process PID) has
# subscribed to every TOPIC.
lw_mqtt_wait_sub() {
	local pid=$1 id=$2 end=$((SECONDS + $3))
	shift 3
	while :; do
		lw_mqtt_subscribed "$id" "$@" && return 0
		if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $end ]; then
			lw_mqtt_subscribed "$id" "$@"
			return
		fi
		sleep 0.05
	done
}

# mqtt_sub OUTFILE TOPIC [ARGS...]: start "mosquitto_sub -v -t TOPIC ARGS..." (e.g.
# -q 1, more -t, -F '%t %r %q %p' to show the retain flag and QoS) against the
# current broker, writing to OUTFILE (errors to $T/CLIENT_ID.err), and return once
# it has subscribed to all its topics, so nothing published afterwards is missed.
# The client id is lws-... unless ARGS give -i/--id (do not use -I).  Sets SUB_PID
# (stop it with stop_pid).  mosquitto_sub reconnects and subscribes again by itself
# when the broker restarts (messages published meanwhile are lost unless it uses a
# persistent session: -c -q 1 -i ID).
mqtt_sub() {
	local out=$1 topic=$2 a prev="" id="" topics=()
	: "${MQTT_PORT:?mqtt_sub: no broker (start_mosquitto)}"
	shift 2
	topics=("$topic")
	for a in "$@"; do
		case $prev in
		-i | --id) id=$a ;;
		-t | --topic) topics+=("$a") ;;
		esac
		prev=$a
	done
	local idarg=()
	[ -n "$id" ] || { id="lws-$BASHPID-${SRANDOM:-$RANDOM}"; idarg=(-i "$id"); }
	lw_mqtt_auth
	mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" "${idarg[@]}" "${LW_MQTT_AUTH[@]}" \
		-v -t "$topic" "$@" >"$out" 2>"$T/$id.err" </dev/null &
	SUB_PID=$!
	LW_PIDS+=("$SUB_PID")
	if ! lw_mqtt_wait_sub "$SUB_PID" "$id" 10 "${topics[@]}"; then
		echo "mqtt_sub: $id did not subscribe to ${topics[*]}:" >&2
		cat "$T/$id.err" >&2
		return 1
	fi
}

# mqtt_retained TOPIC [ARGS...]: print the retained messages the broker holds for
# topic filter TOPIC as "topic payload" lines (ARGS go to mosquitto_sub, e.g. -F
# '%t %q %p'; credentials come from MQTT_USER/MQTT_PASSWORD), in the broker's order
# (sort them to compare several).  Ends as soon as they have arrived: it
# subscribes with --retained-only to TOPIC and to a private topic, then publishes
# a non-retained message there, which ends mosquitto_sub.  A live non-retained
# message on TOPIC ends it early too.
mqtt_retained() {
	local topic=$1 id="lwr-$BASHPID-${SRANDOM:-$RANDOM}" pid rc
	: "${MQTT_PORT:?mqtt_retained: no broker (start_mosquitto)}"
	shift
	local sync="lakewatch-test/sync/$id"
	lw_mqtt_auth
	mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -i "$id" "${LW_MQTT_AUTH[@]}" -v \
		--retained-only -W 10 -t "$topic" -t "$sync" "$@" >"$T/$id.out" 2>"$T/$id.err" </dev/null &
	pid=$!
	LW_PIDS+=("$pid")
	if lw_mqtt_wait_sub "$pid" "$id" 10 "$topic" "$sync"; then
		mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" "${LW_MQTT_AUTH[@]}" -q 1 -t "$sync" -m end \
			2>>"$T/$id.err" </dev/null
	fi
	wait "$pid"
	rc=$?
	lw_forget "$pid"
	if [ $rc -ne 0 ]; then
		echo "mqtt_retained: mosquitto_sub failed ($rc):" >&2
		cat "$T/$id.err" >&2
		return 1
	fi
	cat "$T/$id.out"
	rm -f "$T/$id.out" "$T/$id.err"
}

# mqtt_pub TOPIC MESSAGE [ARGS...]: mosquitto_pub to the current broker (ARGS e.g.
# -q 1 -r); returns mosquitto_pub's status.
mqtt_pub() {
	local topic=$1 msg=$2
	: "${MQTT_PORT:?mqtt_pub: no broker (start_mosquitto)}"
	shift 2
	lw_mqtt_auth
	mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" "${LW_MQTT_AUTH[@]}" -t "$topic" -m "$msg" "$@" </dev/null
}

# --- InfluxDB 1.x: influxd ----------------------------------------------------
#
# influxd starts in well under a second here; the helpers wait up to 30 s.
# influx_q, influx_count and influx_write talk to INFLUX_URL, with HTTP Basic auth
# when INFLUX_AUTH is "user:password".  With auth enabled, creating a user and the
# first request of each user (and every wrong password) cost ~0.1 s (bcrypt).

# lw_influxd_conf NAME HTTP_PORT RPC_PORT AUTH(true|false): write $T/NAME/influxd.conf.
lw_influxd_conf() {
	local d="$T/$1"
	mkdir -p "$d/meta" "$d/data" "$d/wal"
	cat >"$d/influxd.conf" <<-EOF
		# influxd for test $1: 127.0.0.1 only, everything under $d
		# Usage reporting off (Debian's key is reporting-enabled, upstream's reporting-disabled).
		reporting-enabled = false
		reporting-disabled = true
		# The backup/restore RPC service (default :8088).
		bind-address = "127.0.0.1:$3"
		[meta]
		  dir = "$d/meta"
		  retention-autocreate = true
		[data]
		  dir = "$d/data"
		  wal-dir = "$d/wal"
		  wal-fsync-delay = "0s"
		  query-log-enabled = true
		[coordinator]
		[retention]
		  enabled = true
		[shard-precreation]
		  enabled = true
		[monitor]
		  store-enabled = false
		[subscriber]
		  enabled = false
		[http]
		  enabled = true
		  bind-address = "127.0.0.1:$2"
		  auth-enabled = $4
		  log-enabled = true
		  access-log-path = "$d/http.log"
		  unix-socket-enabled = false
		  https-enabled = false
		  max-body-size = ${INFLUX_MAX_BODY_SIZE:-25000000}
		${INFLUX_HTTP_EXTRA:-}
		[ifql]
		  enabled = false
		[logging]
		  format = "logfmt"
		  level = "info"
		  suppress-logo = true
		[[graphite]]
		  enabled = false
		[[collectd]]
		  enabled = false
		[[opentsdb]]
		  enabled = false
		[[udp]]
		  enabled = false
		[continuous_queries]
		  enabled = false
	EOF
}

# lw_influxd_run NAME: start influxd on $T/NAME/influxd.conf, without any INFLUXDB_*
# environment variables (influxd would let them override the configuration).
lw_influxd_run() {
	local v cmd=(env)
	for v in $(compgen -e); do
		[[ $v == INFLUXDB_* ]] && cmd+=(-u "$v")
	done
	bg_append "$1" "${cmd[@]}" "$INFLUXD" -config "$T/$1/influxd.conf"
}

# lw_influxd_up NAME HTTP_PORT RPC_PORT: record and announce an influxd that came up.
lw_influxd_up() {
	INFLUX_PORT=$2 INFLUX_PID=$LAST_PID INFLUX_URL="http://127.0.0.1:$2"
	LW_PEER_PID[influxd:$1]=$INFLUX_PID LW_PEER_PORTS[influxd:$1]="$2 $3"
}

# start_influxd NAME [auth]: start influxd with its configuration, meta, data and
# WAL in $T/NAME/ (HTTP access log $T/NAME/http.log, server log $T/NAME.log): HTTP
# and the RPC service on 127.0.0.1 only, usage reporting, the _internal monitor
# database, continuous queries, subscriptions, UDP, Graphite, collectd and OpenTSDB
# off; with "auth", auth-enabled = true (then see influx_admin_setup).
# INFLUX_MAX_BODY_SIZE sets [http] max-body-size (default 25000000), and
# INFLUX_HTTP_EXTRA adds lines to [http] (e.g. 'max-concurrent-write-limit = 1').
# Waits for GET /ping to answer 204.  Sets INFLUX_URL, INFLUX_PORT and INFLUX_PID.
start_influxd() {
	local name=$1 auth=false hp rp off rc=1
	[ "${2:-}" == auth ] && auth=true
	for _ in 1 2 3 4 5; do
		hp=$(free_port) && rp=$(free_port) || return 1
		lw_influxd_conf "$name" "$hp" "$rp" "$auth"
		off=$(lw_log_size "$name")
		lw_influxd_run "$name"
		lw_await "$name" "$LAST_PID" "$off" 30 "$hp $rp" lw_http_is 204 "http://127.0.0.1:$hp/ping"
		rc=$?
		[ $rc -eq 0 ] && { lw_influxd_up "$name" "$hp" "$rp"; return 0; }
		[ $rc -eq 3 ] || break
	done
	lw_peer_failed influxd "$name" "$off"
}

# restart_influxd NAME: start influxd NAME again (same configuration, ports and
# data) after stop_influxd.  Sets INFLUX_URL, INFLUX_PORT and INFLUX_PID.
restart_influxd() {
	local name=$1 ports=${LW_PEER_PORTS[influxd:$1]:-} off rc=1 hp rp
	[ -n "$ports" ] || { echo "restart_influxd: no influxd $name" >&2; return 1; }
	lw_peer_gone "influxd:$name" "restart_influxd: influxd $name" || return 1
	read -r hp rp <<<"$ports"
	for _ in $(seq 1 10); do
		off=$(lw_log_size "$name")
		lw_influxd_run "$name"
		lw_await "$name" "$LAST_PID" "$off" 30 "$hp $rp" lw_http_is 204 "http://127.0.0.1:$hp/ping"
		rc=$?
		[ $rc -eq 0 ] && { lw_influxd_up "$name" "$hp" "$rp"; return 0; }
		[ $rc -eq 3 ] || break
		sleep 0.3
	done
	lw_peer_failed influxd "$name" "$off"
}

# stop_influxd [NAME]: stop influxd NAME (default: the one INFLUX_PID names) with
# SIGTERM and wait; returns its exit status.
stop_influxd() {
	local key="" pid=${INFLUX_PID:-} k
	if [ $# -gt 0 ]; then key=influxd:$1 pid=${LW_PEER_PID[influxd:$1]:-}; fi
	if [ -z "$key" ]; then
		for k in "${!LW_PEER_PID[@]}"; do
			[[ $k == influxd:* && ${LW_PEER_PID[$k]} == "$pid" ]] && key=$k
		done
	fi
	lw_peer_stop "$key" "$pid"
}

# lw_influx_auth: LW_INFLUX_AUTH=(-u "$INFLUX_AUTH") when INFLUX_AUTH is set.
lw_influx_auth() {
	LW_INFLUX_AUTH=()
	[ -z "${INFLUX_AUTH:-}" ] || LW_INFLUX_AUTH=(-u "$INFLUX_AUTH")
}

# influx_q DB QUERY: run InfluxQL QUERY (DB may be "") and print the result as CSV
# (header "name,tags,time,COLUMNS...", times in ms since the epoch, a blank line
# and a new header when the statement or the columns change; nothing when there are
# no rows).  SELECT and SHOW are sent with GET, anything else (and SELECT ... INTO)
# with POST and prints nothing.  influxd answers 200 even when a statement fails,
# and in CSV drops the error: so the query is first run for JSON, and any error
# (of any statement, or the HTTP status) is printed on stderr and makes it return 1.
influx_q() {
	local db=$1 q=$2 word get=1 out code dbarg=() method
	: "${INFLUX_URL:?influx_q: no influxd (start_influxd)}"
	lw_influx_auth
	[ -z "$db" ] || dbarg=(--data-urlencode "db=$db")
	read -r word _ <<<"$q"
	case ${word^^} in
	SELECT) [[ ${q^^} =~ [[:space:]]INTO[[:space:]] ]] && get=0 ;;
	SHOW | EXPLAIN) ;;
	*) get=0 ;;
	esac
	method=(-X POST)
	[ $get == 0 ] || method=(-G)
	out=$(curl -sS --max-time 30 "${LW_INFLUX_AUTH[@]}" "${method[@]}" "${dbarg[@]}" \
		--data-urlencode "q=$q" --data-urlencode epoch=ms -w '\n%{http_code}' \
		"$INFLUX_URL/query") || { echo "influx_q: request failed: $q" >&2; return 1; }
	code=${out##*$'\n'}
	out=${out%$'\n'*}
	if [ "$code" != 200 ] || [[ $out =~ (^\{|\"statement_id\":[0-9]+,)\"error\":\" ]]; then
		{
			echo "influx_q: HTTP $code for: $q"
			grep -oE '"error":"([^"\\]|\\.)*"' <<<"$out" | sed 's/^"error":"//; s/"$//; s/^/  /'
		} >&2
		return 1
	fi
	[ $get == 1 ] || return 0
	curl -sS --max-time 30 "${LW_INFLUX_AUTH[@]}" -G "${dbarg[@]}" -H 'Accept: application/csv' \
		--data-urlencode "q=$q" --data-urlencode epoch=ms "$INFLUX_URL/query"
}

# influx_count DB MEASUREMENT [WHERE [FIELD]]: print how many points of MEASUREMENT
# have FIELD (default quality, which every reading has; value is absent for missing
# readings), e.g. influx_count lakewatch ph "\"station\" = 'lake'" value.  Prints 0
# when there are none; returns 1 (error on stderr) when the query fails.
influx_count() {
	local db=$1 m=$2 where=${3:-} field=${4:-quality} q out n
	m=${m//\\/\\\\} field=${field//\\/\\\\}
	q="SELECT COUNT(\"${field//\"/\\\"}\") FROM \"${m//\"/\\\"}\""
	[ -z "$where" ] || q+=" WHERE $where"
	out=$(influx_q "$db" "$q") || return 1
	n=$(sed -n '2{s/.*,//;p}' <<<"$out")
	echo "${n:-0}"
}

# influx_write DB LINES [PRECISION]: POST line protocol LINES to /write?db=DB with
# precision PRECISION (default ms); prints the HTTP status, and the response on
# stderr unless it is 204.  Returns 0 for 204.
influx_write() {
	local db=$1 data=$2 prec=${3:-ms} out code
	: "${INFLUX_URL:?influx_write: no influxd (start_influxd)}"
	lw_influx_auth
	out=$(curl -sS --max-time 30 "${LW_INFLUX_AUTH[@]}" --url-query "db=$db" \
		--url-query "precision=$prec" --data-binary "$data" -w '\n%{http_code}' \
		"$INFLUX_URL/write") || { echo "influx_write: request failed" >&2; return 1; }
	code=${out##*$'\n'}
	echo "$code"
	[ "$code" == 204 ] && return 0
	echo "influx_write: HTTP $code: ${out%$'\n'*}" >&2
	return 1
}

# lw_influxql_str S: S as an InfluxQL string literal.
lw_influxql_str() {
	local s=${1//\\/\\\\}
	printf "'%s'" "${s//\'/\\\'}"
}

# influx_admin_setup ADMIN PASSWORD [USER USER_PASSWORD DB [PRIVILEGE]]: on a fresh
# auth-enabled influxd, create admin ADMIN (the first admin needs no credentials),
# and with the remaining arguments database DB and user USER with PRIVILEGE
# (default WRITE; READ or ALL) on it.  Leaves INFLUX_AUTH=ADMIN:PASSWORD.
influx_admin_setup() {
	INFLUX_AUTH="" influx_q "" "CREATE USER \"$1\" WITH PASSWORD $(lw_influxql_str "$2") WITH ALL PRIVILEGES" ||
		return 1
	INFLUX_AUTH="$1:$2"
	[ $# -ge 5 ] || return 0
	influx_q "" "CREATE DATABASE \"$5\"" &&
		influx_q "" "CREATE USER \"$3\" WITH PASSWORD $(lw_influxql_str "$4")" &&
		influx_q "" "GRANT ${6:-WRITE} ON \"$5\" TO \"$3\""
}

# --- VictoriaMetrics ----------------------------------------------------------
#
# VictoriaMetrics takes InfluxDB line protocol at $VM_URL/write (also
# /api/v2/write) and stores measurement m with field f as series m_f (e.g.
# ph_value, ph_quality), tags as labels, db=DB as label db, strings as 0, times in
# ms.  It stores duplicates (no deduplication) and makes new data searchable only
# after about 10 s, or at once after /internal/force_flush, which vm_query calls.

# lw_victoria_run NAME: start victoria-metrics with the flags in $T/NAME.flags.
lw_victoria_run() {
	local flags
	mapfile -d '' flags <"$T/$1.flags"
	bg_append "$1" "$VICTORIA_METRICS" "${flags[@]}"
}

# lw_victoria_up NAME PORT: record and announce a VictoriaMetrics that came up.
lw_victoria_up() {
	VM_PORT=$2 VM_PID=$LAST_PID VM_URL="http://127.0.0.1:$2"
	LW_PEER_PID[vm:$1]=$VM_PID LW_PEER_PORTS[vm:$1]=$VM_PORT
}

# start_victoria NAME [FLAG...]: start VictoriaMetrics single node with data in
# $T/NAME and log $T/NAME.log, HTTP on 127.0.0.1 only; the Graphite, InfluxDB
# (TCP/UDP) and OpenTSDB listeners, self-scraping and scraping stay off;
# retention 100 years (so old timestamps are kept), no response cache and no
# search.latencyOffset (so just-written points show).  FLAGs are added (e.g.
# -dedup.minScrapeInterval=1ms).  Waits for /health to say OK.  Sets VM_URL, VM_PORT
# and VM_PID.
start_victoria() {
	local name=$1 port off rc=1
	shift
	for _ in 1 2 3 4 5; do
		port=$(free_port) || return 1
		printf '%s\0' -httpListenAddr="127.0.0.1:$port" -storageDataPath="$T/$name" \
			-graphiteListenAddr= -influxListenAddr= -opentsdbListenAddr= \
			-opentsdbHTTPListenAddr= -selfScrapeInterval=0 -promscrape.config= \
			-retentionPeriod=100y -search.disableCache -search.latencyOffset=0s \
			-memory.allowedBytes=256MiB "$@" >"$T/$name.flags"
		off=$(lw_log_size "$name")
		lw_victoria_run "$name"
		lw_await "$name" "$LAST_PID" "$off" 30 "$port" lw_http_body_is OK "http://127.0.0.1:$port/health"
		rc=$?
		[ $rc -eq 0 ] && { lw_victoria_up "$name" "$port"; return 0; }
		[ $rc -eq 3 ] || break
	done
	lw_peer_failed victoria-metrics "$name" "$off"
}

# restart_victoria NAME: start VictoriaMetrics NAME again (same flags, port and
# data) after stop_victoria.  Sets VM_URL, VM_PORT and VM_PID.
restart_victoria() {
	local name=$1 port=${LW_PEER_PORTS[vm:$1]:-} off rc=1
	[ -n "$port" ] || { echo "restart_victoria: no VictoriaMetrics $name" >&2; return 1; }
	lw_peer_gone "vm:$name" "restart_victoria: VictoriaMetrics $name" || return 1
	for _ in $(seq 1 10); do
		off=$(lw_log_size "$name")
		lw_victoria_run "$name"
		lw_await "$name" "$LAST_PID" "$off" 30 "$port" lw_http_body_is OK "http://127.0.0.1:$port/health"
		rc=$?
		[ $rc -eq 0 ] && { lw_victoria_up "$name" "$port"; return 0; }
		[ $rc -eq 3 ] || break
		sleep 0.3
	done
	lw_peer_failed victoria-metrics "$name" "$off"
}

# stop_victoria [NAME]: stop VictoriaMetrics NAME (default: the one VM_PID names)
# with SIGTERM and wait; returns its exit status.
stop_victoria() {
	local key="" pid=${VM_PID:-} k
	if [ $# -gt 0 ]; then key=vm:$1 pid=${LW_PEER_PID[vm:$1]:-}; fi
	if [ -z "$key" ]; then
		for k in "${!LW_PEER_PID[@]}"; do
			[[ $k == vm:* && ${LW_PEER_PID[$k]} == "$pid" ]] && key=$k
		done
	fi
	lw_peer_stop "$key" "$pid"
}

# vm_query SELECTOR [CURL_ARGS...]: flush, then print every sample of the series
# matching SELECTOR (e.g. 'ph_value', '{__name__=~"ph_.*",station="lake"}') from
# /api/v1/export, one JSON line per series, sorted:
#   {"metric":{"__name__":"ph_value","db":"lakewatch",...},"values":[8.41],"timestamps":[1700000000000]}
# CURL_ARGS may narrow it (e.g. -d start=... -d end=...).  Returns 1 (error on
# stderr) when the request fails.
vm_query() {
	local sel=$1 out code
	shift
	: "${VM_URL:?vm_query: no VictoriaMetrics (start_victoria)}"
	curl -sS --max-time 10 -o /dev/null "$VM_URL/internal/force_flush" || return 1
	out=$(curl -sS --max-time 30 -G --data-urlencode "match[]=$sel" "$@" -w '\n%{http_code}' \
		"$VM_URL/api/v1/export") || { echo "vm_query: request failed" >&2; return 1; }
	code=${out##*$'\n'}
	out=${out%$'\n'*}
	while [[ $out == *$'\n' ]]; do out=${out%$'\n'}; done
	if [ "$code" != 200 ]; then
		echo "vm_query: HTTP $code: $out" >&2
		return 1
	fi
	[ -z "$out" ] || LC_ALL=C sort <<<"$out"
}
