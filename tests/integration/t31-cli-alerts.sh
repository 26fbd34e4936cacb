#!/usr/bin/env bash
# lakewatch alerts, events, ack and maintenance.  lakewatchd creates the
# store, polling lakewatch-sim; known alert states, journal events and
# maintenance are then written with sqlite3, and `alerts` (table, csv, json)
# and `events` are checked exactly: active alerts critical first, ok ones
# only with --all, values exact in json, a missing value "-" / null and
# never 0, acknowledgements with who, when and why, tables within 80
# columns, other stations' events and those outside the range left out.
# ack and maintenance check their names against the configuration; with no
# daemon running they fail with "the daemon is not running" (exit 1); against
# a stand-in daemon (socat on the control socket) the request sent and the
# reply printed are checked.  Wrong usage exits 2.
. "$(dirname "$0")/lib.sh"

LW=$LW_BIN/lakewatch

# conf FILE PORT: station pp-test; a sonde (pH, temperature), a level gauge
# and a device that is down.
conf() {
	cat >"$1" <<CONF
station = { id = "pp-test"; name = "CLI alerts test station"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "300ms"; } );
devices = (
  { name = "sonde"; bus = "lan"; unit = 1; model = "generic"; interval = "200ms";
    points = ( { name = "ph"; unit = "[pH]"; register = "input"; address = 0; type = "f32"; },
               { name = "temperature"; unit = "Cel"; register = "input"; address = 2; type = "f32"; } ); },
  { name = "level"; bus = "lan"; unit = 2; model = "generic"; interval = "200ms";
    points = ( { name = "depth"; unit = "m"; register = "input"; address = 0; type = "f32"; } ); },
  { name = "ghost"; bus = "lan"; unit = 3; model = "generic"; interval = "200ms";
    points = ( { name = "depth"; unit = "m"; register = "input"; address = 0; type = "f32"; } ); }
);
store = { path = "$T/lw.db"; commit_interval = "100ms"; };
control = { socket = "$T/control.sock"; };
CONF
}

# run ARGS...: lakewatch -c lw.conf ARGS; sets out, err, rc.
run() {
	out=$("$LW" -c "$T/lw.conf" "$@" 2>"$T/err"); rc=$?
	err=$(cat "$T/err")
}

conf "$T/sim.conf" 1
start_sim sim "$T/sim.conf" --listen lan=0 --fault ghost=down || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan"

# --- The store: made by the daemon, then alerts written into it. ---
start_daemon lakewatchd "$T/lw.conf"
have_readings() { [ "$(sql "$T/lw.db" "select count(*) from readings" 2>/dev/null)" -ge 3 ]; }
check "lakewatchd makes the store" wait_for 15 have_readings
stop_pid "$DAEMON_PID"
lw_forget "$DAEMON_PID"
stop_pid "$SIM_PID"
lw_forget "$SIM_PID"

# Times from 2025-03-01T12:00:00Z = 1740830400000 ms.
sql "$T/lw.db" "
DELETE FROM alert_state; DELETE FROM alert_event; DELETE FROM maintenance;
INSERT INTO alert_state (id, device, point, kind, severity, since_ms, value, limit_value,
    message, acked_by, acked_ms, note, seq) VALUES
  ('sonde.ph/value', 'sonde', 'ph', 'value', 'warning', 1740830405000, 9.05, 9.0,
    'pH 9.05 above its warning limit 9', NULL, NULL, NULL, 1),
  ('level.depth/value', 'level', 'depth', 'value', 'critical', 1740830460250, 0.25, 0.3,
    'depth 0.25 m below its critical limit 0.3 m', 'alice', 1740830700000,
    'diver \"Juan\" on site, Poopó', 3),
  ('ghost/comm', 'ghost', NULL, 'comm', 'critical', 1740830400000, NULL, NULL,
    'no answer for 3 polls in a row', NULL, NULL, NULL, 4),
  ('level.depth/stale', 'level', 'depth', 'stale', 'unknown', 1740830520000, NULL, NULL, '',
    NULL, NULL, NULL, 5),
  ('sonde.temperature/value', 'sonde', 'temperature', 'value', 'ok', 1740830400000, 14.5,
    NULL, '', NULL, NULL, NULL, 0),
  ('sonde.temperature/flatline', 'sonde', 'temperature', 'flatline', 'ok', 1740830400000,
    NULL, NULL, '', 'bob', 1740920400000, 'known', 7);
