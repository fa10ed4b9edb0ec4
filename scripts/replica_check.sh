#!/usr/bin/env bash
# The read-only requests on a read replica:  make replica-check
#
#   1. a local streaming replica of the PostgreSQL cluster: a second PostgreSQL cluster
#      (pg_createcluster) on a free port, its data in a temporary folder, filled by
#      pg_basebackup -R (hot standby, log_statement = all);
#   2. Odoo served against both (db_replica_host / db_replica_port) on REPLICA_DB
#      (followup_demo, from `make run`, by default);
#   3. the Follow-up Reports list, a statement, the analysis figures and its buttons
#      through JSON-RPC, as the web client calls them: they must run on the replica (its
#      log shows their queries) and give the same results as Odoo without a replica;
#      a request that writes (the analysis form's save) must not go there.
# Needs root or sudo (a second cluster; a `local replication` line in the primary's
# pg_hba.conf while the check runs). Everything is removed at the end.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
DB=${REPLICA_DB:-followup_demo}
CONF=${REPLICA_CONF:-$VENV/odoo.conf}
NAME=followup_replica_$$
say() { printf '[replica] %s\n' "$*"; }
die() { printf '[replica] FAILED: %s\n' "$*" >&2; exit 1; }
SUDO=""; AS_POSTGRES=(runuser -u postgres --)
if [ "$(id -u)" != 0 ]; then SUDO=sudo; AS_POSTGRES=(sudo -u postgres); fi

psql -d "$DB" -Atqc "SELECT 1 FROM ir_module_module WHERE name = 'account_payment_followup' AND state = 'installed'" 2>/dev/null | grep -q 1 \
    || die "no database $DB with the addon: run 'make demo' first (or set REPLICA_DB)"
