# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Read-only requests: run on a read replica when Odoo has one (``db_replica_host``).

Odoo 18 opens a read-only cursor, on the replica when one is configured, for the
RPC calls of methods marked ``@api.readonly`` (``/web/dataset/call_kw`` and
``call_button``, see web's ``DataSet._call_kw_readonly``); the reads of the
Follow-up Reports list, of the statement form and of the analysis pivots
(``web_search_read``, ``web_read``, ``web_read_group``) are marked by Odoo itself.
These are the buttons that only open something: they write nothing.
"""

from odoo import api, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.readonly
    def action_open_followup_statement(self):
        return super().action_open_followup_statement()

    @api.readonly
    def action_open_followup_reminders(self):
        return super().action_open_followup_reminders()
