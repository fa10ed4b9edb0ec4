# Payment Follow-ups — set-up, run, test, benchmark.
#   make run    set up, then serve Odoo on http://localhost:8069 (database followup_demo)
#   make test   set up, fresh database, install, the whole test suite, the linters
#   make wheel  the addon's wheel in dist/ (pip install it next to Odoo)
#   make bench TIER=S|M|L   the scale benchmark (docs/benchmarks.md); TIER=demo: the screens
#                           of the demo database (make demo first)
#   make i18n   regenerate i18n/account_payment_followup.pot
SHELL := /bin/bash
export ODOO_SRC ?= /opt/odoo-18.0
export VENV ?= $(CURDIR)/.venv
TIER ?= S

.PHONY: setup run test lint wheel bench i18n demo clean
setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

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

i18n: setup
	@bash scripts/i18n.sh

clean:
	rm -rf $(VENV)
