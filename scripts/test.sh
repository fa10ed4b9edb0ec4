#!/usr/bin/env bash
# Fresh database, install the addon, run the whole suite with pytest-odoo (browser tours
# included: a skipped test fails the run), after the linters, the upgrade test from the
# previous version (scripts/test_upgrade.sh) and the wheel's install test
# (scripts/test_wheel.sh); then the queue_job tests (tests/jobs, left out of the main run)
# on a copy of the database with queue_job installed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
DB=${TEST_DB:-followup_test}
MODULE=account_payment_followup
ODOO=("$VENV/bin/python" "$VENV/bin/odoo" -c "$VENV/odoo.conf")

# The fresh database, the linters, the upgrade test from the previous version and the
# wheel's install test do not depend on each other: they run side by side (each into its
# own log, printed in this order), so that the whole run stays short; the output still
# ends with pytest's summary line.
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
echo "[test] fresh database $DB, linters, upgrade test and wheel test, side by side"
(
    echo "[test] fresh database $DB"
    dropdb --if-exists "$DB"
    rm -rf "$VENV/data/filestore/$DB"
    "${ODOO[@]}" -d "$DB" -i "$MODULE,payment_demo" --without-demo=all --stop-after-init --log-level=warn
) >"$LOGS/1-install.log" 2>&1 &
install=$!
(
    echo "[test] linters"
    bash "$HERE/scripts/lint.sh"
) >"$LOGS/2-lint.log" 2>&1 &
lint=$!
(
    echo "[test] upgrade from the previous version"
    bash "$HERE/scripts/test_upgrade.sh"
) >"$LOGS/3-upgrade.log" 2>&1 &
upgrade=$!
(
    echo "[test] the wheel, installed with demo data in a throw-away database"
    TEST_DB="$DB" bash "$HERE/scripts/test_wheel.sh"
) >"$LOGS/4-wheel.log" 2>&1 &
wheel=$!
status=0
installed=0
wait "$install" || installed=$?
wait "$lint" || status=$?
wait "$upgrade" || status=$?
wait "$wheel" || status=$?
cat "$LOGS"/*.log
if [ "$installed" != 0 ]; then
    echo "[test] the fresh database could not be created: no tests run" >&2
    exit "$installed"
fi

echo "[test] pytest-odoo"
# run from the folder holding the addon's symlink, so that the tests are imported as
# odoo.addons.account_payment_followup.tests (the checkout's folder can have any name)
cd "$VENV/addons"
PYTHONPATH="$HERE/scripts${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/python" -m pytest \
    -p odoo_test_mode_plugin -p no_skip_plugin -p no:cacheprovider \
    --odoo-config="$VENV/odoo.conf" --odoo-database="$DB" --odoo-http \
    --odoo-log-level=warn -o "python_files=test_*.py" \
    -o "filterwarnings=ignore:.*removed in PyPDF2 3.0.0:PendingDeprecationWarning" \
    "$MODULE/tests" --ignore="$MODULE/tests/jobs" "$@" || status=$?

# the queue_job tests (tests/jobs), on a copy of the database with queue_job installed
JOBS_DB="${DB}_jobs"
echo "[test] queue_job: $JOBS_DB with queue_job, the job tests"
dropdb --if-exists "$JOBS_DB"
rm -rf "$VENV/data/filestore/$JOBS_DB"
createdb -T "$DB" "$JOBS_DB"
[ -d "$VENV/data/filestore/$DB" ] && cp -a "$VENV/data/filestore/$DB" "$VENV/data/filestore/$JOBS_DB"
"${ODOO[@]}" -d "$JOBS_DB" -i queue_job --stop-after-init --log-level=warn || status=$?
PYTHONPATH="$HERE/scripts${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/python" -m pytest \
    -p odoo_test_mode_plugin -p no_skip_plugin -p no:cacheprovider \
    --odoo-config="$VENV/odoo.conf" --odoo-database="$JOBS_DB" \
    --odoo-log-level=warn -o "python_files=test_*.py" \
    -o "filterwarnings=ignore:.*removed in PyPDF2 3.0.0:PendingDeprecationWarning" \
    "$MODULE/tests/jobs" || status=$?
exit $status
