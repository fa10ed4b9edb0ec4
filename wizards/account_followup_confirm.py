# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models

# the channels billed by a third party (the postal service through IAP)
PAID_CHANNELS = ("post",)


class AccountFollowupConfirm(models.TransientModel):
    """Ask before doing what cannot be undone: the batch Process (each customer with
    its level and channels) and sending a letter by post (a paid service)."""

    _name = "account.followup.confirm"
    _description = "Follow-up confirmation"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    operation = fields.Selection(
        [("process", "Process follow-ups"), ("post", "Send by post")],
        required=True,
        default="process",
    )
    plan_html = fields.Html(
        string="What will be done",
        compute="_compute_plan_html",
        sanitize=False,
    )
    has_paid = fields.Boolean(compute="_compute_plan_html")

    @api.model
    def _channel_labels(self):
        return {
            "email": self.env._("Email"),
            "letter": self.env._("Letter"),
            "sms": self.env._("SMS"),
            "post": self.env._("Post (paid)"),
            "activity": self.env._("Activity"),
        }

    def _plan(self):
        """[(partner, level, channels)] of what confirming will run."""
        self.ensure_one()
        Send = self.env["account.followup.send"]
        plan = []
        for partner in self.partner_ids.commercial_partner_id:
            if self.operation == "post":
                level = partner.followup_level_id or Send._document_level(partner)
                plan.append((partner, level, ["post"]))
                continue
            level = partner.followup_level_id
            if partner.followup_status != "in_need_of_action" or not level:
                plan.append((partner, level.browse(), []))
                continue
            plan.append((partner, level, level._get_channels()))
        return plan

    @api.depends("partner_ids", "operation")
    def _compute_plan_html(self):
        labels = self._channel_labels()
        for wizard in self:
            rows = Markup("")
            paid = False
            for partner, level, channels in wizard._plan():
                paid = paid or any(c in PAID_CHANNELS for c in channels)
                rows += Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>") % (
                    partner.display_name,
                    level.name or "",
                    ", ".join(labels[c] for c in channels)
                    or self.env._("nothing to do now"),
                )
            wizard.plan_html = Markup(
                '<table class="table table-sm o_followup_confirm_plan"><thead><tr>'
                "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>%s</tbody>"
                "</table>"
            ) % (
                self.env._("Customer"),
                self.env._("Level"),
                self.env._("Channels"),
                rows,
            )
            wizard.has_paid = paid

    @api.model
    def _action_open(self, partners, operation):
        wizard = self.create(
            {
                "partner_ids": [fields.Command.set(partners.commercial_partner_id.ids)],
                "operation": operation,
            }
        )
        names = dict(self._fields["operation"]._description_selection(self.env))
        return {
            "type": "ir.actions.act_window",
            "name": names[operation],
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "context": dict(self.env.context, dialog_size="medium"),
        }

    def action_confirm(self):
        self.ensure_one()
        partners = self.partner_ids
        if self.operation == "post":
            return partners.action_followup_send_post()
        return partners.action_followup_process()
