# Two commands do all the set-up: `make run` (opens the app) and `make test` (runs every test).
# Each first checks the system libraries Qt needs (packaging/check_system_libs.py: installed with
# apt-get when run as root, else it prints the one command to run), then creates .venv when missing
# and installs the project; torch is pinned and installed first, as the CPU build: an unpinned torch,
# or the plain PyPI wheel on Linux, pulls several GB of CUDA packages. torch alone comes from the CPU
# index (--no-deps); its own dependencies come with the project's, from PyPI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ifeq ($(shell uname -s),Linux)
TORCH := torch==2.13.0+cpu
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
else
TORCH := torch==2.13.0
TORCH_INDEX ?=
endif
# `make run RUN_ARGS=--smoke-test`: open the library, draw the window, quit with 0.
RUN_ARGS ?=
PYTEST_ARGS ?=
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
# offscreen needs fewer libraries than a screen (xcb)
QT_LIBS_FOR := $(if $(filter offscreen,$(QT_QPA_PLATFORM)),test,run)

.PHONY: run test install dist system-libs-run system-libs-test screenshots clean

system-libs-run system-libs-test: system-libs-%:
	$(PYTHON) packaging/check_system_libs.py --for $* --venv $(VENV)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --no-deps "$(TORCH)" $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))
	$(BIN)/pip install -e ".[dev,cluster]"
	touch $(STAMP)

install: $(STAMP)

run: system-libs-$(QT_LIBS_FOR) $(STAMP)
	$(BIN)/gapscope-desktop $(RUN_ARGS)

test: system-libs-test $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

# The frozen app for this platform: dist/GapScope/ with gapscope-desktop and gapscope (minutes).
dist: system-libs-test $(STAMP)
	$(BIN)/pip install -e ".[dist]"
	$(BIN)/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/gapscope.spec

screenshots: system-libs-test $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m gapscope_desktop.screenshots screenshots

clean:
	rm -rf $(VENV) build dist *.egg-info
