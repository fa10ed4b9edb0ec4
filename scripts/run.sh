#!/usr/bin/env bash
# Create (once) the demo database followup_demo with the addon and demo data, then serve
# Odoo on http://localhost:8069 (login admin / admin). Run again: reuses the database.
#
# WORKERS=N (make run WORKERS=4): Odoo in prefork mode, N HTTP workers, cron workers
# (CRON_THREADS, 2 by default), the gevent process for the websocket on GEVENT_PORT (8072)
# and, when queue_job is available (requirements-optional.txt), queue_job installed in the
# database and its job runner loaded (channels in the [queue_job] section of odoo.conf).
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
DB=${DEMO_DB:-followup_demo}
PORT=${HTTP_PORT:-8069}
WORKERS=${WORKERS:-0}
ODOO_BIN=("$VENV/bin/python" "$VENV/bin/odoo")
ODOO=("${ODOO_BIN[@]}" -c "$VENV/odoo.conf")

exists=$(psql -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$DB'")
installed=""
if [ "$exists" = 1 ]; then
    installed=$(psql -d "$DB" -Atqc "SELECT 1 FROM ir_module_module WHERE name = 'account_payment_followup' AND state = 'installed'" 2>/dev/null || true)
fi
if [ "$installed" != 1 ]; then
    [ "$exists" = 1 ] && dropdb "$DB"
    echo "[run] creating database $DB with the addon (a few minutes)"
    "${ODOO[@]}" -d "$DB" -i account_payment_followup --without-demo=all \
        --load-language=en_US --stop-after-init --log-level=warn
    echo "[run] loading demo customers and invoices"
    "${ODOO_BIN[@]}" shell -c "$VENV/odoo.conf" -d "$DB" --log-level=warn --no-http \
        < "$HERE/scripts/demo_data.py"
else
    echo "[run] updating the addon in $DB"
    "${ODOO[@]}" -d "$DB" -u account_payment_followup --stop-after-init --log-level=warn
fi
if [ "${1:-}" = "--no-serve" ]; then
    exit 0
fi
serve=()
if [ "$WORKERS" -gt 0 ]; then
    serve+=(--workers="$WORKERS" --max-cron-threads="${CRON_THREADS:-2}"
        --gevent-port="${GEVENT_PORT:-8072}")
    if "$VENV/bin/python" - "$VENV/odoo.conf" <<'PY'
import configparser, os, sys
conf = configparser.ConfigParser()
conf.read(sys.argv[1])
paths = conf["options"]["addons_path"].split(",")
sys.exit(0 if any(os.path.isfile(os.path.join(p.strip(), "queue_job", "__manifest__.py")) for p in paths) else 1)
PY
    then
        queue_job=$(psql -d "$DB" -Atqc "SELECT 1 FROM ir_module_module WHERE name = 'queue_job' AND state = 'installed'")
        if [ "$queue_job" != 1 ]; then
            echo "[run] installing queue_job in $DB (the daily run and large batches as jobs)"
            "${ODOO[@]}" -d "$DB" -i queue_job --stop-after-init --log-level=warn
        fi
        serve+=(--load=base,web,queue_job)
        echo "[run] queue_job's runner: channels $(sed -n 's/^channels *= *//p' "$VENV/odoo.conf")"
    fi
    echo "[run] prefork: $WORKERS HTTP workers, ${CRON_THREADS:-2} cron workers, websocket on port ${GEVENT_PORT:-8072}"
fi
echo "[run] serving http://localhost:$PORT (login admin / admin); Ctrl-C to stop"
exec "${ODOO[@]}" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --http-interface=0.0.0.0 "${serve[@]}"
