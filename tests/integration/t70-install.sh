#!/usr/bin/env bash
# make install into a staging root (DESTDIR) from the build the suite runs,
# without building again: the programs, the man pages, the example
# configuration with its presets and the systemd unit land where PREFIX,
# SBINDIR, BINDIR, MANDIR, SYSCONFDIR, UNITDIR and SYSUSERSDIR say, with their modes; the
# installed daemon runs, the pages render without a warning, the installed
# example checks; make uninstall removes exactly what install put there.
. "$(dirname "$0")/lib.sh"

build=$(dirname "$LW_BIN")
progs="lakewatchd lakewatch lakewatch-sim"
pages="man1/lakewatch.1 man1/lakewatch-sim.1 man5/lakewatch.conf.5 man8/lakewatchd.8"
presets=$(cd "$LW_TOP/config/presets" && ls *.conf)

# make in the source tree, with nothing of the caller's make or environment
# (flags, jobserver, install variables) but what is given here.
lw_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DESTDIR -u PREFIX -u SBINDIR -u BINDIR \
		-u MANDIR -u SYSCONFDIR -u UNITDIR -u SYSUSERSDIR make -C "$LW_TOP" -s B="$build" "$@"
}

# mode_is MODE FILE: FILE is a regular file of that mode.
mode_is() { [ -f "$2" ] && [ "$(stat -c %a "$2")" == "$1" ]; }

# Each program's size, time and inode, to see that nothing was built again.
stamps() {
	local p
	for p in $progs; do stat -c '%n %s %Y %i' "$LW_BIN/$p"; done
}

# Install must not build: with the programs up to date, it only copies them.
if ! lw_make -q all >/dev/null 2>&1; then
	not_ok "the build in $build is up to date (make install would build it again)"
	exit 1
fi
ok "the build in $build is up to date"
before=$(stamps)

# --- PREFIX=/usr, the other directories by default -------------------------
R=$T/root
out=$(lw_make install DESTDIR="$R" PREFIX=/usr 2>&1); rc=$?
check_eq "make install DESTDIR PREFIX=/usr succeeds silently" "0 " "$rc $out"
check_eq "install built nothing again" "$before" "$(stamps)"

check "lakewatchd in SBINDIR, mode 0755" mode_is 755 "$R/usr/sbin/lakewatchd"
for p in lakewatch lakewatch-sim; do
	check "$p in BINDIR, mode 0755" mode_is 755 "$R/usr/bin/$p"
done
check "the installed lakewatchd is the built one" cmp "$LW_BIN/lakewatchd" "$R/usr/sbin/lakewatchd"
check "the installed lakewatch is the built one" cmp "$LW_BIN/lakewatch" "$R/usr/bin/lakewatch"
check "the installed lakewatch-sim is the built one" cmp "$LW_BIN/lakewatch-sim" "$R/usr/bin/lakewatch-sim"
for pg in $pages; do
	check "man page $pg, mode 0644" mode_is 644 "$R/usr/share/man/$pg"
	check "man page $pg is the source's" cmp "$LW_TOP/man/${pg#*/}" "$R/usr/share/man/$pg"
done
check "example configuration, mode 0644" mode_is 644 "$R/etc/lakewatch/lakewatch.conf.example"
check "example configuration is config/lakewatch.conf" \
	cmp "$LW_TOP/config/lakewatch.conf" "$R/etc/lakewatch/lakewatch.conf.example"
for f in $presets; do
	check "preset $f, mode 0644" mode_is 644 "$R/etc/lakewatch/presets/$f"
done
check "systemd unit in UNITDIR, mode 0644" mode_is 644 "$R/lib/systemd/system/lakewatchd.service"
check "with PREFIX=/usr the unit is the source's" \
	cmp "$LW_TOP/systemd/lakewatchd.service" "$R/lib/systemd/system/lakewatchd.service"
check "the daemon's system user for systemd-sysusers, mode 0644" \
	mode_is 644 "$R/usr/lib/sysusers.d/lakewatch.conf"
check "is systemd/lakewatch.sysusers" \
	cmp "$LW_TOP/systemd/lakewatch.sysusers" "$R/usr/lib/sysusers.d/lakewatch.conf"
n=$(find "$R" -type f | wc -l)
check_eq "nothing else is installed" \
	"$((3 + 4 + 1 + $(wc -w <<<"$presets") + 1 + 1))" "$n"

out=$("$R/usr/sbin/lakewatchd" -V 2>&1); rc=$?
check_eq "the installed lakewatchd -V runs" "0 lakewatchd" "$rc ${out%% *}"
out=$("$R/usr/bin/lakewatch" -V 2>&1); rc=$?
check_eq "the installed lakewatch -V runs" "0 lakewatch" "$rc ${out%% *}"
out=$("$R/usr/bin/lakewatch-sim" -V 2>&1); rc=$?
check_eq "the installed lakewatch-sim -V runs" "0 lakewatch-sim" "$rc ${out%% *}"

