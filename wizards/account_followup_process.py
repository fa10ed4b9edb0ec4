# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import api, fields, models


class AccountFollowupProcess(models.TransientModel):
    """Summary of a batch of follow-ups (Actions ▸ Process follow-ups)."""

    _name = "account.followup.process"
    _description = "Follow-up batch summary"

    partner_ids = fields.Many2many("res.partner", string="Customers")
    letter_partner_ids = fields.Many2many(
        "res.partner",
        "account_followup_process_letter_rel",
        string="Customers with a letter",
    )
    email_count = fields.Integer("Emails")
    letter_count = fields.Integer("Letters")
    sms_count = fields.Integer("SMS")
    post_count = fields.Integer("Posted letters")
    activity_count = fields.Integer("Activities")
    processed_count = fields.Integer("Processed")
    skipped_count = fields.Integer("Nothing to do")
    failed_count = fields.Integer("Failed")
    # sanitized: a billing user could write it over RPC (the partner names and
    # messages are escaped when the summary is built)
    failure_html = fields.Html("Failures", readonly=True)

    @api.model
    def _values_from_summary(self, summary):
        counts = summary["counts"]
        failures = Markup("").join(
            Markup("<li><strong>%s</strong>: %s</li>")
            % (partner.display_name, escape(message))
            for partner, message in summary["failed"]
        )
        return {
            "partner_ids": [fields.Command.set(summary["processed"].ids)],
            "letter_partner_ids": [fields.Command.set(summary["letters"].ids)],
            "email_count": counts["email"],
            "letter_count": counts["letter"],
            "sms_count": counts["sms"],
            "post_count": counts["post"],
            "activity_count": counts["activity"],
            "processed_count": len(summary["processed"]),
            "skipped_count": len(summary["skipped"]),
            "failed_count": len(summary["failed"]),
            "failure_html": Markup("<ul>%s</ul>") % failures if failures else False,
        }

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Follow-ups processed"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_print_letters(self):
        self.ensure_one()
        return self.letter_partner_ids._followup_letters_action()
