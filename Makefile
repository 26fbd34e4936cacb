# lakewatch: build, test, install and demo.  See README.md.
#   make                 build the three programs into build/bin
#   make check           build and run every unit and integration test
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan (build-san/)
#   make check VALGRIND=1   unit tests under valgrind
#   make demo [DEMO_SECONDS=20]   a simulated Lake Poopó station end to end
#   make fuzz            libFuzzer targets (clang)
#   make fuzz-run [FUZZ_SECONDS=60]   run each of them
#   make install [PREFIX=/usr/local DESTDIR=]

SHELL      := /bin/bash
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
PKG_CONFIG ?= pkg-config
PKGS       := libmodbus libconfig sqlite3 libmosquitto openssl zlib
VERSION    := 0.1.0
# When the source was last changed (the last commit; now outside git): a
# system clock reading earlier than this is obviously unset.
SOURCE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || date +%s)

CC         ?= cc
CFLAGS     ?= -O2 -g
WARN       := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla -Wundef \
              -Wno-format-nonliteral
ifeq ($(SANITIZE),1)
B          := build-san
SANFLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
B          := build
SANFLAGS   :=
endif

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS))
ALL_CPPFLAGS = -D_DEFAULT_SOURCE -DLW_VERSION='"$(VERSION)"' -DLW_SOURCE_EPOCH=$(SOURCE_EPOCH) -iquote daemon -iquote drivers $(CPPFLAGS)
ALL_CFLAGS   = -std=c11 -pthread -MMD -MP $(WARN) $(SANFLAGS) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS  = -pthread $(SANFLAGS) $(LDFLAGS)
ALL_LIBS     = $(PKG_LIBS) -lm $(LDLIBS)

