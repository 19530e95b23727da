# Lantern: two commands do everything on a fresh machine.
#   make run   installs, migrates, loads a synthetic council (if the database is empty), serves on 127.0.0.1:8000
#   make test  installs and runs the whole suite (ruff, unit, integration, browser journeys)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
SIZE ?= demo
SEED ?= 1

.PHONY: run test install assets browser seed migrate lint bench conformance clean

run: install migrate
	$(MANAGE) seed_authority --size $(SIZE) --seed $(SEED) --if-empty
	@echo ""
	@echo "Lantern is serving on http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	@# The background worker runs long jobs (census exports); it stops when the server stops.
	$(MANAGE) db_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

test: install browser
	$(VENV)/bin/ruff check .
	env -u DATABASE_URL $(VENV)/bin/python manage.py makemigrations --check --dry-run >/dev/null
	$(VENV)/bin/pytest -n 2 --dist loadfile

# Browser journeys use Debian's Chromium (never a downloaded browser build); installing it needs root.
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

install: .stamp-python .stamp-node assets

.stamp-python: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

.stamp-node: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

assets: lantern/static/lantern/lantern.css lantern/static/govuk/govuk-frontend.min.js

lantern/static/lantern/lantern.css: .stamp-node $(wildcard frontend/scss/*.scss)
	npm run --silent build:css

lantern/static/govuk/govuk-frontend.min.js: .stamp-node
	mkdir -p lantern/static/govuk
	cp -r node_modules/govuk-frontend/dist/govuk/assets lantern/static/govuk/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js lantern/static/govuk/

migrate: install
	$(MANAGE) migrate --no-input

seed: migrate
	$(MANAGE) seed_authority --size $(SIZE) --seed $(SEED)

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) -m lantern.bench

# Our census validator against the community one (csc-validator-be-cin, in its own venv) on our
# exports of the synthetic council and on the community's sample files; fails on any
# community-reported error in our export or any unexplained disagreement.
conformance: install
	$(PY) scripts/conformance.py

clean:
	rm -rf $(VENV) .venv-conformance node_modules .stamp-* lantern/static/lantern/lantern.css lantern/static/govuk staticfiles