read -r VER PRIMARY _ < <(pg_lsclusters -h | awk '$4 == "online"' | head -n1)
PRIMARY_PORT=$(pg_lsclusters -h | awk -v v="$VER" -v n="$PRIMARY" '$1 == v && $2 == n {print $3}')
HBA=$(psql -d postgres -Atqc "SHOW hba_file")
free_port() { "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
TMP=$(mktemp -d)
chmod 755 "$TMP"
$SUDO chown postgres "$TMP"
SERVER=""
HBA_LINE="local replication postgres peer  # $NAME"
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    $SUDO pg_dropcluster --stop "$VER" "$NAME" 2>/dev/null || true
    if grep -q "# $NAME" "$HBA"; then
        $SUDO sed -i "/# $NAME\$/d" "$HBA"
        psql -d postgres -Atqc "SELECT pg_reload_conf()" >/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

say "replica of PostgreSQL $VER/$PRIMARY (port $PRIMARY_PORT) on port $PORT, data in $TMP/data"
if ! grep -Eq '^[[:space:]]*local[[:space:]]+replication' "$HBA"; then
    echo "$HBA_LINE" | $SUDO tee -a "$HBA" >/dev/null
    psql -d postgres -Atqc "SELECT pg_reload_conf()" >/dev/null
fi
$SUDO pg_createcluster "$VER" "$NAME" -p "$PORT" -d "$TMP/data" >/dev/null
$SUDO rm -rf "$TMP/data"
"${AS_POSTGRES[@]}" pg_basebackup -p "$PRIMARY_PORT" -D "$TMP/data" -R -X stream -c fast
CONFD="/etc/postgresql/$VER/$NAME/conf.d"
$SUDO mkdir -p "$CONFD"
printf "hot_standby = on\nlog_statement = 'all'\nlog_line_prefix = '%%m [%%p] %%a '\n" | $SUDO tee "$CONFD/replica_check.conf" >/dev/null
# the primary's own settings (auto.conf) stay; its pg_hba/pg_ident are those of the new cluster
$SUDO pg_ctlcluster "$VER" "$NAME" start
RLOG="/var/log/postgresql/postgresql-$VER-$NAME.log"
for _ in $(seq 30); do pg_isready -q -p "$PORT" && break; sleep 1; done
[ "$(psql -p "$PORT" -d postgres -Atqc 'SELECT pg_is_in_recovery()')" = t ] || die "the new cluster is not a standby"
say "standby ready: pg_is_in_recovery() = t"

run_checks() {  # run_checks OUT [odoo options...]: serve, call, write the results to OUT
    local out=$1; shift
    local http
    http=$(free_port)
    "$VENV/bin/python" "$VENV/bin/odoo" -c "$CONF" -d "$DB" --db-filter="^$DB\$" \
        --http-interface=127.0.0.1 --http-port="$http" --workers=0 --max-cron-threads=0 \
        --log-level=info "$@" >"$TMP/odoo_$out.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 90); do
        curl -fs -o /dev/null "http://127.0.0.1:$http/web/webclient/version_info" -H 'Content-Type: application/json' -d '{}' && break
        sleep 1
    done
    "$VENV/bin/python" - "http://127.0.0.1:$http" "$DB" "$TMP/$out.json" "$RLOG" "$PORT" "$PRIMARY_PORT" "$out" <<'PY'
import json, re, subprocess, sys, time, urllib.request
from http.cookiejar import CookieJar

url, db, out, rlog, rport, pport, mode = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

def rpc(path, params):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
    request = urllib.request.Request(url + path, body, {"Content-Type": "application/json"})
    reply = json.load(opener.open(request))
    if "error" in reply:
        raise SystemExit(f"{path}: {reply['error']['data']['message']}")
    return reply["result"]

def call(model, method, args, kwargs=None, button=False):
    path = "/web/dataset/call_button" if button else "/web/dataset/call_kw"
    return rpc(path, {"model": model, "method": method, "args": args, "kwargs": kwargs or {}})

def log_size():
    try:
        return len(open(rlog, "rb").read())
    except OSError:
        return 0

def on_replica(label, func):
    """Run ``func``; return its result and the statements the replica logged."""
    before = log_size()
    result = func()
    time.sleep(0.5)
    with open(rlog, "rb") as handle:
        handle.seek(before)
        logged = handle.read().decode(errors="replace")
    statements = [line for line in logged.splitlines() if "statement:" in line]
    writes = [s for s in statements
              if re.search(r"statement:\s*(INSERT|UPDATE|DELETE)\b", s, re.I)]
    return result, {"label": label, "statements": len(statements), "writes": writes}

def wait_replayed(wizard_id):
    """Until the replica has replayed the analysis form saved on the primary."""
    for _ in range(150):
        seen = subprocess.check_output(
            ["psql", "-p", rport, "-d", db, "-Atqc",
             f"SELECT count(*) FROM account_followup_analysis_wizard WHERE id = {wizard_id}"],
            text=True).strip()
        if seen == "1":
            return
        time.sleep(0.2)
    raise SystemExit("the replica did not replay the analysis form within 30 s")

rpc("/web/session/authenticate", {"db": db, "login": "admin", "password": "admin"})
ctx = {"lang": "en_US", "tz": "UTC"}
spec = {f: {} for f in ("display_name", "followup_status", "followup_level_id",
                         "followup_total_due", "followup_total_overdue",
                         "followup_next_action_date")}
results, traces = {}, []

def trace(label, func):
    result, seen = on_replica(label, func)
    traces.append(seen)
    results[label] = result
    return result

listing = trace("Follow-up Reports list", lambda: call(
    "res.partner", "web_search_read", [],
    {"domain": [("parent_id", "=", False), ("followup_status", "=", "in_need_of_action")],
     "specification": spec, "order": "followup_total_overdue desc, id", "limit": 80,
     "context": ctx}))
first = listing["records"][0]["id"] if listing["records"] else None
if first:
    trace("statement (button)", lambda: call(
        "res.partner", "action_open_followup_statement", [[first]], {"context": ctx}, button=True))
    trace("statement (form)", lambda: call(
        "res.partner", "web_read", [[first]],
        {"specification": {**spec, "followup_line_ids": {"fields": {"amount_residual": {}}}},
         "context": ctx}))
# the analysis form is saved first: a write, for the primary
wizard, seen = on_replica("analysis form saved (write)", lambda: call(
    "account.followup.analysis.wizard", "web_save", [[], {"period": "this_month"}],
    {"specification": {"id": {}}, "context": ctx}))
traces.append(seen)
wizard_id = wizard[0]["id"]
if mode == "replica":
    wait_replayed(wizard_id)
figures = ["receivables", "sales", "dso", "cei", "aging_total", "aging_90_plus"]
trace("analysis figures", lambda: call(
    "account.followup.analysis.wizard", "web_read", [[wizard_id]],
    {"specification": {f: {} for f in figures}, "context": ctx}))
aging = trace("analysis: aging (button)", lambda: call(
    "account.followup.analysis.wizard", "action_open_aging", [[wizard_id]],
    {"context": ctx}, button=True))
trace("analysis: aging pivot", lambda: call(
    "account.followup.aging", "web_read_group", [],
    {"domain": [], "fields": ["residual:sum"], "groupby": ["bucket"],
     "context": {**ctx, **aging["context"]}}))
# each run saves its own analysis form: its id differs, its figures must not
results["analysis figures"] = [
    {k: v for k, v in row.items() if k != "id"} for row in results["analysis figures"]]
for action in ("statement (button)", "analysis: aging (button)"):
    if action in results:
        results[action] = {k: results[action].get(k) for k in ("res_model", "res_id", "context", "name")}
json.dump({"results": results, "traces": traces}, open(out, "w"), indent=1, sort_keys=True, default=str)
PY
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
}

say "Odoo without a replica (the reference results)"
run_checks primary
say "Odoo with db_replica_host / db_replica_port = the replica"
run_checks replica --db_replica_host=/var/run/postgresql --db_replica_port="$PORT"

"$VENV/bin/python" - "$TMP/primary.json" "$TMP/replica.json" "$TMP/odoo_replica.log" <<'PY'
import json, sys
primary, replica = (json.load(open(path)) for path in sys.argv[1:3])
odoo_log = open(sys.argv[3]).read()
ok = True
print("[replica] request                         | statements on the replica (with / without) | writes there | same result")
by_label = {t["label"]: t for t in primary["traces"]}
for trace in replica["traces"]:
    label = trace["label"]
    writes = trace["writes"]
    same = replica["results"].get(label) == primary["results"].get(label)
    readonly = "(write)" not in label
    if readonly:
        good = trace["statements"] > 0 and not writes and same
    else:
        # the write goes to the primary: the replica logs none of it
        good = trace["statements"] == 0 and not writes
        same = "-"
    ok = ok and good
    print(f"[replica] {label:<31} | {trace['statements']:>5} / {by_label[label]['statements']:<5}"
          f"{'':>29} | {len(writes):>12} | {same} {'ok' if good else 'FAILED'}")
if "retrying with a read/write cursor" in odoo_log:
    ok = False
    print("[replica] FAILED: Odoo retried a read-only request with a read/write cursor")
print("[replica] " + ("all read-only requests ran on the replica, with the same results" if ok else "FAILED"))
sys.exit(0 if ok else 1)
PY
