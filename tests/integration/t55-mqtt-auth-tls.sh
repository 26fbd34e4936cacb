#!/usr/bin/env bash
# MQTT with credentials and TLS, against real brokers:
# - MQTT 5 with a username and a password file: a wrong password is refused
#   and logged (never the password itself), the readings wait in the store,
#   and once the file holds the right password every reading arrives;
# - TLS with a CA file and host name verification: the readings arrive over
#   TLS; against a certificate of another CA the connection is refused and
#   the readings are kept;
# - TLS with a client certificate: a key file open to others is refused
#   with the fix, and once it is private the readings arrive.
. "$(dirname "$0")/lib.sh"

# conf FILE SIM_PORT NAME MQTT_KEYS
conf() {
	cat >"$1" <<CONF
station = { id = "pp-sec"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "200ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; } ); }
);
store = { path = "$T/$3.db"; commit_interval = "100ms"; };
control = { socket = "$T/$3.sock"; };
mqtt = { host = "127.0.0.1"; $4 topic_root = "lw"; keepalive = "5s"; connect_timeout = "2s"; };
CONF
}
stored() { sqlite3 "$T/$1.db" "select time from readings" | sort -u; }
received() { sed -n 's#^lw/pp-sec/sonde/ph {"time":"\([^"]*\)".*#\1#p' "$2" | sort -u; }
# NAME SUBSCRIBER_OUTPUT: every reading of store NAME was received.
all_in() { [ -s "$T/$1.db" ] && [ -z "$(comm -23 <(stored "$1") <(received "$1" "$2"))" ]; }
some_stored() {
	wait_for 10 eval "[ \"\$(sql $T/$1.db 'select count(*) from sample' 2>/dev/null)\" -ge 10 ]"
}

conf "$T/sim.conf" 1 sim "port = 1;"
start_sim sim "$T/sim.conf" --listen lan=0 --set sonde.ph=8.375 || exit 1
SIM=$SIM_PORT_lan

# --- MQTT 5, username and password file ---------------------------------------
mosquitto_passwd -b -c "$T/passwd" station 'Right-Mqtt-Pw' 2>/dev/null
mosquitto_passwd -b "$T/passwd" tester 'tester-pw' 2>/dev/null
start_mosquitto auth "allow_anonymous false
password_file $T/passwd" || exit 1
MQTT_USER=tester MQTT_PASSWORD=tester-pw mqtt_sub "$T/auth.out" 'lw/#' || exit 1
printf 'Wr0ng-Mqtt-Pw\n' >"$T/mqtt.pw"
chmod 600 "$T/mqtt.pw"
conf "$T/auth.conf" "$SIM" auth "port = $MQTT_PORT; protocol = \"5\"; username = \"station\";
  password_file = \"$T/mqtt.pw\";"
start_daemon da "$T/auth.conf"
some_stored auth
refused() { grep -q "mqtt: 127.0.0.1:$MQTT_PORT: the broker refused the connection" "$T/da.log"; }
check "a wrong password is refused by the broker, and that is logged" wait_for 10 refused
check_eq "nothing was published with it" "" "$(grep '^lw/pp-sec/sonde' "$T/auth.out")"
printf 'Right-Mqtt-Pw\n' >"$T/mqtt.pw"
check "once the password file is right (no restart), every reading arrives over MQTT 5" \
	wait_for 40 all_in auth "$T/auth.out"
check_eq "no password ever appears in the log" 0 \
	"$(grep -c -e 'Wr0ng-Mqtt-Pw' -e 'Right-Mqtt-Pw' "$T/da.log")"
stop_pid "$DAEMON_PID"
check "a clean stop publishes offline" grep -q '^lw/pp-sec/status offline$' "$T/auth.out"
stop_pid "$SUB_PID"

# --- TLS ------------------------------------------------------------------------
ca() {	# NAME: a CA key and certificate
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=lakewatch test $1" -keyout "$T/$1.key" -out "$T/$1.pem" 2>/dev/null
}
ca ca && ca other || { not_ok "openssl makes test certificates"; exit 1; }
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
	-keyout "$T/server.key" -out "$T/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$T/server.ext"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
	-days 2 -extfile "$T/server.ext" -out "$T/server.pem" 2>/dev/null
start_mosquitto tls "cafile $T/ca.pem
certfile $T/server.pem
keyfile $T/server.key
tls_version tlsv1.2" || exit 1
mqtt_sub "$T/tls.out" 'lw/#' --cafile "$T/ca.pem" || exit 1
conf "$T/tls.conf" "$SIM" tls "port = $MQTT_PORT; tls = { ca_file = \"$T/ca.pem\"; };"
check_eq "-n accepts a tls group" "configuration OK" "$("$LW_BIN/lakewatchd" -n -c "$T/tls.conf" 2>&1)"
start_daemon dt "$T/tls.conf"
some_stored tls
check "over TLS with a verified certificate every reading arrives" wait_for 20 all_in tls "$T/tls.out"
stop_pid "$DAEMON_PID"

conf "$T/bad.conf" "$SIM" bad "port = $MQTT_PORT; tls = { ca_file = \"$T/other.pem\"; };"
start_daemon db "$T/bad.conf"
some_stored bad
tls_refused() { grep -q "mqtt: 127.0.0.1:$MQTT_PORT: .*readings are kept in the store" "$T/db.log"; }
check "a certificate of another CA is refused, and that is logged" wait_for 10 tls_refused
check_eq "nothing of that daemon arrived" "" "$(comm -12 <(stored bad) <(received bad "$T/tls.out"))"
stop_pid "$DAEMON_PID"

# --- TLS with a client certificate: its key is a secret file ---------------------
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=pp-sec" \
	-keyout "$T/client.key" -out "$T/client.csr" 2>/dev/null
openssl x509 -req -in "$T/client.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
	-days 2 -out "$T/client.pem" 2>/dev/null
stop_mosquitto
start_mosquitto mtls "cafile $T/ca.pem
certfile $T/server.pem
keyfile $T/server.key
require_certificate true
tls_version tlsv1.2" || exit 1
chmod 600 "$T/client.key"
mqtt_sub "$T/mtls.out" 'lw/#' --cafile "$T/ca.pem" --cert "$T/client.pem" --key "$T/client.key" || exit 1
chmod 644 "$T/client.key"
conf "$T/mtls.conf" "$SIM" mtls "port = $MQTT_PORT; tls = { ca_file = \"$T/ca.pem\";
  cert_file = \"$T/client.pem\"; key_file = \"$T/client.key\"; };"
start_daemon dm "$T/mtls.conf"
some_stored mtls
key_refused() { grep -q "mqtt: 127.0.0.1:$MQTT_PORT: secret file $T/client.key is open to its group or others (mode 0644): chmod 600 $T/client.key" "$T/dm.log"; }
check "a client key open to others is refused, with the fix" wait_for 10 key_refused
check_eq "nothing of that daemon arrived" "" "$(grep '^lw/pp-sec/sonde' "$T/mtls.out")"
check_eq "nothing of the key is logged" 0 "$(grep -c -e 'BEGIN' -e 'PRIVATE' "$T/dm.log")"
chmod 600 "$T/client.key"
check "once it is private (no restart), every reading arrives with the client certificate" \
	wait_for 40 all_in mtls "$T/mtls.out"
stop_pid "$DAEMON_PID"
