# KAP Care — the two commands are `make run` and `make test` (see README.md).
#
# Everything installs into .venv; the embedded database lives under var/
# (or $KAPCARE_VAR_DIR). Nothing here needs root.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
PYTEST_WORKERS ?= auto
BROWSER ?= 1
VAR_DIR = $${KAPCARE_VAR_DIR:-var}

# Installed once, again whenever pyproject.toml changes.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help run install install-dev migrate demo test lint typecheck migrations-check \
	pytest test-postgres bench serve bench-load fuzz clean

help:
	@echo "make run            install, migrate, load the demo practice, serve on http://$(HOST):$(PORT)/"
	@echo "make test           lint, type check, import contracts, migrations check and the whole"
	@echo "                    test suite (SQLite, or the database DATABASE_URL names)"
	@echo "make test-postgres  the test suite on $(POSTGRES_URL)"
	@echo "make serve          the production way on one machine: gunicorn, task worker, DEBUG off"
	@echo "make fuzz           schemathesis over the whole API with each role's token, on a live server"
	@echo "                    (a fresh database beside DATABASE_URL's; bounded to 10 minutes)"
	@echo "make bench-load     load benchmark of the make serve setup on PostgreSQL (benchmarks/README.md)"
	@echo "make clean          remove .venv and caches (never the database under var/)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "KAP Care needs Python 3.11 or newer; '$(PYTHON)' is not. Try: make PYTHON=python3.11 ..." >&2; \
		exit 1; }
	@$(PYTHON) -m venv $(VENV) || { \
		rm -rf $(VENV); \
		echo "Could not create $(VENV). On Debian or Ubuntu: apt-get install python3-venv" >&2; \
		exit 1; }

$(RUN_STAMP): pyproject.toml | $(PY)
	@echo "Installing KAP Care into $(VENV) (the first time takes a minute or two)..."
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	@echo "Installing KAP Care and its test tools into $(VENV)..."
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(RUN_STAMP)
install-dev: $(DEV_STAMP)

migrate: $(RUN_STAMP)
	@mkdir -p "$(VAR_DIR)"
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# Loads the demo practice (nothing is added twice), prints its sign-ins just
# before serving. The background worker (reminder e-mails) runs beside the server;
# the trap stops it when the server stops, so Ctrl-C stops both.
run: migrate
	@$(PY) manage.py load_demo --sign-ins
	@$(PY) manage.py schedule_reminders
	@echo "Serving KAP Care on http://$(HOST):$(PORT)/ with its background worker (Ctrl-C stops both)."
	@$(PY) manage.py db_worker --no-reload --interval 5 --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production way to serve on one machine (docs/deployment.md): gunicorn with a
# worker count from the cores (gunicorn.conf.py), the background worker beside it,
# DEBUG off, static files by WhiteNoise, database connections kept between requests.
# Ctrl-C stops both. Production settings come from the environment as for any command.
serve: migrate
	@$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving KAP Care with gunicorn on http://$(HOST):$(PORT)/ and its background worker (Ctrl-C stops both)."
	@export DEBUG=0 DATABASE_CONN_MAX_AGE=$${DATABASE_CONN_MAX_AGE:-60} HOST=$(HOST) PORT=$(PORT); \
	$(PY) manage.py db_worker --no-reload --interval 5 --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn --config gunicorn.conf.py kapcare.wsgi:application

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(DEV_STAMP)
	$(VENV)/bin/mypy

# The import contracts in .importlinter: the apps' layers, and pure rule modules
# that import no Django.
imports: $(DEV_STAMP)
	$(VENV)/bin/lint-imports

# Twice, with two hash seeds: a constraint or choice list built by iterating
# a set would otherwise pass or fail at random.
migrations-check: $(DEV_STAMP)
	@mkdir -p "$(VAR_DIR)"
	PYTHONHASHSEED=1 $(PY) manage.py makemigrations --check --dry-run
	PYTHONHASHSEED=2 $(PY) manage.py makemigrations --check --dry-run

# The suite in two stages: every test but the browser tests on $(PYTEST_WORKERS) processes
# (pytest-xdist; auto = one per core), then the browser tests on their own, one at a
# time (one Chromium, one live server). PYTEST_ARGS narrows both (paths, -k, -x);
# BROWSER=0 leaves the browser stage out. pytest exits 5 when it collected no test: a
# stage may collect none (PYTEST_ARGS chose tests of the other kind), both may not.
pytest: $(DEV_STAMP)
	@$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS); fast=$$?; \
	browser=5; \
	if [ "$(BROWSER)" != 0 ]; then \
		echo "Browser tests (one at a time):"; \
		$(VENV)/bin/pytest -m browser $(PYTEST_ARGS); browser=$$?; \
	fi; \
	if [ $$fast -eq 5 ] && [ $$browser -eq 5 ]; then \
		echo "pytest ran no test: counted as a failure." >&2; exit 1; fi; \
	for status in $$fast $$browser; do \
		if [ $$status -ne 0 ] && [ $$status -ne 5 ]; then exit $$status; fi; done

# Lint, types, import contracts, migrations and the whole suite, on SQLite unless DATABASE_URL
# says otherwise. .ci/run also runs the suite on PostgreSQL.
test: lint typecheck imports migrations-check pytest

test-postgres: $(DEV_STAMP)
	@DATABASE_URL=$(POSTGRES_URL) $(MAKE) --no-print-directory pytest

bench: $(DEV_STAMP)
	$(VENV)/bin/pytest benchmarks --benchmark-only -p no:cacheprovider

# Load benchmark (benchmarks/README.md): gunicorn as make serve runs it, on the PostgreSQL
# database DATABASE_URL names holding a practice from `manage.py generate_practice`;
# loopback only, bounded (BENCH_ARGS, e.g. --requests 400 --seconds 15); appends its
# figures to benchmarks/RESULTS.md.
BENCH_ARGS ?=
bench-load: $(DEV_STAMP)
	@$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m benchmarks.load $(BENCH_ARGS)

# Schemathesis over the whole OpenAPI document (/api/v1/openapi.json) with the API token of
# each role and of a portal client (tests/fuzz/__main__.py): a fresh database beside the one
# DATABASE_URL names (<name>_fuzz on PostgreSQL, else SQLite in a temporary folder), migrated
# and loaded with the demo practice, served by gunicorn as make serve does, every
# schemathesis check on; any 5xx or conformance failure fails it. Each role fuzzes every
# operation; the coverage walk runs once per operation, by the role doing that work; three
# roles at a time. Bounded: FUZZ_ARGS (--max-examples, --timeout; 600 s at most by
# default). No check is excluded and no operation left out; tests/fuzz/schemathesis.toml
# gives each per-operation allowance its reason. .ci/run runs it on PostgreSQL.
FUZZ_ARGS ?=
fuzz: $(DEV_STAMP)
	$(PY) -m tests.fuzz $(FUZZ_ARGS)

# The database under var/ holds the practice's records: clean never touches it.
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .schemathesis .import_linter_cache kapcare.egg-info "$(VAR_DIR)/static"
