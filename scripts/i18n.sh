#!/usr/bin/env bash
# Regenerate i18n/account_payment_followup.pot from the code and merge it into every
# i18n/<lang>.po, so that translators only ever see what is left to translate.
#
#   - a throw-away database gets the addon installed (no demo data), then Odoo exports
#     every term of the addon (fields, selections, views, QWeb, mail/SMS templates,
#     `self.env._(...)` in Python, `_t(...)` in JavaScript) as a template;
#   - each .po keeps the translations of the terms still in the template (also of a
#     template term that was only re-indented), gets the new terms with an empty
#     translation, and keeps the terms gone from the code as obsolete entries (`#~`):
#     no translation is ever lost, and a term that comes back gets its translation back;
#   - the languages to maintain are those of the existing .po files plus $I18N_LANGS.
#
#   make i18n                           (or: bash scripts/i18n.sh)
#   I18N_DB=my_db bash scripts/i18n.sh  (the database to create, then drop)
#   I18N_KEEP_DB=1 ...                  (keep the database afterwards)
#   bash scripts/i18n.sh --merge-only   (merge the current .pot again, no export)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$HERE/.venv}
DB=${I18N_DB:-followup_i18n_export}
MODULE=account_payment_followup
LANGS=${I18N_LANGS:-es nl zh_CN cs fr de}
ODOO=("$VENV/bin/python" "$VENV/bin/odoo" -c "$VENV/odoo.conf")
POT="$HERE/i18n/$MODULE.pot"

say() { printf '\033[1;34m[i18n]\033[0m %s\n' "$*"; }

mkdir -p "$HERE/i18n"
if [ "${1:-}" != "--merge-only" ]; then
    say "fresh database $DB with $MODULE"
    dropdb --if-exists "$DB"
    rm -rf "$VENV/data/filestore/$DB"
    cleanup() {
        if [ -z "${I18N_KEEP_DB:-}" ]; then
            dropdb --if-exists "$DB" || true
            rm -rf "$VENV/data/filestore/$DB"
        fi
    }
    trap cleanup EXIT
    "${ODOO[@]}" -d "$DB" -i "$MODULE" --without-demo=all --stop-after-init --log-level=warn

    say "exporting $POT"
    # Odoo scans every file under the addons path for `_()` calls, following symlinks: the
    # checkout holds the virtualenv (whose site-packages would be read as the addon's code,
    # and whose addons/ folder links back to the checkout, endlessly). Export from a clean
    # copy of what the addon ships instead.
    work=$(mktemp -d)
    trap 'rm -rf "$work"; cleanup' EXIT
    tar -C "$HERE" -c --exclude=./.venv --exclude=./.git --exclude=./benchmarks \
        --exclude=./scripts --exclude=./tests --exclude=./docs --exclude=__pycache__ . \
        | { mkdir -p "$work/addons/$MODULE" && tar -C "$work/addons/$MODULE" -x; }
    odoo_addons=$(sed -n 's/^addons_path *= *//p' "$VENV/odoo.conf" | cut -d, -f2-)
    "${ODOO[@]}" -d "$DB" --addons-path="$work/addons,$odoo_addons" --modules="$MODULE" \
        --i18n-export="$work/$MODULE.pot" --log-level=warn
    # same terms as before: keep the file (and its date), so that git shows no change
    undated() { grep -v '^"PO[T]*-[A-Za-z-]*Date: ' "$1"; }
    if [ -f "$POT" ] && cmp -s <(undated "$POT") <(undated "$work/$MODULE.pot"); then
        say "no term changed"
    else
        mv "$work/$MODULE.pot" "$POT"
    fi
fi

say "merging into i18n/*.po"
"$VENV/bin/python" - "$POT" $LANGS <<'PY'
import os
import sys
from datetime import datetime, timezone

import polib


def squash(text):
    """The text with its runs of whitespace as one space: what HTML shows."""
    return " ".join(text.split())

pot_path, *wanted = sys.argv[1:]
folder = os.path.dirname(pot_path)
pot = polib.pofile(pot_path, wrapwidth=78)
langs = sorted(
    {name[:-3] for name in os.listdir(folder) if name.endswith(".po")} | set(wanted)
)
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
for lang in langs:
    path = os.path.join(folder, f"{lang}.po")
    old = polib.pofile(path, wrapwidth=78) if os.path.exists(path) else polib.POFile()
    known = {}
    # obsolete entries first, so that a live translation wins over an old one
    for entry in sorted(old, key=lambda e: not e.obsolete):
        if entry.msgstr:
            known[(entry.msgctxt, entry.msgid)] = entry.msgstr
            # a term of a template that was only re-indented is the same text
            known.setdefault((entry.msgctxt, squash(entry.msgid)), entry.msgstr)
    new = polib.POFile(wrapwidth=78)
    new.header = pot.header
    new.metadata = dict(pot.metadata)
    new.metadata.update(
        {
            "PO-Revision-Date": old.metadata.get("PO-Revision-Date", now),
            "Last-Translator": old.metadata.get("Last-Translator", ""),
            "Language-Team": old.metadata.get("Language-Team", ""),
            "Language": lang,
            "Plural-Forms": old.metadata.get("Plural-Forms", ""),
        }
    )
    in_pot = set()
    in_pot_squashed = {(ref.msgctxt, squash(ref.msgid)) for ref in pot}
    missing = 0
    for ref in pot:
        key = (ref.msgctxt, ref.msgid)
        in_pot.add(key)
        entry = polib.POEntry(
            msgid=ref.msgid,
            msgctxt=ref.msgctxt,
            msgstr=known.get(key) or known.get((ref.msgctxt, squash(ref.msgid)), ""),
            comment=ref.comment,
            tcomment=ref.tcomment,
            occurrences=ref.occurrences,
            flags=[flag for flag in ref.flags if flag != "fuzzy"],
        )
        missing += not entry.msgstr
        new.append(entry)
    obsolete = 0
    for entry in old:
        key = (entry.msgctxt, entry.msgid)
        carried = (entry.msgctxt, squash(entry.msgid)) in in_pot_squashed
        if key not in in_pot and entry.msgstr and not carried:
            entry.obsolete = True
            entry.occurrences = []
            new.append(entry)
            in_pot.add(key)
            obsolete += 1
    new.save(path)
    print(f"  {lang}.po: {len(pot)} terms, {missing} to translate, {obsolete} obsolete")
PY
