# Two commands do everything: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app workspace
STAMP  := $(VENV)/.installed
AXE    := tests/e2e/vendor/axe.min.js

.PHONY: install db run test test-on browser serve-many tour clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# axe-core for the browser tests' accessibility check: the pinned version from the npm
# registry, its sha512 checked (no node or npm needed).
$(AXE): tests/e2e/axe_install.py | $(STAMP)
	$(BIN)/python tests/e2e/axe_install.py

install: $(STAMP) $(AXE)

# Apply migrations; on an empty database, load the seed content and the demo partnership.
db: install
	$(FLASK) db upgrade
	$(FLASK) seed

run: db
	$(FLASK) run --host 127.0.0.1 --port 5000

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "No chromium: browser tests will be skipped (apt-get install chromium)"; fi; }

test: install browser
	$(BIN)/pytest

# The suite (browser journeys aside) with every process's clock moved to DATE, e.g.
# make test-on DATE=2031-01-15   (ARGS="..." passes more pytest options)
test-on: install
	@test -n "$(DATE)" || { echo "usage: make test-on DATE=YYYY-MM-DD"; exit 2; }
	$(BIN)/python -m tests.run_at $(DATE) $(BIN)/pytest -m "not browser" -q $(ARGS)

# Many users: PostgreSQL, several gunicorn workers (gunicorn.conf.py: WORKERS, THREADS, BIND),
# Redis for rate limits.
serve-many: install
	$(FLASK) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py 'workspace:create_app()'

# The README's tour: the browser journey through the demo writes its screens to docs/tour.
tour: install browser
	TOUR_DIR=docs/tour REQUIRE_BROWSER=1 $(BIN)/pytest -q tests/e2e/test_tour.py

clean:
	rm -rf $(VENV) .pytest_cache tests/e2e/vendor