LIB_SRC  := $(filter-out daemon/main.c,$(wildcard daemon/*.c)) $(wildcard drivers/*.c)
CLI_SRC  := $(wildcard tools/cli/*.c)
SIM_SRC  := $(wildcard tools/sim/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/obj/%.o)
SIM_OBJ  := $(SIM_SRC:%.c=$(B)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
PROGS    := $(B)/bin/lakewatchd $(B)/bin/lakewatch $(B)/bin/lakewatch-sim
MAN_PAGES := man/lakewatch.1 man/lakewatch-sim.1 man/lakewatch.conf.5 man/lakewatchd.8

.PHONY: all check check-build test demo deps fuzz fuzz-run install uninstall clean
# Keep the objects of the test programs (make would delete them as intermediates).
.SECONDARY:
all: $(PROGS)

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/liblakewatch.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(B)/bin/lakewatchd: $(B)/obj/daemon/main.o $(B)/liblakewatch.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(B)/bin/lakewatch: $(CLI_OBJ) $(B)/liblakewatch.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(B)/bin/lakewatch-sim: $(SIM_OBJ) $(B)/liblakewatch.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(B)/liblakewatch.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LIBS)

# The tests' own objects may include tests/tap.h.
$(B)/obj/tests/unit/%.o: ALL_CPPFLAGS += -iquote tests

check-build: $(PROGS) $(UNIT_BIN)

# deps first (installs or names the missing Debian packages), then build, then run.
check:
	@tools/deps.sh check
	@$(MAKE) --no-print-directory check-build
	@VALGRIND=$(VALGRIND) tests/run.sh $(B) $(T)

# Run the tests without the dependency check: make test T=pattern
test: check-build
	@VALGRIND=$(VALGRIND) tests/run.sh $(B) $(T)

DEMO_SECONDS ?= 0
demo:
	@tools/deps.sh demo
	@$(MAKE) --no-print-directory all
	@LW_BIN=$(CURDIR)/$(B)/bin tools/demo.sh $(DEMO_SECONDS)

deps:
	@tools/deps.sh check

# make bench [BENCH_ONLY=steady,idle] [BENCH_QUICK=1]: the performance bench (bench/run.py,
# see README.md, "Performance") on a release build in build-bench/, with its own C programs
# (a minimal libmodbus client, a bare Modbus TCP server, the driver tables' fewest reads).
# Not part of make check.  Results: bench/results/.
BENCH_B     := build-bench
BENCH_PROGS := $(addprefix $(BENCH_B)/bin/lakewatch-bench-,ceiling server mincover)
.PHONY: bench bench-build
bench:
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory B=$(BENCH_B) all bench-build
	@BENCH_ONLY='$(BENCH_ONLY)' BENCH_QUICK='$(BENCH_QUICK)' \
		python3 bench/run.py --bin $(BENCH_B)/bin --out bench/results
bench-build: $(BENCH_PROGS)
$(BENCH_B)/bin/lakewatch-bench-%: $(BENCH_B)/obj/bench/%.o $(BENCH_B)/liblakewatch.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LIBS)

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
fuzz: $(FUZZ_BIN)
# make fuzz-run [FUZZ_SECONDS=60]: each target for that long, new inputs in a scratch
# corpus (the seeds in tests/fuzz/corpus/ are read, never written).
FUZZ_SECONDS ?= 60
fuzz-run: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
		n=$${f#build-fuzz/fuzz_}; d=$$(mktemp -d); \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) $$d tests/fuzz/corpus/$$n 2>&1 | grep -E '^(Done|==|SUMMARY)'; \
		rc=$${PIPESTATUS[0]}; rm -rf $$d; [ $$rc -eq 0 ] || exit $$rc; \
	done
build-fuzz/%: tests/fuzz/%.c $(LIB_SRC)
	@mkdir -p $(@D)
	clang $(ALL_CPPFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
		-o $@ $< $(LIB_SRC) $(PKG_LIBS) -lm -pthread

# The programs of $(B) (made first if out of date, as `make all` makes them),
# the man pages, the example configuration with its presets, and the systemd
# unit with its Exec lines naming SBINDIR and SYSCONFDIR.  uninstall removes
# exactly these, and the directories under SYSCONFDIR/lakewatch left empty.
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/lakewatch \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(B)/bin/lakewatchd $(DESTDIR)$(SBINDIR)/lakewatchd
	install -m 0755 $(B)/bin/lakewatch $(B)/bin/lakewatch-sim $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(SYSCONFDIR)/lakewatch/presets
	install -m 0644 config/lakewatch.conf $(DESTDIR)$(SYSCONFDIR)/lakewatch/lakewatch.conf.example
	install -m 0644 config/presets/*.conf $(DESTDIR)$(SYSCONFDIR)/lakewatch/presets/
	sed -e '/^Exec/s|/usr/sbin/lakewatchd|$(SBINDIR)/lakewatchd|g' \
		-e '/^Exec/s|/etc/lakewatch/|$(SYSCONFDIR)/lakewatch/|g' \
		systemd/lakewatchd.service >$(DESTDIR)$(UNITDIR)/lakewatchd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/lakewatchd.service
	install -m 0644 systemd/lakewatch.sysusers $(DESTDIR)$(SYSUSERSDIR)/lakewatch.conf
	install -m 0644 $(filter %.1,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(filter %.8,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man8/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/lakewatchd $(DESTDIR)$(BINDIR)/lakewatch \
		$(DESTDIR)$(BINDIR)/lakewatch-sim \
		$(DESTDIR)$(SYSCONFDIR)/lakewatch/lakewatch.conf.example \
		$(addprefix $(DESTDIR)$(SYSCONFDIR)/lakewatch/presets/,$(notdir $(wildcard config/presets/*.conf))) \
		$(DESTDIR)$(UNITDIR)/lakewatchd.service $(DESTDIR)$(SYSUSERSDIR)/lakewatch.conf \
		$(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(filter %.1,$(MAN_PAGES)))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(filter %.5,$(MAN_PAGES)))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(filter %.8,$(MAN_PAGES))))
	for d in $(DESTDIR)$(SYSCONFDIR)/lakewatch/presets $(DESTDIR)$(SYSCONFDIR)/lakewatch; do \
		[ ! -d "$$d" ] || rmdir --ignore-fail-on-non-empty "$$d" || exit 1; \
	done

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(B) -name '*.d' 2>/dev/null)
