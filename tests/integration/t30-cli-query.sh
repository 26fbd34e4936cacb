#!/usr/bin/env bash
# lakewatch query, export and read.  lakewatchd creates the store, polling
# lakewatch-sim, where device "ghost" is down, so the daemon journals its
# missing readings; known readings are then added with sqlite3, and every
# output format is checked exactly: values exact in CSV and JSON, a missing
# value empty / "-" / null and never 0, aggregates over good and suspect
# values only.  The mistakes people make (unknown point or device, --from
# after --to, a bad time, a bad configuration) exit 1 and name the problem;
# wrong usage exits 2.  `read` polls the simulator through the driver.
. "$(dirname "$0")/lib.sh"

LW=$LW_BIN/lakewatch

# conf FILE PORT: station pp-test, two keller-x (pressure, temperature,
# conductivity) on a TCP bus.
conf() {
	cat >"$1" <<CONF
station = { id = "pp-test"; name = "CLI test station"; };
buses = ( { name = "lan"; type = "tcp"; host = "127.0.0.1"; port = $2; timeout = "300ms"; } );
devices = ( { name = "level"; bus = "lan"; unit = 2; model = "keller-x"; interval = "200ms"; },
            { name = "ghost"; bus = "lan"; unit = 3; model = "keller-x"; interval = "200ms"; } );
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
start_sim sim "$T/sim.conf" --listen lan=0 --set level.pressure=0.25 --set level.temperature=11.5 \
	--set level.conductivity=45.125 --fault ghost=down || exit 1
conf "$T/lw.conf" "$SIM_PORT_lan"

# --- The store: made by the daemon. ---
start_daemon lakewatchd "$T/lw.conf"
have_missing() { [ "$(sql "$T/lw.db" "select count(*) from readings where device='ghost' and quality='missing'" 2>/dev/null)" -ge 6 ]; }
check "lakewatchd journals missing readings of a device that is down" wait_for 15 have_missing
stop_pid "$DAEMON_PID"

# Known readings, 2025-03-01 from 12:00Z (1740830400000 ms), a point that is
# no longer configured, and another station's reading.  Quality codes:
# 0 good, 1 suspect, 2 bad, 3 missing, 4 maintenance.
sql "$T/lw.db" "
INSERT OR IGNORE INTO series (station, device, point, unit) VALUES
  ('pp-test', 'level', 'pressure', 'bar'), ('pp-test', 'level', 'temperature', 'Cel'),
  ('pp-test', 'level', 'conductivity', 'mS/cm'), ('pp-test', 'level', 'salinity', 'PSU'),
  ('pp-old', 'level', 'pressure', 'bar');
WITH f (t, st, p, v, q) AS (VALUES
  (0, 'pp-test', 'pressure', 0.25, 0),
  (0, 'pp-test', 'temperature', 14.5, 0),
  (0, 'pp-test', 'conductivity', 0.1 + 0.2, 0),
  (0, 'pp-test', 'salinity', 45.5, 1),
  (0, 'pp-old', 'pressure', 9.75, 0),
  (30000, 'pp-test', 'pressure', NULL, 3),
  (30000, 'pp-test', 'temperature', 14.75, 1),
  (60000, 'pp-test', 'pressure', 0.375, 0),
  (60000, 'pp-test', 'temperature', 99.5, 2),
  (90500, 'pp-test', 'pressure', 0.5, 4),
  (3600000, 'pp-test', 'pressure', 0.125, 0),
  (7200000, 'pp-test', 'pressure', NULL, 3))
INSERT INTO sample (time_ms, series, value, quality)
  SELECT 1740830400000 + t, (SELECT id FROM series WHERE station = st AND device = 'level'
    AND point = p), v, q FROM f;" >/dev/null
check_eq "the fixture is in the store" 11 \
	"$(sql "$T/lw.db" "select count(*) from readings where station='pp-test' and time like '2025-03-01T%'")"

# --- query: raw rows in each format ---
H=2025-03-01T12:00:00Z
run query level.pressure --from $H --to 2025-03-01T14:00:00Z --format csv
check_eq "query csv: exact rows, missing empty, --to excluded" "0 time,point,value,unit,quality
2025-03-01T12:00:00.000Z,level.pressure,0.25,bar,good
2025-03-01T12:00:30.000Z,level.pressure,,bar,missing
2025-03-01T12:01:00.000Z,level.pressure,0.375,bar,good
2025-03-01T12:01:30.500Z,level.pressure,0.5,bar,maintenance
2025-03-01T13:00:00.000Z,level.pressure,0.125,bar,good" "$rc $out"

run query level.pressure --from $H --to 2025-03-01T12:01:00Z
want=$(printf '%-24s %-14s %12s %-4s %s\n' TIME POINT VALUE UNIT QUALITY \
	2025-03-01T12:00:00.000Z level.pressure 0.25 bar good \
	2025-03-01T12:00:30.000Z level.pressure - bar missing)
check_eq "query table (the default): aligned, missing as -" "0 $want" "$rc $out"
check "the table fits 80 columns" awk 'length > 80 { exit 1 }' <<<"$out"

run query level.pressure --from $H --to 2025-03-01T12:01:00Z --format json
check_eq "query json: an array of objects, missing as null" '0 [
{"time":"2025-03-01T12:00:00.000Z","point":"level.pressure","value":0.25,"unit":"bar","quality":"good"},
{"time":"2025-03-01T12:00:30.000Z","point":"level.pressure","value":null,"unit":"bar","quality":"missing"}
]' "$rc $out"

