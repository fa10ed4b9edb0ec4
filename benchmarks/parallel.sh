#!/usr/bin/env bash
# The daily run as queue jobs with 1, then 2 job workers, on the same data:
#   make bench-parallel TIER=M      (docs/benchmarks.md, "Parallel daily run")
#
#   1. the tier's benchmark database (BENCH_DB, built by `make bench TIER=...`) copied
#      once to <db>_jobs_tpl with queue_job installed, then updated to this checkout;
#   2. for each number of job workers: a fresh copy of it (createdb -T: every run starts
#      from the same data), Odoo in prefork mode with queue_job's runner and the channel
#      root.followup of that capacity, the daily run's first BENCH_PROCESS customers
#      (600 by default) queued as jobs of 50 (benchmarks/parallel.py), and the time
#      until the last job is done;
#   3. partners per second for each, the speed-up, and the number of reminders per
#      customer (exactly one each, or the run fails).
set -euo pipefail
TIER=${1:-M}
case "$TIER" in S|M|L) ;; *) echo "usage: $0 S|M|L" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
DB=${BENCH_DB:-bench_$(echo "$TIER" | tr 'SML' 'sml')}
CONF=${BENCH_CONF:-$VENV/odoo.conf}
PROCESS=${BENCH_PROCESS:-600}
WORKER_COUNTS=${BENCH_JOB_WORKERS:-1 2}
TPL="${DB}_jobs_tpl"
RUN="${DB}_jobs_run"
NICE=(nice -n "${BENCH_NICE:-10}")
ODOO=("${NICE[@]}" "$VENV/bin/python" "$VENV/bin/odoo" -c "$CONF")
PY=("${NICE[@]}" "$VENV/bin/python")
FILESTORE=$("$VENV/bin/python" - "$CONF" <<'PY'
import configparser, os, sys
conf = configparser.ConfigParser()
conf.read(sys.argv[1])
print(os.path.join(conf["options"].get("data_dir", ""), "filestore"))
PY
)
say() { printf '[bench-parallel] %s\n' "$*"; }

tier=$(psql -d "$DB" -Atqc "SELECT value FROM ir_config_parameter WHERE key = 'account_payment_followup.bench_tier'" 2>/dev/null || true)
if [ "$tier" != "$TIER" ]; then
    say "$DB holds no tier $TIER data: run 'make bench TIER=$TIER' first (or set BENCH_DB)"
    exit 2
fi

copy_db() {  # copy_db FROM TO: the database and its filestore
    dropdb --if-exists "$2"
    rm -rf "${FILESTORE:?}/$2"
    createdb -T "$1" "$2"
    if [ -d "$FILESTORE/$1" ]; then cp -a "$FILESTORE/$1" "$FILESTORE/$2"; fi
}

if [ "$(psql -d "$TPL" -Atqc "SELECT 1 FROM ir_module_module WHERE name = 'queue_job' AND state = 'installed'" 2>/dev/null || true)" != 1 ]; then
    say "copying $DB to $TPL and installing queue_job"
    copy_db "$DB" "$TPL"
    "${ODOO[@]}" -d "$TPL" -i queue_job --stop-after-init --log-level=warn
fi
say "updating account_payment_followup in $TPL"
"${ODOO[@]}" -d "$TPL" -u account_payment_followup --stop-after-init --log-level=warn

free_port() { "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true' EXIT
machine="$(nproc) cores, $(free -h | awk '/Mem:/ {print $2}') RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "machine: $machine"
results=()
status=0
for workers in $WORKER_COUNTS; do
    say "$workers job worker(s): fresh copy $RUN of $TPL"
    copy_db "$TPL" "$RUN"
    PORT=$(free_port)
    GEVENT=$(free_port)
    LOG="${TMPDIR:-/tmp}/bench_parallel_${RUN}_$workers.log"
    # one HTTP worker per job running at once, plus one for the runner's other calls
    ODOO_QUEUE_JOB_CHANNELS="root:$workers,root.followup:$workers" ODOO_QUEUE_JOB_PORT="$PORT" \
        "${ODOO[@]}" -d "$RUN" --db-filter="^$RUN\$" --http-interface=127.0.0.1 \
        --http-port="$PORT" --gevent-port="$GEVENT" --workers=$((workers + 1)) \
        --max-cron-threads=0 --load=base,web,queue_job --limit-time-real=1800 \
        --limit-time-cpu=1800 --log-level=warn >"$LOG" 2>&1 &
    SERVER=$!
    for _ in $(seq 120); do
        curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/webclient/version_info" -H 'Content-Type: application/json' -d '{}' && break
        sleep 1
    done
    queued=$("${PY[@]}" "$HERE/benchmarks/parallel.py" -c "$CONF" -d "$RUN" enqueue --process "$PROCESS")
    say "queued: $queued"
    for _ in $(seq 3600); do
        left=$(psql -d "$RUN" -Atqc "SELECT count(*) FROM queue_job WHERE channel = 'root.followup' AND state NOT IN ('done', 'failed', 'cancelled')")
        [ "$left" = 0 ] && break
        sleep 1
    done
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
    report=$("${PY[@]}" "$HERE/benchmarks/parallel.py" -c "$CONF" -d "$RUN" report)
    say "$workers job worker(s): $report"
    results+=("$workers $report")
done
dropdb --if-exists "$RUN"
rm -rf "${FILESTORE:?}/$RUN"

"$VENV/bin/python" - "${results[@]}" <<'PY' || status=$?
import json, sys
rows = []
for arg in sys.argv[1:]:
    workers, report = arg.split(" ", 1)
    rows.append((int(workers), json.loads(report)))
base = rows[0][1]["partners_per_s"] or 1
ok = True
print("[bench-parallel] job workers | customers | seconds | partners/s | speed-up | reminders per customer | jobs")
for workers, r in rows:
    low, high = r["reminders_per_customer"]
    exact = low == high == 1
    ok = ok and exact and not r["jobs"].get("failed")
    print(
        f"[bench-parallel] {workers:>11} | {r['customers_reminded']:>9} | {r['seconds']:>7.1f} | "
        f"{r['partners_per_s']:>10.1f} | {r['partners_per_s'] / base:>7.2f}x | "
        f"{low}-{high} ({'exactly one each' if exact else 'NOT one each'}) | {r['jobs']}"
    )
sys.exit(0 if ok else 1)
PY
exit $status
