#!/usr/bin/env bash
# Upgrade test: install the previous version of the addon, use it as a customer would,
# upgrade to this checkout, check that nothing the customer had is lost.
#
#   1. the previous version is the commit that released $UPGRADE_FROM (RELEASED below:
#      the development commits that followed it kept its version number for a while), else
#      the newest commit of the first-parent history whose __manifest__.py says it
#      (found by content, so that a fresh clone without tags works; a shallow clone is
#      deepened first), or $UPGRADE_FROM_REV;
#   2. `git archive` of that commit is installed in a fresh database;
#   3. an odoo shell customises it: a level's days and name, the mail template's subject,
#      the daily run's interval (and switched off), the default reminder type set to
#      Manual, a paper format on the letter, a favorite on Follow-up Reports;
#   4. `-u account_payment_followup` with the addons path switched to this checkout;
#   5. an odoo shell checks: the renamed XML ids point to the same records as the old
#      ones did, the old ids are gone, every other id still points to its record, the
#      customisations are there, no record was duplicated, the views, the statement and
#      the letter render, and running the migration again changes nothing.
#
#   bash scripts/test_upgrade.sh            (run by scripts/test.sh, so by `make test`)
#   UPGRADE_DB=my_db UPGRADE_KEEP_DB=1 bash scripts/test_upgrade.sh
#   ODOO_CONF=/path/odoo.conf bash scripts/test_upgrade.sh   (default $VENV/odoo.conf)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
CONF=${ODOO_CONF:-$VENV/odoo.conf}
DB=${UPGRADE_DB:-followup_upgrade_test}
FROM=${UPGRADE_FROM:-18.0.1.0.0}
MODULE=account_payment_followup
ODOO=("$VENV/bin/python" "$VENV/bin/odoo")

say() { printf '\033[1;34m[upgrade]\033[0m %s\n' "$*"; }
fail() {
    printf '\033[1;31m[upgrade] FAIL: %s\033[0m\n' "$*" >&2
    exit 1
}

manifest_version() {
    git -C "$HERE" show "$1:__manifest__.py" 2>/dev/null \
        | sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p'
}

find_previous() {
    local rev
    for rev in $(git -C "$HERE" rev-list --first-parent HEAD); do
        if [ "$(manifest_version "$rev")" = "$FROM" ]; then
            echo "$rev"
            return 0
        fi
    done
    return 1
}

# the commit of each released version
declare -A RELEASED=(
    [18.0.1.0.0]=c37aa06fdd2907842041cc1c2f640f807cacd149
)

# --- 1. the previous version ---------------------------------------------------------------
rev=${UPGRADE_FROM_REV:-${RELEASED[$FROM]:-}}
if [ -n "$rev" ] && ! git -C "$HERE" cat-file -e "$rev^{commit}" 2>/dev/null; then
    if [ "$(git -C "$HERE" rev-parse --is-shallow-repository)" = true ]; then
        say "shallow clone: fetching the history to find version $FROM"
        git -C "$HERE" fetch -q --unshallow || true
    fi
    git -C "$HERE" cat-file -e "$rev^{commit}" 2>/dev/null || rev=
fi
if [ -z "$rev" ]; then
    rev=$(find_previous) || {
        if [ "$(git -C "$HERE" rev-parse --is-shallow-repository)" = true ]; then
            say "shallow clone: fetching the history to find version $FROM"
            git -C "$HERE" fetch -q --unshallow || true
        fi
        rev=$(find_previous)
    } || fail "no commit of the history has version $FROM in __manifest__.py"
fi
current=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$HERE/__manifest__.py")
say "from $FROM (commit $(git -C "$HERE" rev-parse --short "$rev")) to $current (this checkout)"
[ "$current" != "$FROM" ] || fail "this checkout is still version $FROM: nothing to upgrade"

work=$(mktemp -d)
data_dir=$(sed -n 's/^data_dir *= *//p' "$CONF")
cleanup() {
    rm -rf "$work"
    if [ -z "${UPGRADE_KEEP_DB:-}" ]; then
        dropdb --if-exists "$DB" 2>/dev/null || true
        [ -z "$data_dir" ] || rm -rf "$data_dir/filestore/$DB"
    fi
}
trap cleanup EXIT

mkdir -p "$work/old/$MODULE" "$work/new"
git -C "$HERE" archive "$rev" | tar -x -C "$work/old/$MODULE"
ln -s "$HERE" "$work/new/$MODULE"
# Odoo's own addons: the configuration's addons path without the folder of this addon
base=""
IFS=, read -ra entries <<<"$(sed -n 's/^addons_path *= *//p' "$CONF")"
for entry in "${entries[@]}"; do
    entry=$(echo "$entry" | xargs)
    [ -n "$entry" ] && [ ! -f "$entry/$MODULE/__manifest__.py" ] || continue
    base=${base:+$base,}$entry
