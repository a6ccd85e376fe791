# CertPack — the two commands of the README: `make demo` and `make test`.
# Each installs the Debian packages it needs when they are missing, then builds.

SWIFT      ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)
BUILD_FLAGS ?= -c release
DEB_BUILD  := libcairo2-dev libharfbuzz-dev libfreetype-dev zlib1g-dev libsqlite3-dev libturbojpeg0-dev pkg-config fonts-noto-cjk
DEB_TEST   := poppler-utils qpdf fonts-dejavu-core
# The browser test of `certpack serve`: Debian's chromium and its driver, selenium from PyPI.
DEB_BROWSER := chromium chromium-driver
PYTHON     ?= python3
# `make install PREFIX=…`: the binary and the Templates/ and Fonts/ it reads, side by side in
# $(PREFIX)/lib/certpack (the binary finds Templates/ beside itself), and a link in $(PREFIX)/bin.
PREFIX     ?= /usr/local
DESTDIR    ?=
HOST       ?= 127.0.0.1
PORT       ?= 8080
BIN         = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path)

.PHONY: all deps test-deps swift-test-deps build demo test test-swift browser-test lint format serve bench install install-test clean

all: build

# Install only what is missing; apt-get update once, only when something must be installed.
deps:
	@./.ci/apt-ensure $(DEB_BUILD)

test-deps: swift-test-deps
	@./.ci/apt-ensure $(DEB_BROWSER)
	@$(PYTHON) -c "import selenium" 2>/dev/null || $(PYTHON) -m pip install -q "selenium>=4.10"
	@$(PYTHON) -c "import axe_selenium_python" 2>/dev/null || $(PYTHON) -m pip install -q "axe-selenium-python>=2.1"

# What the Swift tests alone need: poppler-utils and qpdf to read PDFs, openpyxl to check workbooks.
swift-test-deps: deps
	@./.ci/apt-ensure $(DEB_TEST)
	@$(PYTHON) -c 'import openpyxl' 2>/dev/null || $(PYTHON) -m pip install -q openpyxl
	@$(PYTHON) -c "import icalendar" 2>/dev/null || $(PYTHON) -m pip install -q icalendar

build: deps
	$(SWIFT) build $(BUILD_FLAGS) --product certpack

# The main job on the embedded example: checklist on screen, pack in Output/; plus the type specimen.
demo: build
	@$(BIN)/certpack demo
	@$(BIN)/certpack specimen -o Output

# Every test: the Swift tests, then the browser test.
test: test-deps
	$(MAKE) --no-print-directory test-swift
	$(MAKE) --no-print-directory browser-test

# The Swift tests alone (no chromium needed).
test-swift: swift-test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The code's format (.swift-format; swift-format ships with the toolchain): `make format` rewrites,
# `make lint` (run by CI before the tests) fails on any difference.
FORMAT_PATHS := Package.swift Sources Tests
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS)

format:
	$(SWIFT) format --in-place --recursive --parallel $(FORMAT_PATHS)

# A real browser on the web page: chromium headless, driven by selenium, against `certpack serve`
# on a free loopback port (the debug build made above). Screenshots land in Output/browser/.
# Today is fixed (CERTPACK_TODAY): the examples' visit dates must not fall into the past.
browser-test:
	CERTPACK_TODAY=2026-12-02 $(PYTHON) Tests/browser/test_web.py --certpack "$$($(SWIFT) build --show-bin-path)/certpack" --out Output/browser

# The web page on this computer, opening with the example applicant filled in (批量: Examples/batch.csv).
serve: build
	$(BIN)/certpack serve --host $(HOST) --port $(PORT) --example Examples/new-odc-personal.yaml

# Speed and memory, measured here and never in tests (see README, "Benchmarks").
bench: deps
	@./.ci/apt-ensure wrk curl
	$(SWIFT) build $(BUILD_FLAGS)
	$(BIN)/certpack-bench
	Tests/bench/web-bench.sh $(BIN)/certpack

install: build
	install -d $(DESTDIR)$(PREFIX)/lib/certpack $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN)/certpack $(DESTDIR)$(PREFIX)/lib/certpack/certpack
	rm -rf $(DESTDIR)$(PREFIX)/lib/certpack/Templates $(DESTDIR)$(PREFIX)/lib/certpack/Fonts
	cp -R Templates Fonts $(DESTDIR)$(PREFIX)/lib/certpack/
	ln -sfn ../lib/certpack/certpack $(DESTDIR)$(PREFIX)/bin/certpack
	@echo "installed: $(DESTDIR)$(PREFIX)/bin/certpack (Templates/ and Fonts/ in $(PREFIX)/lib/certpack)"

# From a fresh clone of this repository (HEAD): `make install` into a temporary prefix, then the
# installed certpack serves from another folder (/healthz, the page, a check) and fills a pack.
install-test:
	Tests/install/install-test.sh

clean:
	rm -rf .build
