# Payment Follow-ups — set-up, run, test, benchmark.
#   make run    set up, then serve Odoo on http://localhost:8069 (database followup_demo)
#               (WORKERS=4: prefork, cron workers, queue_job's runner when installed)
#   make test   set up, fresh database, install, the whole test suite, the linters
#   make wheel  the addon's wheel in dist/ (pip install it next to Odoo)
#   make bench TIER=S|M|L   the scale benchmark (docs/benchmarks.md); TIER=demo: the screens
#                           of the demo database (make demo first)
#   make bench-parallel TIER=M   the daily run as queue jobs, 1 then 2 job workers
#   make replica-check      the read-only requests on a streaming replica (docs/scaling.md)
#   make i18n   regenerate i18n/account_payment_followup.pot
SHELL := /bin/bash
export ODOO_SRC ?= /opt/odoo-18.0
export VENV ?= $(CURDIR)/.venv
TIER ?= S
WORKERS ?= 0

.PHONY: setup run test lint wheel bench bench-parallel replica-check i18n demo clean
setup:
	@bash scripts/setup.sh

run: setup
	@WORKERS=$(WORKERS) bash scripts/run.sh

demo: setup
	@bash scripts/run.sh --no-serve

test: setup
	@bash scripts/test.sh

lint: setup
	@bash scripts/lint.sh

wheel: setup
	@bash scripts/build_wheel.sh dist

bench: setup
	@bash benchmarks/run.sh $(TIER)

bench-parallel: setup
	@bash benchmarks/parallel.sh $(TIER)

replica-check: setup
	@bash scripts/replica_check.sh

i18n: setup
	@bash scripts/i18n.sh

clean:
	rm -rf $(VENV)