run query level.temperature level.conductivity level.pressure --from $H --to 2025-03-01T12:00:31Z --format csv
check_eq "several points: by time, then point; values exact" "0 time,point,value,unit,quality
2025-03-01T12:00:00.000Z,level.conductivity,0.30000000000000004,mS/cm,good
2025-03-01T12:00:00.000Z,level.pressure,0.25,bar,good
2025-03-01T12:00:00.000Z,level.temperature,14.5,Cel,good
2025-03-01T12:00:30.000Z,level.pressure,,bar,missing
2025-03-01T12:00:30.000Z,level.temperature,14.75,Cel,suspect" "$rc $out"

run query level.conductivity --from $H --to 2025-03-01T12:00:01Z
check "a table rounds to 7 digits (0.3)" grep -Eq '^2025-03-01T12:00:00\.000Z level\.conductivity +0\.3 mS/cm +good$' <<<"$out"

run query level.pressure --from 2025-03-01T08:00:00-04:00 --to 2025-03-01T08:01:00-04:00 --format csv
check_eq "times with an offset (Bolivia, -04:00)" "0 3" "$rc $(wc -l <<<"$out")"
run query level.pressure --from 2025-03-01 --to 2025-03-02 --format csv
check_eq "date-only times are midnight UTC" "0 7" "$rc $(wc -l <<<"$out")"
run query level.pressure --from 2025-03-01 --to=2025-03-01T12:00:00.001Z --format=csv
check_eq "--opt=value forms and a millisecond --to" "0 2" "$rc $(wc -l <<<"$out")"
run query level.pressure --from 2024-01-01 --to 2024-01-02
check_eq "an empty range: only the header" "0 $(printf '%-24s %-14s %12s %-4s %s' TIME POINT VALUE UNIT QUALITY)" "$rc $out"
check "and a note on stderr" grep -q "no readings" <<<"$err"
run query level.pressure --from 2024-01-01 --to 2024-01-02 --format json
check_eq "an empty range in json is []" "0 []" "$rc $out"

# The daemon's own readings of the device that is down: missing, never 0.
run query ghost.pressure --from -1h --format csv
n=$(grep -c '^[0-9T:.Z-]*,ghost\.pressure,,bar,missing$' <<<"$out")
check "recent readings (--from -1h, --to now) are the daemon's missing ones" \
	test "$rc" = 0 -a "$n" -ge 2 -a "$n" = "$(($(wc -l <<<"$out") - 1))"
