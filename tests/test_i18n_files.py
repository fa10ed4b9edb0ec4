# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import re

import polib
from babel.messages.extract import extract
from lxml import etree

from odoo.modules.module import get_module_path
from odoo.tests import BaseCase, tagged
from odoo.tools.translate import xml_translate

MODULE = "account_payment_followup"
LANGS = ("es", "nl", "zh_CN", "cs", "fr", "de")

# What must come through a translation unchanged, or rendering breaks (a missing
# placeholder raises, a changed expression renders something else).
PLACEHOLDERS = re.compile(
    r"%\(\w+\)s|%[sd]|\{\{.*?\}\}|\bt-[\w-]+=\"[^\"]*\"|</?\w+[^>]*?/?>"
)


@tagged("post_install", "-at_install")
class TestFollowupTranslationFiles(BaseCase):
    """The .pot is current with the Python code, and every language of the addon
    translates all of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.i18n = os.path.join(get_module_path(MODULE), "i18n")
        cls.pot = polib.pofile(os.path.join(cls.i18n, f"{MODULE}.pot"))
        cls.msgids = {entry.msgid for entry in cls.pot}
        cls.root = get_module_path(MODULE)

    def test_every_term_translated_in_every_language(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                po = polib.pofile(os.path.join(self.i18n, f"{lang}.po"))
                translated = {
                    entry.msgid: entry.msgstr
                    for entry in po
                    if not entry.obsolete and "fuzzy" not in entry.flags
                }
                missing = sorted(
                    msgid for msgid in self.msgids if not translated.get(msgid)
                )
                self.assertFalse(
                    missing,
                    f"{lang}.po: {len(missing)} terms of the .pot untranslated "
                    f"(run `make i18n` and translate them): {missing[:5]}",
                )

    def test_translations_keep_placeholders(self):
        for lang in LANGS:
            po = polib.pofile(os.path.join(self.i18n, f"{lang}.po"))
            for entry in po:
                if entry.obsolete or not entry.msgstr:
                    continue
                with self.subTest(lang=lang, msgid=entry.msgid[:60]):
                    self.assertEqual(
                        sorted(PLACEHOLDERS.findall(entry.msgstr)),
                        sorted(PLACEHOLDERS.findall(entry.msgid)),
                    )

    def test_pot_holds_every_python_term(self):
        """A string added with ``self.env._`` and no `make i18n` afterwards would
        stay in English for everybody: the .pot must know every one of them."""
        skip = {"tests", "scripts", "benchmarks", "docs", "static", "i18n"}
        found = set()
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".")]
            for name in files:
                if not name.endswith(".py"):
                    continue
                with open(os.path.join(folder, name), "rb") as source:
                    for _lineno, message, _comments, _context in extract(
                        "python", source, keywords={"_": None, "_lt": None}
                    ):
                        found.add(message)
        self.assertTrue(found)
        self.assertFalse(
            sorted(found - self.msgids),
            "terms missing from the .pot: run `make i18n`",
        )

    def test_pot_holds_every_view_term(self):
        """Same for the texts of the views and of the QWeb letter: a text changed in
        a template and not exported would be printed in English in every letter."""
        squashed = {" ".join(msgid.split()) for msgid in self.msgids}
        found = set()
        for folder in ("views", "report", "wizards", "data"):
            path = os.path.join(self.root, folder)
            for name in os.listdir(path):
                if not name.endswith(".xml"):
                    continue
                tree = etree.parse(os.path.join(path, name))
                archs = tree.xpath(
                    "//record[@model='ir.ui.view']/field[@name='arch']/*"
                )
                for template in tree.iter("template"):
                    # a <template> is stored as the arch <t t-name="...">...</t>
                    arch = etree.Element("t")
                    arch.text = template.text
                    arch.extend(list(template))
                    archs.append(arch)
                for arch in archs:
                    terms = []
                    xml_translate(
                        terms.append, etree.tostring(arch, encoding="unicode")
                    )
                    # Odoo exports no one-character term (punctuation)
                    found.update(
                        " ".join(term.split())
                        for term in terms
                        if len(term.strip()) > 1
                    )
        self.assertGreater(len(found), 50)
        self.assertFalse(
            sorted(found - squashed), "terms missing from the .pot: run `make i18n`"
        )
