# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make book   create .venv, install, build the website into _build/html
#   make test   run every test (unit tests, notebook pairing, nbval, book build)
# and one more publishes: make book-full runs every chapter in full mode.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Tests always run in quick mode on the offline twins, whatever the shell says.
TEST_ENV := RNN_COURSE_QUICK=1 RNN_COURSE_DATA=synthetic

.PHONY: help venv book book-full test sync student grade otter bench bench-tests release clean

help:
	@echo "make book       build the website into _build/html in quick mode (creates .venv first)"
	@echo "make book-full  the same with every chapter in full mode (the published site)"
	@echo "make test   run every test in quick mode on the offline datasets"
	@echo "make sync   regenerate every chapters/*.ipynb from its .md, and student/*.ipynb"
	@echo "make student  student (no solutions) and teacher notebooks in _build/assign; CHAPTER=03 for one"
	@echo "make grade SUBMISSIONS=folder  run every submitted notebook, write grades.csv and feedback (CHAPTER=02 JOBS=4 TIMEOUT=300 OUT=folder)"
	@echo "make otter CHAPTER=02  an Otter-Grader autograder (Gradescope) for the chapter in _build/otter (OUT=folder)"
	@echo "make bench  time chapters and training recipes on this machine (not a test); BENCH_ARGS=\"--full\" etc."
	@echo "make bench-tests  time make venv and make test in a fresh clone of HEAD (about ten minutes)"
	@echo "make release VERSION=0.2.0  bump the version, point every set-up cell at tag v0.2.0, commit and tag (DRY_RUN=1 only prints)"
	@echo "make clean  remove _build (keeps .venv)"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

venv: $(STAMP)

# Quick mode: every chapter runs in under a minute and every model the prose
# discusses still learns (tests/test_results.py asserts how well on this very
# build), so a fresh clone's site teaches in a few minutes. The published site
# is `make book-full`: full-size training on the real data.
book: $(STAMP)
	RNN_COURSE_QUICK=1 $(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "Open _build/html/index.html in a browser."

book-full: $(STAMP)
	RNN_COURSE_QUICK=0 $(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "Open _build/html/index.html in a browser."

# Every test on every core (two in CI), a file at a time, the longest first
# and the website's tests last and together (conftest.py groups and orders
# them). nbval executes each chapter once and records its outputs; the book
# build renders those instead of executing the chapters again
# (tests/executed.py). Ruff lints the package, the tests, the tools and the
# chapters' code cells first (a second): pyproject.toml and chapters/ruff.toml.
test: $(STAMP)
	$(BIN)/ruff check .
	$(TEST_ENV) $(BIN)/python -m pytest -n auto --no-loadscope-reorder --durations=15

# The .md is the source: rewrite every .ipynb from it (not by timestamps),
# and the student versions the course publishes in student/.
sync: $(STAMP)
	$(BIN)/python -m tools.sync_notebooks
	$(BIN)/python -m tools.assign --student-dir student

# Notebooks to hand out: solutions replaced by TODO stubs (see instructor_guide.md).
student: $(STAMP)
	$(BIN)/python -m tools.assign --out _build/assign $(if $(CHAPTER),--chapter $(CHAPTER))

# A class's notebooks: each run in quick mode in a fresh kernel with the
# chapter's own check cells, into SUBMISSIONS/grades/grades.csv and one
# feedback file per submission (instructor_guide.md, "Grading").
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [CHAPTER=02] [JOBS=n] [TIMEOUT=s] [OUT=folder]"; exit 2; }
	$(BIN)/python -m tools.grade "$(SUBMISSIONS)" $(if $(CHAPTER),--chapter $(CHAPTER)) $(if $(JOBS),--jobs $(JOBS)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(OUT),--out "$(OUT)")

# The same checks for Gradescope: an Otter-Grader autograder zip of the
# chapter's own check cells and points (instructor_guide.md, "Grading").
otter: $(STAMP)
	@test -n "$(CHAPTER)" || { echo "usage: make otter CHAPTER=02 [OUT=folder]"; exit 2; }
	$(BIN)/python -m tools.otter_export $(CHAPTER) $(if $(OUT),--out "$(OUT)")

# Timings of this machine into benchmarks/results/<machine>.json and .md (see
# benchmarks/README.md): not a test, and long (about 40 minutes on two quiet CPU cores).
# Options through BENCH_ARGS, e.g. make bench BENCH_ARGS="--only imdb --epochs 2".
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/twin_calibration.py

# The test suite's own time, as CI sees it: a fresh clone of the committed
# HEAD, its installation (pip's cache warm) and `CI=1 make test`, recorded
# in the same results file as the chapter times.
bench-tests: $(STAMP)
	$(BIN)/python benchmarks/run.py --only tests

# A release of the helpers that Colab installs: the version in pyproject.toml
# and rnn_course, the ref of every set-up cell, a commit and a tag (see
# CONTRIBUTING.md, "Releasing"). Push the tag afterwards, as it says.
release: $(STAMP)
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=X.Y.Z [DRY_RUN=1]"; exit 2; }
	$(BIN)/python -m tools.release $(if $(DRY_RUN),--dry-run) $(VERSION)

clean:
	rm -rf _build