run query ghost.pressure --from -1h
check "in a table they show '-', never 0" grep -Eq '^[0-9T:.Z-]+ ghost\.pressure +- bar +missing$' <<<"$out"
check_eq "and nothing else" 0 "$(grep -v -- ' - bar  *missing$' <<<"$out" | grep -vc '^TIME')"

# --- query: aggregates ---
run query level.pressure --from $H --to 2025-03-01T15:00:00Z --every 1h --format csv
check_eq "hourly mean,min,max,count of good and suspect values only" "0 time,point,mean,min,max,count,unit
2025-03-01T12:00:00.000Z,level.pressure,0.3125,0.25,0.375,2,bar
2025-03-01T13:00:00.000Z,level.pressure,0.125,0.125,0.125,1,bar
2025-03-01T14:00:00.000Z,level.pressure,,,,0,bar" "$rc $out"

run query level.pressure --from $H --to 2025-03-01T15:00:00Z --every 1h --agg max,count --quality --format csv
check_eq "--agg picks and orders the columns, --quality counts each quality" "0 time,point,max,count,unit,n_good,n_suspect,n_bad,n_missing,n_maintenance
2025-03-01T12:00:00.000Z,level.pressure,0.375,2,bar,2,0,0,1,1
2025-03-01T13:00:00.000Z,level.pressure,0.125,1,bar,1,0,0,0,0
2025-03-01T14:00:00.000Z,level.pressure,,0,bar,0,0,0,1,0" "$rc $out"

run query level.temperature --from $H --to 2025-03-01T13:00:00Z --every 1h --format json
check_eq "aggregates in json: suspect counts, bad does not" '0 [
{"time":"2025-03-01T12:00:00.000Z","point":"level.temperature","mean":14.625,"min":14.5,"max":14.75,"count":2,"unit":"Cel"}
]' "$rc $out"

run query level.pressure --from 2025-03-01T12:00:30Z --to 2025-03-01T14:30:00Z --every 1h --agg mean,count
want=$(printf '%-24s %-14s %12s %6s %s\n' TIME POINT MEAN COUNT UNIT \
	2025-03-01T12:00:00.000Z level.pressure 0.375 1 bar \
	2025-03-01T13:00:00.000Z level.pressure 0.125 1 bar \
	2025-03-01T14:00:00.000Z level.pressure - 0 bar)
check_eq "aggregate table; buckets aligned to the hour, cut to the range" "0 $want" "$rc $out"

run query level.pressure --from $H --to 2025-03-02 --every 1d --agg count --format csv
check_eq "a daily bucket" "0 time,point,count,unit
2025-03-01T00:00:00.000Z,level.pressure,3,bar" "$rc $out"

# --- query: mistakes ---
run query level.nope --from $H
check_eq "an unknown point exits 1" 1 "$rc"
check "and names it and the device's points" grep -q "unknown point 'level.nope'.*pressure, temperature, conductivity" <<<"$err"
run query sonde.ph
check_eq "an unknown device exits 1" 1 "$rc"
check "and lists the devices" grep -q "no device 'sonde' (devices: level, ghost)" <<<"$err"
run query level.salinity
check_eq "a point no longer configured cannot be queried" 1 "$rc"
run query pressure
check "a name without a device says DEVICE.POINT" grep -q "DEVICE.POINT" <<<"$err"
run query level.pressure --from 2025-03-02T00:00:00Z --to 2025-03-01T00:00:00Z
check_eq "--from after --to exits 1" 1 "$rc"
check "and says so" grep -q -- "--from (2025-03-02T00:00:00.000Z) must be before --to (2025-03-01T00:00:00.000Z)" <<<"$err"
run query level.pressure --from $H --to $H
check_eq "--from equal to --to exits 1" 1 "$rc"
run query level.pressure --from 2025-02-30
check_eq "a bad date exits 1" 1 "$rc"
check "and names it and the problem" grep -q -- "--from '2025-02-30': day out of range" <<<"$err"
run query level.pressure --from 2025-03-01T12:00:00
check "a time without a zone is refused, not guessed" grep -q "needs a zone" <<<"$err"
run query level.pressure --to yesterday
check_eq "a word that is not a time exits 1" "1 1" "$rc $(grep -c -- "--to 'yesterday'" <<<"$err")"
run query level.pressure --format xml
check_eq "an unknown format exits 1" "1 1" "$rc $(grep -c "xml" <<<"$err")"
run query level.pressure --every 0s
check_eq "--every 0s exits 1" 1 "$rc"
run query level.pressure --every 1h --agg median
check_eq "an unknown aggregate exits 1" "1 1" "$rc $(grep -c "median" <<<"$err")"
run query level.pressure --agg mean
check_eq "--agg without --every is wrong usage (2)" 2 "$rc"
run query
check_eq "query without a point is wrong usage (2)" 2 "$rc"
run query level.pressure --bogus
check_eq "an unknown option is wrong usage (2)" "2 1" "$rc $(grep -c -- "--bogus" <<<"$err")"
run query level.pressure --from
check_eq "an option without its value is wrong usage (2)" "2 1" "$rc $(grep -c "needs a value" <<<"$err")"