if command -v man >/dev/null; then
	for pg in $pages; do
		err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$R/usr/share/man/$pg" 2>&1 >/dev/null)
		rc=$?
		check_eq "man renders $pg without a warning" "0 " "$rc $err"
	done
	for w in "1 lakewatch" "1 lakewatch-sim" "5 lakewatch.conf" "8 lakewatchd"; do
		set -- $w
		out=$(man -M "$R/usr/share/man" -w "$1" "$2" 2>&1)
		check_eq "man -M finds $2($1)" "$R/usr/share/man/man$1/$2.$1" "$out"
	done
else
	skip "man is not installed (Debian package man-db): the pages are not rendered"
fi

# The example with its presets, as an operator starts from it.
cp "$R/etc/lakewatch/lakewatch.conf.example" "$R/etc/lakewatch/lakewatch.conf"
out=$("$R/usr/sbin/lakewatchd" -n -c "$R/etc/lakewatch/lakewatch.conf" 2>&1); rc=$?
check_eq "the installed example, as lakewatch.conf, passes lakewatchd -n" "0 configuration OK" "$rc $out"

# Uninstall takes what install put there, and keeps the operator's file.
out=$(lw_make uninstall DESTDIR="$R" PREFIX=/usr 2>&1); rc=$?
check_eq "make uninstall succeeds silently" "0 " "$rc $out"
check_eq "uninstall keeps the station's own lakewatch.conf, nothing else" \
	"$R/etc/lakewatch/lakewatch.conf" "$(find "$R" -type f)"
check "uninstall removes the emptied presets directory" test ! -e "$R/etc/lakewatch/presets"
check "uninstall keeps the system directories" test -d "$R/usr/share/man/man8" -a -d "$R/usr/sbin"
rm -f "$R/etc/lakewatch/lakewatch.conf"
out=$(lw_make uninstall DESTDIR="$R" PREFIX=/usr 2>&1); rc=$?
check_eq "a second uninstall succeeds" "0 " "$rc $out"
check "then the lakewatch directory is gone" test ! -e "$R/etc/lakewatch"
check_eq "no file is left behind" "" "$(find "$R" -type f)"

# --- every directory given ---------------------------------------------------
R2=$T/root2
vars=(DESTDIR="$R2" PREFIX=/usr/local SBINDIR=/opt/lw/sbin MANDIR=/opt/lw/man
	SYSCONFDIR=/opt/lw/etc UNITDIR=/opt/lw/units SYSUSERSDIR=/opt/lw/sysusers)
out=$(lw_make install "${vars[@]}" 2>&1); rc=$?
check_eq "make install with every directory given succeeds" "0 " "$rc $out"
check "lakewatchd in the given SBINDIR" mode_is 755 "$R2/opt/lw/sbin/lakewatchd"
check "lakewatch in PREFIX/bin" mode_is 755 "$R2/usr/local/bin/lakewatch"
check "lakewatch-sim in PREFIX/bin" mode_is 755 "$R2/usr/local/bin/lakewatch-sim"
for pg in $pages; do
	check "$pg in the given MANDIR" mode_is 644 "$R2/opt/lw/man/$pg"
done
check "the example in the given SYSCONFDIR" mode_is 644 "$R2/opt/lw/etc/lakewatch/lakewatch.conf.example"
check "the presets in the given SYSCONFDIR" mode_is 644 "$R2/opt/lw/etc/lakewatch/presets/health.conf"
check "the unit in the given UNITDIR" mode_is 644 "$R2/opt/lw/units/lakewatchd.service"
check "the system user in the given SYSUSERSDIR" mode_is 644 "$R2/opt/lw/sysusers/lakewatch.conf"
check_eq "the unit runs the installed daemon on the installed configuration" \
	"ExecStartPre=/opt/lw/sbin/lakewatchd -n -c /opt/lw/etc/lakewatch/lakewatch.conf
ExecStart=/opt/lw/sbin/lakewatchd -f -c /opt/lw/etc/lakewatch/lakewatch.conf" \
	"$(grep -E '^ExecStart' "$R2/opt/lw/units/lakewatchd.service")"
check "nothing lands in the default places" test ! -e "$R2/usr/local/sbin" -a ! -e "$R2/etc" \
	-a ! -e "$R2/lib" -a ! -e "$R2/usr/local/share" -a ! -e "$R2/usr/lib"
check_eq "install built nothing again, the second time either" "$before" "$(stamps)"
out=$(lw_make uninstall "${vars[@]}" 2>&1); rc=$?
check_eq "make uninstall with the same directories succeeds" "0 " "$rc $out"
check_eq "no file is left behind there either" "" "$(find "$R2" -type f)"
check "the lakewatch directory under SYSCONFDIR is gone" test ! -e "$R2/opt/lw/etc/lakewatch"
