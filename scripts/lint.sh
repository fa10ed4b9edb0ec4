#!/usr/bin/env bash
# ruff, ruff format --check, the README/Apps page check and pylint-odoo's mandatory
# checks, as local commands (.pre-commit-config.yaml runs the same before each commit).
set -uo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
cd "$HERE"
status=0
echo "[lint] ruff check"
"$VENV/bin/ruff" check . || status=1
echo "[lint] ruff format --check"
"$VENV/bin/ruff" format --check . || status=1
echo "[lint] README.rst and static/description/index.html built from readme/"
"$VENV/bin/python" "$HERE/scripts/build_readme.py" --check || status=1
echo "[lint] pylint-odoo (mandatory checks)"
PYLINT="$VENV/bin/pylint" bash "$HERE/scripts/pylint_odoo.sh" || status=1
exit $status
