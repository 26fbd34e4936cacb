#!/usr/bin/env python3
# bench/run.py: the lakewatch performance bench (make bench; see README.md, "Performance").
#
#   python3 bench/run.py --bin build-bench/bin --out bench/results
#   BENCH_ONLY=steady,idle   run only these scenarios (flat_out brings ceiling with it)
#   BENCH_QUICK=1            short windows, for development; the CSV file is named
#                            ...-quick.csv and latest.csv is left alone
#   BENCH_KEEP=1             keep the temporary directory (configurations, logs, stores)
#
# Every figure is measured in this run, on this machine, and the targets are ratios
# between figures of the same run.  The bench starts every process it needs (the
# Modbus servers, mosquitto, influxd, lakewatchd, collectd, mosquitto_sub) on
# 127.0.0.1, on free ports, in a temporary directory; all of them are stopped and the
# directory removed at the end, also on failure or Ctrl-C (and, should this script be
# killed outright, the kernel stops them: each is started with a parent-death signal).
#
# Python 3 standard library only.

import argparse
import csv
import ctypes
import datetime
import gzip
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

SCENARIOS = ["ceiling", "flat_out", "flat_out_mqtt", "steady", "idle", "coalescing",
             "replay", "fault"]

# Windows (seconds) of the full run and of BENCH_QUICK=1.  Each scenario also has a
# time bound: past it the scenario is abandoned (its figures are missing, the run goes
# on).  The full run's windows add up to about 8 minutes; with start-up and teardown
# the whole bench stays under 10 minutes on 2 cores.
FULL = dict(ceiling_warmup=2, ceiling=10,
            flat_warmup=3, flat=10,
            steady_warmup=6, steady=30,
            idle_interval=60, idle_warmup=10, idle=180,
            replay_warmup=12, replay_outage=60, replay_drain_max=120,
            fault_warmup=5, fault_before=15, fault=25)
QUICK = dict(ceiling_warmup=1, ceiling=3,
             flat_warmup=2, flat=4,
             steady_warmup=3, steady=8,
             idle_interval=10, idle_warmup=3, idle=30,
             replay_warmup=12, replay_outage=15, replay_drain_max=60,
             fault_warmup=3, fault_before=6, fault=8)
BOUNDS = dict(ceiling=40, flat_out=60, flat_out_mqtt=100, steady=150, idle=260,
              coalescing=40, replay=320, fault=120)

STATION_ID = "bench"
TOPIC_ROOT = "lakewatch"
# Bus timeout everywhere: libmodbus's default response timeout, the one collectd
# (which has no setting for it) uses, so both wait equally long for a silent device.
BUS_TIMEOUT = "500ms"
INFLUX_DB = "lakewatch"
INFLUX_BATCH = 5000          # lakewatchd's default influxdb.batch_size, used as is
CLK_TCK = os.sysconf("SC_CLK_TCK")
PR_SET_PDEATHSIG = 1


class BenchError(Exception):
    pass


class ScenarioTimeout(BenchError):
    pass


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ processes

_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    # In the child before exec: SIGKILL when the bench dies, whatever kills it.
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Proc:
    """A process the bench started, its output in TMP/NAME.log (or NAME.out and
    NAME.err)."""

    def __init__(self, bench, name, argv, split_output=False, env=None):
        # A name of its own for every start (a restart gets NAME-2, ...), so that what
        # is read from its output is this start's.
        n = bench.names.get(name, 0) + 1
        bench.names[name] = n
        self.name = name if n == 1 else f"{name}-{n}"
        name = self.name
        self.argv = argv
        if split_output:
            self.out_path = os.path.join(bench.tmp, name + ".out")
            self.log_path = os.path.join(bench.tmp, name + ".err")
        else:
            self.out_path = self.log_path = os.path.join(bench.tmp, name + ".log")
        out = open(self.out_path, "ab")
        err = open(self.log_path, "ab") if split_output else subprocess.STDOUT
        # A session of its own: Ctrl-C reaches only the bench, which then stops
        # everything in order.  Processes are started from the main thread only, so
        # that the parent-death signal is tied to it.
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                  cwd=bench.tmp, env=env, start_new_session=True,
                                  preexec_fn=_die_with_parent)
        out.close()
        if split_output:
            err.close()
        self.pid = self.p.pid
        bench.procs.append(self)

    def alive(self):
        return self.p.poll() is None

    def stop(self, timeout=10.0):
        """SIGTERM, wait, then SIGKILL; returns the exit status."""
        if self.p.poll() is None:
            try:
                self.p.send_signal(signal.SIGTERM)
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode

    def tail(self, n=15):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""


def running(p):
    """True while p runs; a BenchError with the end of its log once it has exited."""
    if not p.alive():
        raise BenchError(f"{p.name} exited (status {p.p.returncode}):\n{p.tail()}")
    return True


def free_port():
    """A TCP port of 127.0.0.1 that is free right now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def pid_listens(pid, port):
    """True when process pid itself has a listening socket on TCP port."""
    inodes = set()
    hexport = ":%04X" % port
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(f) as fh:
                next(fh)
                for line in fh:
                    parts = line.split()
                    if parts[1].endswith(hexport) and parts[3] == "0A":
                        inodes.add(parts[9])
        except OSError:
            pass
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:[") and link[8:-1] in inodes:
                return True
    except OSError:
        pass
    return False


# ------------------------------------------------------------------ /proc figures

def proc_cpu_us(pid):
    """utime + stime of the whole process (all its threads, living and dead), in µs."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1e6 / CLK_TCK


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def proc_tasks(pid):
    """Per thread: name, voluntary and involuntary context switches, CPU µs, wchan."""
    tasks = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return tasks
    for tid in tids:
        d = f"/proc/{pid}/task/{tid}"
        try:
            with open(d + "/comm") as f:
                comm = f.read().strip()
            vol = invol = 0
            with open(d + "/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        vol = int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches:"):
                        invol = int(line.split()[1])
            # Per thread, the scheduler's own nanoseconds on the CPU: utime and stime
            # come in clock ticks, too coarse for one thread of a quiet process.
            with open(d + "/schedstat") as f:
                cpu = int(f.read().split()[0]) / 1000
            try:
                with open(d + "/wchan") as f:
                    wchan = f.read().strip()
            except OSError:
                wchan = "?"
        except OSError:
            continue    # the thread ended meanwhile
        tasks[int(tid)] = dict(comm=comm, vol=vol, invol=invol, cpu=cpu, wchan=wchan)
    return tasks


def wakeups(a, b):
    """Voluntary context switches between two proc_tasks snapshots, summed over the
    threads (a thread born in between counts from zero)."""
    return sum(t["vol"] - a.get(tid, {}).get("vol", 0) for tid, t in b.items())


def thread_labels(pid):
    """tid -> the function each thread was started in (bus_main, core_main, ...),
    read from gdb's backtraces, for the per-thread breakdown (the daemon's threads
    all have the process's name).  Empty when gdb is not installed or fails.  It
    stops the process for about a second: called only after the measurements."""
    if shutil.which("gdb") is None:
        return {}
    try:
        out = subprocess.run(["gdb", "-q", "-n", "-batch", "-p", str(pid),
                              "-ex", "thread apply all bt"],
                             capture_output=True, text=True, timeout=30).stdout
    except (subprocess.SubprocessError, OSError):
        return {}
    labels, tid, frames = {}, None, []

    def flush():
        if tid is None:
            return
        names = [f for f in frames if f not in ("??", "clone", "clone3")]
        if "start_thread" in names:
            i = names.index("start_thread")
            labels[tid] = names[i - 1] if i > 0 else "?"
        elif "main" in names:
            labels[tid] = "main"
        elif names:
            labels[tid] = names[-1]

    for line in out.splitlines():
        m = re.match(r"Thread \d+ \(Thread 0x[0-9a-f]+ \(LWP (\d+)\)", line)
        if m:
            flush()
            tid, frames = int(m.group(1)), []
            continue
        m = re.match(r"#\d+\s+(?:0x[0-9a-f]+ in )?([A-Za-z_][\w.]*|\?\?) \(", line)
        if m and tid is not None:
            frames.append(m.group(1))
    flush()
    return labels


