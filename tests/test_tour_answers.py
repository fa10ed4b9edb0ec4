# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupAnswersTour(FollowupCommon, HttpCase):
    """The customer's answers recorded from the statement in a real browser (dates
    relative to today: the browser's clock is not frozen)."""

    def test_answers_tour(self):
        today = self.company._followup_today()
        customer = self.env["res.partner"].create(
            {"name": "Answer Customer", "email": "answer@example.com"}
        )
        disputed = self.make_invoice(
            customer,
            amount=1000,
            invoice_date=today - timedelta(days=40),
            due=today - timedelta(days=20),
        )
        other = self.make_invoice(
            customer,
            amount=500,
            invoice_date=today - timedelta(days=30),
            due=today - timedelta(days=10),
        )
        term = self.payment_term("Two instalments", ((50, 0), (50, 30)))
        instalments = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=5),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goods",
                            "price_unit": 400,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        instalments.action_post()
        self.env.user.company_id = self.company
        self.env.user.company_ids |= self.company

        self.start_tour(
            "/odoo/action-account_payment_followup.res_partner_action_followup/"
            f"{customer.id}",
            "account_payment_followup_answers_tour",
            login=self.env.user.login,
        )

        promise = self.env["account.followup.promise"].search(
            [("partner_id", "=", customer.id)]
        )
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.date, today + timedelta(days=14))
        self.assertEqual(
            promise.line_ids,
            self.receivable_lines(disputed | other | instalments),
        )
        self.assertEqual(promise.amount, 1900)
        dispute = self.env["account.followup.dispute"].search(
            [("move_id", "=", disputed.id)]
        )
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.reason_id.name, "Quality")
        self.assertEqual(dispute.description, "Two boxes were broken")
        self.assertEqual(dispute.resolution_note, "Replacement boxes delivered")
        self.assertEqual(
            self.receivable_lines(instalments).mapped("followup_excluded"),
            [True, True],
        )
        self.assertFalse(self.receivable_lines(other).followup_excluded)
