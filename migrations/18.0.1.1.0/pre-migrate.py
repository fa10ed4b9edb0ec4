# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: the XML ids follow the ``<model>_action`` / ``<model>_menu`` names.

Before the data files load, the ``ir_model_data`` rows of the old names take the new
names. The upgrade then finds the same records under their new ids and updates them,
instead of creating new ones and deleting the old ones at the end. The records keep
their database ids and what users changed on them: a hidden menu, a paper format set
on the letter, the groups of an action.

Odoo runs this script only when it upgrades a database in which an older version is
installed, never on a fresh install. Running it a second time changes nothing: the old
names are gone by then.
"""

import logging

from odoo.tools import SQL

# Odoo loads this file as a module named "pre-migrate": log under the addon's name
_logger = logging.getLogger("odoo.addons.account_payment_followup.migrations")

MODULE = "account_payment_followup"

# old xml id -> new xml id, all of this module
RENAMED_XMLIDS = {
    # actions: <model>_action, others <model>_action_<detail>
    "action_res_partner_followup": "res_partner_action_followup",
    "action_server_followup_process": "res_partner_action_server_followup_process",
    "action_server_followup_print_letters": (
        "res_partner_action_server_followup_print_letters"
    ),
    "action_report_followup_letter": "res_partner_action_report_followup_letter",
    "action_account_followup_level": "account_followup_level_action",
    "action_account_followup_line_note": "account_followup_line_note_action",
    # menus: <model>_menu
    "menu_account_followup_reports": "res_partner_menu_followup",
    "menu_account_followup_levels": "account_followup_level_menu",
    # QWeb templates of the letter: report_followup_letter_*
    "followup_statement_table": "report_followup_letter_statement_table",
    "followup_letter_fonts": "report_followup_letter_fonts",
    "followup_letterhead": "report_followup_letter_letterhead",
    "followup_letter_footer": "report_followup_letter_footer",
    "followup_letter_article": "report_followup_letter_article",
}

# records that users may change, loaded from noupdate files since this version: their
# rows get the flag a fresh install gives them
NOUPDATE_XMLIDS = ("account_followup_level_rule_company",)


def migrate(cr, version):
    if not version:
        return
    for old, new in RENAMED_XMLIDS.items():
        cr.execute(
            SQL(
                """
                UPDATE ir_model_data
                   SET name = %(new)s
                 WHERE module = %(module)s
                   AND name = %(old)s
                   AND NOT EXISTS (
                        SELECT 1 FROM ir_model_data
                         WHERE module = %(module)s AND name = %(new)s
                   )
             RETURNING model, res_id
                """,
                module=MODULE,
                old=old,
                new=new,
            )
        )
        for model, res_id in cr.fetchall():
            _logger.info("%s.%s renamed %s (%s,%s)", MODULE, old, new, model, res_id)
            if model == "ir.ui.view":
                # a QWeb template is also found by its key, the full xml id
                cr.execute(
                    SQL(
                        "UPDATE ir_ui_view SET key = %s WHERE id = %s AND key = %s",
                        f"{MODULE}.{new}",
                        res_id,
                        f"{MODULE}.{old}",
                    )
                )
    cr.execute(
        SQL(
            """
            UPDATE ir_model_data
               SET noupdate = TRUE
             WHERE module = %s AND name IN %s AND noupdate IS NOT TRUE
            """,
            MODULE,
            NOUPDATE_XMLIDS,
        )
    )
