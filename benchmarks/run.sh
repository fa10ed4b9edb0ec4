#!/usr/bin/env bash
# The scale benchmark of docs/benchmarks.md:  make bench TIER=S|M|L
#
#   1. a dedicated database bench_<tier> with the addon (no demo data), updated to the
#      code of this checkout;
#   2. the tier's data, generated once (benchmarks/generate.py, fixed seed) and checked
#      against the ORM;
#   3. an Odoo server on a free local port for wkhtmltopdf to fetch the report assets;
#   4. the figures (benchmarks/measure.py), against the targets.
# Everything runs under `nice`: the machine stays usable. BENCH_DB overrides the database,
# BENCH_PROCESS / BENCH_LETTERS / BENCH_BULK the number of partners processed, letters
# printed and customers of the bulk sending measure,
# BENCH_CONF the Odoo configuration file ($VENV/odoo.conf), BENCH_ONLY a subset of the
# measures (e.g. BENCH_ONLY=kpis; see measure.py --only).
set -euo pipefail
TIER=${1:-S}
case "$TIER" in S|M|L|demo) ;; *) echo "usage: $0 S|M|L|demo" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
DB=${BENCH_DB:-bench_$(echo "$TIER" | tr 'SML' 'sml')}
MODULE=account_payment_followup
CONF=${BENCH_CONF:-$VENV/odoo.conf}
NICE=(nice -n "${BENCH_NICE:-10}")
ODOO=("${NICE[@]}" "$VENV/bin/python" "$VENV/bin/odoo" -c "$CONF")
PY=("${NICE[@]}" "$VENV/bin/python")
started=$(date +%s)

if [ "$TIER" = demo ]; then
    # the screens on the demo database of `make run` (created by `make demo`)
    DB=${BENCH_DB:-followup_demo}
    psql -d "$DB" -Atqc "SELECT 1" >/dev/null 2>&1 || { echo "[bench] no database $DB: run make demo first" >&2; exit 2; }
    echo "[bench] measuring the screens of $DB (machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
    exec "${PY[@]}" "$HERE/benchmarks/measure.py" -c "$CONF" -d "$DB" --tier demo \
        --only "${BENCH_ONLY:-list,screens,kpis}" --json "${TMPDIR:-/tmp}/bench_$DB.json"
fi

installed=$(psql -d "$DB" -Atqc "SELECT 1 FROM ir_module_module WHERE name = '$MODULE' AND state = 'installed'" 2>/dev/null || true)
if [ "$installed" != 1 ]; then
    echo "[bench] creating $DB with $MODULE (no demo data)"
    dropdb --if-exists "$DB"
    "${ODOO[@]}" -d "$DB" -i "$MODULE" --without-demo=all --stop-after-init --log-level=warn
else
    echo "[bench] updating $MODULE in $DB"
    "${ODOO[@]}" -d "$DB" -u "$MODULE" --stop-after-init --log-level=warn
fi

echo "[bench] tier $TIER data"
gen_started=$(date +%s)
"${PY[@]}" "$HERE/benchmarks/generate.py" -c "$CONF" -d "$DB" --tier "$TIER"
echo "[bench] data ready in $(( $(date +%s) - gen_started )) s"
# What autovacuum does on a production server (it is off on some machines, this one
# included): statistics, and the visibility map that lets PostgreSQL answer from an
# index alone (the status of all customers reads the addon's covering index).
psql -d "$DB" -qc "VACUUM (ANALYZE) account_move_line, account_move, account_partial_reconcile, res_partner"

PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${ODOO[@]}" -d "$DB" --db-filter="^$DB\$" --http-interface=127.0.0.1 --http-port="$PORT" \
    --workers=0 --max-cron-threads=0 --log-level=warn >"${TMPDIR:-/tmp}/bench_server_$DB.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/webclient/version_info" -H 'Content-Type: application/json' -d '{}' && break
    sleep 1
done

echo "[bench] measuring (machine: $(nproc) cores, $(free -h | awk '/Mem:/ {print $2}') RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
status=0
"${PY[@]}" "$HERE/benchmarks/measure.py" -c "$CONF" -d "$DB" --tier "$TIER" \
    --report-url "http://127.0.0.1:$PORT" --process "${BENCH_PROCESS:-1000}" \
    --letters "${BENCH_LETTERS:-20}" --bulk "${BENCH_BULK:-1000}" --json "${TMPDIR:-/tmp}/bench_$DB.json" \
    ${BENCH_ONLY:+--only "$BENCH_ONLY"} || status=$?
echo "[bench] done in $(( $(date +%s) - started )) s (figures also in ${TMPDIR:-/tmp}/bench_$DB.json)"
exit $status
