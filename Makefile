# Rapport: one target per job. `make run` for the demo, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
# uv comes from uv.lock like everything else (scripts/uv_requirement.py gives pip its version and
# hashes); it installs the rest from the lock, checking every hash, and never downloads a Python.
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
HOST ?= 127.0.0.1
PORT ?= 8000
# The tests use the machine's PostgreSQL and Redis.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rapport
TEST_REDIS_URL ?= redis://127.0.0.1:6379/9
# The suite runs as several pytest runs side by side, TEST_SLOTS at a time (scripts/run_suite.py):
# the main run in two shards, then the runs with the clock moved TEST_CLOCK_OFFSETS days ahead
# (tests/clock.py: the test process, the workers it starts and the browser agree on the day), so
# a fixture that ages with the calendar fails here and not on a later day; those runs take only
# the tests whose data can age (a date written out, tests/clock.py). The slow tests (the
# production build, the embedded demo, the page walk, the property-based API runs) and the role
# table run with today's clock only, to keep it short.
TEST_CLOCK_OFFSETS ?= 366
TEST_SLOTS ?= 2
# The packages mypy checks: every app (configured in pyproject.toml: django-stubs and
# djangorestframework-stubs, strict on services, selectors and permissions; unused ignores fail).
MYPY_APPS ?= common accounts notifications projects discussions stakeholders risks feedback reports closeout lessons scorecards portal operations integrations config demo

.PHONY: faults run test install lock system-deps fonts lint fmt messages makemessages vendor bench bench-deps bench-reports screenshots check-migrations backup restore clean

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PYTHON) scripts/uv_requirement.py > $(VENV)/uv-requirement.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r $(VENV)/uv-requirement.txt
	$(UV) sync --locked --extra dev --python $(PY) --quiet
	touch $@

install: $(VENV)/.installed

# Re-resolve uv.lock after a change to pyproject.toml's dependencies; `make lock ARGS=--upgrade`
# takes the newest releases they allow. Commit uv.lock with the change.
lock:
	test -x $(UV) || $(MAKE) install
	$(UV) lock --python $(PY) $(ARGS)

# The Debian packages the tests need (named in scripts/debian_packages.txt; the production image
# installs its share of them with the same script). Installed only when missing.
system-deps:
	@bash scripts/system_deps.sh

# The fonts PDFs embed (scripts/build_pdf_fonts.py); rebuilt only when out of date. Without Noto
# Sans CJK on the machine it says so and PDFs use the system's fonts (`make test` installs it).
fonts: install
	$(PY) scripts/build_pdf_fonts.py

messages: install
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*' -v 0

makemessages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*' --ignore 'tests/*' -v 0

# scripts/run.sh migrates, seeds the demo (once: it is idempotent) and starts the web server and
# the worker, with the links of e-mails pointing at HOST:PORT. It builds the fonts (`fonts`) in the
# background: the server does not wait for them, and PDFs use them as soon as they are ready.
run: install messages
	@bash scripts/run.sh $(HOST) $(PORT)

# The SMTP server of replies by e-mail (README, "Replies by e-mail"): needs
# INBOUND_EMAIL_ENABLED=true and REPLY_EMAIL_DOMAIN; listens on INBOUND_SMTP_HOST:INBOUND_SMTP_PORT.
.PHONY: inbound-smtp
inbound-smtp: install
	$(PY) manage.py inbound_smtp

test: system-deps install messages fonts
	RAPPORT_TEST_DATABASE_URL=$(TEST_DATABASE_URL) bash scripts/ensure_test_services.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo --cache-dir var/import-linter
	$(VENV)/bin/mypy --cache-dir var/mypy $(MYPY_APPS)
	DJANGO_ENV=test DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(PY) manage.py makemigrations --check --dry-run
	DJANGO_ENV=test DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(PY) scripts/lint_migrations.py
	$(PY) scripts/run_suite.py $(TEST_DATABASE_URL) $(TEST_REDIS_URL) --slots $(TEST_SLOTS) \
		--offsets $(TEST_CLOCK_OFFSETS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo --cache-dir var/import-linter
	$(VENV)/bin/mypy --cache-dir var/mypy $(MYPY_APPS)

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

vendor:
	bash scripts/vendor.sh

# The status report as clients receive it (portal page at 1366 and 375 px, e-mail, PDF pages), in
# English and Chinese, written to docs/screenshots/ (tests/e2e/test_report_screenshots.py).
screenshots: system-deps install messages fonts
	RAPPORT_TEST_DATABASE_URL=$(TEST_DATABASE_URL) bash scripts/ensure_test_services.sh
	RAPPORT_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots DATABASE_URL=$(TEST_DATABASE_URL) \
		REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest --create-db -q tests/e2e/test_report_screenshots.py

# The fault suite (scripts/faults.py): a private stack (PostgreSQL, Redis, SMTP, gunicorn ×2,
# worker, beat) under a workload, one fault per run, a table of what was lost, duplicated or
# late; it fails when a target is missed. `make faults FAULTS_ARGS=--short` runs the faults
# without a long outage (about 6.5 minutes; no longer part of `make test`, which must stay well
# inside CI's 90 minutes).
faults: install messages fonts
	$(PY) scripts/faults.py $(FAULTS_ARGS)

# The pages and API lists under load (scripts/bench.py): seed_scale sets of BENCH_SIZES projects
# (default "100 10000"; each in its own database, rapport_bench_<N>, built once and reused while
# its parameters hold), gunicorn with 2 workers (sync, then gthread) on production's settings
# (config/settings/bench.py), real PostgreSQL and Redis (BENCH_REDIS_URL, db 15), 8 connections
# for BENCH_SECONDS (8) per endpoint, each against the empty view. One table; JSON under
# var/bench/. 20 to 30 minutes with the defaults on 2 cores (5 more to build the 10,000 set).
bench: bench-deps install messages fonts
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) scripts/bench.py

# The benchmark's own Debian package (the HTTP load generator; the "bench" rows of
# scripts/debian_packages.txt), which `make test` does not need.
bench-deps:
	@bash scripts/system_deps.sh bench

# 10,000 status-report e-mails with a killed worker, a Redis restart and two dispatchers; its own
# database and a private redis-server on port 6390 (see scripts/bench_reports.py).
bench-reports: install messages fonts
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) scripts/bench_reports.py

# A backup folder of the database DATABASE_URL names and of the uploaded files, with a manifest
# (scripts/backup.py): under var/backups/ by default, or `make backup BACKUP=folder`.
# `make restore BACKUP=folder` restores one into an empty database and empty file folders.
backup: install
	$(PY) scripts/backup.py backup $(BACKUP)

restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=<backup folder>" >&2; exit 2; }
	$(PY) scripts/backup.py restore "$(BACKUP)"

clean:
	rm -rf var build $(VENV) node_modules