def thread_breakdown(a, b, seconds, labels, what):
    """Lines of per-thread wake-ups per minute and CPU, busiest first."""
    rows = []
    for tid, t in b.items():
        prev = a.get(tid, dict(vol=0, cpu=0.0))
        rows.append((labels.get(tid, t["comm"]), tid, (t["vol"] - prev["vol"]) * 60 / seconds,
                     (t["cpu"] - prev["cpu"]) / seconds / 1e4, t["wchan"]))
    key = 2 if what == "wakeups" else 3
    rows.sort(key=lambda r: -r[key])
    return ["  %-16s tid %-7d %8.1f wake-ups/min  %6.2f %% CPU  waits in %s" % r for r in rows]


# ------------------------------------------------------------------ stations
#
# Each scenario's station is described once (buses and devices) and written out from
# that description: as a lakewatch configuration (read by lakewatchd, lakewatch-sim and
# lakewatch-bench-server alike) and, where collectd runs too, as a collectd
# configuration with the same hosts, units, registers and intervals.

class Dev:
    def __init__(self, name, bus, unit, model, interval_s, points=None):
        self.name, self.bus, self.unit, self.model = name, bus, unit, model
        self.interval_s = interval_s
        self.points = points or []      # generic: (name, register, address, type, order)


class Station:
    def __init__(self, name, buses, devices):
        self.name, self.buses, self.devices = name, buses, devices


def generic_points(n):
    """n u16 input registers at consecutive addresses: one read of n registers."""
    return [("p%d" % i, "input", i, "u16", "abcd") for i in range(n)]


def station_flat():
    # Flat out: 10 devices of 10 points (u16 input registers 0..9) on one Modbus TCP
    # connection, polled with interval 0.  Why these numbers: 10 registers is a typical
    # sonde's block, one read per device; 10 units exercise the daemon's per-device
    # scheduling.  Why one connection: on two cores a single loopback connection
    # already keeps both cores busy (client and server take turns, and the daemon's
    # store and forwarder threads need the rest); more connections only add
    # contention and give the ceiling fewer transactions, not more.  The ceiling
    # reads exactly this map over one connection too.
    return Station("flat", ["b0"], [Dev("d%d" % i, "b0", i + 1, "generic", 0, generic_points(10))
                                    for i in range(10)])


