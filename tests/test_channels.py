# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FollowupCommon

IAP_JSONRPC = "odoo.addons.iap.tools.iap_tools.iap_jsonrpc"


@tagged("post_install", "-at_install")
@freeze_time("2026-01-25")
class TestChannels(FollowupCommon):
    """The statement's buttons, one channel at a time: email, letter, SMS, post."""

    def setUp(self):
        super().setUp()
        # the letterhead is chosen (else Odoo first asks to configure it)
        self.company.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )
        # 5 days overdue: the "email + letter" level
        self.invoice = self.make_invoice(self.customer, amount=1000, due="2026-01-20")
        # no network in tests: any IAP call (SMS, snailmail) fails the test
        iap = patch(IAP_JSONRPC, side_effect=AssertionError("no IAP call expected"))
        self.iap = iap.start()
        self.addCleanup(iap.stop)

    def last_message(self, partner=None):
        partner = partner or self.customer
        return self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)],
            order="id desc",
            limit=1,
        )

    # ------------------------------------------------------------------
    # Email
    # ------------------------------------------------------------------

    def test_send_by_email(self):
        self.customer.with_context(tracking_disable=False).action_followup_send_email()
        message = self.env["mail.message"].search(
            [
                ("model", "=", "account.followup.reminder"),
                ("res_id", "in", self.reminder_ids(self.customer)),
                ("message_type", "=", "comment"),
            ]
        )
        self.assertEqual(len(message), 1)
        self.assertIn(self.customer, message.partner_ids)
        # the statement table is in the body, the same QWeb as the letter's
        self.assertIn("o_followup_statement", message.body)
        self.assertIn(self.invoice.name, message.body)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mail.state, "outgoing", "queued, never sent inline")
        # an action, not a level: the lines are not stamped, Done is now possible
        self.assertFalse(self.receivable_lines(self.invoice).followup_level_id)
        self.assertTrue(self.customer.followup_actions_done)
        self.assertIn("email to one@example.com", self.last_message().body)

    def test_send_by_email_without_address(self):
        self.customer.email = False
        with self.assertRaisesRegex(UserError, "has no valid email address"):
            self.customer.action_followup_send_email()

    # ------------------------------------------------------------------
    # Letter
    # ------------------------------------------------------------------

    def test_print_letter(self):
        action = self.customer.action_followup_print_letter()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "account_payment_followup.report_followup_letter"
        )
        self.assertEqual(action["context"]["active_ids"], self.customer.ids)
        self.assertIn("letter to print", self.last_message().body)

    def test_print_letter_without_address(self):
        self.customer.write({"street": False, "city": False})
        with self.assertRaisesRegex(UserError, "has no postal address"):
            self.customer.action_followup_print_letter()

    def test_process_returns_the_letter(self):
        """Process: the whole level (email + letter), the letter as download."""
        action = self.customer.action_followup_process()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            self.receivable_lines(self.invoice).followup_level_id, self.level(1)
        )
        self.customer.invalidate_recordset()
        self.assertNotEqual(self.customer.followup_status, "in_need_of_action")

    # ------------------------------------------------------------------
    # SMS
    # ------------------------------------------------------------------

    def test_send_sms(self):
        """Send SMS works at any level (the default SMS template when the level
        has none) and queues the SMS."""
        self.assertFalse(self.level(1).sms_template_id)
        self.customer.action_followup_send_sms()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number.replace(" ", ""), "+32470123456")
        self.assertEqual(sms.state, "outgoing", "queued, sent by the SMS cron")
        self.assertIn("Customer One", sms.body)
        self.assertIn("1,000.00", sms.body)
        self.assertIn("SMS to +32 470 12 34 56", self.last_message().body)
        self.iap.assert_not_called()

    def test_send_sms_level_template(self):
        template = self.env["sms.template"].create(
            {
                "name": "Short reminder",
                "model_id": self.env.ref("base.model_res_partner").id,
                "body": "Reminder from {{ object.env.company.name }}",
            }
        )
        self.level(1).write({"send_sms": True, "sms_template_id": template.id})
        self.customer.action_followup_send_sms()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(sms.body, f"Reminder from {self.company.name}")

    def test_send_sms_without_mobile(self):
        self.customer.write({"mobile": False, "phone": False})
        with self.assertRaisesRegex(
            UserError, "Customer One has no valid mobile number: add one"
        ):
            self.customer.action_followup_send_sms()
        self.assertFalse(
            self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        )

    # ------------------------------------------------------------------
    # Post (snailmail)
    # ------------------------------------------------------------------

    def test_send_by_post_queues_a_letter(self):
        self.customer.action_followup_send_post()
        letter = self.env["snailmail.letter"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        self.assertEqual(len(letter), 1)
        self.assertEqual(letter.state, "pending", "queued for snailmail's cron")
        self.assertEqual(letter.partner_id, self.customer)
        self.assertEqual(
            letter.report_template,
            self.env.ref(
                "account_payment_followup.res_partner_action_report_followup_letter"
            ),
        )
        self.assertEqual((letter.zip, letter.city), ("4000", "Liège"))
        self.assertIn("letter queued for the post to Liège", self.last_message().body)
        self.iap.assert_not_called()

    def test_posted_letter_is_sent_through_iap(self):
        """The letter is rendered as PDF when it is sent (in the customer's
        company); snailmail's queue sends that PDF to IAP (mocked)."""
        self.customer.with_context(
            force_report_rendering=True
        ).action_followup_send_post()
        letter = self.env["snailmail.letter"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )

        def fake_iap(url, params=None, timeout=None):
            document = params["documents"][0]
            self.assertEqual(document["letter_id"], letter.id)
            self.assertEqual(document["address"]["city"], "Liège")
            self.assertTrue(document["pdf_bin"])
            return {
                "request_code": 200,
                "request": {
                    "documents": [
                        {"letter_id": letter.id, "sent": True, "send_id": "T-1"}
                    ]
                },
            }

        self.iap.side_effect = fake_iap
        self.assertTrue(letter.attachment_id.raw.startswith(b"%PDF"))
        letter._snailmail_print_valid_address()
        self.assertEqual(self.iap.call_count, 1)
        self.assertEqual(letter.state, "sent")
        self.assertTrue(letter.attachment_id.raw.startswith(b"%PDF"))

    def test_send_by_post_incomplete_address(self):
        self.customer.zip = False
        with self.assertRaisesRegex(
            UserError, "The postal address of Customer One is incomplete"
        ):
            self.customer.action_followup_send_post()
        self.assertFalse(
            self.env["snailmail.letter"].search([("res_id", "=", self.customer.id)])
        )

    def test_send_by_post_needs_a4(self):
        self.company.paperformat_id = self.env.ref("base.paperformat_us")
        with self.assertRaisesRegex(UserError, "A4 paper"):
            self.customer.action_followup_send_post()

    # ------------------------------------------------------------------
    # Nothing to ask
    # ------------------------------------------------------------------

    def test_nothing_due(self):
        self.pay(self.invoice, pay_date="2026-01-24")
        for method in (
            "action_followup_send_email",
            "action_followup_print_letter",
            "action_followup_send_sms",
            "action_followup_send_post",
        ):
            with self.assertRaisesRegex(UserError, "owes nothing"):
                getattr(self.customer, method)()