# --- export ---
run export --from 2025-03-01 --to 2025-03-02
check_eq "export: the station's readings, all points, by time then point" "0 time,station,device,point,value,unit,quality
2025-03-01T12:00:00.000Z,pp-test,level,conductivity,0.30000000000000004,mS/cm,good
2025-03-01T12:00:00.000Z,pp-test,level,pressure,0.25,bar,good
2025-03-01T12:00:00.000Z,pp-test,level,salinity,45.5,PSU,suspect
2025-03-01T12:00:00.000Z,pp-test,level,temperature,14.5,Cel,good
2025-03-01T12:00:30.000Z,pp-test,level,pressure,,bar,missing
2025-03-01T12:00:30.000Z,pp-test,level,temperature,14.75,Cel,suspect
2025-03-01T12:01:00.000Z,pp-test,level,pressure,0.375,bar,good
2025-03-01T12:01:00.000Z,pp-test,level,temperature,99.5,Cel,bad
2025-03-01T12:01:30.500Z,pp-test,level,pressure,0.5,bar,maintenance
2025-03-01T13:00:00.000Z,pp-test,level,pressure,0.125,bar,good
2025-03-01T14:00:00.000Z,pp-test,level,pressure,,bar,missing" "$rc $out"

run export --from $H --to 2025-03-01T12:01:00Z --point level.temperature --point level.pressure -o "$T/out.csv"
check_eq "export -o writes the file, nothing on stdout" "0 " "$rc $out"
check_eq "export --point: only those points" "time,station,device,point,value,unit,quality
2025-03-01T12:00:00.000Z,pp-test,level,pressure,0.25,bar,good
2025-03-01T12:00:00.000Z,pp-test,level,temperature,14.5,Cel,good
2025-03-01T12:00:30.000Z,pp-test,level,pressure,,bar,missing
2025-03-01T12:00:30.000Z,pp-test,level,temperature,14.75,Cel,suspect" "$(cat "$T/out.csv")"

run export
total=$(sql "$T/lw.db" "select count(*) from readings where station='pp-test'")
check_eq "export with no range: every reading of the station" "0 $((total + 1))" "$rc $(wc -l <<<"$out")"
check_eq "no missing reading has a value" 0 "$(awk -F, '$7 == "missing" && $5 != ""' <<<"$out" | wc -l)"
check_eq "every line has 7 fields" 0 "$(awk -F, 'NF != 7' <<<"$out" | wc -l)"

run export --point level.nope
check_eq "export of an unknown point exits 1" "1 1" "$rc $(grep -c "level.nope" <<<"$err")"
run export -o "$T/no/such/dir/x.csv"
check_eq "export to an impossible file exits 1" "1 1" "$rc $(grep -c "no/such/dir" <<<"$err")"
run export level.pressure
check_eq "a bare argument to export is wrong usage (2)" 2 "$rc"

