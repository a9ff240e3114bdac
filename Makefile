# Hearthlink — the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
export FLASK_APP := app

.PHONY: run test serve assets install install-test bench bench-outcomes bench-directory bench-dashboard bench-referral bench-pages clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json

install: $(VENV)/.installed assets

install-test: $(VENV)/.installed-test assets

run: install
	$(VENV)/bin/flask db upgrade
	$(VENV)/bin/flask demo load --if-empty
	@# The task queue's worker (messages back to GP systems, dashboard refreshes) runs beside the
	@# web server; Ctrl-C stops both, and the worker is stopped whenever the server ends.
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/flask worker & worker=$$!; \
	$(VENV)/bin/flask run --host 127.0.0.1 --port $(PORT)

# Both cores: each pytest-xdist worker gets its own PostgreSQL database; each test file stays on
# one worker, except the accessibility walk, spread role by role (tests/conftest.py). A worker that
# dies (the kernel's out-of-memory killer) fails its test by name and ends the run: pytest-xdist 3.8
# replacing it raised an internal error, or waited for ever, while re-queuing its file's tests.
test: install-test
	$(PY) -m pytest -q -n auto --dist loadfile --max-worker-restart=0 --durations=20

# Production: several stateless gunicorn workers against PostgreSQL (DATABASE_URL) and a
# shared rate-limit store (RATELIMIT_STORAGE_URI, e.g. redis://127.0.0.1:6379).
WORKERS ?= 4
serve: install
	HEARTHLINK_ENV=production $(VENV)/bin/flask db upgrade
	HEARTHLINK_ENV=production $(VENV)/bin/flask outcomes warm-dashboard
	@# The task queue's worker beside gunicorn (on Redis when HUEY_REDIS_URL is set); both stop together.
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	HEARTHLINK_ENV=production $(VENV)/bin/flask worker & worker=$$!; \
	HEARTHLINK_ENV=production $(VENV)/bin/gunicorn --workers $(WORKERS) --bind 0.0.0.0:$(PORT) \
	  --access-logfile - --error-logfile - \
	  --access-logformat '{"at":"%(t)s","method":"%(m)s","path":"%(U)s","status":%(s)s,"bytes":"%(B)s","ms":%(M)s,"remote":"%(h)s"}' \
	  wsgi:app

bench: bench-outcomes bench-directory bench-dashboard

bench-outcomes: install-test
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) bench/outcomes_bench.py
	$(PY) bench/matching_bench.py

bench-directory: install-test
	$(PY) bench/directory_bench.py

bench-dashboard: install-test
	$(PY) bench/dashboard_bench.py

bench-referral: install-test
	$(PY) bench/referral_time.py

# Pages under load beside a bare Flask page (CONTRACT §7); GROWTH=1 adds the 10x contacts check,
# ROUNDS=3 measures three times and gives each page's median ratio.
bench-pages: install-test
	$(PY) bench/pages_bench.py $(if $(filter 1,$(GROWTH)),--growth,) $(if $(ROUNDS),--rounds $(ROUNDS),)

clean:
	rm -rf $(VENV) node_modules instance
