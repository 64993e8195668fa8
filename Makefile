# Two commands for a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
NAME ?=
PYTEST_ARGS ?=
# A fixed test order here; CI (.ci/run) runs the suite in a random order, and prints the
# seed: replay it with `make test PYTEST_ORDER="-p randomly --randomly-seed=N"`.
PYTEST_ORDER ?= -p no:randomly

.PHONY: run test test-later lint format bench venv clean messages

venv: $(STAMP)

$(STAMP): requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Mentorship needs Python 3.11 or newer; $(PYTHON) is " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $(STAMP)

run: $(STAMP)
	@$(PY) -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
	exec("try: s.bind((\"127.0.0.1\", $(PORT)))\nexcept OSError: sys.exit(\"Port $(PORT) is already in use: stop whatever runs there, or choose another port with: make run PORT=8001\")")'
	@# Links in emails and the printed address follow PORT unless SITE_URL says otherwise.
	@export SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	$(PY) manage.py migrate --noinput -v0 && \
	$(PY) manage.py seed_demo && \
	exec $(PY) manage.py devserver 127.0.0.1:$(PORT)

test: $(STAMP)
	@# pytest exits 5 when it collected no test: that must never pass.
	@$(PY) -m pytest $(PYTEST_ORDER) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: no tests were collected" >&2; exit 1; fi; exit $$rc

# The suite with its clock DAYS ahead: finds tests that hold only until a fixed date passes.
DAYS ?= 400
test-later: $(STAMP)
	@$(MAKE) --no-print-directory test PYTEST_ARGS="--days-ahead $(DAYS) $(PYTEST_ARGS)"

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(STAMP)
	@set -e; if [ -n "$(NAME)" ]; then files="bench/$(NAME).py"; else files=$$(ls bench/*.py | grep -v '/_'); fi; \
	for f in $$files; do echo "== $$f"; $(PY) $$f $(BENCH_ARGS); done

clean:
	rm -rf $(VENV) var/db.sqlite3 var/outbox var/staticfiles

# After changing marked strings: refresh the catalogues, translate what is new (the i18n
# test lists it), then compile.
messages: $(STAMP)
	for lang in es fr de; do $(PY) manage.py makemessages -l $$lang --no-location --no-obsolete \
	  --ignore=.venv --ignore=tests --ignore=bench --ignore=var --ignore=test-artifacts -v0; done
	$(PY) manage.py compilemessages -v0 --ignore=.venv