INSERT INTO alert_event (time_ms, station, device, point, kind, severity, transition, value,
    limit_value, message, previous, acked_by, note) VALUES
  (1740830405000, 'pp-test', 'sonde', 'ph', 'value', 'warning', 'raised', 9.05, 9.0,
    'pH 9.05 above its warning limit 9', 'ok', NULL, NULL),
  (1740830430000, 'pp-old', 'sonde', 'ph', 'value', 'critical', 'raised', 9.3, 9.2,
    'another station', 'ok', NULL, NULL),
  (1740830460250, 'pp-test', 'level', 'depth', 'value', 'critical', 'raised', 0.25, 0.3,
    'depth 0.25 m below its critical limit 0.3 m', 'ok', NULL, NULL),
  (1740830700000, 'pp-test', 'level', 'depth', 'value', 'critical', 'acknowledged', NULL,
    NULL, '', 'critical', 'alice', 'diver \"Juan\" on site, Poopó'),
  (1740834000000, 'pp-test', 'sonde', 'ph', 'value', 'ok', 'cleared', 8.9, NULL,
    'pH back to normal', 'warning', NULL, NULL),
  (1740916800000, 'pp-test', 'sonde', 'ph', 'value', 'warning', 'raised', 9.1, 9.0,
    'the next day', 'ok', NULL, NULL),
  (1740920400000, 'pp-test', 'sonde', 'temperature', 'flatline', 'warning', 'acknowledged',
    14.5, NULL, 'temperature unchanged for 3h', 'warning', 'bob', 'known');
INSERT INTO maintenance (device, until_ms, set_by) VALUES
  ('ghost', 9223372036854775807, 'bob'), ('sonde', 1000, 'carol');" >/dev/null
check_eq "the fixture is in the store" "6 7" \
	"$(sql "$T/lw.db" "select count(*) from alert_state") $(sql "$T/lw.db" "select count(*) from alert_event")"

# --- alerts ---
run alerts
want="ALERT             SEVERITY SINCE                VALUE LIMIT ACKNOWLEDGED
ghost/comm        critical 2025-03-01T12:00:00Z     -     - -
    no answer for 3 polls in a row
level.depth/value critical 2025-03-01T12:01:00Z  0.25   0.3 alice
    depth 0.25 m below its critical limit 0.3 m
    acknowledged at 2025-03-01T12:05:00Z: diver \"Juan\" on site, Poopó
sonde.ph/value    warning  2025-03-01T12:00:05Z  9.05     9 -
    pH 9.05 above its warning limit 9
level.depth/stale unknown  2025-03-01T12:02:00Z     -     - -

maintenance: ghost until turned off (set by bob)"
check_eq "alerts: the active ones, critical first, messages and acknowledgements below" \
	"0 $want" "$rc $out"
check "the table fits 80 columns" awk 'length > 80 { exit 1 }' <<<"$out"
check "and has no trailing blanks" awk '/ $/ { exit 1 }' <<<"$out"

run alerts --all
want="ALERT                      SEVERITY SINCE                VALUE LIMIT
ghost/comm                 critical 2025-03-01T12:00:00Z     -     -
    no answer for 3 polls in a row
level.depth/value          critical 2025-03-01T12:01:00Z  0.25   0.3
    depth 0.25 m below its critical limit 0.3 m
    acknowledged by alice at 2025-03-01T12:05:00Z: diver \"Juan\" on site, Poopó
sonde.ph/value             warning  2025-03-01T12:00:05Z  9.05     9
    pH 9.05 above its warning limit 9
level.depth/stale          unknown  2025-03-01T12:02:00Z     -     -
sonde.temperature/flatline ok       2025-03-01T12:00:00Z     -     -
    acknowledged by bob at 2025-03-02T13:00:00Z: known
sonde.temperature/value    ok       2025-03-01T12:00:00Z  14.5     -

maintenance: ghost until turned off (set by bob)"
check_eq "alerts --all: ok ones too; a long name leaves who acknowledged to the line below" \
	"0 $want" "$rc $out"
check "that table fits 80 columns too" awk 'length > 80 { exit 1 }' <<<"$out"

