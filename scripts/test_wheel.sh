#!/usr/bin/env bash
# The addon as an integrator installs it: from its wheel, with demo data.
#
#   1. build the wheel from a clean copy of the tracked files (scripts/build_wheel.sh);
#   2. a throw-away virtualenv, isolated from the project's: Odoo is importable from its
#      source (a .pth file, as scripts/setup.sh does), the source is registered as the
#      distribution `odoo` (what `pip install -e` would record, without writing into the
#      source tree), and Odoo's own requirements are borrowed from $VENV through a .pth
#      file instead of being installed again;
#   3. pip installs the wheel WITH its dependencies but without any index: the declared
#      `odoo==18.0.*` must be satisfied by the Odoo there, nothing may be downloaded;
#   4. the addons path holds only Odoo's own addons: Odoo must find the addon in
#      site-packages (odoo/addons/account_payment_followup, from the wheel);
#   5. a new database with demo data, the module installed from there (odoo -i);
#      ir_module_module must say installed, and the demo must put customers in the
#      follow-up list (Follow-up Reports ▸ In need of action).
# The database, its filestore and the virtualenv are removed afterwards.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
ODOO_SRC=${ODOO_SRC:-/opt/odoo-18.0}
MODULE=account_payment_followup
DB=${WHEEL_DB:-${TEST_DB:-followup_test}_wheel}

say() { printf '[wheel] %s\n' "$*"; }
fail() { printf '[wheel] FAILED: %s\n' "$*" >&2; exit 1; }

work=$(mktemp -d)
cleanup() {
    if [ -n "${WHEEL_KEEP:-}" ]; then
        say "kept $work and the database $DB (WHEEL_KEEP)"
        return
    fi
    dropdb --if-exists "$DB" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

if [ -f "$ODOO_SRC/odoo/addons/account/__manifest__.py" ]; then
    ODOO_ADDONS="$ODOO_SRC/odoo/addons"
else
    ODOO_ADDONS="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons"
fi

# 1. the wheel
wheel=$(bash "$HERE/scripts/build_wheel.sh" "$work/dist")
say "built $(basename "$wheel")"
case "$(basename "$wheel")" in
    odoo_addon_${MODULE}-18.0.*-py3-none-any.whl) ;;
    *) fail "unexpected wheel name $(basename "$wheel")" ;;
esac

# 2. the throw-away virtualenv
"$VENV/bin/python" -m venv --without-pip "$work/venv"
PY="$work/venv/bin/python"
purelib='import sysconfig; print(sysconfig.get_paths()["purelib"])'
site=$("$PY" -c "$purelib")
shared=$("$VENV/bin/python" -c "$purelib")
echo "$ODOO_SRC" > "$site/odoo-src.pth"
echo "$shared" > "$site/zz-shared-requirements.pth"
odoo_version=$("$VENV/bin/python" - "$ODOO_SRC" <<'PY'
import runpy
import sys

from packaging.version import Version

release = runpy.run_path(f"{sys.argv[1]}/odoo/release.py")
print(Version(release["version"]))
PY
)
dist_info="$site/odoo-$odoo_version.dist-info"
mkdir "$dist_info"
printf 'Metadata-Version: 2.1\nName: odoo\nVersion: %s\n' "$odoo_version" > "$dist_info/METADATA"
echo "test_wheel.sh" > "$dist_info/INSTALLER"
: > "$dist_info/RECORD"

# 3. pip install the wheel, its dependencies resolved offline
"$VENV/bin/python" -m pip --disable-pip-version-check -q --python "$PY" install \
    --no-index --no-build-isolation "$wheel" \
    || fail "pip could not install the wheel with its dependencies (Odoo $odoo_version)"
say "installed into a fresh virtualenv next to Odoo $odoo_version"

# 4. Odoo finds the addon in site-packages, not through its addons path
cat > "$work/odoo.conf" <<CONF
[options]
addons_path = $ODOO_ADDONS
data_dir = $work/data
db_host = False
db_port = False
admin_passwd = admin
CONF
found=$("$PY" - "$work/odoo.conf" <<'PY'
import sys

import odoo
from odoo.modules.module import get_module_path

odoo.tools.config.parse_config(["-c", sys.argv[1]])
print(get_module_path("account_payment_followup", display_warning=False) or "")
PY
)
[ "$found" = "$site/odoo/addons/$MODULE" ] \
    || fail "Odoo finds the addon at '$found', not in the virtualenv's site-packages"
say "Odoo finds odoo.addons.$MODULE in site-packages (addons path: Odoo's own only)"

# 5. install it in a new database with demo data
dropdb --if-exists "$DB" 2>/dev/null
say "installing $MODULE in a new database $DB with demo data"
"$PY" "$ODOO_SRC/odoo-bin" -c "$work/odoo.conf" -d "$DB" -i "$MODULE" \
    --stop-after-init --log-level=warn --no-http > "$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; fail "odoo -i $MODULE failed"; }
# a demo file that fails to load only logs an error: the log must be clean
if grep -qE ' (ERROR|CRITICAL) |^Traceback' "$work/install.log"; then
    cat "$work/install.log" >&2
    fail "errors while installing $MODULE from the wheel"
fi
grep ' WARNING ' "$work/install.log" || true
state=$(psql -d "$DB" -Atqc "SELECT state FROM ir_module_module WHERE name = '$MODULE'")
[ "$state" = installed ] || fail "ir_module_module says '$state' for $MODULE"
say "ir_module_module: $MODULE installed"

# 6. the demo data: the follow-up list is not empty, every level of the plan shows
"$PY" "$ODOO_SRC/odoo-bin" shell -c "$work/odoo.conf" -d "$DB" --log-level=warn --no-http \
    > "$work/demo.out" 2>&1 <<'PY' || { cat "$work/demo.out" >&2; fail "odoo shell failed"; }
company = env.ref("base.main_company")
partners = env["res.partner"].with_company(company).search(
    [("followup_status", "=", "in_need_of_action")]
)
levels = env["account.followup.level"].search([("company_id", "=", company.id)])
print("LIST", len(partners), "; ".join(
    f"{p.name} ({p.followup_level_id.name})" for p in partners
))
print("MISSING", "; ".join(levels.filtered(
    lambda level: level not in partners.followup_level_id
).mapped("name")))
print("LAYOUT", company.external_report_layout_id.key or "")
PY
list=$(sed -n 's/^LIST //p' "$work/demo.out")
missing=$(sed -n 's/^MISSING //p' "$work/demo.out")
layout=$(sed -n 's/^LAYOUT //p' "$work/demo.out")
[ -n "$list" ] && [ "${list%% *}" -gt 0 ] || { cat "$work/demo.out" >&2; fail "the demo leaves the follow-up list empty"; }
say "demo: ${list%% *} customers in need of action: ${list#* }"
[ -z "$missing" ] || fail "no demo customer at the level(s): $missing"
[ -n "$layout" ] || fail "the demo company has no document layout"
say "demo company letterhead: $layout"
