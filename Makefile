# The course's commands. The two that matter:
#   make course   set up, start the brokers, open JupyterLab on lesson 00
#   make test     set up, start the brokers, run every test (helpers, checkers, notebooks under nbval)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: course setup reinstall brokers down status doctor progress reset-progress test notebooks check-notebooks site bench clean-sandboxes

# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

# JupyterLab opens even when a broker did not start: lesson 00 then shows which one and how to fix it.
# Its terminals get no make variables, so `make status` there behaves as in any other terminal.
course: setup
	-$(PY) -m helpers up
	env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS $(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 \
		--ServerApp.root_dir="$(CURDIR)" $(ALLOW_ROOT) notebooks/00-welcome.ipynb

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "): make PYTHON=python3.12 ...")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

brokers: setup
	$(PY) -m helpers up

# After a package went missing from .venv (doctor says so): install everything again.
reinstall:
	rm -f $(STAMP)
	$(MAKE) setup

down:
	$(PY) -m helpers down

status: setup
	$(PY) -m helpers status

doctor: setup
	$(PY) -m helpers doctor

progress: setup
	$(PY) -m helpers progress

reset-progress: setup
	$(PY) -m helpers progress --reset

test: setup brokers
	$(PY) -m pytest -n auto --dist loadscope

notebooks: setup brokers
	$(PY) -m helpers.build

check-notebooks: setup
	$(PY) -m helpers.build --check

site: setup
	$(PY) scripts/build_site.py

bench: setup brokers
	$(PY) scripts/bench.py

# Yours only; an instructor clears every learner's after a workshop with: make clean-sandboxes ALL=1
clean-sandboxes: setup
	$(PY) -m helpers clean $(if $(ALL),--all)
