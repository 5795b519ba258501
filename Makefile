# vigil — build, install, test, benchmark.
#   make            build build/vigil
#   make run        install what is missing, build, run the monthly job on the bundled data
#   make test       install what is missing, build, run the whole suite (TAP through prove)
#   make check-asan the same suite against an ASan + UBSan build
#   make check-valgrind  the command-line tests under valgrind (leaks are errors)
#   make bench      side-by-side benchmarks (not part of the tests)
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/vigil
VERSION := 0.1.0

CC      ?= cc
PKG_CONFIG ?= pkg-config
LUA_PC  ?= lua5.4
WARN    := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Werror
OPT     ?= -O2 -g
CFLAGS  ?=
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 $(OPT) $(WARN) $(CFLAGS) \
             $(shell $(PKG_CONFIG) --cflags $(LUA_PC) sqlite3 libedit 2>/dev/null) \
             -DVIGIL_VERSION='"$(VERSION)"' -DVIGIL_DATADIR='"$(DATADIR)"'
# libedit is not linked: the REPL loads it with dlopen (engine/repl_edit.c), which keeps
# start-up as fast as lua's; only its header is needed to build.
LIBS    = $(shell $(PKG_CONFIG) --libs $(LUA_PC) sqlite3 2>/dev/null) -lcsv -lm
LDFLAGS ?=

B       ?= build
# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif
ENGINE_C   := $(wildcard engine/*.c)
ENGINE_H   := $(wildcard engine/*.h)
LUA_SRC    := $(shell find engine/lua -name '*.lua' | LC_ALL=C sort)
# Pure C helpers: never include lua.h; unit-tested alone.
PURE_C     := $(shell grep -L 'lua\.h\|lauxlib\.h\|host\.h' $(ENGINE_C))
UNIT_C     := $(wildcard tests/unit/*.c)

OBJS       := $(patsubst engine/%.c,$(B)/obj/%.o,$(ENGINE_C)) $(B)/obj/embedded.o
PURE_OBJS  := $(patsubst engine/%.c,$(B)/obj/%.o,$(PURE_C))

.PHONY: FORCE all deps run test test-only check check-asan check-valgrind bench install uninstall clean

all: $(B)/vigil

$(B)/vigil: $(OBJS)
	@echo "  LINK $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LIBS)

# The compiler flags (PREFIX among them) are a dependency: changing them rebuilds.
$(B)/flags: FORCE | $(B)/obj
	@echo '$(ALL_CFLAGS)' | cmp -s - $@ || echo '$(ALL_CFLAGS)' > $@

FORCE:

$(B)/obj/%.o: engine/%.c $(ENGINE_H) $(B)/flags | $(B)/obj
	@echo "  CC   $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The Lua library is compiled into the binary: one file is all a user installs.
$(B)/embed: engine/tools/embed.c | $(B)/obj
	$(CC) -std=c11 -O1 $(WARN) -o $@ $<

$(B)/embedded.c: $(B)/embed $(LUA_SRC)
	@echo "  EMBED engine/lua"
	$(Q)$(B)/embed engine/lua $(LUA_SRC) > $@.tmp && mv $@.tmp $@

$(B)/obj/embedded.o: $(B)/embedded.c $(B)/flags
	$(Q)$(CC) $(ALL_CFLAGS) -Iengine -c -o $@ $<

$(B)/unit_tests: $(UNIT_C) $(PURE_OBJS) $(ENGINE_H)
	@echo "  LINK $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Iengine -o $@ $(UNIT_C) $(PURE_OBJS) $(LIBS)

$(B)/obj:
	mkdir -p $@

# Installs the Debian packages that are missing (nothing when all are present).  The
# targets that need them run a sub-make afterwards, so pkg-config is asked again.
deps:
	@sh .ci/deps

# The main job on the bundled data: the database, the reconciliation with the
# published figures, processed violations by category, and the monthly report for the
# data's last complete month (the path of its index.html is printed last).
RUN_PERIOD ?= 2025-12
run: deps
	@$(MAKE) --no-print-directory all vigil.db
	$(B)/vigil scripts/reconcile.lua
	$(B)/vigil scripts/processed_by_category.lua --by category --from 2025-01 --to 2025-12
	@out=$$($(B)/vigil report monthly --period $(RUN_PERIOD) --today 2026-01-01 --out reports) && \
	    echo "monthly report: $(CURDIR)/$$out/index.html"

vigil.db: $(B)/vigil datasets/schema.sql $(wildcard datasets/*.csv)
	$(B)/vigil init --force --db $@

TEST_ENV = VIGIL="$(CURDIR)/$(B)/vigil" VIGIL_UNIT="$(CURDIR)/$(B)/unit_tests" VIGIL_ROOT="$(CURDIR)"
test: deps
	@$(MAKE) --no-print-directory all $(B)/unit_tests
	@$(TEST_ENV) prove --exec '' --timer tests/*.t

check: test

check-asan: deps
	@$(MAKE) --no-print-directory B=build-asan OPT='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=address,undefined' build-asan/vigil build-asan/unit_tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $(MAKE) --no-print-directory B=build-asan test-only

test-only:
	@$(TEST_ENV) prove --exec '' --timer tests/*.t

# The command-line tests, run again with vigil under valgrind (leaks are errors), two
# files at a time (each test has its own scratch folder).
VALGRIND_TESTS = tests/cli.t tests/init.t tests/import.t tests/export.t tests/csv.t tests/db.t \
                 tests/scripts.t tests/reconcile.t tests/import_keys.t
check-valgrind: deps
	@$(MAKE) --no-print-directory all
	@VIGIL_VALGRIND=1 $(TEST_ENV) prove --exec '' --timer -j2 $(VALGRIND_TESTS)

# Each part prints its own table of medians and ratios; see docs/bench.md.
BENCH_PARTS = tests/bench/run tests/bench/import/run tests/bench/plot/run tests/bench/trend/run
bench: deps
	@$(MAKE) --no-print-directory all
	@for part in $(BENCH_PARTS); do \
	    if [ -f "$$part" ]; then echo "== $$part"; sh "$$part" $(B)/vigil || exit 1; fi; \
	done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/datasets $(DESTDIR)$(DATADIR)/scripts
	install -m 755 $(B)/vigil $(DESTDIR)$(BINDIR)/vigil
	install -m 644 datasets/*.sql datasets/*.csv datasets/*.lua $(DESTDIR)$(DATADIR)/datasets/
	cp -R scripts/. $(DESTDIR)$(DATADIR)/scripts/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vigil
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan
