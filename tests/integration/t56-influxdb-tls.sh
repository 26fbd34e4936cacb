#!/usr/bin/env bash
# The InfluxDB forwarder over https and against servers that never answer:
# - influxd (Debian's 1.6.7) with TLS on 127.0.0.1, a certificate of a test
#   CA for IP:127.0.0.1: with that CA as ca_file every reading arrives;
# - with another CA as ca_file the certificate is refused, and that shows
#   in `lakewatch status --json` and in the log; nothing is lost: once the
#   configuration names the right CA and is reloaded, every reading arrives;
# - a server that accepts connections and never answers: over http the
#   request times out with a clear error; over https the handshake does;
#   and SIGTERM during such a hanging request stops the daemon at once.
. "$(dirname "$0")/lib.sh"

# conf FILE SIM_PORT NAME URL KEYS
conf() {
	cat >"$1" <<CONF
station = { id = "pp-tls"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "200ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; } ); }
);
store = { path = "$T/$3.db"; commit_interval = "100ms"; };
control = { socket = "$T/$3.sock"; };
influxdb = { url = "$4"; database = "$3"; flush_interval = "200ms"; batch_size = 50; $5 };
CONF
}
stored() { sql "$T/$1.db" "select count(*) from sample"; }
some_stored() { wait_for 10 eval "[ \"\$(stored $1 2>/dev/null)\" -ge ${2:-10} ]"; }
# NAME: true once influxd has every reading NAME's store had when asked.
all_in() {
	local t n
	t=$(sql "$T/$1.db" "select max(time_ms) from sample") && [ -n "$t" ] || return 1
	n=$(sql "$T/$1.db" "select count(*) from sample where time_ms <= $t")
	wait_for 30 eval "[ \"\$(influx_count $1 ph 'time <= ${t}ms' 2>/dev/null)\" == $n ]"
}
# NAME PYTHON_EXPR: true when the daemon NAME's status --json satisfies the
# expression, in which f is the influxdb forwarder's object.
fwd_status() {
	"$LW_BIN/lakewatch" -c "$T/$1.conf" status --json >"$T/$1.status.json" 2>/dev/null &&
		python3 -c "import json,sys
s = json.load(open('$T/$1.status.json'))
f = {x['forwarder']: x for x in s['forwarders']}['influxdb']
sys.exit(0 if ($2) else 1)"
}
# ms since the epoch
now_ms() { date +%s%3N; }

# --- Certificates ------------------------------------------------------------------
ca() {	# NAME: a CA key and certificate
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=lakewatch test $1" -keyout "$T/$1.key" -out "$T/$1.pem" 2>/dev/null
}
ca ca && ca other || { not_ok "openssl makes test certificates"; exit 1; }
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
	-keyout "$T/server.key" -out "$T/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$T/server.ext"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
	-days 2 -extfile "$T/server.ext" -out "$T/server.pem" 2>/dev/null ||
	{ not_ok "openssl signs the server certificate"; exit 1; }

# --- influxd with https ------------------------------------------------------------
# start_influxd_tls NAME: as start_influxd, with HTTPS on (certificate and key above).
start_influxd_tls() {
	local name=$1 hp rp off rc=1
	for _ in 1 2 3 4 5; do
		hp=$(free_port) && rp=$(free_port) || return 1
		lw_influxd_conf "$name" "$hp" "$rp" false
		sed -i "s|^\([[:space:]]*\)https-enabled = false|\1https-enabled = true\n\1https-certificate = \"$T/server.pem\"\n\1https-private-key = \"$T/server.key\"|" \
			"$T/$name/influxd.conf"
		grep -q 'https-enabled = true' "$T/$name/influxd.conf" || return 1
		off=$(lw_log_size "$name")
		lw_influxd_run "$name"
		lw_await "$name" "$LAST_PID" "$off" 30 "$hp $rp" \
			lw_http_is 204 "https://127.0.0.1:$hp/ping" --cacert "$T/ca.pem"
		rc=$?
		[ $rc -eq 0 ] && { lw_influxd_up "$name" "$hp" "$rp"; INFLUX_URL="https://127.0.0.1:$hp"; return 0; }
		[ $rc -eq 3 ] || break
	done
	lw_peer_failed influxd "$name" "$off"
}
# curl, as influx_q and influx_count run it, trusts the test CA.
export CURL_CA_BUNDLE="$T/ca.pem"

conf "$T/sim.conf" 1 sim http://127.0.0.1:1 ""
start_sim sim "$T/sim.conf" --listen lan=0 --set sonde.ph=8.375 || exit 1
SIM=$SIM_PORT_lan
start_influxd_tls tls || exit 1
plain=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$INFLUX_PORT/ping")
check "influxd answers /ping over https only (plain http: $plain)" test "$plain" != 204
influx_q "" 'CREATE DATABASE "good"'
influx_q "" 'CREATE DATABASE "bad"'

# --- The right CA ------------------------------------------------------------------
conf "$T/good.conf" "$SIM" good "$INFLUX_URL" "ca_file = \"$T/ca.pem\";"
check_eq "-n accepts an https url with a ca_file" "configuration OK" \
	"$("$LW_BIN/lakewatchd" -n -c "$T/good.conf" 2>&1)"