def station_steady():
    # Steady: 100 devices of 10 points at 1 s, behind four Modbus TCP gateways of 25.
    return Station("steady", ["b%d" % b for b in range(4)],
                   [Dev("d%d" % i, "b%d" % (i // 25), i % 25 + 1, "generic", 1,
                        generic_points(10)) for i in range(100)])


# Idle: a solar station's five sondes and level sensors, each polled once a minute,
# through one gateway (one connection: one thread could serve them all).  Models whose
# registers collectd can read as they are (big-endian floats, 16-bit integers).
IDLE_MODELS = ["insitu-at400", "keller-x", "vegapuls-c2x", "ysi-odo-rtu", "supmea-ph8001"]


def station_idle(interval_s):
    return Station("idle", ["b0"], [Dev(m.replace("-", "_"), "b0", i + 1, m, interval_s)
                                    for i, m in enumerate(IDLE_MODELS)])


def station_coalescing(models):
    # One device of every shipped model on one bus, polled every second.
    return Station("coalescing", ["b0"], [Dev(m.replace("-", "_"), "b0", i + 1, m, 1)
                                          for i, m in enumerate(models)])


FAULT_DEVICE = "d10"


def station_fault():
    # 20 devices of 10 points at 1 s on one Modbus TCP connection (as behind one
    # gateway); FAULT_DEVICE stops answering mid-run.
    return Station("fault", ["b0"], [Dev("d%d" % i, "b0", i + 1, "generic", 1, generic_points(10))
                                     for i in range(20)])


def duration(s):
    return "%dms" % round(s * 1000) if s < 1 else "%ds" % s


def lakewatch_conf(st, tmp, ports, mqtt_port=None, influx_port=None):
    """The station as a lakewatch configuration; ports: bus -> port (1 before the
    servers announced theirs).  Every other setting is the daemon's default, except
    the self-metrics, which are off so that every stored reading and every wake-up
    belongs to the sensors' schedule."""
    out = [f"# Generated by bench/run.py: scenario {st.name}.",
           f'station = {{ id = "{STATION_ID}"; metrics_interval = "0s"; }};',
           "buses = ("]
    out.append(",\n".join(f'  {{ name = "{b}"; type = "tcp"; host = "127.0.0.1"; '
                          f'port = {ports.get(b, 1)}; timeout = "{BUS_TIMEOUT}"; }}'
                          for b in st.buses))
    out.append(");\ndevices = (")
    devs = []
    for d in st.devices:
        s = (f'  {{ name = "{d.name}"; bus = "{d.bus}"; unit = {d.unit}; model = "{d.model}"; '
             f'interval = "{duration(d.interval_s)}";')
        if d.points:
            s += " points = (\n" + ",\n".join(
                f'    {{ name = "{n}"; unit = "1"; register = "{r}"; address = {a}; '
                f'type = "{t}"; order = "{o}"; }}' for n, r, a, t, o in d.points) + " );"
        devs.append(s + " }")
    out.append(",\n".join(devs))
    out.append(");")
    out.append(f'store = {{ path = "{tmp}/{st.name}.db"; }};')
    out.append(f'control = {{ socket = "{tmp}/{st.name}.sock"; }};')
    if mqtt_port:
        out.append(f'mqtt = {{ host = "127.0.0.1"; port = {mqtt_port}; '
                   f'client_id = "lakewatch-{st.name}"; }};')
    if influx_port:
        out.append(f'influxdb = {{ url = "http://127.0.0.1:{influx_port}"; '
                   f'database = "{INFLUX_DB}"; }};')
    return "\n".join(out) + "\n"


# collectd's modbus RegisterType for each of ours.  collectd has no byte-swapped
# orders; the shipped models used with it need none.
COLLECTD_TYPES = {("u16", "abcd"): "Uint16", ("i16", "abcd"): "Int16",
                  ("u32", "abcd"): "Uint32", ("u32", "cdab"): "Uint32LE",
                  ("i32", "abcd"): "Int32", ("i32", "cdab"): "Int32LE",
                  ("f32", "abcd"): "Float", ("f32", "cdab"): "FloatLE",
                  ("u64", "abcd"): "Uint64", ("i64", "abcd"): "Int64"}


def collectd_conf(st, tmp, ports, mqtt_port, model_points, fast=False, csv_dir=None):
    """The same station for collectd 5.12: one <Host> (one connection, one read
    callback) per bus, one <Slave> per device, one <Data> block per point (collectd
    reads each Data block with a transaction of its own: it cannot coalesce).

    Readings go to the broker with QoS 0, not lakewatchd's QoS 1: collectd's mqtt
    publisher never runs the MQTT network loop, so with QoS 1 it would never read a
    PUBACK and would stall once libmosquitto's in-flight window is full.  Retained,
    as lakewatchd publishes.  With csv_dir, to local CSV files instead (collectd's
    nearest to a local store; idle uses it, with no network output on either side).
    fast: Interval 0.001, i.e. as fast as it can (collectd starts an overdue read at
    once), with warnings off (it would log one per read that outlasts the interval)."""
    datas, slaves = {}, {}
    for d in st.devices:
        pts = d.points if d.points else [(n, r, a, t, o) for n, r, a, t, o in model_points[d.model]]
        names = []
        for n, r, a, t, o in pts:
            key = f"{d.model}-{n}-{r}-{a}"
            if key not in datas:
                datas[key] = (n, r, a, COLLECTD_TYPES[(t, o)])
            names.append(key)
        slaves.setdefault(d.bus, []).append((d, names))
    out = ["# Generated by bench/run.py: scenario " + st.name,
           'Hostname "bench"', "FQDNLookup false",
           f'BaseDir "{tmp}/collectd-{st.name}"', f'PIDFile "{tmp}/collectd-{st.name}.pid"',
           "LoadPlugin logfile",
           f'<Plugin logfile>\n  LogLevel "{"err" if fast else "info"}"\n  File STDERR\n</Plugin>',
           "LoadPlugin modbus", "<Plugin modbus>"]
    for key, (n, r, a, t) in datas.items():
        out.append(f'  <Data "{key}">\n    RegisterBase {a}\n    RegisterType {t}\n'
                   f'    RegisterCmd {"ReadInput" if r == "input" else "ReadHolding"}\n'
                   f'    Type gauge\n    Instance "{n}"\n  </Data>')
    for bus, devs in slaves.items():
        interval = 0.001 if fast else devs[0][0].interval_s
        out.append(f'  <Host "{bus}">\n    Address "127.0.0.1"\n    Port "{ports[bus]}"\n'
                   f"    Interval {interval}")
        for d, names in devs:
            out.append(f'    <Slave {d.unit}>\n      Instance "{d.name}"')
            out.extend(f'      Collect "{k}"' for k in names)
            out.append("    </Slave>")
        out.append("  </Host>")
    out.append("</Plugin>")
    if csv_dir:
        out.append(f'LoadPlugin csv\n<Plugin csv>\n  DataDir "{csv_dir}"\n  StoreRates false\n'
                   "</Plugin>")
    else:
        out.append(f'LoadPlugin mqtt\n<Plugin mqtt>\n  <Publish "bench">\n    Host "127.0.0.1"\n'
                   f"    Port {mqtt_port}\n    ClientId \"collectd-{st.name}\"\n    QoS 0\n"
                   '    Retain true\n    Prefix "collectd"\n  </Publish>\n</Plugin>')
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ the bench

class Bench:
    def __init__(self, bindir, quick):
        self.bin = os.path.abspath(bindir)
        self.quick = quick
        self.par = QUICK if quick else FULL
        self.tmp = tempfile.mkdtemp(prefix="lakewatch-bench.")
        self.procs = []
        self.names = {}         # process name -> how many were started
        self.rows = []          # (scenario, system, metric, value, unit)
        self.notes = []         # lines printed after the targets
        self.deadline = None
        self.scenario = None
        self.min_tx, self.model_points = self.mincover()

    # --- bookkeeping

    def add(self, system, metric, value, unit):
        self.rows.append((self.scenario, system, metric, value, unit))

    def note(self, line):
        self.notes.append(f"{self.scenario}: {line}")

    def figure(self, scenario, system, metric):
        for r in self.rows:
            if r[:3] == (scenario, system, metric):
                return r[3]
        return None

    def check_time(self):
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ScenarioTimeout(f"{self.scenario}: over its time bound")

    def sleep(self, s):
        end = time.monotonic() + s
        while True:
            self.check_time()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.5))

    def wait_for(self, what, seconds, cond, interval=0.1):
        end = time.monotonic() + seconds
        while True:
            self.check_time()
            v = cond()
            if v:
                return v
            if time.monotonic() > end:
                raise BenchError(f"{self.scenario}: {what}: not within {seconds} s")
            time.sleep(interval)

    def stop_all(self):
        for p in reversed(self.procs):
            p.stop(5)
        self.procs = []

    def cleanup(self):
        self.stop_all()
        if os.environ.get("BENCH_KEEP", "") not in ("", "0"):
            log(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    # --- the driver tables' minimum (lakewatch-bench-mincover)

    def mincover(self):
        prog = os.path.join(self.bin, "lakewatch-bench-mincover")
        r = subprocess.run([prog], capture_output=True, text=True)
        if r.returncode != 0:
            raise BenchError("lakewatch-bench-mincover failed: " + r.stderr.strip())
        mins = {}
        for line in r.stdout.splitlines():
            name, rest = line.split(" ", 1)
            mins[name] = int(re.search(r"min_transactions=(\d+)", rest).group(1))
        pts = {}
        for line in subprocess.run([prog, "--points"], capture_output=True, text=True,
                                   check=True).stdout.splitlines():
            model, point, reg, addr, typ, order = line.split()
            pts.setdefault(model, []).append((point, reg, int(addr), typ, order))
        return mins, pts

    def min_transactions(self, dev):
        if dev.model == "generic":
            # Consecutive registers of one kind: ceil(n / 125) reads.
            return max(1, math.ceil(len(dev.points) / 125))
        return self.min_tx[dev.model]

    # --- servers

    def start_modbus(self, st, kind, args=()):
        """lakewatch-sim (kind "sim") or lakewatch-bench-server ("fast") for station st;
        returns (proc, {bus: port}) once it printed READY."""
        conf = self.write(f"{st.name}-{kind}.conf", lakewatch_conf(st, self.tmp, {}))
        if kind == "sim":
            argv = [os.path.join(self.bin, "lakewatch-sim"), "-c", conf]
            for b in st.buses:
                argv += ["--listen", f"{b}=0"]
            argv += list(args)
        else:
            argv = [os.path.join(self.bin, "lakewatch-bench-server"), "-c", conf]
        p = Proc(self, f"{st.name}-{kind}", argv, split_output=True)

        def ready():
            running(p)
            with open(p.out_path) as f:
                text = f.read()
            return text if re.search(r"^READY$", text, re.M) else None
        text = self.wait_for(f"{p.name} READY", 15, ready)
        ports = {m.group(1): int(m.group(2))
                 for m in re.finditer(r"^READY bus (\S+) tcp 127\.0\.0\.1:(\d+)$", text, re.M)}
        return p, ports

    def start_mosquitto(self, name, port=None):
        """A broker on 127.0.0.1 (a free port, or the given one for a restart), with
        $SYS updated every second (sys_interval 1) for counting what it received."""
        for _ in range(5):
            prt = port or free_port()
            lines = [f"listener {prt} 127.0.0.1", "allow_anonymous true", "persistence false",
                     "sys_interval 1", "log_dest stderr", "log_type error", "log_type warning"]
            if os.getuid() == 0:
                lines.append("user root")   # else it switches to mosquitto, who cannot use TMP
            conf = self.write(f"{name}.conf", "\n".join(lines) + "\n")
            p = Proc(self, name, ["/usr/sbin/mosquitto", "-c", conf])
            try:
                self.wait_for(f"{name} listening", 10,
                              lambda: running(p) and pid_listens(p.pid, prt))
                return p, prt
            except BenchError:
                p.stop()
                if port:
                    time.sleep(0.5)     # the old one's socket may linger a moment
        raise BenchError(f"mosquitto {name} did not start:\n{p.tail()}")

    def start_influxd(self, name, ports=None):
        """influxd 1.x (Debian's influxdb), its configuration, meta, data and WAL under
        TMP/NAME, HTTP and RPC on 127.0.0.1 only, everything optional off, as the
        integration tests run it.  Returns (proc, http_port, rpc_port)."""
        d = os.path.join(self.tmp, name)
        for sub in ("meta", "data", "wal"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("INFLUXDB_")}
        for _ in range(5):
            hp, rp = ports or (free_port(), free_port())
            conf = f"""# influxd for the bench: 127.0.0.1 only, everything under {d}
reporting-enabled = false
reporting-disabled = true
bind-address = "127.0.0.1:{rp}"
[meta]
  dir = "{d}/meta"
  retention-autocreate = true
[data]
  dir = "{d}/data"
  wal-dir = "{d}/wal"
  wal-fsync-delay = "0s"
  query-log-enabled = false
[coordinator]
[retention]
  enabled = true
[shard-precreation]
  enabled = true
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:{hp}"
  auth-enabled = false
  log-enabled = false
  unix-socket-enabled = false
  https-enabled = false
[ifql]
  enabled = false
[logging]
  format = "logfmt"
  level = "warn"
  suppress-logo = true
[[graphite]]
  enabled = false
[[collectd]]
  enabled = false
[[opentsdb]]
  enabled = false
[[udp]]
  enabled = false
[continuous_queries]
  enabled = false
"""
            path = os.path.join(d, "influxd.conf")
            with open(path, "w") as f:
                f.write(conf)
            p = Proc(self, name, ["/usr/bin/influxd", "-config", path], env=env)

            def up():
                if not running(p) or not pid_listens(p.pid, hp):
                    return False
                try:
                    c = http.client.HTTPConnection("127.0.0.1", hp, timeout=2)
                    c.request("GET", "/ping")
                    return c.getresponse().status == 204
                except OSError:
                    return False
            try:
                self.wait_for(f"{name} up", 30, up, 0.1)
                return p, hp, rp
            except BenchError:
                p.stop()
                if ports:
                    time.sleep(0.5)
        raise BenchError(f"influxd {name} did not start:\n{p.tail()}")

    def influx_query(self, port, q):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = "q=" + q.replace("%", "%25").replace("&", "%26").replace("+", "%2B")
        c.request("POST", "/query", body=body,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        text = r.read().decode()
        if r.status != 200 or '"error"' in text:
            raise BenchError(f"influx query {q!r}: HTTP {r.status}: {text}")

    def start_daemon(self, st, ports, mqtt_port=None, influx_port=None):
        conf = self.write(f"{st.name}.conf",
                          lakewatch_conf(st, self.tmp, ports, mqtt_port, influx_port))
        chk = subprocess.run([os.path.join(self.bin, "lakewatchd"), "-n", "-c", conf],
                             capture_output=True, text=True)
        if chk.returncode != 0:
            raise BenchError(f"generated configuration refused:\n{chk.stdout}{chk.stderr}")
        p = Proc(self, f"{st.name}-lakewatchd", [os.path.join(self.bin, "lakewatchd"), "-f",
                                                 "-c", conf])
        p.conf = conf
        p.db = os.path.join(self.tmp, f"{st.name}.db")

        def polled():
            running(p)
            s = self.status(p, quiet=True)
            return s if s and all(d["polls"] > 0 for d in devices_of(s)) else None
        self.wait_for("lakewatchd polling every device", 30, polled, 0.2)
        return p

    def start_collectd(self, st, ports, mqtt_port, fast=False, csv=False):
        csv_dir = os.path.join(self.tmp, f"csv-{st.name}") if csv else None
        conf = self.write(f"collectd-{st.name}.conf",
                          collectd_conf(st, self.tmp, ports, mqtt_port, self.model_points,
                                        fast, csv_dir))
        os.makedirs(os.path.join(self.tmp, f"collectd-{st.name}"), exist_ok=True)
        p = Proc(self, f"{st.name}-collectd", ["/usr/sbin/collectd", "-f", "-C", conf])
        if fast:
            # Its info messages are off (see collectd_conf): running a second will do.
            self.sleep(1)
            running(p)
        else:
            self.wait_for("collectd running", 10,
                          lambda: running(p) and "entering read-loop" in p.tail(1000))
        return p

    def status(self, daemon, quiet=False):
        try:
            r = subprocess.run([os.path.join(self.bin, "lakewatch"), "-c", daemon.conf,
                                "status", "--json"], capture_output=True, text=True, timeout=15)
        except subprocess.TimeoutExpired:
            r = None
        if r is None or r.returncode != 0:
            if quiet:
                return None
            raise BenchError("lakewatch status failed: " + (r.stderr if r else "timeout"))
        return json.loads(r.stdout)


def devices_of(status):
    return [d for b in status["buses"] for d in b["devices"]]


def forwarder(status, name):
    for f in status.get("forwarders", []):
        if f["forwarder"] == name:
            return f
    return None


# ------------------------------------------------------------------ MQTT subscribers

class Subscriber:
    """mosquitto_sub on some topics, each message timestamped by mosquitto_sub at
    receipt (-F %U: Unix time with nanoseconds), handed to handle(recv_time, retained,
    topic, payload) by a reader thread.  start() returns once the subscription is in
    place: it also subscribes to a private topic and publishes there until that
    message comes back."""

    def __init__(self, bench, name, port, topics):
        self.sync = f"bench-sync/{name}"
        self.synced = threading.Event()
        self.lock = threading.Lock()
        argv = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-q", "0",
                "-i", f"bench-{name}", "-F", "%U %r %t %p"]
        for t in list(topics) + [self.sync]:
            argv += ["-t", t]
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, start_new_session=True,
                                  preexec_fn=_die_with_parent)
        bench.procs.append(_Wrapped(self.p, name))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        end = time.monotonic() + 10
        while not self.synced.is_set():
            if time.monotonic() > end:
                raise BenchError(f"subscriber {name} did not subscribe")
            subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "0",
                            "-t", self.sync, "-m", "x"], stdin=subprocess.DEVNULL,
                           capture_output=True)
            self.synced.wait(0.2)

    def _read(self):
        for raw in self.p.stdout:
            parts = raw.rstrip(b"\n").split(b" ", 3)
            if len(parts) < 4:
                continue
            topic = parts[2].decode(errors="replace")
            if topic == self.sync:
                self.synced.set()
                continue
            try:
                self.handle(float(parts[0]), parts[1] == b"1", topic, parts[3])
            except (ValueError, KeyError):
                pass

    def handle(self, recv, retained, topic, payload):
        pass

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            self.p.wait(5)