done
OLD=(--addons-path="$work/old,$base")
NEW=(--addons-path="$work/new,$base")
export UPGRADE_STATE="$work/state.json" UPGRADE_RESULT="$work/result.json"
export UPGRADE_MIGRATIONS="$HERE/migrations" UPGRADE_FROM="$FROM"

# --- 2. install it -------------------------------------------------------------------------
say "fresh database $DB with $MODULE $FROM"
dropdb --if-exists "$DB"
[ -z "$data_dir" ] || rm -rf "$data_dir/filestore/$DB"
"${ODOO[@]}" -c "$CONF" -d "$DB" "${OLD[@]}" -i "$MODULE" --without-demo=all --stop-after-init \
    --log-level=warn

# --- 3. customise it -----------------------------------------------------------------------
say "customising it as a user would"
"${ODOO[@]}" shell -c "$CONF" -d "$DB" "${OLD[@]}" --no-http --log-level=warn >"$work/customise.log" 2>&1 <<'PY' || true
import json
import os

M = "account_payment_followup"
state = {"xmlids": {}}
for data in env["ir.model.data"].search([("module", "=", M)]):
    state["xmlids"][data.name] = [data.model, data.res_id]

level = env["account.followup.level"].search(
    [("company_id", "=", env.company.id)], order="delay", limit=1
)
level.write({"delay": level.delay + 2, "name": "Customised first reminder"})
env.ref(f"{M}.mail_template_followup").subject = "Customised subject {{ object.name }}"
env.ref(f"{M}.ir_cron_followup").write(
    {"interval_number": 6, "interval_type": "hours", "active": False}
)
env["ir.default"].set("res.partner", "followup_reminder_type", "manual")
report = env.ref(f"{M}.action_report_followup_letter")
report.paperformat_id = env.ref("base.paperformat_us")
favorite = env["ir.filters"].create(
    {
        "name": "Customised favorite",
        "model_id": "res.partner",
        "action_id": env.ref(f"{M}.action_res_partner_followup").id,
        "domain": "[('followup_status', '=', 'in_need_of_action')]",
        "user_id": False,
    }
)
state.update(
    level=[level.id, level.delay, level.name],
    favorite=favorite.id,
    paperformat=report.paperformat_id.id,
    levels=env["account.followup.level"].with_context(active_test=False).search_count([]),
)
env.cr.commit()
with open(os.environ["UPGRADE_STATE"], "w") as f:
    json.dump(state, f)
print("customised")
PY
[ -s "$UPGRADE_STATE" ] || { cat "$work/customise.log"; fail "could not customise the $FROM database"; }

# --- 4. upgrade to this checkout -------------------------------------------------------------
say "upgrading to $current"
"${ODOO[@]}" -c "$CONF" -d "$DB" "${NEW[@]}" -u "$MODULE" --stop-after-init --log-level=warn \
    2>&1 | tee "$work/upgrade.log"
if grep -q " ERROR \| CRITICAL " "$work/upgrade.log"; then
    fail "the upgrade logged errors (above)"
fi

# --- 5. check ------------------------------------------------------------------------------
say "checking the upgraded database"
"${ODOO[@]}" shell -c "$CONF" -d "$DB" "${NEW[@]}" --no-http --log-level=warn >"$work/check.log" 2>&1 <<'PY' || true
import ast
import glob
import importlib.util
import json
import os
import traceback

M = "account_payment_followup"
results = []


def check(ok, what):
    results.append([bool(ok), what])


def step(what, function):
    try:
        function()
        check(True, what)
    except Exception:
        check(False, f"{what}: {traceback.format_exc(limit=3)}")


with open(os.environ["UPGRADE_STATE"]) as f:
    state = json.load(f)
# every migration of the versions after the one installed, in order
renamed, scripts = {}, []
for path in sorted(glob.glob(os.path.join(os.environ["UPGRADE_MIGRATIONS"], "*", "pre-*.py"))):
    scripts.append(path)
    for node in ast.parse(open(path).read()).body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "RENAMED_XMLIDS" for t in node.targets
        ):
            renamed.update(ast.literal_eval(node.value))
check(renamed, f"the migrations rename {len(renamed)} xml ids")


def xmlids():
    return {
        d.name: [d.model, d.res_id]
        for d in env["ir.model.data"].search([("module", "=", M)])
    }


after = xmlids()
module = env["ir.module.module"].search([("name", "=", M)])
check(module.state == "installed", f"module state {module.state}")
check(module.latest_version != os.environ["UPGRADE_FROM"], f"version {module.latest_version}")
for old, new in renamed.items():
    if old not in state["xmlids"]:
        continue
    check(old not in after, f"{old}: old xml id gone")
    check(
        after.get(new) == state["xmlids"][old],
        f"{new}: same record as {old} {state['xmlids'][old]} (now {after.get(new)})",
    )
kept = [n for n in state["xmlids"] if n not in renamed]
lost = [n for n in kept if after.get(n) != state["xmlids"][n]]
check(not lost, f"{len(kept)} other xml ids still on their records (lost: {lost})")
for old, new in renamed.items():
    if state["xmlids"].get(old, [None])[0] == "ir.ui.view":
        view = env["ir.ui.view"].browse(after[new][1])
        check(view.key == f"{M}.{new}", f"{new}: template key {view.key}")
