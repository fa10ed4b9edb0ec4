# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-01-25")
class TestBatch(FollowupCommon):
    """Follow-up Reports ▸ select customers ▸ Actions ▸ Process follow-ups."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.external_report_layout_id = cls.env.ref(
            "web.external_layout_standard"
        )
        cls.customer3 = cls.env["res.partner"].create(
            {
                "name": "Customer Three",
                "email": "three@example.com",
                "street": "8 Station Road",
                "city": "Namur",
                "zip": "5000",
                "country_id": cls.env.ref("base.be").id,
            }
        )
        cls.no_email = cls.env["res.partner"].create(
            {"name": "No Email Ltd", "street": "1 Quiet Lane", "city": "Mons"}
        )
        cls.server_action = cls.env.ref(
            "account_payment_followup.res_partner_action_server_followup_process"
        )

    def setUp(self):
        super().setUp()
        iap = patch(
            "odoo.addons.iap.tools.iap_tools.iap_jsonrpc",
            side_effect=AssertionError("no IAP call expected"),
        )
        self.iap = iap.start()
        self.addCleanup(iap.stop)

    def run_batch(self, partners):
        """What the Actions menu of the list does."""
        action = self.server_action.with_context(
            active_model="res.partner",
            active_ids=partners.ids,
            active_id=partners[:1].id,
        ).run()
        self.assertEqual(action["res_model"], "account.followup.process")
        return self.env["account.followup.process"].browse(action["res_id"])

    def test_server_action_is_in_the_list_actions(self):
        self.assertEqual(
            self.server_action.binding_model_id, self.env.ref("base.model_res_partner")
        )
        self.assertEqual(self.server_action.binding_view_types, "list")

    def test_batch_summary(self):
        # email + letter (1 day after), call (15 days after), and a failure
        self.make_invoice(self.customer, amount=1000, due="2026-01-20")
        self.make_invoice(self.customer2, amount=500, due="2026-01-22")
        self.make_invoice(self.customer3, amount=300, due="2026-01-05")
        self.make_invoice(self.no_email, amount=200, due="2026-01-20")
        # an invoice not due yet goes along, without changing anything
        self.make_invoice(self.customer2, amount=100, due="2026-03-01")

        partners = self.customer | self.customer2 | self.customer3 | self.no_email
        summary = self.run_batch(partners)

        self.assertEqual(summary.processed_count, 3)
        self.assertEqual(summary.email_count, 2)
        self.assertEqual(summary.letter_count, 2)
        self.assertEqual(summary.activity_count, 1)
        self.assertEqual(summary.sms_count, 0)
        self.assertEqual(summary.post_count, 0)
        self.assertEqual(summary.failed_count, 1)
        self.assertIn("No Email Ltd", summary.failure_html)
        self.assertIn("has no valid email address", summary.failure_html)
        self.assertEqual(summary.letter_partner_ids, self.customer | self.customer2)
        # the failure is on the partner too, for its responsible
        self.assertIn("Follow-up failed", self.no_email.activity_ids.mapped("summary"))
        self.assertTrue(
            self.customer3.activity_ids.filtered(
                lambda a: a.activity_type_id == self.level(15).activity_type_id
            )
        )

        # one PDF with all the letters
        action = summary.action_print_letters()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            sorted(action["context"]["active_ids"]),
            sorted((self.customer | self.customer2).ids),
        )
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            action["report_name"], action["context"]["active_ids"]
        )
        self.assertEqual(html.count(b'class="page o_followup_letter"'), 2)

        # run again: nothing is sent twice
        again = self.run_batch(partners)
        self.assertEqual(again.processed_count, 0)
        self.assertEqual(again.email_count, 0)
        self.assertEqual(again.skipped_count, 3)

    def test_batch_sms_post_and_failures(self):
        """A level sending SMS and post: counted, and a partner without mobile or
        complete address fails alone with its reason."""
        self.level(1).write(
            {
                "send_email": False,
                "send_letter": False,
                "send_sms": True,
                "sms_template_id": self.env.ref(
                    "account_payment_followup.sms_template_followup"
                ).id,
                "send_post": True,
            }
        )
        self.make_invoice(self.customer, amount=1000, due="2026-01-20")
        self.make_invoice(self.customer2, amount=500, due="2026-01-20")  # no mobile
        self.customer3.mobile = "+32 470 99 88 77"
        self.customer3.zip = False  # incomplete address for the post
        self.make_invoice(self.customer3, amount=300, due="2026-01-20")

        summary = self.run_batch(self.customer | self.customer2 | self.customer3)

        self.assertEqual(summary.processed_count, 1)
        self.assertEqual(summary.sms_count, 1)
        self.assertEqual(summary.post_count, 1)
        self.assertEqual(summary.failed_count, 2)
        self.assertIn("Customer Two has no valid mobile number", summary.failure_html)
        self.assertIn(
            "The postal address of Customer Three is incomplete", summary.failure_html
        )
        self.assertEqual(
            self.env["sms.sms"].search([]).partner_id,
            self.customer,
            "a level is executed whole or not at all",
        )
        self.assertEqual(
            self.env["snailmail.letter"].search([]).partner_id, self.customer
        )
        self.iap.assert_not_called()

    def test_summary_view(self):
        self.make_invoice(self.customer, amount=1000, due="2026-01-20")
        self.make_invoice(self.no_email, amount=200, due="2026-01-20")
        summary = self.run_batch(self.customer | self.no_email)
        form = Form(summary)
        self.assertEqual(form.email_count, 1)
        self.assertEqual(form.failed_count, 1)
