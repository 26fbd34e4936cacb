#!/usr/bin/env bash
# The real peers the integration tests use, through the helpers of lib.sh: mosquitto
# (plain, persistent, with passwords), influxd (plain and with auth) and
# VictoriaMetrics, each on 127.0.0.1 on a free port with everything under $T.
# Nothing is skipped: when a peer cannot run here, this test fails.
. "$(dirname "$0")/lib.sh"
LIB_DIR=$(cd "$(dirname "$0")" && pwd)

# try DESC CMD...: like check, but CMD runs in this shell (so it can set variables);
# its stderr is the detail of a failure.
try() {
	local desc=$1
	shift
	if "$@" 2>"$T/try.err"; then
		ok "$desc"
	else
		not_ok "$desc" "$(cat "$T/try.err")"
		return 1
	fi
}

# loopback_only PID: true when PID listens, and only on 127.0.0.1 (TCP, no UDP).
loopback_only() {
	local addrs
	addrs=$(listen_addrs "$1") || { echo "no process $1"; return 1; }
	echo "$addrs"
	[ -n "$addrs" ] && ! grep -qv '^tcp 127\.0\.0\.1:' <<<"$addrs"
}

# fails CMD...: true when CMD fails.
fails() { ! "$@"; }

# fails_with TEXT CMD...: true when CMD fails and says TEXT (on stdout or stderr).
fails_with() {
	local want=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "succeeded: $out"
		return 1
	fi
	echo "$out"
	grep -qF -- "$want" <<<"$out"
}

# port_closed PORT: true when nothing answers on 127.0.0.1:PORT.
port_closed() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# as_lake PASSWORD CMD...: run CMD as MQTT user lake.
as_lake() { MQTT_USER=lake MQTT_PASSWORD=$1 "${@:2}"; }

# as_influx_user USER:PASSWORD CMD...: run CMD with these InfluxDB credentials.
as_influx_user() { INFLUX_AUTH=$1 "${@:2}"; }

