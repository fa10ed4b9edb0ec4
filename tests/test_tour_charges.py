# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import FollowupCommon, warm_up_http_statics


@tagged("post_install", "-at_install")
class TestFollowupChargesTour(FollowupCommon, HttpCase):
    """Charge from the statement in a real browser (dates relative to today: the
    browser's clock is not frozen)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        warm_up_http_statics()
        cls.env.user.company_id = cls.company
        cls.env.user.company_ids |= cls.company

    def test_nothing_to_charge_shows_the_warning(self):
        today = self.company._followup_today()
        self.company.write(
            {"followup_interest_type": "fixed", "followup_interest_rate": 12.0}
        )
        customer = self.env["res.partner"].create(
            {"name": "Prompt Payer Ltd", "is_company": True}
        )
        # due in ten days: no interest yet
        self.make_invoice(
            customer,
            amount=1000,
            invoice_date=today - timedelta(days=20),
            due=today + timedelta(days=10),
        )
        self.start_tour(
            "/odoo/action-account_payment_followup.res_partner_action_followup/"
            f"{customer.id}",
            "account_payment_followup_charges_tour",
            login=self.env.user.login,
        )
        self.assertFalse(
            self.env["account.followup.charge"].search(
                [("partner_id", "=", customer.id)]
            )
        )
