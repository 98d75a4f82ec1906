# Two commands for a new user: `make run` serves the site, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6.1 needs Python 3.12+. .python-version makes pyenv's python3 resolve to 3.13 here;
# elsewhere try python3.13, then python3.12.
PYTHON ?= $(shell for p in python3 python3.13 python3.12; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# `make run` serves plain HTTP on loopback with DEBUG off. Its secret key is generated once into
# .secret_key (not committed); production sets DJANGO_SECRET_KEY itself. Enquiry mails go to a
# local coordinator address and, with no mail server configured, are printed to the console.
RUN_ENV = DJANGO_SECRET_KEY="$$(cat .secret_key)" DJANGO_HTTPS=0 DJANGO_DEBUG=0 \
	DJANGO_COORDINATOR_EMAILS=$${DJANGO_COORDINATOR_EMAILS:-coordinator@localhost}
# Tests run with a throwaway key over plain HTTP (the test client and live server speak HTTP).
TEST_ENV = DJANGO_SECRET_KEY=test-only-insecure-key DJANGO_HTTPS=0 DJANGO_DEBUG=0

.PHONY: help python venv browser wrk run test test-pytest test-fast lint format audit lock bench clean

help:
	@echo "make run        serve the site on http://$(HOST):$(PORT) (gunicorn, SQLite) with its task worker"
	@echo "make test       lint, then the whole test suite (what CI runs)"
	@echo "make test-fast  the suite without the real-browser tests, for quick checks"
	@echo "make format     format the code with ruff"
	@echo "make bench      load-test the site against its floors and check the targets (bench/README.md)"
	@echo "make lock       re-lock requirements*.txt (hashes) after changing requirements*.in"

python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: this project needs Python 3.12 or newer (Django 6.1); no python3, python3.13 or python3.12 of that version was found." >&2; \
		echo "       Install Python 3.13 (e.g. 'pyenv install 3.13') and run make again." >&2; \
		exit 1; fi

# (Re)create the virtualenv when it is missing or was made with a Python older than 3.12.
$(BIN)/python: | python
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exactly the locked tree: pip refuses any package that is not pinned in the lock file, and any
# file whose hash is not the one recorded there.
PIP_INSTALL = $(BIN)/python -m pip install --quiet --require-hashes

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

venv: $(VENV)/.dev-installed

.secret_key: | $(BIN)/python
	@$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

run: $(VENV)/.runtime-installed .secret_key
	@$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	@$(RUN_ENV) $(BIN)/python manage.py seed_content
	@$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  The site is at http://$(HOST):$(PORT)/   (Ctrl+C stops it and the task worker)"
	@echo "  Staff admin: http://$(HOST):$(PORT)/admin/"
	@echo "  Create a staff account with:"
	@echo "    DJANGO_SECRET_KEY=\"\$$(cat .secret_key)\" $(BIN)/python manage.py createsuperuser"
	@echo "  and sign in: the first sign-in sets up its authenticator app (two-factor codes)."
	@echo "  Enquiry mails are sent by the task worker and printed here."
	@echo ""
	@# The site and the task worker (which sends the enquiry mails) side by side. Ctrl+C stops both;
	@# so does either one stopping on its own (checked every second; plain POSIX shell).
	@$(RUN_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	$(RUN_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py clinic.wsgi & site=$$!; \
	trap 'kill $$worker $$site 2>/dev/null; wait' EXIT; trap 'exit 130' INT TERM; \
	while kill -0 $$worker 2>/dev/null && kill -0 $$site 2>/dev/null; do sleep 1; done

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# pytest exits non-zero (5) when it collects no test, so an empty run fails the build too.
test: lint test-pytest

# The browser tests drive Debian's Chromium (Playwright cannot download a browser here).
browser:
	@if ! command -v chromium >/dev/null 2>&1 && [ -z "$$CHROMIUM_PATH" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's chromium for the browser tests (about a minute)..."; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq chromium libatomic1 fonts-liberation >/dev/null || exit 1; \
		else \
			echo "error: the browser tests need Chromium. Install it (Debian/Ubuntu: 'sudo apt-get install chromium libatomic1 fonts-liberation')" >&2; \
			echo "       or point CHROMIUM_PATH at a Chromium binary; 'make test-fast' runs everything else." >&2; \
			exit 1; \
		fi; \
	fi

# The suite alone, without lint (CI uses it for the PostgreSQL pass).
test-pytest: $(VENV)/.dev-installed browser
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.dev-installed
	$(TEST_ENV) $(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

# Known vulnerabilities in the locked runtime tree fail this (CI runs it).
audit: $(VENV)/.dev-installed
	$(BIN)/python .ci/audit.py

# Resolve requirements.in and requirements-dev.in into the lock files, every package pinned with
# its hashes (pip-tools). Run it after adding, removing or upgrading a dependency in a .in file, and
# commit the .in and .txt files together; LOCK_ARGS=--upgrade also moves every indirect dependency
# to its newest release. Hashes come from the package index alone: this machine's pip.conf
# (local wheel folders) is ignored, so the lock is the same wherever it is made.
LOCK_ARGS ?=
LOCK = env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: $(VENV)/.dev-installed
	$(LOCK) --output-file=requirements.txt requirements.in
	$(LOCK) --output-file=requirements-dev.txt requirements-dev.in

# The load generator for `make bench`: Debian's wrk.
wrk:
	@if ! command -v wrk >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq wrk >/dev/null || exit 1; \
		else echo "error: make bench needs wrk ('sudo apt-get install wrk')" >&2; exit 1; fi; \
	fi

# Load test under gunicorn with production settings; prints a table and writes bench/results/.
bench: $(VENV)/.dev-installed wrk
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
