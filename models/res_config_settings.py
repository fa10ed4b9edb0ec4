# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    followup_cron_active = fields.Boolean(
        string="Automatic daily follow-ups",
        compute="_compute_followup_cron_active",
        inverse="_inverse_followup_cron_active",
        readonly=False,
    )
    followup_manager_id = fields.Many2one(
        related="company_id.followup_manager_id", readonly=False
    )

    @api.depends("company_id")
    def _compute_followup_cron_active(self):
        cron = self._followup_cron()
        for settings in self:
            settings.followup_cron_active = bool(cron.active)

    def _inverse_followup_cron_active(self):
        cron = self._followup_cron()
        for settings in self:
            if cron and cron.active != settings.followup_cron_active:
                cron.active = settings.followup_cron_active

    def _followup_cron(self):
        # sudo: ir.cron is readable by administrators only; settings are already
        # restricted to them, the sudo only reads and toggles this one job.
        # (an empty recordset when the job was deleted: the settings still open)
        cron = self.env.ref(
            "account_payment_followup.ir_cron_followup", raise_if_not_found=False
        )
        return (cron or self.env["ir.cron"]).sudo().with_context(active_test=False)

    def action_open_followup_levels(self):
        return self.env["ir.actions.actions"]._for_xml_id(
            "account_payment_followup.account_followup_level_action"
        )
