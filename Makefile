# The README's promise: on a fresh clone `make test` and `make figures` do everything, set-up included.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: test test-full figures generate benchmark docs clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The tests run on every core (pytest-xdist: one worker per core; PTFT_TEST_WORKERS=0 runs them in
# this process). Each worker keeps its BLAS to one thread, so the workers do not oversubscribe the cores.
PTFT_TEST_WORKERS ?= auto
TEST_ENV := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

test: $(STAMP)
	scripts/ensure_fashion_mnist.sh
	scripts/ensure_chromium.sh
	$(TEST_ENV) $(PY) -m pytest -q -n $(PTFT_TEST_WORKERS)

test-full: $(STAMP)
	scripts/ensure_fashion_mnist.sh
	scripts/ensure_chromium.sh
	PTFT_FULL=1 $(TEST_ENV) $(PY) -m pytest -q -n $(PTFT_TEST_WORKERS)

figures: $(STAMP)
	$(VENV)/bin/ptft figures --workers 2

# Regenerate the generated kernels and derivations/ from the symbolic layer.
generate: $(STAMP)
	$(PY) -m ptft_theory.codegen --update

benchmark: $(STAMP)
	$(PY) benchmarks/run.py

# The documentation site (MkDocs): guide, API reference from the docstrings, figure gallery, executed
# notebooks; warnings are errors. Static output in site/ (open site/index.html).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

clean:
	rm -rf $(VENV) build *.egg-info site .cache
