# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta
from urllib.parse import urlsplit

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import FollowupCommon, warm_up_http_statics


@tagged("post_install", "-at_install")
class TestFollowupPortalTour(FollowupCommon, HttpCase):
    """The customer's page in a real browser, without a session: paying with
    Odoo's demo payment provider, promising, disputing (dates relative to today:
    the browser's clock is not frozen)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        warm_up_http_statics()
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        # Odoo's demo provider (payment_demo, installed in the test database by
        # scripts/test.sh), in the company of the invoices, in test mode
        demo = cls.env.ref("payment.payment_provider_demo")
        provider = demo.sudo().search(
            [("code", "=", "demo"), ("company_id", "=", cls.company.id)], limit=1
        ) or demo.sudo().copy({"company_id": cls.company.id})
        provider.write({"state": "test", "is_published": True})
        provider.payment_method_ids.active = True
        provider.payment_method_ids.write({"active": True})
        cls.provider = provider
        today = cls.company._followup_today()
        cls.portal_customer = cls.env["res.partner"].create(
            {"name": "Portal Customer", "email": "portal@example.com"}
        )
        cls.invoices = cls.env["account.move"]
        for amount, due in ((1000, -20), (300, 10), (200, -5)):
            move = cls.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.portal_customer.id,
                    "invoice_date": today + timedelta(days=due - 20),
                    "invoice_date_due": today + timedelta(days=due),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Consulting",
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            move.action_post()
            cls.invoices |= move

    def page(self):
        url = urlsplit(self.portal_customer._followup_portal_url())
        return f"{url.path}?{url.query}"

    def test_pay_with_the_demo_provider(self):
        """The first row is the invoice overdue since 20 days (1,000.00): paid in
        full through Pay, Pay Now and the demo provider."""
        overdue = self.invoices[0]
        self.assertTrue(self.provider.journal_id)
        self.start_tour(self.page(), "account_payment_followup_portal_tour")
        transaction = overdue.transaction_ids
        self.assertEqual(transaction.provider_id, self.provider)
        self.assertEqual(transaction.state, "done")
        self.assertEqual(transaction.amount, 1000)
        # the post-processing (cron or the status page) books the payment
        transaction._post_process()
        self.assertIn(overdue.payment_state, ("in_payment", "paid"))
        self.assertFalse(overdue.amount_residual)

    def test_promise_and_dispute(self):
        self.start_tour(self.page(), "account_payment_followup_portal_answers_tour")
        promise = self.env["account.followup.promise"].search(
            [("partner_id", "=", self.portal_customer.id)]
        )
        self.assertEqual(
            (promise.source, promise.state, promise.date),
            ("portal", "open", date(2099, 12, 31)),
        )
        # the second row: the invoice overdue since 5 days (the other one is not
        # due yet)
        dispute = self.env["account.followup.dispute"].search(
            [("partner_id", "=", self.portal_customer.id)]
        )
        self.assertEqual(dispute.move_id, self.invoices[2])
        self.assertEqual(dispute.reason_id.name, "Quality")
        self.assertEqual(dispute.description, "Two boxes were broken")
        self.assertEqual(
            sorted(self.portal_customer.activity_ids.mapped("summary")),
            [
                "Invoice disputed from the customer's page",
                "Promise to pay from the customer's page",
            ],
        )
