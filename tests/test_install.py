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

    def test_default_plan_installed(self):
        """Every company has the five levels of the default plan."""
        self.assertEqual(self.levels.mapped("delay"), [-3, 1, 15, 35, 60])
        first = self.level(1)
        self.assertTrue(first.send_email and first.send_letter and first.auto_execute)
        self.assertTrue(self.level(-3).mail_template_id)
        call = self.level(15)
        self.assertTrue(call.manual_action)
        self.assertFalse(call.activity_user_id)
        self.assertFalse(call.auto_execute)
        notice = self.level(60)
        self.assertTrue(notice.send_letter and notice.send_post)
