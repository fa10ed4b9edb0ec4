#!/usr/bin/env bash
# Build the addon's wheel into OUTDIR (default: dist/) with whool, from a clean copy of the
# files git tracks (as they are in the working tree), in a folder named after the addon:
# whool takes the distribution's name from the folder, whatever the checkout is called.
#
#   bash scripts/build_wheel.sh [OUTDIR]    prints the path of the wheel
#
# No build isolation and no index: whool comes from the venv (requirements-dev.txt), so
# the build needs no network.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
MODULE=account_payment_followup
OUT=$(mkdir -p "${1:-$HERE/dist}" && cd "${1:-$HERE/dist}" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/$MODULE"
# tracked files only (what whool itself packages in a checkout), minus those deleted
( cd "$HERE" && git ls-files -z | while IFS= read -r -d '' f; do
    [ -e "$f" ] && printf '%s\0' "$f"
  done | tar --null -T - -cf - ) | tar -xf - -C "$work/$MODULE"
rm -f "$OUT"/odoo_addon_"$MODULE"-*.whl
"$VENV/bin/python" -m pip --disable-pip-version-check -q wheel \
    --no-deps --no-build-isolation --no-index -w "$OUT" "$work/$MODULE" >&2
ls "$OUT"/odoo_addon_"$MODULE"-*.whl
