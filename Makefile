# Commonwork: the two set-up commands are `make run` and `make test` (see README.md).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Tests in parallel on this many pytest-xdist workers per pass (0 = one process).
PYTEST_WORKERS ?= 2

# `make run PORT=8080` serves on another port.
PORT ?= 8000

.PHONY: run run-federation run-cluster test lint bench messages screenshots clean system-deps

# --- the virtualenv -----------------------------------------------------------------

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Re-installed only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

# --- the two set-up commands ----------------------------------------------------------

# `make run DEMO_LANGUAGE=zh-hans` loads the demo's own words in Chinese (a new var/).
DEMO_LANGUAGE ?= en

run: $(VENV)/.installed-run
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo --language $(DEMO_LANGUAGE)
	PY=$(PY) PORT=$(PORT) scripts/serve-demo.sh

# Two demo co-ops side by side (:8000 and :8001), linked (docs/federation.md).
run-federation: $(VENV)/.installed-run
	PY=$(PY) scripts/run-federation.sh

# The multi-process layout on one machine: PostgreSQL primary and standby, Redis, two
# web processes, two workers, two schedulers (docs/operator-guide.md). Ctrl-C stops all.
run-cluster: $(VENV)/.installed-run system-deps
	PY=$(PY) scripts/run-cluster.sh

test: $(VENV)/.installed-dev system-deps
	PYTHON=$(PY) PYTEST_WORKERS=$(PYTEST_WORKERS) scripts/test-all.sh

system-deps:
	scripts/system-deps.sh

# --- developer helpers -----------------------------------------------------------------

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check
	$(PY) -m ruff format --check
	DEBUG=1 $(PY) -m mypy src tests bench scripts
	cd src && ../$(VENV)/bin/lint-imports ../pyproject.toml

bench: $(VENV)/.installed-dev system-deps
	PYTHON=$(PY) scripts/bench.sh

# Retake the user guide's pictures (docs/screenshots/) from the demo, in the browser.
screenshots: $(VENV)/.installed-dev system-deps
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest -p no:cacheprovider -q tests/e2e/test_user_guide_screenshots.py

# Extract and compile the Simplified Chinese translations of src/commonwork.
messages: $(VENV)/.installed-dev
	cd src/commonwork && DEBUG=1 ../../$(PY) ../../manage.py makemessages -l zh_Hans --no-obsolete
	cd src/commonwork && DEBUG=1 ../../$(PY) ../../manage.py compilemessages -l zh_Hans

clean:
	rm -rf var test-artifacts build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf src/*.egg-info
