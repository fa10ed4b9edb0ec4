# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailNotification(models.Model):
    _inherit = "mail.notification"

    def write(self, vals):
        res = super().write(vals)
        if "notification_status" in vals:
            # the delivery state shown on payment reminders (sent, bounced...)
            messages = self.filtered(
                lambda n: n.mail_message_id.model == "account.followup.reminder"
            ).mail_message_id
            if messages:
                # sudo: the queues and the bounce handling update notifications
                # whoever runs them; only the reminders' delivery state is written
                self.env["account.followup.reminder"].sudo()._update_delivery_states(
                    messages
                )
        return res
