#!/usr/bin/env bash
# Set up everything `make run` and `make test` need, on a fresh Debian/Ubuntu machine.
#
#   - system packages (wkhtmltopdf, chromium, fonts, build headers, Node.js for pre-commit's
#     prettier hook) from the distribution;
#   - the Odoo 18.0 source from $ODOO_SRC, or a shallow clone of Odoo's 18.0 branch;
#   - a Python 3.11 virtualenv in $VENV with Odoo's requirements, the addon's own
#     (requirements.txt: holidays), the dev tools (requirements-dev.txt: pytest-odoo, ruff, pylint-odoo, whool, pre-commit)
#     and OCA's queue_job (requirements-optional.txt, optional at run time);
#   - the addon exposed to Odoo under its own name, whatever the checkout's folder is called;
#   - PostgreSQL reachable on the local socket with a role for the current user;
#   - an Odoo configuration file, $VENV/odoo.conf.
#
# Every step checks first and does nothing when its work is already there, so running it
# again is quick.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
ODOO_SRC=${ODOO_SRC:-/opt/odoo-18.0}
ODOO_GIT=${ODOO_GIT:-https://github.com/odoo/odoo.git}
MODULE=account_payment_followup

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    SUDO=""
fi

# --- 1. System packages -------------------------------------------------------------------
apt_missing=()
need_pkg() { dpkg -s "$1" >/dev/null 2>&1 || apt_missing+=("$1"); }
if command -v dpkg >/dev/null 2>&1; then
    need_pkg wkhtmltopdf        # PDF letters
    need_pkg chromium           # browser tours (HttpCase)
    need_pkg poppler-utils      # pdftoppm, to look at letters as PNG
    need_pkg fonts-noto-cjk     # Chinese / Japanese / Korean letters
    need_pkg fonts-dejavu-core
    need_pkg libpq-dev          # psycopg2 builds from source
    need_pkg libxml2-dev
    need_pkg libxslt1-dev
    need_pkg libjpeg-dev
    need_pkg zlib1g-dev
    need_pkg build-essential
    need_pkg git
    # pre-commit's prettier hook (XML) runs on the machine's Node.js and npm
    command -v npm >/dev/null 2>&1 || { need_pkg nodejs; need_pkg npm; }
    command -v python3.11 >/dev/null 2>&1 || { need_pkg python3.11; need_pkg python3.11-venv; need_pkg python3.11-dev; }
    if [ ${#apt_missing[@]} -gt 0 ]; then
        say "installing system packages: ${apt_missing[*]}"
        if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then
            die "missing system packages (${apt_missing[*]}) and no sudo: install them as root first."
        fi
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${apt_missing[@]}" >/dev/null
    fi
else
    say "not a Debian-based system: make sure wkhtmltopdf, chromium and libpq headers are installed"
fi

# Chinese letters: for text its page font lacks, wkhtmltopdf takes the first CJK font that
# fontconfig offers, which is the Japanese cut of Noto CJK (Japanese glyph shapes). Offer
# the Simplified Chinese cut first, after the Latin fonts; Japanese, Korean and
# Traditional Chinese text tagged with its language keep their own cut.
FC_CJK=/etc/fonts/conf.d/69-account-payment-followup-cjk.conf
if [ -d /etc/fonts/conf.d ] && [ ! -f "$FC_CJK" ]; then
    if [ "$(id -u)" = 0 ] || [ -n "$SUDO" ]; then
        say "preferring Simplified Chinese glyphs in PDF letters ($FC_CJK)"
        $SUDO tee "$FC_CJK" >/dev/null <<'XML'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <match target="pattern">
    <test name="family"><string>sans-serif</string></test>
    <edit name="family" mode="append"><string>Noto Sans CJK SC</string></edit>
  </match>
  <match target="pattern">
    <test name="family"><string>serif</string></test>
    <edit name="family" mode="append"><string>Noto Serif CJK SC</string></edit>
  </match>
</fontconfig>
XML
    else
        say "no root nor sudo: Chinese letters may use Japanese glyph shapes (see $FC_CJK in scripts/setup.sh)"
    fi
fi

# --- 2. Odoo source -----------------------------------------------------------------------
if [ ! -f "$ODOO_SRC/odoo/release.py" ]; then
    say "no Odoo source in $ODOO_SRC: cloning Odoo 18.0 (shallow) from $ODOO_GIT"
    parent=$(dirname "$ODOO_SRC")
    if [ ! -w "$parent" ]; then
        $SUDO mkdir -p "$ODOO_SRC"
        $SUDO chown "$(id -u):$(id -g)" "$ODOO_SRC"
    fi
    git clone --depth 1 --branch 18.0 "$ODOO_GIT" "$ODOO_SRC"
fi
grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" \
    || die "$ODOO_SRC is not Odoo 18.0 (see odoo/release.py)"

# Two layouts: the nightly build has every addon under odoo/addons; a git checkout has the
# addons in addons/ at the root and only `base` under odoo/addons.
if [ -f "$ODOO_SRC/odoo/addons/account/__manifest__.py" ]; then
    ODOO_ADDONS="$ODOO_SRC/odoo/addons"
elif [ -f "$ODOO_SRC/addons/account/__manifest__.py" ]; then
    ODOO_ADDONS="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons"
else
    die "cannot find the 'account' addon in $ODOO_SRC (neither odoo/addons nor addons)"
fi

# --- 3. Python virtualenv -----------------------------------------------------------------
PYTHON=${PYTHON:-$(command -v python3.11 || true)}
[ -n "$PYTHON" ] || die "Python 3.11 is required (python3.11 not found)"
if [ ! -x "$VENV/bin/python" ]; then
    say "creating virtualenv $VENV"
    "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
stamp="$VENV/.requirements.sha"
want=$(cat "$ODOO_SRC/requirements.txt" "$HERE/requirements.txt" "$HERE/requirements-dev.txt" "$HERE/requirements-optional.txt" "$0" | sha1sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing Odoo's requirements and the dev tools into $VENV (a few minutes the first time)"
    # Quirks of Odoo 18's requirements on Python 3.11: cbor2 5.4.2 no longer builds (5.4.6
    # does); python-ldap needs LDAP headers and only serves auth_ldap; old sdists import
    # pkg_resources, so they build with setuptools<70 and without build isolation.
    "${PIP[@]}" install "setuptools<70" wheel
    sed -e 's/^cbor2==5\.4\.2/cbor2==5.4.6/' -e '/^python-ldap/d' \
        "$ODOO_SRC/requirements.txt" > "$VENV/odoo-requirements.txt"
    "${PIP[@]}" install --no-build-isolation -r "$VENV/odoo-requirements.txt"
    # the addon's own run-time requirements (requirements.txt), then the dev tools
    "${PIP[@]}" install -r "$HERE/requirements.txt"
    "${PIP[@]}" install -r "$HERE/requirements-dev.txt"
    # OCA's queue_job (requirements-optional.txt), without its `odoo` requirement
    "${PIP[@]}" install --no-deps -r "$HERE/requirements-optional.txt"
    echo "$want" > "$stamp"
fi
# Odoo itself: importable from the source tree (a .pth file, like `pip install -e`).
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$ODOO_SRC" > "$site/odoo-src.pth"
ln -sfn "$ODOO_SRC/odoo-bin" "$VENV/bin/odoo"

# --- 4. The addon under its own name --------------------------------------------------------
mkdir -p "$VENV/addons"
ln -sfn "$HERE" "$VENV/addons/$MODULE"

# --- 5. PostgreSQL ------------------------------------------------------------------------
if ! command -v psql >/dev/null 2>&1; then
    die "PostgreSQL is not installed. Install it (e.g. 'sudo apt-get install postgresql') and run again."
fi
if ! pg_isready -q 2>/dev/null; then
    if command -v pg_lsclusters >/dev/null 2>&1; then
        read -r ver name _ < <(pg_lsclusters -h | head -n1) || true
        [ -n "${ver:-}" ] || die "PostgreSQL is installed but has no cluster: create one with 'pg_createcluster'."
        say "starting PostgreSQL $ver/$name"
        $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
        for _ in $(seq 20); do pg_isready -q && break; sleep 0.5; done
    fi
    pg_isready -q || die "PostgreSQL does not answer on the local socket: start it (e.g. 'sudo service postgresql start')."
fi
if ! psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    say "creating the PostgreSQL role '$(id -un)'"
    if [ "$(id -u)" = 0 ]; then
        su postgres -c "createuser --superuser $(id -un)"
    else
        $SUDO -u postgres createuser --superuser "$(id -un)"
    fi
fi
[ "$(id -un)" != postgres ] || die "Odoo refuses to connect as 'postgres': run this as another user."

# --- 6. Odoo configuration ----------------------------------------------------------------
# addons installed as wheels (queue_job) land in site-packages/odoo/addons
WHEEL_ADDONS=""
[ -d "$site/odoo/addons" ] && WHEEL_ADDONS=",$site/odoo/addons"
cat > "$VENV/odoo.conf" <<CONF
[options]
addons_path = $VENV/addons,$ODOO_ADDONS$WHEEL_ADDONS
data_dir = $VENV/data
db_host = False
db_port = False
admin_passwd = admin
http_interface = 127.0.0.1
list_db = True

[queue_job]
# the job runner's channels (when queue_job is installed and loaded, see scripts/run.sh)
channels = root:2,root.followup:2
CONF
say "ready: Odoo $ODOO_SRC, Python $("$VENV/bin/python" -V 2>&1 | cut -d' ' -f2), config $VENV/odoo.conf"
