# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= $(or $(GRANTS_PORT),5000)
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install run test test-fast lint translations bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	@$(BIN)/python -c "from grants.documents.pdf import missing, INSTALL_HINT; m = missing(); print(f'  PDFs disabled ({m}); print pages work. Install: {INSTALL_HINT}') if m else None" || true
	$(BIN)/grants db upgrade
	$(BIN)/grants demo --first-run
	@echo ""
	@echo "  grants is running at http://127.0.0.1:$(PORT)/  (Ctrl+C stops it)"
	@$(BIN)/python -c "from grants.demo import logins; print(logins())"
	@echo ""
	GRANTS_PORT=$(PORT) $(BIN)/gunicorn -c python:grants.gunicorn_config --workers 1 --threads 8 --bind 127.0.0.1:$(PORT) \
		--access-logfile - 'grants:create_app()'

test: install
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -q -x -m "not slow" $(PYTEST_ARGS)

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o grants/translations/messages.pot .
	$(BIN)/pybabel update -i grants/translations/messages.pot -d grants/translations -l en --no-fuzzy-matching
	$(BIN)/pybabel compile -d grants/translations

bench: install
	$(BIN)/python bench/transitions.py

clean:
	rm -rf $(VENV) .pytest_cache
