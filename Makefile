# Two commands do all the set-up: `make run` (opens the app) and `make test` (runs every test).
# Each creates .venv when missing and installs the project; torch is pinned and installed first,
# because an unpinned torch pulls several GB of CUDA packages.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TORCH := torch==2.13.0
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install $(TORCH)
	$(BIN)/pip install -e ".[dev,cluster]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/gapscope-desktop

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m gapscope_desktop.screenshots screenshots

clean:
	rm -rf $(VENV) build *.egg-info
