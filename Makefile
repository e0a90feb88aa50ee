# tijdlijn — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench install clean pg-server-bins browser-bins

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,all]'
	touch $(STAMP)

install: $(STAMP)

## Annotate the bundled example articles (time, entities, places) and print a readable table.
demo: $(STAMP)
	$(VENV)/bin/tijdlijn annotate examples/ --format table

# PostgreSQL server binaries for the real-server tests (tests/pgserver.py starts its own
# throw-away cluster; the package's default cluster is neither needed nor touched).
# Without apt-get or the rights to use it this only warns: those tests then skip,
# or fail when TIJDLIJN_REQUIRE_PG=1 (as in CI).
PG_INITDB_GLOB ?= /usr/lib/postgresql/*/bin/initdb
pg-server-bins:
	@if ls $(PG_INITDB_GLOB) >/dev/null 2>&1 || [ -n "$$TIJDLIJN_PG_BINDIR" ]; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "warning: PostgreSQL server not installed and no apt-get; postgres tests will skip" >&2; \
	else \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "warning: PostgreSQL server not installed and not root (no sudo); postgres tests will skip" >&2; exit 0; fi; \
	  echo "installing the PostgreSQL server (Debian package postgresql)"; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql \
	    || echo "warning: installing postgresql failed; postgres tests will skip" >&2; \
	fi

# Headless Chromium for the web app's end-to-end tests (tests/test_web_e2e.py drives Debian's
# /usr/bin/chromium with Playwright; `playwright install` is never used). Without apt-get or the rights
# to use it this only warns: those tests then skip, or fail when TIJDLIJN_REQUIRE_BROWSER=1 (as in CI).
CHROMIUM ?= /usr/bin/chromium
browser-bins:
	@if [ -x $(CHROMIUM) ] && command -v chromedriver >/dev/null 2>&1; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "warning: Chromium not installed and no apt-get; browser tests will skip" >&2; \
	else \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "warning: Chromium not installed and not root (no sudo); browser tests will skip" >&2; exit 0; fi; \
	  echo "installing Chromium (Debian packages chromium, chromium-driver)"; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    chromium chromium-driver fonts-dejavu-core \
	    || echo "warning: installing chromium failed; browser tests will skip" >&2; \
	fi

## Run the test suite (installs everything it needs into .venv first).
test: $(STAMP) pg-server-bins browser-bins
	$(PY) -m pytest

## Accuracy and speed against HeidelTime, side by side; writes bench/RESULTS.md.
bench: $(STAMP)
	bash bench/heideltime/setup.sh || echo "HeidelTime peer could not be installed; benchmarking tijdlijn alone"
	$(PY) bench/run_bench.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis
