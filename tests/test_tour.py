# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupTour(FollowupCommon, HttpCase):
    """The statement in a real browser (headless Chromium): dates are relative to
    today, as the browser's clock is not frozen."""

    def test_statement_tour(self):
        today = self.company._followup_today()
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Customer",
                "email": "tour@example.com",
                "street": "5 Tour Street",
                "city": "Leuven",
                "zip": "3000",
                "country_id": self.env.ref("base.be").id,
            }
        )
        disputed = self.make_invoice(
            customer,
            amount=1000,
            invoice_date=today - timedelta(days=30),
            due=today - timedelta(days=5),
        )
        other = self.make_invoice(
            customer,
            amount=500,
            invoice_date=today - timedelta(days=20),
            due=today - timedelta(days=3),
        )
        self.assertEqual(customer.followup_status, "in_need_of_action")
        self.env.user.company_id = self.company
        self.env.user.company_ids |= self.company

        self.start_tour(
            "/odoo/accounting",
            "account_payment_followup_statement_tour",
            login=self.env.user.login,
        )

        self.assertTrue(self.receivable_lines(disputed).followup_excluded)
        self.assertFalse(self.receivable_lines(other).followup_excluded)
        email = self.env["mail.message"].search(
            [
                ("model", "=", "account.followup.reminder"),
                ("res_id", "in", self.reminder_ids(customer)),
                ("message_type", "=", "comment"),
            ]
        )
        self.assertEqual(len(email), 1)
        self.assertIn(other.name, email.body)
        self.assertEqual(customer.trust, "bad")
        self.assertEqual(customer.followup_reminder_type, "manual")
        self.assertEqual(customer.followup_next_action_date, today + timedelta(days=7))

    def test_batch_tour(self):
        today = self.company._followup_today()
        customer = self.env["res.partner"].create(
            {
                "name": "Batch Customer",
                "email": "batch@example.com",
                "street": "5 Batch Street",
                "city": "Leuven",
            }
        )
        no_email = self.env["res.partner"].create(
            {"name": "Batch No Email", "street": "6 Batch Street", "city": "Leuven"}
        )
        for partner in customer | no_email:
            self.make_invoice(
                partner,
                invoice_date=today - timedelta(days=30),
                due=today - timedelta(days=5),
            )
        self.env.user.company_id = self.company
        self.env.user.company_ids |= self.company

        self.start_tour(
            "/odoo/action-account_payment_followup.res_partner_action_followup",
            "account_payment_followup_batch_tour",
            login=self.env.user.login,
        )

        customer.invalidate_recordset()
        no_email.invalidate_recordset()
        self.assertNotEqual(customer.followup_status, "in_need_of_action")
        self.assertEqual(no_email.followup_status, "in_need_of_action")
        self.assertIn("Follow-up failed", no_email.activity_ids.mapped("summary"))