class _Wrapped:
    """A Popen in the bench's process list (for cleanup)."""

    def __init__(self, p, name):
        self.p, self.name = p, name

    def stop(self, timeout=5):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


class SysCounter(Subscriber):
    """The broker's count of messages received ($SYS/broker/messages/received, every
    second with sys_interval 1).  mosquitto 2.0.11 leaves
    $SYS/broker/publish/messages/received at 0, so this is the count of every MQTT
    packet it received; from a QoS 0 publisher (collectd) that is one per reading, from
    a QoS 1 publisher (lakewatchd) one PUBLISH per reading too (the PUBACKs go the
    other way).  Counting here costs the publishers nothing, where collectd's csv
    plugin would add disk writes to the very process being measured, and a subscriber
    to every reading would take CPU from the machine."""

    def __init__(self, bench, port):
        self.samples = []
        super().__init__(bench, "sys", port, ["$SYS/broker/messages/received"])

    def handle(self, recv, retained, topic, payload):
        with self.lock:
            self.samples.append((recv, int(payload.strip(b"\0 "))))

    def rate(self, t0, t1):
        """Messages per second between the first update at or after t0 and the last at
        or before t1 (a window of whole seconds of the broker's own counting)."""
        with self.lock:
            s = [x for x in self.samples if t0 <= x[0] <= t1]
        if len(s) < 2 or s[-1][0] - s[0][0] < 1:
            return None
        return (s[-1][1] - s[0][1]) / (s[-1][0] - s[0][0])