# subscribed_again ID: true when the broker logged ID's subscription twice.
subscribed_again() { [ "$(grep -c ": $1 [0-2] lakewatch/#\$" "$MQTT_LOG")" -ge 2 ]; }

# ready_or_gone FILE PID: true once FILE has content or process PID has ended.
ready_or_gone() { [ -s "$1" ] || ! kill -0 "$2" 2>/dev/null; }

# two_free_ports: free_port twice gives two different ports nothing answers on.
two_free_ports() {
	local a b
	a=$(free_port) && b=$(free_port) || return 1
	echo "$a $b"
	[ "$a" != "$b" ] && port_closed "$a" && port_closed "$b"
}

# ms_since START_NS: milliseconds since START_NS (date +%s%N).
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# Readings as the daemon writes them: a tag value with an escaped space, a UTF-8
# unit, a missing value (quality only), ms timestamps an hour ago.
t1=$((($(date +%s) - 3600) * 1000))
t2=$((t1 + 60000))
LP="ph,device=sonde-1,station=Lake\\ Poopo,unit=[pH] value=8.41,quality=\"good\" $t1
conductivity,device=sonde-1,station=Lake\\ Poopo,unit=µS/cm value=51234.5,quality=\"good\" $t1
conductivity,device=sonde-1,station=Lake\\ Poopo,unit=µS/cm quality=\"missing\" $t2"
COND_CSV="name,tags,time,device,quality,station,unit,value
conductivity,,$t1,sonde-1,good,Lake Poopo,µS/cm,51234.5
conductivity,,$t2,sonde-1,missing,Lake Poopo,µS/cm,"
PH_CSV="name,tags,time,device,quality,station,unit,value
ph,,$t1,sonde-1,good,Lake Poopo,[pH],8.41"

mqtt_plain() {
	local payload='{"value":8.41,"unit":"µS/cm","quality":"good"}' port
	try "mosquitto starts" start_mosquitto plain || return
	check "mosquitto listens on 127.0.0.1 only" loopback_only "$MQTT_PID"
	try "mqtt_sub subscribes" mqtt_sub "$T/plain.sub" 'lakewatch/#' -i lw-plain-sub -q 1 \
		-F '%t %r %q %p' || return
	check "mosquitto_pub publishes a retained QoS 1 message" \
		mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -r -t lakewatch/poopo/ph -m "$payload"
	check "the subscriber gets it (QoS 1)" \
		wait_for 5 grep -qxF "lakewatch/poopo/ph 0 1 $payload" "$T/plain.sub"
	check_eq "mqtt_retained returns it" "lakewatch/poopo/ph $payload" "$(mqtt_retained 'lakewatch/#')"
	try "a later subscriber gets it with the retain flag" mqtt_sub "$T/late.sub" lakewatch/poopo/ph \
		-F '%t %r %p' -C 1 &&
		check "  ... retain flag set" wait_for 5 grep -qxF "lakewatch/poopo/ph 1 $payload" "$T/late.sub"

	port=$MQTT_PORT
	try "mosquitto stops" stop_mosquitto
	check "its port is closed" port_closed "$port"
	try "mosquitto restarts" restart_mosquitto plain || return
	check_eq "on the same port" "$port" "$MQTT_PORT"
	check_eq "a broker without persistence forgets retained messages" "" "$(mqtt_retained 'lakewatch/#')"
	check "the first subscriber subscribes again by itself" wait_for 10 subscribed_again lw-plain-sub
	check "mqtt_pub publishes after the restart" mqtt_pub lakewatch/poopo/status online -q 1
	check "  ... and the subscriber gets it" \
		wait_for 5 grep -qxF "lakewatch/poopo/status 0 1 online" "$T/plain.sub"
}

mqtt_persistent() {
	try "mosquitto with persistence starts" start_mosquitto persist "persistence true" || return
	check "mqtt_pub publishes a retained message" mqtt_pub lakewatch/poopo/status online -q 1 -r
	try "the persistent broker stops" stop_mosquitto
	check "it saved its database in \$T" test -s "$T/persist.d/mosquitto.db"
	try "the persistent broker restarts" restart_mosquitto persist || return
	check_eq "it keeps the retained message across the restart" "lakewatch/poopo/status online" \
		"$(mqtt_retained 'lakewatch/#')"
}

mqtt_password() {
	check "mosquitto_passwd makes a password file" \
		mosquitto_passwd -b -c "$T/mqtt.passwd" lake 'lake pw'
	try "mosquitto with passwords starts" start_mosquitto auth "allow_anonymous false
password_file $T/mqtt.passwd" || return
	check "it refuses anonymous clients" \
		fails_with "not authorised" mqtt_pub lakewatch/poopo/x anonymous -q 1
	check "it refuses a wrong password" \
		fails_with "not authorised" as_lake wrong mqtt_pub lakewatch/poopo/x wrong -q 1
	check "it accepts the right password" as_lake "lake pw" mqtt_pub lakewatch/poopo/x right -q 1 -r
	check_eq "mqtt_retained with the password gets it" "lakewatch/poopo/x right" \
		"$(as_lake "lake pw" mqtt_retained 'lakewatch/#')"
}

influx_plain() {
	local start url
	start=$(date +%s%N)
	try "influxd starts" start_influxd influx || return
	echo "# influxd up in $(ms_since "$start") ms"
	check "influxd answers /ping with 204" lw_http_is 204 "$INFLUX_URL/ping"
	check "influxd listens on 127.0.0.1 only (HTTP and RPC)" loopback_only "$INFLUX_PID"
	check "influx_q creates a database" influx_q "" 'CREATE DATABASE "lakewatch"'
	check_eq "influx_q shows it" "name,tags,name
databases,,lakewatch" "$(influx_q "" 'SHOW DATABASES')"
	check "influx_q fails on a statement error" \
		fails_with "database not found" influx_q nodb "SELECT * FROM ph"
	check "influx_q fails on a parse error" fails_with "error parsing query" influx_q lakewatch "SELEC 1"
	check_eq "curl writes line protocol (ms)" 204 \
		"$(curl -s -o /dev/null -w '%{http_code}' --data-binary "$LP" \
			"$INFLUX_URL/write?db=lakewatch&precision=ms")"
	check_eq "influx_q returns the points unchanged" "$COND_CSV" \
		"$(influx_q lakewatch 'SELECT * FROM "conductivity"')"
	check_eq "  ... also the other measurement" "$PH_CSV" "$(influx_q lakewatch 'SELECT * FROM ph')"
	check_eq "influx_count counts quality" 2 "$(influx_count lakewatch conductivity)"
	check_eq "influx_count counts value" 1 "$(influx_count lakewatch conductivity "" value)"
	check_eq "influx_count with WHERE" 1 \
		"$(influx_count lakewatch conductivity "\"quality\" = 'missing'")"
	check_eq "influx_count of nothing is 0" 0 "$(influx_count lakewatch depth)"
	check_eq "influx_write writes too" 204 \
		"$(influx_write lakewatch "depth,station=Lake\\ Poopo,unit=m value=2.5,quality=\"good\" $t1")"

	url=$INFLUX_URL
	try "influxd stops" stop_influxd
	check "its port is closed" port_closed "$INFLUX_PORT"
	try "influxd restarts" restart_influxd influx || return
	check_eq "on the same port" "$url" "$INFLUX_URL"
	check_eq "with its data" "$COND_CSV" "$(influx_q lakewatch 'SELECT * FROM "conductivity"')"
	check "influxd does not report usage" fails grep -qiE "usage.influxdata|usage statistics" "$T/influx.log"
}

