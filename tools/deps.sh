#!/usr/bin/env bash
# Makes sure the Debian packages lakewatch needs are installed.
#   tools/deps.sh check   for building and testing (make check)
#   tools/deps.sh demo    for the demo (make demo)
#   tools/deps.sh bench   for the performance bench (make bench)
# As root, missing packages are installed with apt-get; otherwise the exact
# command is printed and the script fails.
set -eu
what=${1:-check}
build_pkgs="gcc make pkg-config libmodbus-dev libconfig-dev libsqlite3-dev libmosquitto-dev libssl-dev zlib1g-dev"
run_pkgs="sqlite3 socat"
test_pkgs="clang mosquitto mosquitto-clients influxdb victoria-metrics curl openssl python3 man-db systemd faketime"
# The bench's peers: collectd (with its modbus and mqtt plugins), the broker, its
# clients and InfluxDB 1.x; python3 runs bench/run.py.
bench_pkgs="collectd-core mosquitto mosquitto-clients influxdb python3"
case $what in
check) want="$build_pkgs $run_pkgs $test_pkgs" ;;
demo)  want="$build_pkgs $run_pkgs" ;;
bench) want="$build_pkgs $bench_pkgs" ;;
*) echo "usage: $0 check|demo|bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get update && apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	apt-get install -y -q --no-install-recommends $missing >&2
else
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run as root:  sudo sh -c '$cmd'" >&2
	exit 1
fi
