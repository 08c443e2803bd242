# The two commands of the README: `make run` and `make test`. Both build .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := hygiene

.PHONY: run test bench translations lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# requirements*.txt hold the ranges people edit; constraints.txt pins the versions the suite ran with.
$(VENV)/.installed-run: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt -c constraints.txt
	touch $@ $(VENV)/.installed-run

translations: $(VENV)/.installed-run
	$(BIN)/pybabel compile -d hygiene/translations

run: $(VENV)/.installed-run translations
	mkdir -p instance uploads
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	HYGIENE_DEMO=1 HYGIENE_EXPORT_SYNC_ROWS=2000 $(BIN)/flask serve --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-test translations
	bash tests/run.sh

bench: $(VENV)/.installed-test translations
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: $(VENV)/.installed-test
	$(BIN)/ruff check hygiene tests bench config.py
	$(BIN)/mypy hygiene config.py

clean:
	rm -rf $(VENV) .pytest_cache tests/e2e/screenshots
