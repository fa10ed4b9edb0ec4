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

echo "[test] fresh database $DB"
dropdb --if-exists "$DB"
rm -rf "$VENV/data/filestore/$DB"
"${ODOO[@]}" -d "$DB" -i "$MODULE,payment_demo" --without-demo=all --stop-after-init --log-level=warn

# the linters and the wheel first, so that the output ends with pytest's summary line
echo "[test] linters"
status=0
bash "$HERE/scripts/lint.sh" || status=$?
bash "$HERE/scripts/test_upgrade.sh" || status=$?  # from the previous version

echo "[test] the wheel, installed with demo data in a throw-away database"
TEST_DB="$DB" bash "$HERE/scripts/test_wheel.sh" || status=$?

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