run alerts --format json
want='[
{"alert":"ghost/comm","device":"ghost","point":null,"kind":"comm","severity":"critical","since":"2025-03-01T12:00:00.000Z","value":null,"limit":null,"acknowledged_by":null,"acknowledged_at":null,"note":null,"message":"no answer for 3 polls in a row"},
{"alert":"level.depth/value","device":"level","point":"depth","kind":"value","severity":"critical","since":"2025-03-01T12:01:00.250Z","value":0.25,"limit":0.3,"acknowledged_by":"alice","acknowledged_at":"2025-03-01T12:05:00.000Z","note":"diver \"Juan\" on site, Poopó","message":"depth 0.25 m below its critical limit 0.3 m"},
{"alert":"sonde.ph/value","device":"sonde","point":"ph","kind":"value","severity":"warning","since":"2025-03-01T12:00:05.000Z","value":9.05,"limit":9,"acknowledged_by":null,"acknowledged_at":null,"note":null,"message":"pH 9.05 above its warning limit 9"},
{"alert":"level.depth/stale","device":"level","point":"depth","kind":"stale","severity":"unknown","since":"2025-03-01T12:02:00.000Z","value":null,"limit":null,"acknowledged_by":null,"acknowledged_at":null,"note":null,"message":""}
]'
check_eq "alerts json: an array of objects, missing as null" "0 $want" "$rc $out"

run alerts --all --format csv
check_eq "alerts --all csv: a header and 6 alerts" "0 7" "$rc $(wc -l <<<"$out")"
check "the ok one is there, with its value" grep -qx \
	'sonde.temperature/value,sonde,temperature,value,ok,2025-03-01T12:00:00.000Z,14.5,,,,,' <<<"$out"
check_eq "csv has a header" "alert,device,point,kind,severity,since,value,limit,acknowledged_by,acknowledged_at,note,message" \
	"$(head -n1 <<<"$out")"

# One short alert: its message fits beside it.
sql "$T/lw.db" "DELETE FROM alert_state WHERE id <> 'ghost/comm';
UPDATE alert_state SET message = 'silent' WHERE id = 'ghost/comm';"
run alerts
want="ALERT      SEVERITY SINCE                VALUE LIMIT ACKNOWLEDGED MESSAGE
ghost/comm critical 2025-03-01T12:00:00Z     -     - -            silent

maintenance: ghost until turned off (set by bob)"
check_eq "alerts: a message that fits is a column" "0 $want" "$rc $out"
sql "$T/lw.db" "DELETE FROM alert_state; DELETE FROM maintenance;"
run alerts
check_eq "no alerts: said so, exit 0" "0 no active alerts" "$rc $out"
run alerts --format json
check_eq "and [] in json" "0 []" "$rc $out"

# --- events ---
run events --from 2025-03-01 --to 2025-03-02
want="TIME                 ALERT             TRANSITION   SEVERITY VALUE LIMIT
2025-03-01T12:00:05Z sonde.ph/value    raised       warning   9.05     9
    pH 9.05 above its warning limit 9
2025-03-01T12:01:00Z level.depth/value raised       critical  0.25   0.3
    depth 0.25 m below its critical limit 0.3 m
2025-03-01T12:05:00Z level.depth/value acknowledged critical     -     -
    by alice: diver \"Juan\" on site, Poopó
2025-03-01T13:00:00Z sonde.ph/value    cleared      ok         8.9     -
    pH back to normal"
check_eq "events: the station's transitions in the range, in order" "0 $want" "$rc $out"
check "the table fits 80 columns" awk 'length > 80 { exit 1 }' <<<"$out"

run events --from 2025-03-01 --to 2025-03-03 --format csv
check_eq "events csv: the next day too, not the other station" "0 time,alert,device,point,kind,transition,from,severity,value,limit,message,by,note
2025-03-01T12:00:05.000Z,sonde.ph/value,sonde,ph,value,raised,ok,warning,9.05,9,pH 9.05 above its warning limit 9,,
2025-03-01T12:01:00.250Z,level.depth/value,level,depth,value,raised,ok,critical,0.25,0.3,depth 0.25 m below its critical limit 0.3 m,,
2025-03-01T12:05:00.000Z,level.depth/value,level,depth,value,acknowledged,critical,critical,,,,alice,\"diver \"\"Juan\"\" on site, Poopó\"
2025-03-01T13:00:00.000Z,sonde.ph/value,sonde,ph,value,cleared,warning,ok,8.9,,pH back to normal,,
2025-03-02T12:00:00.000Z,sonde.ph/value,sonde,ph,value,raised,ok,warning,9.1,9,the next day,,
2025-03-02T13:00:00.000Z,sonde.temperature/flatline,sonde,temperature,flatline,acknowledged,warning,warning,14.5,,temperature unchanged for 3h,bob,known" "$rc $out"

run events --from 2025-03-02 --to 2025-03-03
want="TIME                 ALERT                      TRANSITION   SEVERITY
2025-03-02T12:00:00Z sonde.ph/value             raised       warning
    value 9.1, limit 9
    the next day
2025-03-02T13:00:00Z sonde.temperature/flatline acknowledged warning
    value 14.5, limit -
    temperature unchanged for 3h
    by bob: known"