def iso_ms(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


class LatencySubscriber(Subscriber):
    """Every reading on the broker: (receipt time, poll time, device).  lakewatchd's
    payload is JSON with the poll time ("time", ms); collectd's PLAIN payload is
    "TIME:VALUE" (s, ms resolution) and the device is the plugin instance,
    collectd/HOST/modbus-DEVICE/gauge-POINT."""

    def __init__(self, bench, name, port, topics, kind):
        self.kind, self.samples = kind, []
        super().__init__(bench, name, port, topics)

    def handle(self, recv, retained, topic, payload):
        if retained:
            return
        parts = topic.split("/")
        if self.kind == "lakewatchd":
            t, dev = iso_ms(json.loads(payload)["time"]), parts[2]
        else:
            t, dev = float(payload.split(b":", 1)[0]), parts[2].split("-", 1)[1]
        with self.lock:
            self.samples.append((recv, t, dev))

    def window(self, t0, t1):
        with self.lock:
            return [s for s in self.samples if t0 <= s[0] < t1]


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, math.ceil(q / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


# ------------------------------------------------------------------ the store

def store_connect(db):
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)


def store_last_seq(db):
    with store_connect(db) as c:
        return c.execute("select coalesce(max(seq), 0) from sample").fetchone()[0]


def store_count(db, t0, t1, exclude_device=None):
    """Readings whose poll time is in [t0, t1) (seconds, wall clock)."""
    q = "select count(*) from sample s"
    args = [int(t0 * 1000), int(t1 * 1000)]
    if exclude_device:
        q += " join series r on r.id = s.series where r.device != ? and"
        args.insert(0, exclude_device)
    else:
        q += " where"
    q += " s.time_ms >= ? and s.time_ms < ?"
    with store_connect(db) as c:
        return c.execute(q, args).fetchone()[0]


def store_wait_committed(bench, db, t, seconds=20):
    """Until the store holds a reading polled at t or later: then every reading polled
    before t that made it into the store is committed."""
    def done():
        with store_connect(db) as c:
            m = c.execute("select max(time_ms) from sample").fetchone()[0]
        return m is not None and m >= t * 1000
    bench.wait_for("the store committing the window", seconds, done, 0.2)


class Snap:
    """Figures of one process at one moment."""

    def __init__(self, pid):
        self.t = time.time()
        self.cpu = proc_cpu_us(pid)
        self.tasks = proc_tasks(pid)


def cpu_figures(bench, system, a, b, readings):
    dt = b.t - a.t
    cpu = b.cpu - a.cpu
    if readings > 0:
        bench.add(system, "cpu_us_per_reading", cpu / readings, "us")
    bench.add(system, "cpu_percent", cpu / dt / 1e4, "%")


# ------------------------------------------------------------------ scenarios

def sc_ceiling(b):
    """A minimal libmodbus client loop over the flat-out register map, on as many
    connections as the daemon's flat-out station has buses."""
    st = station_flat()
    srv, ports = b.start_modbus(st, "fast")
    units = sorted(d.unit for d in st.devices)
    npts = len(st.devices[0].points)
    argv = [os.path.join(b.bin, "lakewatch-bench-ceiling"), "-r", "input", "-a", "0",
            "-n", str(npts), "-u", f"{units[0]}-{units[-1]}",
            "-w", str(b.par["ceiling_warmup"]), "-s", str(b.par["ceiling"])]
    argv += [str(ports[bus]) for bus in st.buses]
    r = subprocess.run(argv, capture_output=True, text=True,
                       timeout=b.par["ceiling_warmup"] + b.par["ceiling"] + 30)
    if r.returncode != 0:
        raise BenchError("ceiling client failed: " + r.stdout + r.stderr)
    f = dict(kv.split("=") for kv in r.stdout.split())
    tps = int(f["transactions"]) / float(f["seconds"])
    b.add("ceiling", "transactions_per_s", tps, "transactions/s")
    b.add("ceiling", "readings_per_s", tps * npts, "readings/s")
    b.add("ceiling", "cpu_us_per_reading", int(f["cpu_us"]) / (int(f["transactions"]) * npts),
          "us")
    if int(f["errors"]):
        b.note(f"CHECK: the ceiling client had {f['errors']} failed reads")
    srv.stop()


def sc_flat(b, mqtt):
    """lakewatchd polling the flat-out station with interval 0: readings stored (and,
    with MQTT, acknowledged by the broker) per second, CPU per reading, peak RSS."""
    st = station_flat()
    srv, ports = b.start_modbus(st, "fast")
    broker = sys_ctr = None
    if mqtt:
        broker, mport = b.start_mosquitto("flat-mosquitto")
        sys_ctr = SysCounter(b, mport)
    d = b.start_daemon(st, ports, mport if mqtt else None)
    b.sleep(b.par["flat_warmup"])
    s0, st0, seq0 = Snap(d.pid), b.status(d), store_last_seq(d.db)
    b.sleep(b.par["flat"])
    s1, st1, seq1 = Snap(d.pid), b.status(d), store_last_seq(d.db)
    dt = s1.t - s0.t
    store_wait_committed(b, d.db, s1.t)
    stored = store_count(d.db, s0.t, s1.t)
    hwm = proc_status(d.pid, "VmHWM")
    polls = {x["device"]: x["polls"] for x in devices_of(st1)}
    tx = sum((x["polls"] - p0["polls"]) * x["transactions"]
             for x, p0 in zip(devices_of(st1), devices_of(st0)))
    polled = sum((x["polls"] - p0["polls"]) * len(st.devices[0].points)
                 for x, p0 in zip(devices_of(st1), devices_of(st0)))
    if mqtt:
        f0, f1 = forwarder(st0, "mqtt"), forwarder(st1, "mqtt")
        delivered = f1["acked"] - f0["acked"]
        b.add("lakewatchd", "readings_per_s", delivered / dt, "readings/s")
        b.add("lakewatchd", "transactions_per_s", tx / dt, "transactions/s")
        cpu_figures(b, "lakewatchd", s0, s1, delivered)
        b.note(f"lakewatchd: {stored / dt:,.0f} readings/s stored, {delivered / dt:,.0f}/s "
               f"acknowledged by the broker, MQTT backlog {f1['lag_readings']:,} at the end")
        # A forwarder that stopped: its acknowledged count stands still with a backlog.
        time.sleep(2)
        f2 = forwarder(b.status(d), "mqtt")
        if f2["acked"] == f1["acked"] and f2["lag_readings"] > 0:
            b.note(f"lakewatchd's MQTT forwarder has stopped: {f2['acked']:,} acknowledged, "
                   f"{f2['sent']:,} sent, the same 2 s later, {f2['lag_readings']:,} behind")
        brk = sys_ctr.rate(s0.t, s1.t)
        if brk is None:
            b.note(f"CHECK: too few $SYS updates from the broker in the window "
                   f"({len(sys_ctr.samples)} in all)")
        else:
            b.note(f"check: the broker counted {brk:,.0f} messages/s received "
                   f"(lakewatchd's acknowledged: {delivered / dt:,.0f}/s)")
    else:
        b.add("lakewatchd", "readings_per_s", stored / dt, "readings/s")
        b.add("lakewatchd", "transactions_per_s", tx / dt, "transactions/s")
        cpu_figures(b, "lakewatchd", s0, s1, stored)
    b.add("lakewatchd", "peak_rss_kb", hwm, "kB")
    # Sanity: readings by poll time against rows added between the snapshots (which
    # step with each commit, so they agree only to about a commit interval's worth).
    b.note(f"check: {stored:,} readings polled in the {dt:.1f} s window were stored; "
           f"{seq1 - seq0:,} rows were added between the snapshots")
    if polled > stored * 1.02:
        b.note(f"lakewatchd polled {polled / dt:,.0f} readings/s but stored "
               f"{stored / dt:,.0f}/s: {100 * (1 - stored / polled):.0f} % were dropped "
               f"(its log: \"store queue full\")")
    counts = sorted(polls.values())
    if counts and counts[0] * 2 < counts[-1]:
        b.note(f"uneven polling at interval 0: polls per device since the start range from "
               f"{counts[0]:,} to {counts[-1]:,}")
    d.stop()
    if mqtt:
        # collectd on the same server and broker: its sustained maximum with MQTT.
        c = b.start_collectd(st, ports, mport, fast=True)
        b.sleep(b.par["flat_warmup"] + 1)
        c0 = Snap(c.pid)
        b.sleep(b.par["flat"])
        c1 = Snap(c.pid)
        rate = sys_ctr.rate(c0.t, c1.t)
        if rate is None:
            raise BenchError("no $SYS counts from the broker during collectd's window")
        b.add("collectd", "readings_per_s", rate, "readings/s")
        b.add("collectd", "transactions_per_s", rate, "transactions/s")
        cpu_figures(b, "collectd", c0, c1, rate * (c1.t - c0.t))
        b.add("collectd", "peak_rss_kb", proc_status(c.pid, "VmHWM"), "kB")
        c.stop()
        sys_ctr.stop()
        broker.stop()
    srv.stop()


def sc_steady(b):
    """100 devices x 10 points at 1 s with store and MQTT: CPU, RSS, wake-ups and the
    latency from poll to receipt at a subscriber; then collectd on the same."""
    st = station_steady()
    sim, ports = b.start_modbus(st, "sim")
    broker, mport = b.start_mosquitto("steady-mosquitto")
    expected = sum(len(d.points) / d.interval_s for d in st.devices)
    for system in ("lakewatchd", "collectd"):
        if system == "lakewatchd":
            sub = LatencySubscriber(b, "lat-lw", mport, [f"{TOPIC_ROOT}/{STATION_ID}/+/+"],
                                    system)
            p = b.start_daemon(st, ports, mport)
        else:
            sub = LatencySubscriber(b, "lat-cd", mport, ["collectd/#"], system)
            p = b.start_collectd(st, ports, mport)
        b.sleep(b.par["steady_warmup"])
        s0 = Snap(p.pid)
        b.sleep(b.par["steady"])
        s1 = Snap(p.pid)
        dt = s1.t - s0.t
        if system == "lakewatchd":
            store_wait_committed(b, p.db, s1.t)
            readings = store_count(p.db, s0.t, s1.t)
            b.sleep(1.5)    # the last readings of the window reach the subscriber
        else:
            b.sleep(1.5)
        # Latency of the readings polled in the window (whenever they arrived).
        lat = sorted((r - t) * 1000 for r, t, _ in sub.window(s0.t, s1.t + 5) if s0.t <= t < s1.t)
        if system == "collectd":
            readings = len(lat)
        b.add(system, "readings_per_s", readings / dt, "readings/s")
        cpu_figures(b, system, s0, s1, readings)
        b.add(system, "peak_rss_kb", proc_status(p.pid, "VmHWM"), "kB")
        b.add(system, "wakeups_per_min", wakeups(s0.tasks, s1.tasks) * 60 / dt, "1/min")
        if lat:
            b.add(system, "p50_ms", percentile(lat, 50), "ms")
            b.add(system, "p99_ms", percentile(lat, 99), "ms")
        if abs(readings / dt - expected) > 0.05 * expected:
            b.note(f"CHECK: {system} delivered {readings / dt:,.0f} readings/s, the schedule "
                   f"asks for {expected:,.0f}/s")
        if system == "lakewatchd" and abs(len(lat) - readings) > 0.02 * readings:
            b.note(f"CHECK: {readings:,} readings stored but {len(lat):,} received over MQTT")
        labels = thread_labels(p.pid) if system == "lakewatchd" else {}
        b.note(f"{system} per thread (CPU first):")
        b.notes.extend(thread_breakdown(s0.tasks, s1.tasks, dt, labels, "cpu"))
        p.stop()
        sub.stop()
    broker.stop()
    sim.stop()


def schedule_minimum(b, st):
    """The fewest wake-ups a minute the schedule needs: for every distinct moment at
    which the schedule makes devices due, one wake-up, plus one per Modbus reply the
    polls then wait for (each device's transactions per poll at the coalescing
    minimum).  Devices of one interval are due together; counted over the
    hyperperiod (the least common multiple of the intervals)."""
    ivs = sorted({round(d.interval_s * 1000) for d in st.devices})
    hyper = 1
    for i in ivs:
        hyper = hyper * i // math.gcd(hyper, i)
    moments = {}
    for d in st.devices:
        iv = round(d.interval_s * 1000)
        for t in range(0, hyper, iv):
            moments[t] = moments.get(t, 0) + b.min_transactions(d)
    total = sum(1 + tx for tx in moments.values())
    return total * 60000 / hyper


def sc_idle(b):
    """Five devices once a minute for three minutes: wake-ups a minute of lakewatchd
    (store only) and of collectd (csv), both polling the same simulator at the same
    time (each on its own connection), against the schedule's minimum."""
    st = station_idle(b.par["idle_interval"])
    sim, ports = b.start_modbus(st, "sim")
    d = b.start_daemon(st, ports)
    c = b.start_collectd(st, ports, None, csv=True)
    b.sleep(b.par["idle_warmup"])
    a = {x: Snap(x.pid) for x in (d, c)}
    b.sleep(b.par["idle"])
    z = {x: Snap(x.pid) for x in (d, c)}
    mins = schedule_minimum(b, st)
    for system, p in (("lakewatchd", d), ("collectd", c)):
        dt = z[p].t - a[p].t
        b.add(system, "wakeups_per_min", wakeups(a[p].tasks, z[p].tasks) * 60 / dt, "1/min")
        if system == "lakewatchd":
            b.add(system, "min_wakeups_per_min", mins, "1/min")
        b.add(system, "cpu_percent", (z[p].cpu - a[p].cpu) / dt / 1e4, "%")
        b.add(system, "peak_rss_kb", proc_status(p.pid, "VmHWM"), "kB")
        labels = thread_labels(p.pid) if system == "lakewatchd" else {}
        b.note(f"{system} per thread (wake-ups first):")
        b.notes.extend(thread_breakdown(a[p].tasks, z[p].tasks, dt, labels, "wakeups"))
    tx = sum(b.min_transactions(x) for x in st.devices)
    b.note(f"the minimum: {60 / b.par['idle_interval']:g} poll moment(s) a minute, each one "
           f"wake-up plus {tx} replies ({' + '.join(str(b.min_transactions(x)) for x in st.devices)}"
           f" transactions for {', '.join(x.model for x in st.devices)})")
    st1 = b.status(d)
    bad = [x["device"] for x in devices_of(st1) if x["failed_polls"] > 0]
    if bad:
        b.note("CHECK: failed polls on " + ", ".join(bad))
    c.stop()
    d.stop()
    sim.stop()


def sc_coalescing(b):
    """Transactions of one poll for each shipped driver, as the running daemon reports
    them, against the minimum for its register map."""
    models = list(b.min_tx)
    st = station_coalescing(models)
    sim, ports = b.start_modbus(st, "sim")
    d = b.start_daemon(st, ports)
    s = b.wait_for("two polls of every device", 20,
                   lambda: (lambda x: x if all(v["polls"] >= 2 for v in devices_of(x)) else None)(
                       b.status(d)), 0.3)
    got = {x["device"]: x for x in devices_of(s)}
    total = total_min = 0
    for dev in st.devices:
        x = got[dev.name]
        b.add("lakewatchd", f"transactions_per_poll:{dev.model}", x["transactions"],
              "transactions/poll")
        b.add("lakewatchd", f"min_transactions_per_poll:{dev.model}", b.min_tx[dev.model],
              "transactions/poll")
        total += x["transactions"]
        total_min += b.min_tx[dev.model]
        if x["failures"] or x["failed_polls"] or x["exceptions"]:
            b.note(f"CHECK: {dev.model}: failed polls {x['failed_polls']}, exceptions "
                   f"{x['exceptions']}, last error {x['last_error']}")
    b.add("lakewatchd", "transactions_per_poll", total, "transactions/poll")
    b.add("lakewatchd", "min_transactions_per_poll", total_min, "transactions/poll")
    d.stop()
    sim.stop()


def line_protocol(rows):
    """Lines as lakewatchd writes them: measurement = point, tags device, station, unit
    (sorted), fields quality and value (absent when there is none), time in ms."""
    qualities = ["good", "suspect", "bad", "missing", "maintenance"]

    def esc(s):
        return s.replace("\\", "\\\\").replace(",", "\\,").replace(" ", "\\ ").replace("=", "\\=")
    out = []
    for t, station, device, point, unit, value, q in rows:
        fields = f'quality="{qualities[q]}"'
        if value is not None:
            fields += f",value={value!r}"
        out.append(f"{esc(point)},device={esc(device)},station={esc(station)},unit={esc(unit)} "
                   f"{fields} {t}")
    return out


def sc_replay(b):
    """A 60 s outage of the broker and of InfluxDB under the steady load: the rate at
    which the backlog then drains to InfluxDB, against a plain client posting the same
    lines in batches of the same size to the same influxd."""
    st = station_steady()
    sim, ports = b.start_modbus(st, "sim")
    broker, mport = b.start_mosquitto("replay-mosquitto")
    influx, hp, rp = b.start_influxd("replay-influxd")
    b.influx_query(hp, f'CREATE DATABASE "{INFLUX_DB}"')
    d = b.start_daemon(st, ports, mport, hp)
    b.wait_for("readings reaching InfluxDB", 30,
               lambda: (forwarder(b.status(d), "influxdb") or {}).get("acked", 0) > 0, 0.5)
    b.sleep(b.par["replay_warmup"])
    t_down = time.time()
    broker.stop()
    influx.stop()
    b.sleep(b.par["replay_outage"])
    t_up = time.time()
    broker, _ = b.start_mosquitto("replay-mosquitto", mport)
    influx, _, _ = b.start_influxd("replay-influxd", (hp, rp))
    t_back = time.time()
    first = s0 = b.status(d)
    backlog = forwarder(first, "influxdb")["lag_readings"]
    acked_up = forwarder(first, "influxdb")["acked"]
    samples = []
    end = time.monotonic() + b.par["replay_drain_max"]
    t_first = t_end = None
    mqtt_done = None
    while time.monotonic() < end:
        s = b.status(d)
        now = time.time()
        fi, fm = forwarder(s, "influxdb"), forwarder(s, "mqtt")
        samples.append((now, fi["acked"], fi["lag_readings"]))
        if mqtt_done is None and fm["lag_readings"] <= 2 * expected_rate(st):
            mqtt_done = now
        if t_first is None and fi["acked"] > acked_up:
            t_first, s0 = now, s
        if t_first is not None and fi["lag_readings"] <= INFLUX_BATCH:
            t_end = now
            break
        # Back to back once the first batch is in (a status call takes ~20 ms), so the
        # drain, a second or so, is timed finely enough.
        time.sleep(0.25 if t_first is None else 0.0)
    if t_first is None or t_end is None:
        b.note(f"lakewatchd did not drain its InfluxDB backlog of {backlog:,} readings within "
               f"{b.par['replay_drain_max']} s")
    else:
        acked = forwarder(s, "influxdb")["acked"] - forwarder(s0, "influxdb")["acked"]
        if t_end > t_first and acked > 0:
            b.add("lakewatchd", "readings_per_s", acked / (t_end - t_first), "readings/s")
        b.note(f"backlog {backlog:,} readings after {t_up - t_down:.0f} s down; first batch "
               f"acknowledged {t_first - t_back:.1f} s after influxd was back, the rest "
               f"({acked:,}) in {t_end - t_first:.1f} s")
    end = time.monotonic() + 15
    while mqtt_done is None and time.monotonic() < end:
        fm = forwarder(b.status(d), "mqtt")
        if fm["lag_readings"] <= 2 * expected_rate(st):
            mqtt_done = time.time()
        else:
            time.sleep(0.5)
    if mqtt_done is not None:
        b.note(f"MQTT backlog gone {mqtt_done - t_back:.1f} s after the broker was back")
    else:
        b.note(f"MQTT backlog not gone {time.time() - t_back:.0f} s after the broker was back: "
               f"{fm['lag_readings']:,} behind, {fm['acked']:,} acknowledged of {fm['sent']:,} "
               f"sent")
    # The plain client: the same lines (the outage's readings) in batches of the same
    # size, gzipped as lakewatchd sends them, one keep-alive connection, one after the
    # other.  Bodies are built and compressed before the clock starts, so this is what
    # influxd takes at most, with the daemon still polling beside it as before.
    with store_connect(d.db) as c:
        rows = c.execute(
            "select s.time_ms, r.station, r.device, r.point, r.unit, s.value, s.quality "
            "from sample s join series r on r.id = s.series where s.time_ms >= ? and "
            "s.time_ms < ? order by s.seq", (int(t_down * 1000), int(t_up * 1000))).fetchall()
    lines = line_protocol(rows)
    if len(lines) >= INFLUX_BATCH:
        bodies = [gzip.compress(("\n".join(lines[i:i + INFLUX_BATCH]) + "\n").encode())
                  for i in range(0, len(lines), INFLUX_BATCH)]
        b.influx_query(hp, 'CREATE DATABASE "bench_client"')
        conn = http.client.HTTPConnection("127.0.0.1", hp, timeout=60)
        path = "/write?db=bench_client&precision=ms"
        hdrs = {"Content-Encoding": "gzip", "Content-Type": "text/plain; charset=utf-8"}

        def post(body):
            conn.request("POST", path, body=body, headers=hdrs)
            r = conn.getresponse()
            r.read()
            if r.status != 204:
                raise BenchError(f"influx-client: HTTP {r.status}")
        post(bodies[0])     # creates the series, as they exist already for lakewatchd
        t0 = time.monotonic()
        for body in bodies:
            post(body)
        dt = time.monotonic() - t0
        b.add("influx-client", "readings_per_s", len(lines) / dt, "readings/s")
        conn.close()
    else:
        b.note(f"CHECK: only {len(lines)} readings stored during the outage")
    d.stop()
    influx.stop()
    broker.stop()
    sim.stop()


def expected_rate(st):
    return sum(len(d.points) / d.interval_s for d in st.devices if d.interval_s)


def sc_fault(b):
    """20 devices on one connection, one of which stops answering: the healthy
    devices' readings/s during the fault over their rate before it, for lakewatchd and
    collectd, polling the same simulator at the same time (each its own connection)."""
    st = station_fault()
    w, before, fault = b.par["fault_warmup"], b.par["fault_before"], b.par["fault"]
    f_from, f_until = w + before, w + before + fault
    t_sim = time.time()
    sim, ports = b.start_modbus(st, "sim", ["--fault", f"{FAULT_DEVICE}=timeout@{f_from}-{f_until}"])
    broker, mport = b.start_mosquitto("fault-mosquitto")
    sub = LatencySubscriber(b, "fault-cd", mport, ["collectd/#"], "collectd")
    d = b.start_daemon(st, ports)
    c = b.start_collectd(st, ports, mport)
    b.sleep(max(0.0, t_sim + f_until + 2 - time.time()))
    store_wait_committed(b, d.db, t_sim + f_until)
    windows = ((t_sim + w, t_sim + f_from), (t_sim + f_from, t_sim + f_until))
    lw = [store_count(d.db, t0, t1, FAULT_DEVICE) / (t1 - t0) for t0, t1 in windows]
    cd = []
    for t0, t1 in windows:
        n = sum(1 for _, t, dev in sub.window(t0, t1 + 5) if t0 <= t < t1 and dev != FAULT_DEVICE)
        cd.append(n / (t1 - t0))
    healthy = sum(len(x.points) / x.interval_s for x in st.devices if x.name != FAULT_DEVICE)
    for system, (r0, r1) in (("lakewatchd", lw), ("collectd", cd)):
        if r0 > 0:
            b.add(system, "healthy_rate_ratio", r1 / r0, "ratio")
        b.note(f"{system}: healthy devices {r0:,.0f} readings/s before, {r1:,.0f}/s during "
               f"the fault (their schedule: {healthy:,.0f}/s)")
    c.stop()
    d.stop()
    sub.stop()
    broker.stop()
    sim.stop()


RUNNERS = {
    "ceiling": sc_ceiling,
    "flat_out": lambda b: sc_flat(b, False),
    "flat_out_mqtt": lambda b: sc_flat(b, True),
    "steady": sc_steady,
    "idle": sc_idle,
    "coalescing": sc_coalescing,
    "replay": sc_replay,
    "fault": sc_fault,
}


# ------------------------------------------------------------------ targets and output

def targets(b):
    """Each target: (what, the figures, met: True/False/None for not measured)."""
    f = b.figure
    out = []

    def t(what, cond, shown):
        out.append((what, shown if cond is not None else "not measured", cond))

    lw, ceil = f("flat_out", "lakewatchd", "readings_per_s"), f("ceiling", "ceiling", "readings_per_s")
    t("flat out, store only: >= 90 % of the ceiling's readings/s",
      None if None in (lw, ceil) else lw >= 0.9 * ceil,
      lw and ceil and f"{lw:,.0f} of {ceil:,.0f} readings/s = {100 * lw / ceil:.1f} %")
    lw, cd = f("flat_out_mqtt", "lakewatchd", "readings_per_s"), f("flat_out_mqtt", "collectd",
                                                                    "readings_per_s")
    t("flat out with MQTT: >= 5x collectd's sustained maximum",
      None if None in (lw, cd) else lw >= 5 * cd,
      lw and cd and f"{lw:,.0f} vs {cd:,.0f} readings/s = {lw / cd:.2f}x")
    lw, cd = f("steady", "lakewatchd", "cpu_us_per_reading"), f("steady", "collectd",
                                                                 "cpu_us_per_reading")
    t("steady: <= 5 us CPU per reading (store and MQTT on)", None if lw is None else lw <= 5,
      lw is not None and f"{lw:.2f} us")
    t("steady: >= 10x less CPU per reading than collectd",
      None if None in (lw, cd) else lw * 10 <= cd,
      lw and cd and f"{lw:.2f} vs {cd:.2f} us = {cd / lw:.1f}x less")
    lw, cd = f("steady", "lakewatchd", "peak_rss_kb"), f("steady", "collectd", "peak_rss_kb")
    t("steady: peak RSS <= 8 MB (8192 kB)", None if lw is None else lw <= 8192,
      lw is not None and f"{lw:,} kB")
    t("steady: peak RSS <= 1.2x collectd's", None if None in (lw, cd) else lw <= 1.2 * cd,
      lw and cd and f"{lw:,} vs {cd:,} kB = {lw / cd:.2f}x")
    lw = f("steady", "lakewatchd", "p99_ms")
    t("steady: p99 latency poll -> MQTT receipt <= 20 ms", None if lw is None else lw <= 20,
      lw is not None and f"{lw:.1f} ms")
    lw, mn = f("idle", "lakewatchd", "wakeups_per_min"), f("idle", "lakewatchd",
                                                            "min_wakeups_per_min")
    t("idle: wake-ups within 1.2x of the schedule's minimum",
      None if None in (lw, mn) else lw <= 1.2 * mn,
      lw is not None and mn and f"{lw:.1f} vs {mn:.1f} a minute = {lw / mn:.2f}x")
    pairs = [(r[2].split(":", 1)[1], r[3]) for r in b.rows
             if r[0] == "coalescing" and r[2].startswith("transactions_per_poll:")]
    off = [f"{m} {v} > {b.min_tx[m]}" for m, v in pairs if v != b.min_tx[m]]
    t("coalescing: transactions per poll = the minimum for every driver",
      None if not pairs else not off,
      pairs and ("all %d drivers at the minimum" % len(pairs) if not off else "; ".join(off)))
    lw = f("fault", "lakewatchd", "healthy_rate_ratio")
    t("fault: healthy devices keep >= 0.95 of their rate", None if lw is None else lw >= 0.95,
      lw is not None and f"{lw:.3f}")
    return out


def fmt(v):
    if isinstance(v, int):
        return f"{v:,}"
    if v >= 1000:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.1f}"
    return f"{v:.3g}" if v < 1 else f"{v:.2f}"


