# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestInstall(FollowupCommon):
    def test_models_loaded(self):
        """The addon is installed and its models are in the registry."""
        module = self.env["ir.module.module"].search(
            [("name", "=", "account_payment_followup")]
        )
        self.assertEqual(module.state, "installed")
        for model in (
            "account.followup.level",
            "account.followup.snooze",
            "account.followup.process",
        ):
            self.assertIn(model, self.env)
        partner_fields = self.env["res.partner"]._fields
        for name in (
            "followup_status",
            "followup_level_id",
            "followup_next_action_date",
            "followup_reminder_type",
            "followup_responsible_id",
            "followup_total_due",
            "followup_total_overdue",
        ):
            self.assertIn(name, partner_fields)
        line_fields = self.env["account.move.line"]._fields
        for name in (
            "followup_excluded",
            "followup_expected_date",
            "followup_note",
            "followup_level_id",
            "followup_date",
        ):
            self.assertIn(name, line_fields)
