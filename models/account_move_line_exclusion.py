# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import models


class AccountMoveLine(models.Model):
    """Excluding an item from follow-ups from the statement: the reason is asked
    and kept in the history of the customer and of the invoice."""

    _inherit = "account.move.line"

    def action_followup_exclude(self):
        """Ask why the item is excluded (the line note wizard, in exclude mode)."""
        self.ensure_one()
        self.env["res.partner"]._followup_check_access()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Exclude from follow-ups"),
            "res_model": "account.followup.line.note",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id, "default_mode": "exclude"},
        }

    def action_followup_include(self):
        self.ensure_one()
        self.env["res.partner"]._followup_check_access()
        self.followup_excluded = False
        self._followup_log_exclusion(
            self.env._(
                "%(reference)s included in follow-ups again",
                reference=self.move_id.name or self.name or "",
            )
        )
        return True

    def _followup_log_exclusion(self, title, reason=None):
        self.ensure_one()
        body = Markup("<p><strong>%s</strong></p>") % title
        if reason:
            body += Markup("<p>%s</p>") % self.env._(
                "Reason: %(reason)s", reason=reason
            )
        # sudo: a note in the history, by a billing user who may change the
        # exclusion but need not be allowed to edit contacts or invoices
        partner = self.partner_id.commercial_partner_id.sudo()
        if partner:
            partner._message_log(body=body)
        self.move_id.sudo()._message_log(body=body)
