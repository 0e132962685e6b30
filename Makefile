# Every target creates or reuses the local virtual environment in .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# `make test` is tools/run_tests.py: the unit tests on both cores; then the JupyterLab browser tests alone (one of
# them counts the Playground's updates per second in the browser); then nbval beside the browser tests of the
# built site and decks. See that file's docstring.
# FAST=1 (`make test FAST=1`, `make unit FAST=1`) leaves out the tests marked browser or slow: for a quick local
# loop, never for a check before merging.
UNIT    := $(PY) -m pytest -p no:cacheprovider -q -n 2 --dist loadfile
FAST_M  := $(if $(FAST), and not slow,)
BROWSER := $(if $(FAST),@echo "FAST=1: browser tests and tests marked slow left out",$(PY) -m pytest -p no:cacheprovider -q -m browser tests/browser)

.PHONY: install lab test unit nbval notebooks check-notebooks execute-solutions course-time nbgrader grade-all bench device-check slides site clean help

help:
	@echo "make lab           set up .venv and open JupyterLab on the course"
	@echo "make test          unit tests (both cores), JupyterLab browser tests, then nbval beside the site and deck browser tests"
	@echo "make test FAST=1   the same without the browser tests and the tests marked slow (a quick local loop)"
	@echo "make notebooks     regenerate notebooks/ (student versions) from solutions/"
	@echo "make execute-solutions  re-run and store the solutions with their outputs"
	@echo "make course-time   run every notebook and print its time"
	@echo "make nbgrader      the course as an nbgrader course directory in build/nbgrader (OUT=... for another)"
	@echo "make grade-all     autograde three submissions of every notebook with nbgrader (slow; not in make test)"
	@echo "make bench         benchmarks -> bench/results.md and bench/results.json"
	@echo "make device-check  on the accelerator JAX finds: device report, notebook 08, fit benchmarks -> bench/device_check/"
	@echo "make slides        reveal.js decks in build/slides (offline)"
	@echo "make site          static HTML course in build/site (offline)"

# The browser scripts of the offline slides and site (reveal.js, require.js, MathJax, the widget manager), pinned
# in vendor/package-lock.json and fetched from the npm registry: needs Node.js's npm and the network, once.
VENDOR_STAMP := vendor/node_modules/.installed

$(STAMP): requirements/lock.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements/lock.txt
	$(PY) -m pip install --disable-pip-version-check -q --no-deps -e . --config-settings editable_mode=compat
	@# An editable install leaves out pyproject's data-files: put JupyterLab's settings override in place by hand.
	mkdir -p $(VENV)/share/jupyter/lab/settings/overrides.d
	cp jupyter/lab/settings/overrides.d/course_lib.json $(VENV)/share/jupyter/lab/settings/overrides.d/
	touch $(STAMP)

$(VENDOR_STAMP): vendor/package.json vendor/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (with npm) to build the slides and the site"; exit 1; }
	cd vendor && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(VENDOR_STAMP)

install: $(STAMP) $(VENDOR_STAMP)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --port=$(PORT) notebooks/00_welcome.ipynb

unit: $(STAMP)
	$(UNIT) -m "not browser$(FAST_M)" tests
	$(BROWSER)

# nbval with the sanitize file for what truly varies (timings, addresses, devices), as make test runs it.
nbval: $(STAMP)
	$(PY) -m tools.run_tests --nbval

test: $(STAMP)
	$(PY) -m tools.run_tests$(if $(FAST), --fast,)

notebooks: $(STAMP)
	$(PY) -m tools.stubs generate

check-notebooks: $(STAMP)
	$(PY) -m tools.stubs check

execute-solutions: $(STAMP)
	$(PY) -m tools.execute solutions
	$(PY) -m tools.stubs generate

course-time: $(STAMP)
	$(PY) -m tools.execute time

# The nbgrader course (docs/instructor_guide.md, "Grading with nbgrader"): source/ with nbgrader's cell metadata,
# from solutions/ and the points in tools/grading_points.toml.
OUT ?= build/nbgrader
nbgrader: $(STAMP)
	$(PY) -m tools.grading build --out $(OUT)

grade-all: $(STAMP)
	$(PY) -m tools.grading grade-all

bench: $(STAMP)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements/bench.txt
	$(PY) bench/run.py

# Where JAX finds a GPU or TPU (or on the CPU): devices.report(), notebook 08 under nbval, the digits and wide-MLP
# benchmarks of fit and hand-tuned JAX; the report goes to bench/device_check/. Not part of `make test`.
device-check: $(STAMP)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements/bench.txt || true
	$(PY) -m bench.device_check

slides: $(STAMP) $(VENDOR_STAMP)
	$(PY) -m tools.publish slides

site: $(STAMP) $(VENDOR_STAMP)
	$(PY) -m tools.publish site

clean:
	rm -rf build .pytest_cache
