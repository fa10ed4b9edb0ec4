# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupAccess(FollowupCommon):
    """Billing users work the follow-ups and read the plan; accounting managers
    change it; each company's plan is hidden from the other companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company(name="Other Co")["company"]
        cls.other_levels = cls.env["account.followup.level"].search(
            [("company_id", "=", cls.other.id)]
        )
        common = {"company_id": cls.company.id, "company_ids": cls.company.ids}
        cls.billing = new_test_user(
            cls.env,
            login="fu_access_billing",
            groups="account.group_account_invoice",
            **common,
        )
        cls.manager = new_test_user(
            cls.env,
            login="fu_access_manager",
            groups="account.group_account_manager",
            **common,
        )
        cls.portal = new_test_user(
            cls.env, login="fu_access_portal", groups="base.group_portal", **common
        )

    def test_billing_user_reads_but_cannot_change_the_plan(self):
        Level = self.env["account.followup.level"].with_user(self.billing)
        levels = Level.search([])
        self.assertEqual(levels, self.levels)
        self.assertEqual(levels.mapped("name"), self.levels.mapped("name"))
        level = levels[0]
        with self.assertRaises(AccessError):
            level.write({"delay": -7})
        with self.assertRaises(AccessError):
            Level.create({"name": "Mine", "delay": 90})
        with self.assertRaises(AccessError):
            level.unlink()
        self.assertEqual(self.levels[0].delay, -3)

    def test_billing_user_cannot_see_another_company_plan(self):
        Level = self.env["account.followup.level"].with_user(self.billing)
        self.assertFalse(Level.search([("company_id", "=", self.other.id)]))
        with self.assertRaises(AccessError):
            Level.browse(self.other_levels.ids).read(["name"])
        # once the user belongs to that company, with it selected
        self.billing.company_ids |= self.other
        self.assertEqual(
            Level.with_company(self.other).search([("company_id", "=", self.other.id)]),
            self.other_levels,
        )

    def test_manager_edits_the_plan(self):
        Level = self.env["account.followup.level"].with_user(self.manager)
        level = Level.browse(self.level(15).id)
        level.write({"delay": 14, "name": "Phone call", "auto_execute": True})
        self.assertEqual((level.delay, level.name), (14, "Phone call"))
        new = Level.create({"name": "Last call", "delay": 90})
        self.assertEqual(new.company_id, self.company)
        new.unlink()
        self.assertFalse(new.exists())
        # but not another company's
        self.assertFalse(Level.search([("company_id", "=", self.other.id)]))

    def test_portal_user_sees_nothing(self):
        Level = self.env["account.followup.level"].with_user(self.portal)
        with self.assertRaises(AccessError):
            Level.search([])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.portal).action_followup_process()

    def test_billing_user_runs_the_follow_ups(self):
        """Process, Do it later, snooze and Done, as a billing user."""
        with freeze_time("2026-01-21"):
            invoice = self.make_invoice()
            self.make_invoice(partner=self.customer2)
            partners = (self.customer | self.customer2).with_user(self.billing)
            found = partners.search(
                [
                    ("followup_status", "=", "in_need_of_action"),
                    ("id", "in", partners.ids),
                ]
            )
            self.assertEqual(found, partners)
            action = partners.action_followup_process()
            wizard = self.env["account.followup.process"].browse(action["res_id"])
            self.assertEqual(wizard.processed_count, 2)
            self.assertEqual(
                self.receivable_lines(invoice).followup_level_id, self.level(1)
            )
        with freeze_time("2026-02-04"):
            customer = self.customer.with_user(self.billing)
            customer.action_followup_later()
            self.assertEqual(customer.followup_next_action_date, date(2026, 2, 5))
            wizard = (
                self.env["account.followup.snooze"]
                .with_user(self.billing)
                .create(
                    {"partner_ids": customer.ids, "delay": "date", "date": "2026-02-04"}
                )
            )
            wizard.action_apply()
            customer.invalidate_recordset()
            self.assertEqual(customer.followup_status, "in_need_of_action")
            customer.action_followup_send_email()
            customer.action_followup_done()
            self.assertEqual(
                self.receivable_lines(invoice).followup_level_id, self.level(15)
            )
