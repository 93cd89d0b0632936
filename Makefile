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
VAR_DIR = $${KAPCARE_VAR_DIR:-var}

# Installed once, again whenever pyproject.toml changes.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help run install install-dev migrate demo test lint typecheck migrations-check \
	pytest test-postgres bench clean

help:
	@echo "make run            install, migrate, load the demo practice, serve on http://$(HOST):$(PORT)/"
	@echo "make test           lint, type check, migrations check and the whole test suite (SQLite,"
	@echo "                    or the database DATABASE_URL names)"
	@echo "make test-postgres  the test suite on $(POSTGRES_URL)"
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

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(DEV_STAMP)
	$(VENV)/bin/mypy

# Twice, with two hash seeds: a constraint or choice list built by iterating
# a set would otherwise pass or fail at random.
migrations-check: $(DEV_STAMP)
	@mkdir -p "$(VAR_DIR)"
	PYTHONHASHSEED=1 $(PY) manage.py makemigrations --check --dry-run
	PYTHONHASHSEED=2 $(PY) manage.py makemigrations --check --dry-run

# pytest exits 5 when it collected no test: that is a failure here too.
pytest: $(DEV_STAMP)
	@$(VENV)/bin/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest ran no test: counted as a failure." >&2; exit 1; fi; \
	exit $$status

# Lint, types, migrations and the whole suite, on SQLite unless DATABASE_URL
# says otherwise. .ci/run also runs the suite on PostgreSQL.
test: lint typecheck migrations-check pytest

test-postgres: $(DEV_STAMP)
	@DATABASE_URL=$(POSTGRES_URL) $(MAKE) --no-print-directory pytest

bench: $(DEV_STAMP)
	$(VENV)/bin/pytest benchmarks --benchmark-only -p no:cacheprovider

# The database under var/ holds the practice's records: clean never touches it.
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis kapcare.egg-info "$(VAR_DIR)/static"
