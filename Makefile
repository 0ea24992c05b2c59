# Rapport: one target per job. `make run` for the demo, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The tests use the machine's PostgreSQL and Redis.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rapport
TEST_REDIS_URL ?= redis://127.0.0.1:6379/9

.PHONY: run test install system-deps fonts lint fmt messages makemessages vendor bench bench-reports check-migrations clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Debian packages the tests need: Chromium for the browser journeys, gettext for the
# translations, CJK fonts for PDFs and screenshots. Installed only when missing.
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

run: install messages fonts
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	@bash scripts/run.sh $(HOST) $(PORT)

test: system-deps install messages fonts
	RAPPORT_TEST_DATABASE_URL=$(TEST_DATABASE_URL) bash scripts/ensure_test_services.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_ENV=test DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

vendor:
	bash scripts/vendor.sh

bench: install messages fonts
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) scripts/bench.py

# 10,000 status-report e-mails with a killed worker, a Redis restart and two dispatchers; its own
# database and a private redis-server on port 6390 (see scripts/bench_reports.py).
bench-reports: install messages fonts
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) scripts/bench_reports.py

clean:
	rm -rf var build $(VENV) node_modules
