#!/usr/bin/env bash
# Create (once) the demo database followup_demo with the addon and demo data, then serve
# Odoo on http://localhost:8069 (login admin / admin). Run again: reuses the database.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
DB=${DEMO_DB:-followup_demo}
PORT=${HTTP_PORT:-8069}
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
echo "[run] serving http://localhost:$PORT (login admin / admin); Ctrl-C to stop"
exec "${ODOO[@]}" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --http-interface=0.0.0.0
