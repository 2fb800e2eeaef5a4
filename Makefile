# Mesh Journey: `make run` serves the demo, `make test` runs every check CI runs.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Debian packages the app needs at run time (PDFs, browser tests, benchmark).
DEBIAN_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils wrk
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# uv itself, or the module pip installs when uv is not on PATH yet.
UV := $(if $(shell command -v uv),uv,python3 -m uv)

WEB_CONCURRENCY ?= 3
PORT ?= 8000
# Production settings, but plain HTTP on the loopback interface for a local demo.
PROD := DJANGO_SETTINGS_MODULE=config.settings.production MESH_PLAIN_HTTP=1
MANAGE := $(UV) run python manage.py
POSTGRES_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)
# True when something listens on the local PostgreSQL port.
POSTGRES_UP := $(UV) run python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 1)'

.PHONY: help install run test lint format bench bench-live clean

# help: list the targets.
help:
	@echo "make install  - Python dependencies (uv) and the Debian packages"
	@echo "make run      - demo data, then serve on http://127.0.0.1:$(PORT) with the export worker"
	@echo "make test     - lint, migration and deploy checks, tests on SQLite (and PostgreSQL)"
	@echo "make lint     - ruff check and format check"
	@echo "make format   - ruff format and autofix"
	@echo "make bench    - load benchmark against a throwaway database (bench/README.md)"
	@echo "make bench-live - 200 participants on a live board, SQLite and PostgreSQL (bench/README.md)"
	@echo "make clean    - remove caches and collected static files (keeps var/db.sqlite3)"

# install: uv, the locked Python dependencies, and any missing Debian package. Idempotent.
install:
	@# Debian's own python3 refuses pip installs (PEP 668); uv is a self-contained tool.
	@command -v uv >/dev/null || python3 -m pip install uv \
		|| python3 -m pip install --break-system-packages uv
	@if [ -f uv.lock ]; then $(UV) sync --frozen; else $(UV) sync; fi
	@missing=""; \
	for pkg in $(DEBIAN_PACKAGES); do \
		dpkg -s "$$pkg" >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

# run: migrate, load the demo organisation, collect static files, then serve with gunicorn
# (uvicorn workers: ASGI, for the live boards' streams) and run the background export worker
# beside it.
run: install
	$(PROD) $(MANAGE) migrate --noinput
	$(PROD) $(MANAGE) createcachetable
	$(PROD) $(MANAGE) load_demo
	$(PROD) $(MANAGE) collectstatic --noinput -v0
	@echo
	@echo "Mesh Journey: http://127.0.0.1:$(PORT)"
	@echo "Demo logins (password for all: demo-password-2026):"
	@echo "  owner@acme.example        owner"
	@echo "  facilitator@acme.example  facilitator"
	@echo "  champion@acme.example     champion"
	@echo "  exec@acme.example         executive"
	@echo "  member@acme.example       member"
	@echo
	@# The export worker (PDFs are made in the background) runs beside gunicorn. Ctrl-C stops
	@# gunicorn; the trap then stops the worker too, whatever way the shell ends.
	env $(PROD) $(MANAGE) db_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null || true' EXIT; \
	env $(PROD) $(UV) run gunicorn config.asgi:application -k uvicorn_worker.UvicornWorker \
		--bind 127.0.0.1:$(PORT) --workers $(WEB_CONCURRENCY) --access-logfile - \
		--logger-class config.gunicorn.RedactingLogger --graceful-timeout 5

# test: everything CI checks; the first failure stops it. PostgreSQL runs too when reachable.
test: install
	@$(MAKE) --no-print-directory lint
	$(UV) run python manage.py makemigrations --check --dry-run --settings=config.settings.test
	@# Production settings exactly as deployed (HTTPS redirect, secure cookies, HSTS).
	env -u MESH_PLAIN_HTTP DJANGO_SETTINGS_MODULE=config.settings.production \
		$(UV) run python manage.py check --deploy --fail-level WARNING
	env -u DATABASE_URL -u DJANGO_SETTINGS_MODULE $(UV) run pytest
	@if [ -n "$${DATABASE_URL:-}" ] || $(POSTGRES_UP) 2>/dev/null; then \
		echo "pytest on PostgreSQL"; \
		env -u DJANGO_SETTINGS_MODULE DATABASE_URL="$(POSTGRES_URL)" $(UV) run pytest; \
	else \
		echo "PostgreSQL not reachable on 127.0.0.1:5432 and DATABASE_URL unset: skipped"; \
	fi

# lint: ruff rules and formatting, without changing files.
lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .

# format: rewrite files with ruff's formatter and safe autofixes.
format:
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

# bench: throughput and latency of the journey pages and PDF export (bench/README.md).
bench: install
	UV="$(UV)" bash bench/run.sh

# bench-live: 200 participants holding a live board's stream while notes are posted.
bench-live: install
	UV="$(UV)" bash bench/live.sh

# clean: caches and collected static files only; var/db.sqlite3 and var/secret_key stay.
clean:
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache test-results var/static
