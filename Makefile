# CertPack — the two commands of the README: `make demo` and `make test`.
# Each installs the Debian packages it needs when they are missing, then builds.

SWIFT      ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)
BUILD_FLAGS ?= -c release
DEB_BUILD  := libcairo2-dev libharfbuzz-dev libfreetype-dev libqpdf-dev zlib1g-dev pkg-config fonts-noto-cjk
DEB_TEST   := poppler-utils qpdf fonts-dejavu-core
BIN         = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path)

.PHONY: all deps test-deps build demo test bench clean

all: build

# Install only what is missing; apt-get update once, only when something must be installed.
deps:
	@./.ci/apt-ensure $(DEB_BUILD)

test-deps: deps
	@./.ci/apt-ensure $(DEB_TEST)
	@python3 -c 'import openpyxl' 2>/dev/null || python3 -m pip install -q openpyxl

build: deps
	$(SWIFT) build $(BUILD_FLAGS) --product certpack

# The main job on the embedded example: checklist on screen, pack in Output/; plus the type specimen.
demo: build
	@$(BIN)/certpack demo
	@$(BIN)/certpack specimen -o Output

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Speed and memory, measured here and never in tests (see README, "Benchmarks").
bench: deps
	$(SWIFT) build $(BUILD_FLAGS)
	$(BIN)/certpack-bench

clean:
	rm -rf .build