def report(b, elapsed, path):
    lines = [f"{'scenario':<14} {'system':<14} {'metric':<42} {'value':>12}  unit"]
    for sc, system, metric, value, unit in b.rows:
        lines.append(f"{sc:<14} {system:<14} {metric:<42} {fmt(value):>12}  {unit}")
    lines.append("")
    lines.append("targets:")
    for what, shown, met in targets(b):
        state = "met" if met else "MISSED" if met is False else "-"
        lines.append(f"  {state:<7} {what}: {shown}")
    if b.notes:
        lines.append("")
        lines.append("notes:")
        lines.extend("  " + n if not n.startswith("  ") else n for n in b.notes)
    lines.append("")
    lines.append(f"{'quick ' if b.quick else ''}run took {elapsed:.0f} s; results in {path}")
    print("\n".join(lines), flush=True)


def write_csv(b, out_dir, stamp):
    os.makedirs(out_dir, exist_ok=True)
    name = stamp + ("-quick" if b.quick else "") + ".csv"
    path = os.path.join(out_dir, name)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["scenario", "system", "metric", "value", "unit"])
        for sc, system, metric, value, unit in b.rows:
            w.writerow([sc, system, metric, value if isinstance(value, int) else
                        f"{value:.6g}", unit])
    if not b.quick:
        shutil.copyfile(path, os.path.join(out_dir, "latest.csv"))
    return path


