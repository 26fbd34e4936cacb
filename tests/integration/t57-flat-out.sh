#!/usr/bin/env bash
# Polling as fast as possible (interval 0) through store and MQTT, as the bench
# does: the devices of the bus take turns, the bus goes at the store's pace
# instead of dropping readings, and the MQTT forwarder keeps going past 65535
# messages (MQTT message ids are 16 bits and come round again).
. "$(dirname "$0")/lib.sh"

# conf FILE SIM_PORT MQTT_PORT
conf() {
	cat >"$1" <<CONF
station = { id = "pp-fo"; metrics_interval = "0s"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "500ms"; } );
devices = (
CONF
	for u in 1 2 3; do
		cat >>"$1" <<CONF
  { name = "d$u"; bus = "lan"; unit = $u; model = "generic"; interval = "0s";
    points = ( $(for a in 0 1 2 3 4 5 6 7 8 9; do
	printf '{ name = "p%s"; unit = "1"; register = "input"; address = %s; type = "u16"; },' $a $a
	done | sed 's/,$//') ); }$([ $u -lt 3 ] && echo ,)
CONF
	done
	cat >>"$1" <<CONF
);
store = { path = "$T/lw.db"; };
control = { socket = "$T/control.sock"; };
mqtt = { host = "127.0.0.1"; port = $3; topic_root = "lw"; qos = 1; };
CONF
}

# figure EXPR: one number from `lakewatch status --json` (d: the document).
figure() {
	"$LW_BIN/lakewatch" -c "$T/lw.conf" status --json 2>/dev/null |
		python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"
}
acked() { figure 'd["forwarders"][0]["acked"]'; }
past_wrap() { [ "$(acked)" -gt 70000 ] 2>/dev/null; }

start_mosquitto mq || exit 1
conf "$T/sim.conf" 1 1
start_sim sim "$T/sim.conf" --listen lan=0 || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan" "$MQTT_PORT"
start_daemon lakewatchd "$T/lw.conf"

check "the broker acknowledges more than 65535 readings" wait_for 120 past_wrap
a=$(acked)
sleep 2
b=$(acked)
check "and the forwarder goes on acknowledging past the wrap ($a, then $b)" \
	test "$b" -gt $((a + 1000))
polls=$(figure '" ".join(str(x["polls"]) for b in d["buses"] for x in b["devices"])')
read -r p1 p2 p3 <<<"$polls"
lo=$(printf '%s\n' $p1 $p2 $p3 | sort -n | head -1)
hi=$(printf '%s\n' $p1 $p2 $p3 | sort -n | tail -1)
check_eq "three devices' poll counts" 3 "$(wc -w <<<"$polls")"
check "devices at interval 0 take turns (polls: $polls)" test $((lo > 1000 && hi - lo <= 2)) -eq 1
check "no reading was dropped for a full queue" \
	bash -c "! grep -q 'store queue' '$T/lakewatchd.log'"
stop_pid "$DAEMON_PID"; rc=$?
check_eq "the daemon stops cleanly" 0 "$rc"
stored=$(sql "$T/lw.db" "select count(*) from readings")
check "every reading polled was stored ($stored rows, $(( (p1 + p2 + p3) * 10 )) polled before the stop)" \
	test "$stored" -ge $(( (p1 + p2 + p3) * 10 ))
check "and the daemon counted none dropped" grep -q "readings committed in .* transactions, 0 dropped" \
	"$T/lakewatchd.log"
