# StegnoX: `make run` starts the app, `make test` runs every test. Both set up everything they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install only when the project's dependency list changes.
STAMP_RUN  := $(VENV)/.stamp-run
STAMP_TEST := $(VENV)/.stamp-test
STAMP_PKG  := $(VENV)/.stamp-package
# STEGNOX_PACKAGING_TESTS=1 (set by .ci/run) also installs the freezer and the tools the installer tests use.
TEST_STAMP   := $(if $(STEGNOX_PACKAGING_TESTS),$(STAMP_PKG),$(STAMP_TEST))
SYSDEPS_EXTRA ?= $(if $(STEGNOX_PACKAGING_TESTS),binutils desktop-file-utils dpkg-dev,)

.PHONY: run test test-all bench train-detector package sysdeps clean

# A real window (X11) also needs the xcb libraries of Qt's xcb platform plugin.
run: SYSDEPS_EXTRA = libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0
run: sysdeps $(STAMP_RUN)
	$(BIN)/stegnox

test: sysdeps $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP_TEST)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/queue_bench.py
	$(BIN)/python benchmarks/engine_bench.py
	test -d benchmarks/out/covers/eval || $(BIN)/python benchmarks/make_covers.py
	$(BIN)/python benchmarks/detect_bench.py

# Retrain the LSB-matching detector (writes stegnox_gui/engine/detection/lsbm_model.py; about 4 minutes)
train-detector: $(STAMP_TEST)
	test -d benchmarks/out/covers/eval || $(BIN)/python benchmarks/make_covers.py
	$(BIN)/python benchmarks/train_lsbm.py

package: SYSDEPS_EXTRA = binutils desktop-file-utils dpkg-dev
package: sysdeps $(STAMP_PKG)
	$(BIN)/python packaging/build_linux.py

sysdeps:
	@sh packaging/sysdeps.sh $(SYSDEPS_EXTRA)

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "StegnoX needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(STAMP_TEST): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(STAMP_RUN)

$(STAMP_PKG): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[test,package]'
	@touch $@ $(STAMP_RUN) $(STAMP_TEST)

clean:
	rm -rf $(VENV) build dist packaging/out .pytest_cache
