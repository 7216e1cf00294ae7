# Kinerja: `make demo` runs the product, `make test` runs the tests (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make demo` installs what running the product needs (the runtime dependencies and the
# demo's mail catcher); `make test` (and lint, bench) add the development extras.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
PIP_OPTIONS := --quiet --disable-pip-version-check -c constraints.txt
# `make demo` installs with the interpreter's own pip when it has one that can install into
# another environment (pip 22.3+: --python): the virtual environment is then made without a
# pip of its own, which took a sixth of the install's CPU time. `make test` adds one.
HOST_PIP := $(shell $(PYTHON) -c 'import pip, sys; sys.exit(tuple(map(int, pip.__version__.split(".")[:2])) < (22, 3))' 2>/dev/null && echo yes)
ifeq ($(HOST_PIP),yes)
RUN_PIP := $(PYTHON) -m pip --python $(BIN)/python install $(PIP_OPTIONS)
else
RUN_PIP := $(BIN)/python -m pip install $(PIP_OPTIONS)
endif
PIP := $(BIN)/python -m pip install $(PIP_OPTIONS)
# The frozen 2021 demo (`make demo-2021`): its own database, its clock in a TW III close.
DEMO_2021 := KINERJA_DATABASE_URL=sqlite:///./var/demo-2021.db KINERJA_FIXED_NOW=2021-10-12T09:00:00+07:00

PORT ?= 8000

.PHONY: demo demo-2021 test lint bench install clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kinerja needs Python 3.11 or newer (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(if $(HOST_PIP),--without-pip,) $(VENV)

# --no-compile: Python compiles the modules the demo imports as it first imports them, not
# every module of every package now (about a third of the install's CPU time).
$(RUN_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(RUN_PIP) --no-compile -e '.[demo]'
	@touch $@

$(DEV_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --default-pip >/dev/null
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	$(PIP) -e '.[demo,dev,bench]'
	@touch $@ $(RUN_STAMP)

install: $(DEV_STAMP)

demo: $(RUN_STAMP)
	$(BIN)/kinerja db upgrade
	$(BIN)/kinerja demo seed --if-empty
	$(BIN)/kinerja serve --demo --port $(PORT)

demo-2021: $(RUN_STAMP)
	$(DEMO_2021) $(BIN)/kinerja db upgrade
	$(DEMO_2021) $(BIN)/kinerja demo seed --if-empty --year 2021
	$(DEMO_2021) $(BIN)/kinerja serve --demo --port $(PORT)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Two workers (pytest-xdist), each test file whole on one worker: its module fixtures
# (a browser, a seeded server) are made once. TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= 2
test: lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# Every benchmark, the binding figures repeated at the end, bench/results.md written.
# BENCH_ARGS passes options: make bench BENCH_ARGS="--pg-url URL --backends sqlite" (python -m bench --help)
bench: $(DEV_STAMP)
	$(BIN)/python -m bench --write $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .hypothesis
