#!/usr/bin/env bash
# Notification programs: what they get (environment and JSON on stdin), a
# program that fails is logged and run again until it succeeds (told once),
# one that hangs is killed at its timeout and retried, and min_interval holds
# back a value flapping around its limit without ever holding back a
# critical one.
. "$(dirname "$0")/lib.sh"

# conf FILE SIM_PORT
conf() {
	cat >"$1" <<CONF
station = { id = "pp-nt"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "200ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "200ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; } ); },
  { name = "level"; bus = "lan"; unit = 2; model = "generic"; interval = "200ms";
    points = ( { name = "depth"; unit = "m"; register = "input"; address = 0; type = "f32"; } ); }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
alerts = ( { point = "sonde.ph"; warn_high = 9.0; crit_high = 9.5; },
           { point = "level.depth"; warn_low = 1.0; } );
notify = ( { exec = "$T/record.sh"; args = ( "+59170000000" ); name = "record"; min_interval = "4s"; },
           { exec = "$T/flaky.sh"; name = "flaky"; min_severity = "critical"; timeout = "1s"; } );
CONF
}

# record.sh: every call, its argument, environment and input.
cat >"$T/record.sh" <<HOOK
#!/bin/sh
{
	echo "CALL \$1 \$LAKEWATCH_ALERT \$LAKEWATCH_TRANSITION \$LAKEWATCH_SEVERITY"
	env | grep '^LAKEWATCH_' | sort
	cat
	echo
} >>"$T/record.log"
HOOK
# flaky.sh: fails the first time, hangs the second, succeeds the third.
cat >"$T/flaky.sh" <<HOOK
#!/bin/sh
n=\$(cat "$T/flaky.n" 2>/dev/null || echo 0)
n=\$((n + 1))
echo \$n >"$T/flaky.n"
echo "try \$n \$LAKEWATCH_ALERT \$LAKEWATCH_TRANSITION" >>"$T/flaky.log"
case \$n in
1) echo "gateway said no" >&2; exit 3 ;;
2) sleep 30 ;;
esac
exit 0
HOOK
chmod 755 "$T/record.sh" "$T/flaky.sh"
: >"$T/record.log"
values() { printf '%s\n' "$@" >"$T/faults"; kill -USR1 "$SIM_PID"; }
calls() { grep '^CALL ' "$T/record.log" | cut -d' ' -f3-; }

conf "$T/sim.conf" 1
printf '%s\n' "set sonde.ph=8.4" "set level.depth=1.5" >"$T/faults"
start_sim sim "$T/sim.conf" --listen lan=0 --faults-file "$T/faults" || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan"
start_daemon lakewatchd "$T/lw.conf"
wait_for 10 sql "$T/lw.db" "select 1 from sample limit 1"

# A warning: the environment and the input.
values "set sonde.ph=9.2" "set level.depth=1.5"
told() { [ "$(calls | grep -c "$1")" -ge "${2:-1}" ]; }
check "a raise is told" wait_for 10 told "sonde.ph/value raised warning"
check "the program gets its argument" grep -q '^CALL +59170000000 sonde.ph/value raised warning$' "$T/record.log"
for v in "LAKEWATCH_STATION=pp-nt" "LAKEWATCH_ALERT=sonde.ph/value" "LAKEWATCH_DEVICE=sonde" \
	"LAKEWATCH_POINT=ph" "LAKEWATCH_KIND=value" "LAKEWATCH_SEVERITY=warning" \
	"LAKEWATCH_PREVIOUS=ok" "LAKEWATCH_TRANSITION=raised" "LAKEWATCH_VALUE=9.2" \
	"LAKEWATCH_LIMIT=9" "LAKEWATCH_UNIT=\[pH\]"; do
	check "the environment has $v" grep -q "^$v\$" "$T/record.log"
done
check "LAKEWATCH_TIME is the transition's UTC time" \
	grep -Eq '^LAKEWATCH_TIME=20[0-9-]{8}T[0-9:]{8}\.[0-9]{3}Z$' "$T/record.log"
check "LAKEWATCH_MESSAGE says what happened" \
	grep -q '^LAKEWATCH_MESSAGE=sonde.ph 9.2 \[pH\] above the warning limit 9 \[pH\]$' "$T/record.log"
check "the input is the alert as JSON" grep -q \
	'^{"station":"pp-nt","alert":"sonde.ph/value","device":"sonde","point":"ph","kind":"value","severity":"warning","previous":"ok","transition":"raised","value":9.2,"limit":9,"unit":"\[pH\]","time":"[^"]*","message":"[^"]*","acknowledged_by":null,"note":null}$' \
	"$T/record.log"

# Flapping around the warning limit within min_interval (4 s): held back.
values "set sonde.ph=8.8" "set level.depth=1.5"
sleep 0.8
values "set sonde.ph=9.2" "set level.depth=1.5"
sleep 0.8
values "set sonde.ph=8.8" "set level.depth=1.5"
check "the flaps are journaled" wait_for 10 eval \
	'[ "$(sql "$T/lw.db" "select count(*) from alert_event where device = '"'sonde'"'")" -ge 4 ]'
check_eq "but within min_interval nothing more is told" "sonde.ph/value raised warning" "$(calls)"
check "once it is over, the state then is told: cleared" wait_for 10 told "sonde.ph/value cleared ok"
check_eq "flapping gave two notifications, not four" "sonde.ph/value raised warning
sonde.ph/value cleared ok" "$(calls)"

# A critical one: told at once by both; the flaky program fails, hangs, then succeeds.
values "set sonde.ph=9.7" "set level.depth=1.5"
check "an escalation is never held back" wait_for 10 told "sonde.ph/value raised critical"
check "the flaky program is run until it succeeds (failed, killed at 1 s, then done)" \
	wait_for 30 eval '[ "$(cat "$T/flaky.n" 2>/dev/null)" == 3 ]'
check "its failure is logged with its exit status and output" grep -q \
	"notify flaky: sonde.ph/value raised: $T/flaky.sh exited with status 3: gateway said no" \
	"$T/lakewatchd.log"
check "its hang is logged as killed at the timeout" grep -q \
	"notify flaky: sonde.ph/value raised: $T/flaky.sh did not finish within 1000 ms and was killed" \
	"$T/lakewatchd.log"
check "and success once" wait_for 10 grep -q "notify flaky: sonde.ph/value raised told" "$T/lakewatchd.log"
check "the hung program was killed, not left behind" eval '! pgrep -f "sleep 30" >/dev/null'
recent=$(sql "$T/lw.db" "select count(*) from sample where time_ms > $(( $(date +%s%3N) - 3000 ))")
check "acquisition went on meanwhile ($recent readings in the last 3 s)" test "$recent" -gt 10
sleep 1
check_eq "the flaky program told it once" 1 \
	"$(grep -c 'notify flaky: sonde.ph/value raised told' "$T/lakewatchd.log")"
stop_pid "$DAEMON_PID"
