# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import models


class AccountFollowupPromise(models.Model):
    _inherit = "account.followup.promise"

    def _followup_portal_notify(self):
        """A promise made on the customer's page: its responsible is told (an
        activity on the customer)."""
        for promise in self:
            partner = promise.partner_id.with_company(promise.company_id)
            user = partner._followup_get_responsible()
            partner.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=promise.company_id._followup_today(),
                summary=self.env._("Promise to pay from the customer's page"),
                note=promise._describe(),
                user_id=user.id,
            )
            promise._message_log(
                body=Markup("<p>%s</p>")
                % self.env._("Recorded by the customer on its follow-up page.")
            )


class AccountFollowupDispute(models.Model):
    _inherit = "account.followup.dispute"

    def _followup_portal_notify(self, upload=None):
        """A dispute opened on the customer's page: the file it attached is kept
        on the dispute, and its owner is told (an activity on the customer).

        :param upload: (file name, content, mimetype) or None
        """
        for dispute in self:
            attachments = self.env["ir.attachment"]
            if upload:
                name, data, mimetype = upload
                attachments = attachments.create(
                    {
                        "name": name,
                        "raw": data,
                        "mimetype": mimetype,
                        "res_model": dispute._name,
                        "res_id": dispute.id,
                    }
                )
            dispute._message_log(
                body=Markup("<p>%s</p>")
                % self.env._("Opened by the customer on its follow-up page."),
                attachment_ids=attachments.ids,
            )
            partner = dispute.partner_id.with_company(dispute.company_id)
            user = dispute.user_id
            if not user or not user.active or user.share:
                user = partner._followup_get_responsible()
            partner.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=dispute.company_id._followup_today(),
                summary=self.env._("Invoice disputed from the customer's page"),
                note=self.env._(
                    "%(invoice)s (%(reason)s): %(text)s",
                    invoice=dispute.move_id.display_name,
                    reason=dispute.reason_id.name,
                    text=dispute.description or "-",
                ),
                user_id=user.id,
            )