# --- configuration and store problems, usage, help ---
out=$("$LW" -c "$T/none.conf" query level.pressure 2>&1); rc=$?
check_eq "a missing configuration exits 1" "1 1" "$rc $(grep -c "none.conf" <<<"$out")"
printf 'station = { id = "x"; };\nbuses = ( { name = "b"; type = "tcp"; port = 99999; } );\n' >"$T/bad.conf"
out=$("$LW" -c "$T/bad.conf" query level.pressure 2>&1); rc=$?
check_eq "a bad configuration exits 1" 1 "$rc"
check "with its errors as FILE:LINE: message" grep -q "^$T/bad.conf:[0-9]*: " <<<"$out"
conf "$T/nostore.conf" 1
sed -i "s|$T/lw.db|$T/nothing-here.db|" "$T/nostore.conf"
out=$("$LW" -c "$T/nostore.conf" query level.pressure 2>&1); rc=$?
check_eq "a store that does not exist yet exits 1" "1 1" "$rc $(grep -c "nothing-here.db" <<<"$out")"
check "and is not created" test ! -e "$T/nothing-here.db"
out=$("$LW" -c "$T/lw.conf" frobnicate 2>&1); rc=$?
check_eq "an unknown command is wrong usage (2)" 2 "$rc"
check "and shows the usage" grep -q "^usage: lakewatch" <<<"$out"
out=$("$LW" 2>&1); rc=$?
check_eq "no command is wrong usage (2)" 2 "$rc"
out=$("$LW" -V 2>&1); rc=$?
check "-V prints the version" grep -q "^lakewatch [0-9]" <<<"$out"
for c in query export read; do
	out=$("$LW" -c "$T/none.conf" $c -h 2>&1); rc=$?
	check_eq "$c -h: usage on stdout, exit 0, no configuration needed" "0 1" \
		"$rc $(grep -c "^usage: lakewatch \[-c FILE\] $c" <<<"$out")"
done
out=$("$LW" --help 2>&1); rc=$?
check_eq "--help lists the commands" "0 3" "$rc $(grep -cE '^  (query|export|read) ' <<<"$out")"
out=$("$LW" help query 2>&1); rc=$?
check "help query is query -h" grep -q "good or suspect" <<<"$out"

# --- read: one poll through the driver, against the simulator ---
before=$(sql "$T/lw.db" "select count(*) from sample")
out=$("$LW" -c "$T/lw.conf" read level 2>"$T/err"); rc=$?
check_eq "read exits 0 when every block was read" 0 "$rc"
check "read prints level.pressure 0.25 bar good" grep -Eq '^level\.pressure +0\.25 bar +good$' <<<"$out"
check "read prints level.temperature 11.5 Cel good" grep -Eq '^level\.temperature +11\.5 Cel +good$' <<<"$out"
check "read prints level.conductivity 45.125 mS/cm good" grep -Eq '^level\.conductivity +45\.125 mS/cm +good$' <<<"$out"
check_eq "read prints a header and one line per point" 4 "$(wc -l <<<"$out")"
out=$("$LW" -c "$T/lw.conf" read -v level 2>"$T/err"); rc=$?
check "read -v shows each Modbus transaction" grep -Eq 'read holding \(3\) [0-9]+\+[0-9]+ unit 2' "$T/err"
out=$("$LW" -c "$T/lw.conf" read ghost 2>"$T/err"); rc=$?
check_eq "read of a device that does not answer exits 1" 1 "$rc"
check_eq "its points are missing, shown as '-', never 0" 3 "$(grep -Ec '^ghost\.[a-z]+ +- [a-zA-Z/]+ +missing$' <<<"$out")"
check "and the failure is explained" grep -q "ghost: .*reads failed" "$T/err"
out=$("$LW" -c "$T/lw.conf" read sonde 2>&1); rc=$?
check_eq "read of an unknown device exits 1" 1 "$rc"
check "and lists the devices" grep -q "no device 'sonde' (devices: level, ghost)" <<<"$out"
check_eq "read stores nothing" "$before" "$(sql "$T/lw.db" "select count(*) from sample")"
stop_pid "$SIM_PID"
out=$("$LW" -c "$T/lw.conf" read level 2>"$T/err"); rc=$?
check_eq "read with the bus unreachable exits 1" 1 "$rc"
check "and says which device" grep -q "device 'level'" "$T/err"
