#!/usr/bin/env bash
# ruff, ruff format --check and pylint-odoo's mandatory checks, as local commands.
set -uo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
cd "$HERE"
status=0
echo "[lint] ruff check"
"$VENV/bin/ruff" check . || status=1
echo "[lint] ruff format --check"
"$VENV/bin/ruff" format --check . || status=1
echo "[lint] README.rst built from readme/"
"$VENV/bin/python" "$HERE/scripts/build_readme.py" --check || status=1
echo "[lint] pylint-odoo (mandatory checks)"
# pylint-odoo reads the addon by its name: run it on the symlink named after the addon
( cd "$VENV/addons" && "$VENV/bin/pylint" --rcfile="$HERE/.pylintrc-mandatory" account_payment_followup ) || status=1
exit $status