check_eq "events: a long name leaves value and limit to the lines below" "0 $want" "$rc $out"
check "that table fits 80 columns" awk 'length > 80 { exit 1 }' <<<"$out"

run events --from 2025-03-01T12:01:00Z --to 2025-03-01T12:05:00Z --format json
check_eq "events json; --from included, --to not" '0 [
{"time":"2025-03-01T12:01:00.250Z","alert":"level.depth/value","device":"level","point":"depth","kind":"value","transition":"raised","from":"ok","severity":"critical","value":0.25,"limit":0.3,"message":"depth 0.25 m below its critical limit 0.3 m","by":null,"note":null}
]' "$rc $out"

run events
check_eq "events of the last 24 hours: none here" "0 1" "$rc $(grep -c '^no alert events from ' <<<"$out")"
run events --from 2024-01-01 --to 2024-01-02 --format json
check_eq "an empty range in json is []" "0 []" "$rc $out"

# --- mistakes, alerts and events ---
run alerts --format xml
check_eq "alerts: an unknown format exits 1" "1 1" "$rc $(grep -c "xml" <<<"$err")"
run alerts extra
check_eq "alerts: an argument is wrong usage (2)" 2 "$rc"
run alerts --bogus
check_eq "alerts: an unknown option is wrong usage (2)" "2 1" "$rc $(grep -c -- "--bogus" <<<"$err")"
run events --from yesterday
check_eq "events: a bad time exits 1" "1 1" "$rc $(grep -c -- "--from 'yesterday'" <<<"$err")"
run events --from 2025-03-02 --to 2025-03-01
check_eq "events: --from after --to exits 1" 1 "$rc"
run events sonde
check_eq "events: an argument is wrong usage (2)" 2 "$rc"

# --- ack and maintenance with no daemon running ---
run ack level.depth/value
check_eq "ack with no daemon exits 1" 1 "$rc"
check "and says the daemon is not running, naming the socket" \
	grep -q "ack: the daemon is not running (no socket at $T/control.sock)" <<<"$err"
run maintenance sonde on --for 2h
check_eq "maintenance with no daemon exits 1" 1 "$rc"
check "and says so" grep -q "maintenance: the daemon is not running (no socket at $T/control.sock)" <<<"$err"
# A socket file left by a daemon that is gone.
bg stale socat "UNIX-LISTEN:$T/control.sock" /dev/null
wait_for 5 test -S "$T/control.sock"
kill -KILL "$LAST_PID"
wait "$LAST_PID" 2>/dev/null
lw_forget "$LAST_PID"
run ack sonde
check_eq "a stale socket: exit 1" 1 "$rc"
check "the daemon is not running (the socket is left from an earlier run)" \
	grep -q "ack: the daemon is not running ($T/control.sock is left from an earlier run)" <<<"$err"
rm -f "$T/control.sock"

# --- ack and maintenance: names checked first ---
run ack nope.depth/value
check_eq "ack of an unknown device exits 1" "1 1" "$rc $(grep -c "no device 'nope'" <<<"$err")"
run ack level.nope
check_eq "ack of an unknown point exits 1" "1 1" "$rc $(grep -c "unknown point 'level.nope'" <<<"$err")"
run ack nope
check_eq "ack of an unknown device alone exits 1" "1 1" \
	"$rc $(grep -c "unknown device 'nope' (devices: sonde, level, ghost)" <<<"$err")"
run ack sonde.ph/bogus
check_eq "ack of an unknown kind exits 1" "1 1" "$rc $(grep -c "kinds: value, rate, stale, flatline, comm" <<<"$err")"
run ack sonde.ph/comm
check_eq "a comm alert is a device's" "1 1" "$rc $(grep -c "write sonde/comm" <<<"$err")"
run ack sonde/value
check_eq "a value alert is a point's" "1 1" "$rc $(grep -c "write DEVICE.POINT/value" <<<"$err")"
run ack sonde.ph/value/x
check_eq "a name that is no alert exits 1" "1 1" "$rc $(grep -c "is not an alert" <<<"$err")"
run ack sonde.ph --note "$(printf 'two\nlines')"
check_eq "a note of two lines exits 1" "1 1" "$rc $(grep -c "one line" <<<"$err")"
run ack sonde.ph --note "$(head -c 300 /dev/zero | tr '\0' x)"
check_eq "a note too long exits 1" "1 1" "$rc $(grep -c "at most 255" <<<"$err")"
run maintenance nope on
check_eq "maintenance of an unknown device exits 1" "1 1" \
	"$rc $(grep -c "unknown device 'nope' (devices: sonde, level, ghost)" <<<"$err")"
