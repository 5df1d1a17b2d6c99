# redisdiag — a Redis connection diagnostic CLI.
#
#   make            build ./redisdiag (and the manual's FINDINGS list)
#   make man        write the manual's FINDINGS list from the catalog
#   make test       run the whole test suite (scripts/test does the same
#                   after installing what is missing)
#   make asan       ASan+UBSan build with clang in build/asan/redisdiag
#   make fuzz       libFuzzer targets (clang), each for FUZZ_SECONDS
#   make install    PREFIX=/usr/local DESTDIR= (binary, man page, bash and
#                   zsh completions); make uninstall removes them
#
# CC, CFLAGS, LDFLAGS and LIBS are the caller's: the flags the build needs
# live in separate variables, so 'make CC=clang CFLAGS="-O1 -fsanitize=..."'
# builds an instrumented binary without losing them.

CC	?= cc
CFLAGS	?= -O2 -g
LDFLAGS	?=
PREFIX	?= /usr/local
PKG_CONFIG ?= pkg-config

PKGS	:= hiredis openssl libcjson libmicrohttpd
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libmicrohttpd is not linked: serve loads it (src/mhd.c), so the GnuTLS
# stack it pulls in is not loaded by every other command.
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(filter-out libmicrohttpd,$(PKGS)) 2>/dev/null) -ldl

RD_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
	-Isrc $(PKG_CFLAGS) -MMD -MP
RD_LIBS   := $(PKG_LIBS) -lpthread

B	?= build
SRCS	:= $(filter-out src/main.c,$(wildcard src/*.c))
OBJS	:= $(SRCS:src/%.c=$(B)/%.o)
LIB	:= $(B)/librd.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/unit/%)

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_SECONDS ?= 60

.PHONY: all test unit asan fuzz fuzz-build install uninstall clean lint-man man

all: redisdiag man/redisdiag.1

redisdiag: $(B)/main.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/main.o $(LIB) $(RD_LIBS) $(LIBS)

$(B)/%.o: src/%.c | $(B)
	$(CC) $(RD_CFLAGS) $(CFLAGS) -c -o $@ $<

# The JSON Schema is data (src/schema.json); schema.c includes its bytes,
# written into the build directory by scripts/embed (od and awk only).
$(B)/schema.json.inc: src/schema.json scripts/embed | $(B)
	scripts/embed src/schema.json >$@.tmp && mv $@.tmp $@
$(B)/schema.o: $(B)/schema.json.inc
$(B)/schema.o: RD_CFLAGS += -I$(B)

$(LIB): $(OBJS)
	rm -f $@
	$(AR) rcs $@ $(OBJS)

# Each directory its own order-only target: a build/ that exists already
# (made by a script) must not hide a missing build/unit/.
$(B) $(B)/unit:
	mkdir -p $@

$(B)/unit/%: tests/unit/%.c $(LIB) | $(B)/unit
	$(CC) $(RD_CFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka) $(LDFLAGS) \
		-o $@ $< $(LIB) $(RD_LIBS) $(shell $(PKG_CONFIG) --libs cmocka) $(LIBS)

unit: $(UNIT_BINS)

# The whole suite: unit tests, command-line tests, integration tests.
test: redisdiag unit
	tests/run

# ASan+UBSan build with clang, in its own build directory.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan:
	$(MAKE) B=build/asan CC=clang CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" \
		build/asan/redisdiag unit-asan

build/asan/redisdiag: $(B)/main.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/main.o $(LIB) $(RD_LIBS) $(LIBS)

unit-asan: $(UNIT_BINS)

# libFuzzer targets: the library built with coverage, one binary per target.
FZ := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
fuzz-build:
	$(MAKE) B=build/fuzz CC=clang CFLAGS="-O1 -g $(FZ)" LDFLAGS="" build/fuzz/librd.a
	@mkdir -p build/fuzz/bin
	@set -e; for f in $(FUZZ_SRCS); do n=$$(basename $$f .c); \
		echo "  FUZZ $$n"; \
		clang -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		$(RD_CFLAGS) -o build/fuzz/bin/$$n $$f build/fuzz/librd.a $(RD_LIBS); done

fuzz: fuzz-build
	scripts/fuzz $(FUZZ_SECONDS)

# The manual's FINDINGS list is the catalog's: man/findings.c writes it
# between its markers whenever the library (and so the catalog) changed;
# the file is replaced only when the list differs.  man.bats checks it.
$(B)/findings: man/findings.c $(LIB) | $(B)
	$(CC) $(RD_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(RD_LIBS) $(LIBS)

man/redisdiag.1: $(B)/findings
	$(B)/findings <$@ >$(B)/redisdiag.1.new
	cmp -s $(B)/redisdiag.1.new $@ || cp $(B)/redisdiag.1.new $@
	touch $@

man: man/redisdiag.1

lint-man:
	mandoc -Tlint -W warning man/redisdiag.1

BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions

install: redisdiag
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 redisdiag $(DESTDIR)$(PREFIX)/bin/redisdiag
	install -m 644 man/redisdiag.1 $(DESTDIR)$(PREFIX)/share/man/man1/redisdiag.1
	install -m 644 scripts/completions/redisdiag.bash $(DESTDIR)$(BASHCOMPDIR)/redisdiag
	install -m 644 scripts/completions/_redisdiag $(DESTDIR)$(ZSHCOMPDIR)/_redisdiag

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/redisdiag \
		$(DESTDIR)$(PREFIX)/share/man/man1/redisdiag.1 \
		$(DESTDIR)$(BASHCOMPDIR)/redisdiag \
		$(DESTDIR)$(ZSHCOMPDIR)/_redisdiag

clean:
	rm -rf build redisdiag

-include $(OBJS:.o=.d) $(B)/main.d $(UNIT_BINS:=.d) $(B)/findings.d
