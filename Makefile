# The README's two commands are `make run` and `make test`; everything they need is installed here.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Dummy values for checking the production settings; never used to serve anything.
DEPLOY_CHECK_ENV := DJANGO_SETTINGS_MODULE=portal.settings.production \
	SECRET_KEY=deploy-check-7f3kq9v2xw8m4p6t1r5y0u8i3o2a9s7d6f5g4h3j2k1l0z \
	ALLOWED_HOSTS=hoctap.hatinh.gov.vn

.PHONY: install readers run test test-postgres test-redis test-browser bench bench-postgres lint format check messages ci backup

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { \
		echo "python3 -m venv failed: installing Debian's python3-venv"; \
		apt-get install -y python3-venv || sudo apt-get install -y python3-venv; \
		rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py ensure_dev_admin --port $(PORT)
	# The background worker (large imports, mail: printed here) and the periodic jobs beside the web
	# server, all stopped with it (Ctrl-C).
	$(BIN)/python manage.py db_worker --backend background & worker=$$!; \
	$(BIN)/python manage.py run_periodic & periodic=$$!; \
	trap 'kill $$worker $$periodic 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# libical for the feed tests that read the feeds as GNOME Calendar does (installs it when missing).
readers:
	bash scripts/calendar-readers.sh

test: install readers
	$(BIN)/pytest

test-postgres: install readers
	bash scripts/with-postgres.sh $(BIN)/pytest

# The suite with a shared Redis as the cache, as a deployment with several app servers runs.
test-redis: install readers
	bash scripts/with-redis.sh $(BIN)/pytest

# Browser journeys, axe-core and the Nu HTML Checker in Debian's Chromium (installs them when missing).
test-browser: install
	bash scripts/browser-tools.sh
	PORTAL_BROWSER_GATES=required $(BIN)/pytest -m browser tests/browser

# Province-scale benchmark: generates the data once (.bench/, or a throwaway PostgreSQL), prints the table.
bench: install
	bash scripts/bench.sh

bench-postgres: install
	bash scripts/with-postgres.sh bash scripts/with-redis.sh bash scripts/bench.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check --fail-level WARNING
	$(DEPLOY_CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

# Refresh the Vietnamese catalogue after changing user-facing strings, then translate and compile.
messages: install
	$(BIN)/python manage.py makemessages --locale vi --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'tests/*' --ignore 'node_modules/*'
	$(BIN)/python manage.py compilemessages --locale vi --ignore '.venv/*' --ignore 'node_modules/*'

ci: test test-postgres test-redis test-browser lint check

# A backup of the database and the media files into a new folder inside DEST (README, "Backups, restore and
# moving to PostgreSQL"). Run it with the site's environment; it installs nothing.
backup:
	@test -n "$(DEST)" || { echo "Usage: make backup DEST=/var/backups/portal" >&2; exit 2; }
	$(BIN)/python manage.py backup "$(DEST)"