start_daemon dg "$T/good.conf"
some_stored good 20
check "over https with the test CA every reading arrives" all_in good
check "the forwarder says it is connected, without an error" wait_for 10 \
	fwd_status good "f['connected'] and not f['error']"
stop_pid "$DAEMON_PID"; rc=$?
check_eq "SIGTERM stops it with status 0" 0 "$rc"
check_eq "it logged nothing about influxdb failing" "" "$(grep 'influxdb: ' "$T/dg.log")"

# --- Another CA, then the right one after a reload ---------------------------------
conf "$T/bad.conf" "$SIM" bad "$INFLUX_URL" "ca_file = \"$T/other.pem\";"
start_daemon db "$T/bad.conf"
some_stored bad 20
check "with another CA, status --json shows the certificate error" wait_for 15 \
	fwd_status bad "not f['connected'] and 'TLS: certificate verify failed' in f['error'] and f['failures'] >= 1"
check "and the log says so, and that the readings are kept" grep -q \
	"influxdb: $INFLUX_URL: TLS: certificate verify failed: .*readings are kept in the store" "$T/db.log"
check_eq "nothing went to influxd" 0 "$(influx_count bad ph)"
n=$(stored bad)
check "the readings are in the store ($n)" test "$n" -ge 20
conf "$T/bad.conf" "$SIM" bad "$INFLUX_URL" "ca_file = \"$T/ca.pem\";"
check "the fixed configuration is reloaded" "$LW_BIN/lakewatch" -c "$T/bad.conf" reload
some_stored bad $((n + 10))
check "after the reload every reading arrives, those of the refusals too" all_in bad
check "and the forwarder is connected" wait_for 10 fwd_status bad "f['connected'] and not f['error']"
stop_pid "$DAEMON_PID"
stop_influxd tls

# --- A server that accepts and never answers ---------------------------------------
cat >"$T/hang.py" <<'PY'
# Accepts connections on 127.0.0.1 and never answers; prints the port, then
# one line per connection with the first line of what it received.
import socket, sys, threading
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen(16)
print("READY %d" % srv.getsockname()[1], flush=True)
conns = []
def serve(c):
    first = True
    while True:
        try:
            d = c.recv(65536)
        except OSError:
            return
        if not d:
            return
        if first:
            print("request " + d.split(b"\r\n", 1)[0].decode("latin-1"), flush=True)
            first = False
while True:
    c, _ = srv.accept()
    conns.append(c)
    print("accepted", flush=True)
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
bg hang python3 -u "$T/hang.py"
wait_for 10 grep -q '^READY ' "$T/hang.log" || { not_ok "the silent server starts" "$(cat "$T/hang.log")"; exit 1; }
HANG=$(sed -n 's/^READY //p' "$T/hang.log")

conf "$T/hang.conf" "$SIM" hang "http://127.0.0.1:$HANG" 'timeout = "1s";'
start_daemon dh "$T/hang.conf"
timed_out() { grep -q "influxdb: http://127.0.0.1:$HANG: timeout: no answer within 1000 ms; readings are kept" "$T/dh.log"; }
check "a request nobody answers times out with a clear error" wait_for 15 timed_out
check "and status --json shows it" wait_for 10 \
	fwd_status hang "not f['connected'] and f['error'] == 'timeout: no answer within 1000 ms'"
check "the request did reach the server" grep -q "^request POST /write?db=hang&precision=ms HTTP/1.1" "$T/hang.log"
stop_pid "$DAEMON_PID"

conf "$T/hangs.conf" "$SIM" hangs "https://127.0.0.1:$HANG" 'timeout = "1s";'
start_daemon dhs "$T/hangs.conf"
tls_timed_out() { grep -q "influxdb: https://127.0.0.1:$HANG: TLS: no handshake with 127.0.0.1:$HANG within 1000 ms" "$T/dhs.log"; }
check "over https, a server that never shakes hands times out with a clear error" wait_for 15 tls_timed_out
stop_pid "$DAEMON_PID"

# SIGTERM while a request hangs (its timeout 60 s): the stop must not wait for it.
conf "$T/stop.conf" "$SIM" stop "http://127.0.0.1:$HANG" 'timeout = "60s";'
before=$(grep -c "^request POST /write?db=stop" "$T/hang.log")
start_daemon ds "$T/stop.conf"
hanging() { [ "$(grep -c "^request POST /write?db=stop" "$T/hang.log")" -gt "$before" ]; }
check "a request to the silent server is under way" wait_for 15 hanging
sleep 0.5
t0=$(now_ms)
stop_pid "$DAEMON_PID"; rc=$?
took=$(($(now_ms) - t0))
check_eq "SIGTERM during a hanging request: status 0" 0 "$rc"
check "and the daemon stops at once ($took ms)" test "$took" -lt 3000
check_eq "the abandoned request is not logged as a failure" "" \
	"$(grep "influxdb: http://127.0.0.1:$HANG: " "$T/ds.log")"
check_eq "the daemons logged no error" "" "$(grep -h 'error:' "$T"/dg.log "$T"/db.log "$T"/dh.log "$T"/dhs.log "$T"/ds.log)"