run maintenance sonde on --for 2x
check_eq "a bad duration exits 1" "1 1" "$rc $(grep -c -- "--for '2x': not a duration" <<<"$err")"
run maintenance sonde on --for 0s
check_eq "a zero duration exits 1" 1 "$rc"
run ack
check_eq "ack without ALERT is wrong usage (2)" "2 1" "$rc $(grep -c "name the ALERT" <<<"$err")"
run ack sonde level
check_eq "ack of two is wrong usage (2)" 2 "$rc"
run ack sonde --bogus
check_eq "ack with an unknown option is wrong usage (2)" 2 "$rc"
run ack sonde --note
check_eq "--note without its text is wrong usage (2)" "2 1" "$rc $(grep -c "needs a value" <<<"$err")"
run maintenance sonde
check_eq "maintenance without on|off is wrong usage (2)" 2 "$rc"
run maintenance
check_eq "maintenance without a device is wrong usage (2)" 2 "$rc"
run maintenance sonde maybe
check_eq "maintenance neither on nor off is wrong usage (2)" "2 1" "$rc $(grep -c "say on or off, not 'maybe'" <<<"$err")"
run maintenance sonde off --for 2h
check_eq "--for with off is wrong usage (2)" "2 1" "$rc $(grep -c -- "--for goes with on" <<<"$err")"
run maintenance sonde on extra
check_eq "an extra argument is wrong usage (2)" 2 "$rc"

# --- against a stand-in daemon: the request sent, the reply printed ---
cat >"$T/fake.sh" <<'FAKE'
#!/usr/bin/env bash
IFS= read -r line
printf '%s\n' "$line" >>"$REQUESTS"
case $line in
*'"state":"off"'*) printf '%s\n' '{"ok":false,"error":"sonde is not in maintenance"}' ;;
*'"cmd":"maintenance"'*) printf '%s\n' '{"ok":true,"message":"sonde in maintenance for 2h"}' ;;
*'"alert":"ghost/comm"'*) printf '%s\n' 'this is not JSON' ;;
*) printf '%s\n' '{"ok":true,"message":"acknowledged level.depth/value"}' ;;
esac
FAKE
chmod +x "$T/fake.sh"
REQUESTS=$T/requests bg fake socat "UNIX-LISTEN:$T/control.sock,fork" "EXEC:$T/fake.sh"
check "a stand-in daemon listens" wait_for 5 test -S "$T/control.sock"

run ack level.depth/value --note 'diver "Juan" on site, Poopó'
check_eq "ack: the daemon's message, exit 0" "0 acknowledged level.depth/value" "$rc $out"
check_eq "the request: one line of JSON, the note escaped" \
	'{"cmd":"ack","alert":"level.depth/value","note":"diver \"Juan\" on site, Poopó"}' \
	"$(tail -n1 "$T/requests")"
run ack level
check_eq "ack DEVICE: no note" '0 {"cmd":"ack","alert":"level"}' "$rc $(tail -n1 "$T/requests")"
run ack ghost/comm
check_eq "a reply that is not JSON exits 1" "1 1" "$rc $(grep -c "reply is not understood" <<<"$err")"
run maintenance sonde on --for 2h
check_eq "maintenance on: the daemon's message, exit 0" "0 sonde in maintenance for 2h" "$rc $out"
check_eq "the request" '{"cmd":"maintenance","device":"sonde","state":"on","for":"2h"}' \
	"$(tail -n1 "$T/requests")"
run maintenance sonde off
check_eq "a refusal exits 1 with the daemon's reason" "1 lakewatch: maintenance: sonde is not in maintenance" "$rc $err"
check_eq "the request, without for" '{"cmd":"maintenance","device":"sonde","state":"off"}' \
	"$(tail -n1 "$T/requests")"
check_eq "names were checked before anything was sent" 5 "$(wc -l <"$T/requests")"

# --- help ---
for c in alerts events ack maintenance; do
	out=$("$LW" -c "$T/none.conf" $c -h 2>&1); rc=$?
	check_eq "$c -h: usage on stdout, exit 0, no configuration needed" "0 1" \
		"$rc $(grep -c "^usage: lakewatch \[-c FILE\] $c" <<<"$out")"
done
out=$("$LW" --help 2>&1); rc=$?
check_eq "--help lists the new commands" "0 4" "$rc $(grep -cE '^  (alerts|events|ack|maintenance) ' <<<"$out")"
check "and fits 80 columns" awk 'length > 80 { exit 1 }' <<<"$out"