def main():
    ap = argparse.ArgumentParser(description="the lakewatch performance bench")
    ap.add_argument("--bin", required=True, help="directory of the built programs")
    ap.add_argument("--out", required=True, help="directory for the CSV results")
    args = ap.parse_args()
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    only = [s.strip() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()]
    unknown = [s for s in only if s not in SCENARIOS]
    if unknown:
        sys.exit(f"bench: unknown scenario(s) {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    chosen = [s for s in SCENARIOS if not only or s in only]
    if "flat_out" in chosen and "ceiling" not in chosen:
        chosen.insert(0, "ceiling")     # flat_out's target is a ratio to the same run's ceiling
        log("flat_out needs the ceiling of the same run: running it too")

    # SIGTERM (and SIGHUP) end the run like Ctrl-C: through the cleanup below.
    def on_signal(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    start = time.monotonic()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    b = None
    try:
        b = Bench(args.bin, quick)
        for sc in chosen:
            b.scenario = sc
            b.deadline = time.monotonic() + BOUNDS[sc]
            t0 = time.monotonic()
            log(f"{sc} ...")
            try:
                RUNNERS[sc](b)
            except BenchError as e:
                b.note(f"FAILED: {e}")
                log(f"{sc} failed: {e}")
            finally:
                b.deadline = None
                b.stop_all()
            log(f"{sc} done in {time.monotonic() - t0:.0f} s")
        path = write_csv(b, args.out, stamp)
        report(b, time.monotonic() - start, path)
    except KeyboardInterrupt:
        log("interrupted: stopping everything")
        return 130
    finally:
        if b is not None:
            b.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
