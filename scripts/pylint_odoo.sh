#!/usr/bin/env bash
# pylint-odoo's mandatory checks (.pylintrc-mandatory) on the addon, whatever the
# checkout's folder is called: pylint-odoo reads the addon by its name, so it runs on a
# link named after the addon. `make lint` and the pre-commit hook both run this.
#   PYLINT=path/to/pylint bash scripts/pylint_odoo.sh     (default: pylint on PATH)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
MODULE=account_payment_followup
link=$(mktemp -d)
trap 'rm -rf "$link"' EXIT
ln -s "$HERE" "$link/$MODULE"
cd "$link"
"${PYLINT:-pylint}" --rcfile="$HERE/.pylintrc-mandatory" "$MODULE"