rule = env["ir.model.data"].search([("module", "=", M), ("name", "=", "account_followup_level_rule_company")])
check(rule.noupdate, "the company rule is noupdate")

# what the user had changed
level_id, delay, name = state["level"]
level = env["account.followup.level"].browse(level_id).exists()
check(level and (level.delay, level.name) == (delay, name), f"level {delay} days '{name}': {level.delay} '{level.name}'")
template = env.ref(f"{M}.mail_template_followup")
check(template.subject == "Customised subject {{ object.name }}", f"mail template subject: {template.subject}")
cron = env.ref(f"{M}.ir_cron_followup").with_context(active_test=False)
check(
    (cron.interval_number, cron.interval_type, cron.active) == (6, "hours", False),
    f"cron every {cron.interval_number} {cron.interval_type}, active={cron.active}",
)
default = env["ir.default"]._get("res.partner", "followup_reminder_type")
check(default == "manual", f"default reminder type: {default}")
report = env.ref(f"{M}.res_partner_action_report_followup_letter")
check(report.paperformat_id.id == state["paperformat"], f"letter paper format: {report.paperformat_id.name}")
favorite = env["ir.filters"].browse(state["favorite"]).exists()
check(
    favorite.action_id.id == env.ref(f"{M}.res_partner_action_followup").id,
    "the favorite on Follow-up Reports still opens it",
)

# what the versions after it bring to a database installed before them
company = env.ref("base.main_company")
check(
    company.followup_charge_product_id == env.ref(f"{M}.product_followup_charges"),
    f"the company's charge product: {company.followup_charge_product_id.name}",
)
check("_followup_portal_link" in (template.body_html or ""), "the reminder email links to the customer's page")

# nothing created twice
Cron = env["ir.cron"].with_context(active_test=False)
check(Cron.search_count([("code", "ilike", "_cron_execute_followups")]) == 1, "one daily run")
check(env["mail.template"].search_count([("name", "=", template.name)]) == 1, "one mail template")
check(env["sms.template"].search_count([("name", "=", "Payment follow-up: SMS reminder")]) == 1, "one SMS template")
check(env["ir.rule"].search_count([("model_id.model", "=", "account.followup.level")]) == 1, "one company rule")
Level = env["account.followup.level"].with_context(active_test=False)
check(Level.search_count([]) == state["levels"], f"{state['levels']} levels")
for new in ("res_partner_menu_followup", "account_followup_level_menu"):
    menu = env.ref(f"{M}.{new}")
    check(env["ir.ui.menu"].with_context(active_test=False).search_count([("action", "=", f"{menu.action._name},{menu.action.id}")]) == 1, f"one menu {menu.name}")
reports = env["ir.actions.report"].search_count([("report_name", "=", f"{M}.report_followup_letter")])
check(reports == 1, "one letter report")


def views_load():
    for xmlid, model in (
        ("res_partner_action_followup", "res.partner"),
        ("account_followup_level_action", "account.followup.level"),
        ("account_followup_line_note_action", "account.followup.line.note"),
    ):
        action = env["ir.actions.actions"]._for_xml_id(f"{M}.{xmlid}")
        views = [[v, mode] for v, mode in action["views"]]
        if action.get("search_view_id"):
            views.append([action["search_view_id"][0], "search"])
        env[model].get_views(views)
    env["res.partner"].get_views([[False, "form"]])  # with the smart button


def statement_and_letter():
    partner = env["res.partner"].create({"name": "Upgrade check", "email": "c@example.com"})
    assert partner.followup_reminder_type == "manual", partner.followup_reminder_type
    assert "<table" in str(partner._followup_render_statement())
    html = env["ir.actions.report"]._render_qweb_html(
        f"{M}.res_partner_action_report_followup_letter", partner.ids
    )[0]
    assert b"Upgrade check" in html


def migrations_twice():
    before = xmlids()
    for path in scripts:
        spec = importlib.util.spec_from_file_location("upgrade_check_migration", path)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        script.migrate(env.cr, os.environ["UPGRADE_FROM"])
    env.invalidate_all()
    assert xmlids() == before, "a second run changed ir_model_data"


step("the actions' views load", views_load)
step("the statement and the letter render; a new customer is on Manual", statement_and_letter)
step("running the migration again changes nothing", migrations_twice)
env.cr.rollback()
with open(os.environ["UPGRADE_RESULT"], "w") as f:
    json.dump(results, f)
PY
[ -s "$UPGRADE_RESULT" ] || { cat "$work/check.log"; fail "the checks did not run"; }
"$VENV/bin/python" - "$UPGRADE_RESULT" <<'PY'
import json
import sys

results = json.load(open(sys.argv[1]))
for ok, what in results:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}")
failed = sum(not ok for ok, _what in results)
print(f"[upgrade] {'PASS' if not failed else 'FAIL'}: {len(results) - failed} checks passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
