# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupMorningTour(FollowupCommon, HttpCase):
    """The credit controller's morning in a real browser (headless Chromium): dates
    relative to today, as the browser's clock is not frozen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.company_id = cls.company
        cls.env.user.company_ids |= cls.company
        cls.today = cls.company._followup_today()

    def overdue(self, partner, days=5, amount=1000):
        return self.make_invoice(
            partner,
            amount=amount,
            invoice_date=self.today - timedelta(days=days + 30),
            due=self.today - timedelta(days=days),
        )

    def statement_url(self, partner):
        return (
            "/odoo/action-account_payment_followup.res_partner_action_followup/"
            f"{partner.id}"
        )

    def test_refusals_show_warnings(self):
        nobody = self.env["res.partner"].create({"name": "Nobody Customer"})
        self.overdue(nobody)
        self.assertEqual(nobody.followup_status, "in_need_of_action")
        self.start_tour(
            self.statement_url(nobody),
            "account_payment_followup_messages_tour",
            login=self.env.user.login,
        )
        self.assertFalse(self.reminder_ids(nobody))
        self.assertFalse(
            self.env["snailmail.letter"].search([("res_id", "=", nobody.id)])
        )

    def test_post_confirmed(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Post Customer",
                "street": "5 Tour Street",
                "city": "Leuven",
                "zip": "3000",
                "country_id": self.env.ref("base.be").id,
            }
        )
        self.overdue(partner)
        self.start_tour(
            self.statement_url(partner),
            "account_payment_followup_post_confirm_tour",
            login=self.env.user.login,
        )
        letter = self.env["snailmail.letter"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )
        self.assertEqual(len(letter), 1)

    def test_send_wizard(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Wizard Customer",
                "email": "wizard@example.com",
                "street": "5 Tour Street",
                "city": "Leuven",
            }
        )
        invoice = self.overdue(partner)
        self.assertEqual(partner.followup_level_id, self.level(1))
        self.start_tour(
            self.statement_url(partner),
            "account_payment_followup_send_wizard_tour",
            login=self.env.user.login,
        )
        reminder = self.env["account.followup.reminder"].search(
            [("partner_id", "=", partner.id)]
        )
        self.assertEqual(len(reminder), 1)
        self.assertFalse(reminder.partial)
        self.assertTrue(reminder.channel_email and reminder.channel_letter)
        self.assertEqual(reminder.email_message_id.subject, "Your account with us")
        self.assertIn(invoice.name, reminder.email_message_id.body)
        # Send (not Send & Print): the letter waits in "Letters to print"
        self.assertTrue(partner.followup_letter_to_print)
        partner.invalidate_recordset()
        self.assertNotEqual(partner.followup_status, "in_need_of_action")
        self.assertEqual(
            self.receivable_lines(invoice).followup_level_id, self.level(1)
        )

    def test_flow(self):
        def customer(name, days):
            partner = self.env["res.partner"].create(
                {"name": name, "email": f"{name.split()[0].lower()}@example.com"}
            )
            self.overdue(partner, days=days)
            return partner

        bluewave = customer("Bluewave Marine", 5)
        bakery = customer("Corner Bakery", 5)
        delta = customer("Delta Call", 20)
        self.assertEqual(delta.followup_level_id, self.level(15))
        self.start_tour(
            "/odoo/action-account_payment_followup.res_partner_action_followup",
            "account_payment_followup_flow_tour",
            login=self.env.user.login,
        )
        (bluewave | bakery | delta).invalidate_recordset()
        for partner in bluewave | bakery | delta:
            self.assertNotEqual(partner.followup_status, "in_need_of_action")
        self.assertEqual(
            bakery.followup_next_action_date, self.today + timedelta(days=1)
        )
        self.assertFalse(bakery.followup_reminder_ids)
        self.assertEqual(len(delta.followup_reminder_ids), 1)

    def test_figures(self):
        partner = self.env["res.partner"].create(
            {"name": "Figures Customer", "email": "figures@example.com"}
        )
        self.env["res.partner"].create(
            {
                "name": "Billing Desk",
                "type": "invoice",
                "parent_id": partner.id,
                "email": "billing@figures.example.com",
                "street": "1 Desk Street",
                "city": "Leuven",
            }
        )
        self.overdue(partner, days=12)
        self.assertEqual(partner.followup_days_late, 12)
        self.assertEqual(partner.followup_next_action_display, self.today)
        self.start_tour(
            "/odoo/action-account_payment_followup.res_partner_action_followup",
            "account_payment_followup_figures_tour",
            login=self.env.user.login,
        )

    def test_settings_and_level(self):
        self.company.external_report_layout_id = False
        # the test taxes are cash basis: Settings refuse to save without this
        self.company.tax_exigibility = True
        self.start_tour(
            "/odoo/action-account.action_account_config",
            "account_payment_followup_settings_tour",
            login=self.env.user.login,
        )
        level = self.level(15)
        self.start_tour(
            f"/odoo/action-account_payment_followup.account_followup_level_action/{level.id}",
            "account_payment_followup_level_sms_tour",
            login=self.env.user.login,
        )
        self.assertTrue(level.send_sms)
        self.assertTrue(level.sms_template_id)
