# tijdlijn — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Annotate the bundled example articles (time, entities, places) and print a readable table.
demo: $(STAMP)
	$(VENV)/bin/tijdlijn annotate examples/ --format table

## Run the test suite (installs everything it needs into .venv first).
test: $(STAMP)
	$(PY) -m pytest

## Accuracy and speed against HeidelTime, side by side; writes bench/RESULTS.md.
bench: $(STAMP)
	bash bench/heideltime/setup.sh || echo "HeidelTime peer could not be installed; benchmarking tijdlijn alone"
	$(PY) bench/run_bench.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis
