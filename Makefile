# Two commands for a new user: `make run` and `make test`. The first call creates .venv and installs the exact
# versions in uv.lock (the ones the tests passed with), with uv from PyPI in a bootstrap venv of its own.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
# uv installs into .venv (not a venv of its own), with this machine's Python, never a downloaded one.
UV_ENV := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1

.PHONY: run test lint typecheck bench lock clean

$(UV):
	@test -d $(TOOLS) || $(PY) -m venv $(TOOLS)
	@$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" \
		> $(TOOLS)/install.log 2>&1 || { cat $(TOOLS)/install.log; exit 1; }

# --locked: install uv.lock exactly, and stop if pyproject.toml changed without `make lock`.
$(STAMP): pyproject.toml uv.lock | $(UV)
	@echo "Setting up $(VENV) (first run, or the dependencies changed)…"
	@$(UV_ENV) $(UV) sync --locked --extra dev --python $(PY) > $(TOOLS)/sync.log 2>&1 \
		|| { cat $(TOOLS)/sync.log; echo "(pyproject.toml changed? \`make lock\` records the new versions in uv.lock)"; exit 1; }
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/orchestrator chat

test: $(STAMP)
	$(BIN)/ruff check --no-cache core bot storage integrations tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/store.py

# After changing the dependencies in pyproject.toml: resolve them again and record the versions in uv.lock.
lock: $(UV)
	$(UV_ENV) $(UV) lock --python $(PY)

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
