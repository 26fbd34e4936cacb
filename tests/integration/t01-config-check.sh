#!/usr/bin/env bash
# lakewatchd -n: every shipped example passes; a bad file gets every error as
# FILE:LINE: message and exit status 1; a syntax error and a missing file are
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
