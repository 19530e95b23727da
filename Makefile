# Lantern: two commands do everything on a fresh machine.
#   make run   installs, migrates, loads a synthetic council (if the database is empty), serves on 127.0.0.1:8000
#   make test  installs and runs the whole suite (ruff, unit, integration, browser journeys)
#   make serve production on this machine: checks the settings, migrates, then gunicorn and the worker
#              (see docs/operator-guide.md; needs LANTERN_ENV=production, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL)
#
# Settings fail closed: nothing starts unless LANTERN_ENV says development or production. The
# developer targets below say development explicitly.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
SIZE ?= demo
SEED ?= 1

DEV := LANTERN_ENV=development

.PHONY: run test install install-production lock serve assets browser seed migrate lint bench conformance clean

run: install migrate
	$(DEV) $(MANAGE) seed_authority --size $(SIZE) --seed $(SEED) --if-empty
	@echo ""
	@echo "Lantern is serving on http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	@# The background worker runs long jobs (census exports); it stops when the server stops.
	$(DEV) $(MANAGE) run_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(DEV) $(MANAGE) runserver $(HOST):$(PORT)

test: install browser
	$(VENV)/bin/ruff check .
	env -u DATABASE_URL $(DEV) $(VENV)/bin/python manage.py makemigrations --check --dry-run >/dev/null
	$(DEV) $(VENV)/bin/pytest -n 2 --dist loadfile

# Browser journeys use Debian's Chromium (never a downloaded browser build); installing it needs root.
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Python packages come from the lock files (exact versions with hashes; see `make lock`), so
# what is installed is what was tested. requirements*.txt say what we ask for.
install: .stamp-python .stamp-node assets

# Production needs only the runtime lock (no test tools); the assets are built the same way.
install-production: .stamp-python-production .stamp-node assets

.stamp-python: requirements.txt requirements-dev.txt requirements.lock requirements-dev.lock
	$(PYTHON) scripts/lock.py --check
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@ .stamp-python-production

.stamp-python-production: requirements.txt requirements.lock
	$(PYTHON) scripts/lock.py --check
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

# Regenerate requirements.lock and requirements-dev.lock after changing requirements*.txt
# (keeps the versions already pinned; UPGRADE=1 moves every package to its newest allowed version).
lock:
	$(PYTHON) scripts/lock.py $(if $(UPGRADE),--upgrade)

# npm installs exactly what package-lock.json says (with its integrity hashes).
.stamp-node: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Production on this machine (PostgreSQL): scripts/serve checks the settings, migrates as the
# owner role (DATABASE_OWNER_URL, if set), collects static files, then runs gunicorn and the
# background worker together until stopped. systemd units for the same: deploy/systemd/.
serve: install-production
	scripts/serve

assets: lantern/static/lantern/lantern.css lantern/static/govuk/govuk-frontend.min.js

lantern/static/lantern/lantern.css: .stamp-node $(wildcard frontend/scss/*.scss)
	npm run --silent build:css

lantern/static/govuk/govuk-frontend.min.js: .stamp-node
	mkdir -p lantern/static/govuk
	cp -r node_modules/govuk-frontend/dist/govuk/assets lantern/static/govuk/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js lantern/static/govuk/

migrate: install
	$(DEV) $(MANAGE) migrate --no-input

seed: migrate
	$(DEV) $(MANAGE) seed_authority --size $(SIZE) --seed $(SEED)

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(DEV) $(PY) -m lantern.bench

# Our census validator against the community one (csc-validator-be-cin, in its own venv) on our
# exports of the synthetic council and on the community's sample files; fails on any
# community-reported error in our export or any unexplained disagreement.
conformance: install
	$(DEV) $(PY) scripts/conformance.py

clean:
	rm -rf $(VENV) .venv-conformance .venv-lock node_modules .stamp-* lantern/static/lantern/lantern.css lantern/static/govuk staticfiles
