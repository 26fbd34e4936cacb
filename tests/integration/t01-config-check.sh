#!/usr/bin/env bash
# lakewatchd -n: every shipped example passes; a bad file gets every error as
# FILE:LINE: message and exit status 1; the forwarders' settings are checked
# without their secret files; a syntax error and a missing file are
# reported, never a crash.
. "$(dirname "$0")/lib.sh"

for f in "$LW_TOP"/config/*.conf; do
	[ -e "$f" ] || continue
	out=$("$LW_BIN/lakewatchd" -n -c "$f" 2>&1); rc=$?
	check_eq "$(basename "$f") passes -n" "0 configuration OK" "$rc $out"
done

cat >"$T/bad.conf" <<'CONF'
station = { id = "pp-06"; };
buses = ( { name = "rs485"; type = "rtu"; device = "/dev/null"; baud = 12345; parity = "even"; } );
devices = (
  { name = "sonde"; bus = "rs485"; unit = 300; model = "insitu-at400"; },
  { name = "level"; bus = "nowhere"; unit = 2; model = "keller-x"; colour = "blue"; },
  { name = "turb"; bus = "rs485"; unit = 3; model = "no-such-model"; }
);
CONF
out=$("$LW_BIN/lakewatchd" -n -c "$T/bad.conf" 2>&1); rc=$?
check_eq "a bad file exits 1" 1 "$rc"
check "baud error names file and line" grep -q "^$T/bad.conf:2: .*baud" <<<"$out"
check "unit range error names file and line" grep -q "^$T/bad.conf:4: .*unit" <<<"$out"
check "dangling bus is reported" grep -q "^$T/bad.conf:5: .*nowhere" <<<"$out"
check "unknown key is reported" grep -q "^$T/bad.conf:5: .*colour" <<<"$out"
check "unknown model is reported" grep -q "^$T/bad.conf:6: .*no-such-model" <<<"$out"
check_eq "every error is on its own FILE:LINE: line" 0 \
	"$(grep -cv "^$T/bad.conf:[0-9]*: " <<<"$out")"
check "no 'configuration OK' on errors" bash -c "! grep -q 'configuration OK' <<<\"\$1\"" _ "$out"

# The forwarders' secret and certificate files are not opened by -n: a file
# checks on a machine that does not hold them.
cat >"$T/forward-ok.conf" <<CONF
station = { id = "pp-06"; };
buses = ( { name = "rs485"; type = "rtu"; device = "/dev/null"; } );
devices = ( { name = "sonde"; bus = "rs485"; unit = 1; model = "insitu-at400"; } );
store = { path = "$T/lw.db"; max_size = "64MiB"; };
mqtt = { host = "127.0.0.1"; username = "pp-06"; password_file = "$T/no-such.password";
  tls = { ca_file = "$T/no-such-ca.pem"; }; };
influxdb = { url = "http://127.0.0.1:8086"; org = "lakewatch"; bucket = "poopo";
  token_file = "$T/no-such.token"; };
CONF
out=$("$LW_BIN/lakewatchd" -n -c "$T/forward-ok.conf" 2>&1); rc=$?
check_eq "mqtt and influxdb with absent secret files pass -n" "0 configuration OK" "$rc $out"

cat >"$T/forward-bad.conf" <<'CONF'
station = { id = "pp-06"; };
buses = ( { name = "rs485"; type = "rtu"; device = "/dev/null"; } );
devices = ( { name = "sonde"; bus = "rs485"; unit = 1; model = "insitu-at400"; } );
store = { max_size = 500; };
mqtt = { host = "127.0.0.1"; topic_root = "lake/+"; password_file = "mqtt.password"; };
influxdb = { url = "http://127.0.0.1:8086/write"; database = "lakewatch"; bucket = "poopo"; };
CONF
out=$("$LW_BIN/lakewatchd" -n -c "$T/forward-bad.conf" 2>&1); rc=$?
check_eq "bad forwarder settings exit 1" 1 "$rc"
check "max_size without a unit names file and line" grep -q "^$T/forward-bad.conf:4: store: max_size 500 needs a unit" <<<"$out"
check "a wildcard in topic_root is reported" grep -q "^$T/forward-bad.conf:5: mqtt: topic_root 'lake/+'" <<<"$out"
check "password_file without username is reported" grep -q "^$T/forward-bad.conf:5: mqtt: 'password_file' without 'username'" <<<"$out"
check "a url with the API path is reported" grep -q "^$T/forward-bad.conf:6: influxdb: url .* without '/write'" <<<"$out"
check "database and bucket together are reported" grep -q "^$T/forward-bad.conf:6: influxdb: 'database' is for api 'v1'" <<<"$out"
check_eq "every forwarder error is on its own FILE:LINE: line" 0 \
	"$(grep -cv "^$T/forward-bad.conf:[0-9]*: " <<<"$out")"

# Alert rules and notify programs: a program need not exist to check the
# file; a rule on a point that does not exist, a bad pattern, limits out of
# order and a relative program path are each reported on their line.
cat >"$T/alerts-ok.conf" <<CONF
station = { id = "pp-06"; };
buses = ( { name = "rs485"; type = "rtu"; device = "/dev/null"; } );
devices = ( { name = "sonde"; bus = "rs485"; unit = 1; model = "insitu-at400"; } );
store = { path = "$T/lw.db"; };
alerts = ( { point = "sonde.ph"; warn_high = 9.0; crit_high = 9.2; hold = "5m"; },
  { point = "*.turbidity"; warn_high = 100; }, { point = "*"; stale = "1h"; comm_failures = 5; } );
notify = ( { exec = "$T/no-such-program"; min_severity = "critical"; repeat = "1h"; } );
CONF
out=$("$LW_BIN/lakewatchd" -n -c "$T/alerts-ok.conf" 2>&1); rc=$?
check_eq "alerts and a notify program that does not exist pass -n" "0 configuration OK" "$rc $out"

cat >"$T/alerts-bad.conf" <<'CONF'
station = { id = "pp-06"; };
buses = ( { name = "rs485"; type = "rtu"; device = "/dev/null"; } );
devices = ( { name = "sonde"; bus = "rs485"; unit = 1; model = "insitu-at400"; } );
alerts = (
  { point = "sonde.phh"; warn_high = 9.0; },
  { point = "son*.ph"; warn_high = 9.0; },
  { point = "sonde.ph"; warn_high = 9.2; crit_high = 9.0; }
);
notify = ( { exec = "lakewatch-sms"; } );
CONF
out=$("$LW_BIN/lakewatchd" -n -c "$T/alerts-bad.conf" 2>&1); rc=$?
check_eq "bad alerts exit 1" 1 "$rc"
check "a rule on a missing point names the device's points" \
	grep -q "^$T/alerts-bad.conf:5: alert 'sonde.phh': device 'sonde' has no point 'phh' (model 'insitu-at400': .*ph, ph_mv" <<<"$out"
check "a '*' inside a name is reported" grep -q "^$T/alerts-bad.conf:6: alert #2: point 'son\*.ph'" <<<"$out"
check "limits out of order are reported" grep -q "^$T/alerts-bad.conf:7: alert 'sonde.ph': warn_high 9.2 is not below crit_high 9" <<<"$out"
check "a relative notify program is reported" grep -q "^$T/alerts-bad.conf:9: notify #1: exec 'lakewatch-sms' must be an absolute path" <<<"$out"
check_eq "every alert error is on its own FILE:LINE: line" 0 \
	"$(grep -cv "^$T/alerts-bad.conf:[0-9]*: " <<<"$out")"

printf 'station = { id = "x" \n buses = ( ;\n' >"$T/syntax.conf"
out=$("$LW_BIN/lakewatchd" -n -c "$T/syntax.conf" 2>&1); rc=$?
check_eq "a syntax error exits 1" 1 "$rc"
check "a syntax error names file and line" grep -q "^$T/syntax.conf:[0-9]*: " <<<"$out"

printf '@include "missing.conf"\n' >"$T/include.conf"
out=$("$LW_BIN/lakewatchd" -n -c "$T/include.conf" 2>&1); rc=$?
check_eq "a missing @include exits 1" 1 "$rc"
check "a missing @include is named" grep -q "missing.conf" <<<"$out"

out=$("$LW_BIN/lakewatchd" -n -c "$T/none.conf" 2>&1); rc=$?
check_eq "a missing file exits 1" 1 "$rc"
check "a missing file is named" grep -q "none.conf" <<<"$out"

out=$("$LW_BIN/lakewatchd" --bogus 2>&1); rc=$?
check_eq "an unknown flag exits 2" 2 "$rc"
out=$("$LW_BIN/lakewatchd" -V 2>&1); rc=$?
check "-V prints the version" grep -q "^lakewatchd [0-9]" <<<"$out"