influx_auth() {
	local code
	try "influxd with auth starts" start_influxd secure auth || return
	try "influx_admin_setup makes an admin, a database and a writer" \
		influx_admin_setup admin 'adm pw' lake 'lake pw' lakewatch
	check_eq "INFLUX_AUTH is the admin now" "admin:adm pw" "$INFLUX_AUTH"
	code=$(INFLUX_AUTH="" influx_write lakewatch "$LP" 2>/dev/null)
	check_eq "a write without credentials gets 401" 401 "$code"
	code=$(INFLUX_AUTH="lake:wrong" influx_write lakewatch "$LP" 2>/dev/null)
	check_eq "a write with a wrong password gets 401" 401 "$code"
	code=$(INFLUX_AUTH="lake:lake pw" influx_write lakewatch "$LP")
	check_eq "a write with the right password gets 204" 204 "$code"
	check "the writer may not read" \
		fails_with "not authorized" as_influx_user "lake:lake pw" influx_q lakewatch "SELECT * FROM ph"
	check_eq "the admin reads the points" "$COND_CSV" "$(influx_q lakewatch 'SELECT * FROM "conductivity"')"
}

victoria() {
	local start want
	start=$(date +%s%N)
	try "VictoriaMetrics starts" start_victoria vm || return
	echo "# VictoriaMetrics up in $(ms_since "$start") ms"
	check "VictoriaMetrics listens on 127.0.0.1 only" loopback_only "$VM_PID"
	check_eq "it takes the line protocol at /write" 204 \
		"$(curl -s -o /dev/null -w '%{http_code}' --data-binary "$LP" \
			"$VM_URL/write?db=lakewatch&precision=ms")"
	local labels='"db":"lakewatch","device":"sonde-1","station":"Lake Poopo"'
	want="{\"metric\":{\"__name__\":\"conductivity_quality\",$labels,\"unit\":\"µS/cm\"},\"values\":[0,0],\"timestamps\":[$t1,$t2]}
{\"metric\":{\"__name__\":\"conductivity_value\",$labels,\"unit\":\"µS/cm\"},\"values\":[51234.5],\"timestamps\":[$t1]}
{\"metric\":{\"__name__\":\"ph_quality\",$labels,\"unit\":\"[pH]\"},\"values\":[0],\"timestamps\":[$t1]}
{\"metric\":{\"__name__\":\"ph_value\",$labels,\"unit\":\"[pH]\"},\"values\":[8.41],\"timestamps\":[$t1]}"
	check_eq "vm_query returns the series at once" "$want" "$(vm_query '{db="lakewatch"}')"
	try "VictoriaMetrics stops" stop_victoria
	try "VictoriaMetrics restarts" restart_victoria vm &&
		check_eq "  ... with its data" "$want" "$(vm_query '{db="lakewatch"}')"
}

# A test that exits, fails or is interrupted leaves no peer behind.
leftovers() {
	local out rc pids dir p left
	# shellcheck disable=SC2016
	out=$(bash -c '. "$1/lib.sh"
		start_mosquitto m && start_influxd i && start_victoria v && mqtt_sub "$T/s" "x/#" || exit 1
		echo "$MQTT_PID $INFLUX_PID $VM_PID $SUB_PID $T"
		exit 3' _ "$LIB_DIR" </dev/null 2>&1)
	rc=$?
	check_eq "a failing test using every peer exits with its status" 3 "$rc"
	read -r -a pids <<<"$out"
	dir=${pids[4]:-}
	unset 'pids[4]'
	left=""
	for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && left+=" $p"; done
	check_eq "  ... and leaves no process behind" "" "$left"
	check "  ... nor its directory" test -n "$dir" -a ! -e "$dir"

	bash -c '. "$1/lib.sh"
		start_mosquitto m && start_influxd i || exit 1
		echo "$MQTT_PID $INFLUX_PID $T" >"$2.tmp" && mv "$2.tmp" "$2"
		bg nap sleep 60
		wait "$LAST_PID"' _ "$LIB_DIR" "$T/child.info" </dev/null >"$T/child.log" 2>&1 &
	p=$!
	LW_PIDS+=("$p")
	if wait_for 20 ready_or_gone "$T/child.info" "$p" && [ -s "$T/child.info" ]; then
		kill -TERM "$p"
		wait "$p"
		rc=$?
		lw_forget "$p"
		check_eq "a test stopped by SIGTERM exits with 130" 130 "$rc"
		read -r -a pids <"$T/child.info"
		dir=${pids[2]}
		unset 'pids[2]'
		left=""
		for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && left+=" $p"; done
		check_eq "  ... and leaves no process behind" "" "$left"
		check "  ... nor its directory" test ! -e "$dir"
	else
		not_ok "a test stopped by SIGTERM cleans up" "$(cat "$T/child.log")"
	fi
}

begin=$(date +%s%N)
check "free_port gives two different free ports" two_free_ports
mqtt_plain
mqtt_persistent
mqtt_password
influx_plain
influx_auth
victoria
leftovers
echo "# t40-peers took $(ms_since "$begin") ms"
