# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Security and reliability, second pass: what a careful reading found (one test
or more per item, numbered as the items). The items about concurrent transactions
and crashed workers are in ``test_reliability_second_pass_concurrency``."""

from pathlib import Path
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account_payment_followup.models.account_followup_send import (
    AccountFollowupSend,
)

from .common import FollowupCommon

IAP_JSONRPC = "odoo.addons.iap.tools.iap_tools.iap_jsonrpc"
LETTER = "account_payment_followup.report_followup_letter"
LETTER_VALUES = "report.account_payment_followup.report_followup_letter"


@tagged("post_install", "-at_install")
class TestReliabilitySecondPass(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.external_report_layout_id = cls.env.ref(
            "web.external_layout_standard"
        )
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.company_b.partner_id.write(
            {
                "street": "9 Other Street",
                "city": "Antwerp",
                "zip": "2000",
                "country_id": cls.env.ref("base.be").id,
            }
        )
        cls.company_b.external_report_layout_id = cls.env.ref(
            "web.external_layout_standard"
        )
        cls.levels_b = cls.env["account.followup.level"].search(
            [("company_id", "=", cls.company_b.id)], order="delay"
        )
        groups = "base.group_user,account.group_account_invoice"
        cls.billing = new_test_user(
            cls.env,
            login="second_pass_billing",
            groups=groups,
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.billing2 = new_test_user(
            cls.env,
            login="second_pass_billing2",
            groups=groups,
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.customer.is_company = True
        # the daily run's user: Odoo runs the crons as the inactive system user
        cls.cron_env = cls.env(user=cls.env.ref("base.user_root"))

    def setUp(self):
        super().setUp()
        # no network in tests: any IAP call (SMS, snailmail) fails the test
        iap = patch(IAP_JSONRPC, side_effect=AssertionError("no IAP call expected"))
        iap.start()
        self.addCleanup(iap.stop)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def run_cron(self):
        return self.cron_env["res.partner"]._cron_execute_followups(auto_commit=False)

    def reminders(self, partner, company=None):
        return self.env["account.followup.reminder"].search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", (company or self.company).id),
            ]
        )

    def notes(self, record):
        return self.env["mail.message"].search(
            [("model", "=", record._name), ("res_id", "=", record.id)]
        )

    def make_invoice_b(self, amount=700.0, due="2026-01-20"):
        invoice = (
            self.env["account.move"]
            .with_company(self.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": "2026-01-01",
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "B work",
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    # ------------------------------------------------------------------
    # 1. The daily run decides on the commercial partner
    # ------------------------------------------------------------------

    def test_01_cron_decides_on_the_commercial_partner(self):
        """A Manual or archived customer is not reminded by the daily run because
        one of its contacts is active and automatic."""
        self.env["res.partner"].create(
            {"name": "Accounts dept", "parent_id": self.customer.id, "type": "contact"}
        )
        with freeze_time("2026-01-01"):
            self.make_invoice()
        with freeze_time("2026-01-21"):
            self.customer.followup_reminder_type = "manual"
            self.run_cron()
            self.assertFalse(self.reminders(self.customer), "Manual customer")
            self.customer.followup_reminder_type = "automatic"
            self.customer.action_archive()
            self.run_cron()
            self.assertFalse(self.reminders(self.customer), "archived customer")
            self.customer.action_unarchive()
            totals = self.run_cron()
            self.assertEqual(totals["processed"], 1)
            self.assertEqual(len(self.reminders(self.customer)), 1)

    # ------------------------------------------------------------------
    # 3. Posted letters rendered in the customer's company, at execution
    # ------------------------------------------------------------------

    def test_03_posted_letter_rendered_in_the_customer_company(self):
        """The letter posted from company B is rendered by B when it is sent (B's
        letterhead, B's open items), not later by the postal queue in the company
        of whoever runs it."""
        with freeze_time("2026-01-01"):
            self.make_invoice(amount=100)
            self.make_invoice_b(amount=700)
        with freeze_time("2026-01-25"):
            self.customer.with_company(self.company_b).with_context(
                allowed_company_ids=[self.company_b.id, self.company.id]
            ).action_followup_send_post()
        letter = self.env["snailmail.letter"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        self.assertEqual(letter.company_id, self.company_b)
        self.assertTrue(letter.attachment_id, "rendered when it was sent")
        # the postal queue, run later in company A
        queued = letter.with_context(allowed_company_ids=self.company.ids)
        self.assertEqual(queued._fetch_attachment(), letter.attachment_id)
        # (Odoo's test mode renders reports as HTML)
        content = letter.attachment_id.raw.decode()
        self.assertIn("700.00", content)
        self.assertNotIn("100.00", content)
        self.assertIn("9 Other Street", content, "B's letterhead")

    @freeze_time("2026-01-25")
    def test_03_posted_letter_in_a_layout_snailmail_prints(self):
        """As snailmail does, a posted letter uses the standard layout instead of
        the layouts that print nothing where the envelope's window is, without
        changing the company's layout."""
        bubble = self.env.ref("web.external_layout_bubble")
        self.company.external_report_layout_id = bubble
        self.make_invoice()
        Letter = type(self.env[LETTER_VALUES])
        # the letterhead of Odoo's layouts (a wkhtmltopdf with patched Qt)
        with patch.object(Letter, "_letterhead_in_page", return_value=False):
            self.customer.action_followup_send_post()
        letter = self.env["snailmail.letter"].search(
            [("model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        content = letter.attachment_id.raw.decode()
        self.assertIn("o_report_layout_standard", content)
        self.assertNotIn("o_report_layout_bubble", content)
        self.company.invalidate_recordset()
        self.assertEqual(self.company.external_report_layout_id, bubble)

    # ------------------------------------------------------------------
    # 4. The batch summary and the wizards
    # ------------------------------------------------------------------

    def test_04_summary_html_is_sanitized(self):
        Process = self.env["account.followup.process"].with_user(self.billing)
        evil = '<p>ok</p><script>alert(1)</script><img src="x" onerror="alert(2)"/>'
        summary = Process.create({"failure_html": evil})
        summary.write({"failure_html": evil})
        self.assertIn("ok", summary.failure_html)
        self.assertNotIn("<script", summary.failure_html)
        self.assertNotIn("onerror", summary.failure_html)

    def test_04_wizards_are_their_creator_records(self):
        line = self.receivable_lines(self.make_invoice())
        wizards = {
            "account.followup.process": {"processed_count": 1},
            "account.followup.snooze": {
                "partner_ids": [Command.set(self.customer.ids)]
            },
            "account.followup.line.note": {"line_id": line.id, "note": "Called"},
        }
        for model, values in wizards.items():
            with self.subTest(model=model):
                record = self.env[model].with_user(self.billing).create(values)
                record.read(["id"])
                Other = self.env[model].with_user(self.billing2)
                self.assertFalse(Other.search([("id", "=", record.id)]))
                other = record.with_user(self.billing2)
                other.invalidate_recordset()
                with self.assertRaises(AccessError):
                    other.read(["create_uid"])
                with self.assertRaises(AccessError):
                    other.write({"create_uid": self.billing2.id})

    # ------------------------------------------------------------------
    # 5. Forged stamps
    # ------------------------------------------------------------------

    def test_05_only_the_addon_stamps_the_lines(self):
        line = self.receivable_lines(self.make_invoice())
        for user in (self.billing, self.env.user):
            for values in (
                {"followup_level_id": self.level(60).id},
                {"followup_date": "2026-01-02"},
            ):
                with self.subTest(user=user.login, values=values):
                    with self.assertRaises(UserError):
                        line.with_user(user).write(values)
        self.assertFalse(line.followup_level_id)
        # not even the superuser stamps a line with another company's level
        with self.assertRaises(UserError):
            line.sudo().write({"followup_level_id": self.levels_b[0].id})
        # the execution still stamps them
        with freeze_time("2026-01-25"):
            self.customer.action_followup_process()
        self.assertEqual(line.followup_level_id, self.level(1))

    # ------------------------------------------------------------------
    # 6. A letter is printed once its PDF exists
    # ------------------------------------------------------------------

    @freeze_time("2026-01-25")
    def test_06_letter_printed_once_its_pdf_exists(self):
        self.make_invoice()
        Partner = self.env["res.partner"]
        Report = self.env["ir.actions.report"]
        action = self.customer.action_followup_print_letter()
        self.assertEqual(action["type"], "ir.actions.report")
        reminder = self.reminders(self.customer)
        self.assertEqual(reminder.letter_state, "to_print")
        self.assertIn(
            self.customer, Partner.search([("followup_letter_to_print", "=", 1)])
        )
        # the rendering fails (wkhtmltopdf...): still to print
        with (
            patch.object(
                type(Report),
                "_pre_render_qweb_pdf",
                side_effect=UserError("wkhtmltopdf failed"),
            ),
            self.assertRaises(UserError),
        ):
            Report._render_qweb_pdf(LETTER, self.customer.ids)
        self.assertEqual(reminder.letter_state, "to_print")
        self.assertTrue(self.customer.followup_letter_to_print)
        # an HTML preview is not a letter
        Report._render_qweb_html(LETTER, self.customer.ids)
        self.assertTrue(self.customer.followup_letter_to_print)
        # the PDF is rendered: printed
        Report._render_qweb_pdf(LETTER, self.customer.ids)
        self.assertEqual(reminder.letter_state, "generated")
        self.assertFalse(self.customer.followup_letter_to_print)

    @freeze_time("2026-01-25")
    def test_06_closing_the_summary_keeps_the_letters_to_print(self):
        self.make_invoice()
        self.make_invoice(self.customer2)
        partners = self.customer | self.customer2
        action = partners.action_followup_process()
        self.assertEqual(action["res_model"], "account.followup.process")
        # the user closes the summary without printing the letters
        to_print = self.env["res.partner"].search(
            [("followup_letter_to_print", "=", True)]
        )
        self.assertEqual(to_print & partners, partners)
        reminders = self.reminders(self.customer) | self.reminders(self.customer2)
        self.assertEqual(set(reminders.mapped("letter_state")), {"to_print"})
        # printed from the summary later: done
        summary = self.env["account.followup.process"].browse(action["res_id"])
        report = summary.action_print_letters()
        self.env["ir.actions.report"]._render_qweb_pdf(
            LETTER, report["context"]["active_ids"]
        )
        self.assertEqual(set(reminders.mapped("letter_state")), {"generated"})
        self.assertFalse(partners.filtered("followup_letter_to_print"))

    # ------------------------------------------------------------------
    # 8. Templates of another model
    # ------------------------------------------------------------------

    def test_08_templates_must_be_of_customers(self):
        move_model = self.env.ref("account.model_account_move")
        mail_template = self.env["mail.template"].create(
            {"name": "Invoice", "model_id": move_model.id, "subject": "Invoice"}
        )
        sms_template = self.env["sms.template"].create(
            {"name": "Invoice SMS", "model_id": move_model.id, "body": "Pay"}
        )
        with self.assertRaisesRegex(ValidationError, "customers"):
            self.level(1).mail_template_id = mail_template
        with self.assertRaisesRegex(ValidationError, "customers"):
            self.level(35).sms_template_id = sms_template

    # ------------------------------------------------------------------
    # 9. Activities of the daily run go to an active user
    # ------------------------------------------------------------------

    def test_09_daily_run_activities_go_to_an_active_internal_user(self):
        Partner = self.env["res.partner"]
        address = {"street": "1 Road", "city": "Mons", "zip": "7000"}
        responsible = new_test_user(
            self.env, login="sp_responsible", groups="account.group_account_invoice"
        )
        salesperson = new_test_user(
            self.env, login="sp_sales", groups="base.group_user"
        )
        manager = new_test_user(
            self.env, login="sp_manager", groups="account.group_account_invoice"
        )
        settings = self.env["res.config.settings"].create(
            {"followup_manager_id": manager.id}
        )
        settings.execute()
        self.assertEqual(self.company.followup_manager_id, manager)
        with_responsible = Partner.create(
            {"name": "R", "followup_responsible_id": responsible.id, **address}
        )
        with_salesperson = Partner.create(
            {"name": "S", "user_id": salesperson.id, **address}
        )
        archived = new_test_user(self.env, login="sp_gone", groups="base.group_user")
        with_archived = Partner.create(
            {"name": "A", "followup_responsible_id": archived.id, **address}
        )
        archived.action_archive()
        nobody = Partner.create({"name": "N", **address})
        customers = with_responsible | with_salesperson | with_archived | nobody
        self.level(15).auto_execute = True
        with freeze_time("2026-01-01"):
            for partner in customers:
                self.make_invoice(partner, due="2026-01-05")
        with freeze_time("2026-01-21"):
            self.run_cron()
        expected = {
            with_responsible: responsible,
            with_salesperson: salesperson,
            with_archived: manager,
            nobody: manager,
        }
        for partner, user in expected.items():
            with self.subTest(partner=partner.name):
                self.assertEqual(partner.activity_ids.user_id, user)
        # the level's own user, archived, is skipped
        gone = new_test_user(self.env, login="sp_level_gone", groups="base.group_user")
        self.level(35).write({"activity_user_id": gone.id, "auto_execute": True})
        gone.action_archive()
        with freeze_time("2026-02-10"):
            self.run_cron()
        self.assertNotIn(gone, nobody.activity_ids.user_id)
        self.assertEqual(nobody.activity_ids.user_id, manager)

    def test_09_failure_activity_of_the_daily_run(self):
        self.customer.email = False
        with freeze_time("2026-01-01"):
            self.make_invoice()
        with freeze_time("2026-01-21"):
            self.run_cron()
        activity = self.customer.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.active, "never the inactive system user")
        self.assertFalse(activity.user_id.share)

    # ------------------------------------------------------------------
    # 10. Posting an invoice never raises because of follow-ups
    # ------------------------------------------------------------------

    def test_10_level_days_are_bounded(self):
        Level = self.env["account.followup.level"]
        for delay in (-366, 3651, 1000000):
            with self.subTest(delay=delay):
                with self.assertRaisesRegex(ValidationError, "-365 and 3650"):
                    Level.create({"name": "Absurd", "delay": delay})
        self.level(60).delay = 3650
        self.level(-3).delay = -365

    def test_10_posting_never_raises_from_a_level(self):
        """A level with an absurd delay already in the database (written before the
        bound existed) does not stop the invoicing."""
        self.customer.followup_next_action_date = "2026-03-01"
        self.env.cr.execute(
            "UPDATE account_followup_level SET delay = -1000000 WHERE id = %s",
            [self.level(-3).id],
        )
        self.env["account.followup.level"].invalidate_model(["delay"])
        invoice = self.make_invoice()
        self.assertEqual(invoice.state, "posted")

    # ------------------------------------------------------------------
    # 11. Traces
    # ------------------------------------------------------------------

    @freeze_time("2026-01-25")
    def test_11_line_changes_are_logged(self):
        invoice = self.make_invoice()
        line = self.receivable_lines(invoice)
        self.customer.with_user(self.billing).write(
            {
                "followup_line_ids": [
                    Command.update(
                        line.id,
                        {
                            "followup_expected_date": "2026-02-10",
                            "followup_excluded": True,
                            "followup_note": "Promised by phone",
                        },
                    )
                ]
            }
        )
        for record in (self.customer, invoice):
            with self.subTest(record=record._name):
                body = " ".join(self.notes(record).mapped("body"))
                self.assertIn("Expected payment date", body)
                self.assertIn("02/10/2026", body)
                self.assertIn("Excluded from follow-ups", body)
                self.assertIn("Promised by phone", body)
                self.assertIn(invoice.name, body)

    @freeze_time("2026-01-25")
    def test_11_log_a_note_appends(self):
        line = self.receivable_lines(self.make_invoice())
        for note in ("Called, no answer", "Promised for Friday"):
            wizard = Form(
                self.env["account.followup.line.note"].with_context(
                    active_model="account.move.line", active_id=line.id
                )
            )
            wizard.note = note
            wizard.save().action_apply()
        self.assertIn("Called, no answer", line.followup_note)
        self.assertIn("Promised for Friday", line.followup_note)
        body = " ".join(self.notes(self.customer).mapped("body"))
        self.assertEqual(body.count("Called, no answer"), 1, "logged once")

    def test_11_failure_logged_once_for_the_same_cause(self):
        self.customer.email = False
        with freeze_time("2026-01-01"):
            self.make_invoice()
        for day in ("2026-01-21", "2026-01-22", "2026-01-23"):
            with freeze_time(day):
                self.run_cron()
        failed = self.notes(self.customer).filtered(
            lambda m: m.message_type == "notification" and "Follow-up failed" in m.body
        )
        self.assertEqual(len(failed), 1)
        self.assertEqual(len(self.customer.activity_ids), 1)
        # another cause is logged
        self.customer.write({"email": "one@example.com", "street": False})
        with freeze_time("2026-01-24"):
            self.run_cron()
        failed = self.notes(self.customer).filtered(
            lambda m: m.message_type == "notification" and "Follow-up failed" in m.body
        )
        self.assertEqual(len(failed), 2)

    # ------------------------------------------------------------------
    # 12. Paid channels once
    # ------------------------------------------------------------------

    @freeze_time("2026-01-25")
    def test_12_post_once_unless_confirmed(self):
        self.make_invoice()
        Letter = self.env["snailmail.letter"]
        domain = [("model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        self.customer.action_followup_send_post()
        with self.assertRaisesRegex(RedirectWarning, "already") as caught:
            self.customer.action_followup_send_post()
        self.assertEqual(Letter.search_count(domain), 1)
        # the whole level does not post it again either
        self.level(1).send_post = True
        with self.assertRaises(RedirectWarning):
            self.customer.action_followup_process()
        self.assertEqual(Letter.search_count(domain), 1)
        # the dialog's button confirms
        _message, action, _button, context = caught.exception.args
        self.assertTrue(context["followup_confirm_resend"])
        server_action = self.env["ir.actions.server"].browse(action["id"])
        self.assertEqual(context["active_ids"], self.customer.ids)
        server_action.with_context(**context).run()
        self.assertEqual(Letter.search_count(domain), 2)

    @freeze_time("2026-01-25")
    def test_12_sms_once_unless_confirmed(self):
        self.make_invoice()
        Sms = self.env["sms.sms"]
        self.customer.action_followup_send_sms()
        with self.assertRaisesRegex(RedirectWarning, "already"):
            self.customer.action_followup_send_sms()
        self.assertEqual(Sms.search_count([("partner_id", "=", self.customer.id)]), 1)
        self.customer.with_context(
            followup_confirm_resend=True
        ).action_followup_send_sms()
        self.assertEqual(Sms.search_count([("partner_id", "=", self.customer.id)]), 2)

    @freeze_time("2026-01-25")
    def test_12_batch_reports_the_letter_already_posted(self):
        self.make_invoice()
        self.make_invoice(self.customer2)
        self.customer.action_followup_send_post()
        self.level(1).send_post = True
        action = (self.customer | self.customer2).action_followup_process()
        summary = self.env["account.followup.process"].browse(action["res_id"])
        self.assertEqual(summary.processed_count, 1)
        self.assertEqual(summary.failed_count, 1)
        self.assertIn("already", summary.failure_html)

    # ------------------------------------------------------------------
    # 13. Smaller ones
    # ------------------------------------------------------------------

    @freeze_time("2026-01-25")
    def test_13_post_check_matches_snailmail(self):
        self.make_invoice()
        # snailmail refuses every paper format but A4 itself
        self.company.paperformat_id = self.env["report.paperformat"].create(
            {
                "name": "A4 (custom)",
                "format": "custom",
                "page_width": 210,
                "page_height": 297,
            }
        )
        with self.assertRaisesRegex(UserError, "A4"):
            self.customer.action_followup_send_post()
        self.company.paperformat_id = self.env.ref("base.paperformat_euro")
        # a country the postal service does not know
        self.customer.country_id = self.env.ref("base.xk")
        with self.assertRaisesRegex(UserError, "postal service"):
            self.customer.action_followup_send_post()
        self.assertFalse(
            self.env["snailmail.letter"].search([("res_id", "=", self.customer.id)])
        )

    @freeze_time("2026-01-25")
    def test_13_sms_honours_the_phone_blacklist(self):
        self.make_invoice()
        self.env["phone.blacklist"].sudo().add(self.customer.mobile)
        with self.assertRaisesRegex(UserError, "blacklist"):
            self.customer.action_followup_send_sms()
        self.assertFalse(
            self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        )

    def test_13_delay_message_names_no_other_company_level(self):
        self.levels_b.filtered(lambda lvl: lvl.delay == 15).name = "Secret plan of B"
        manager_a = new_test_user(
            self.env,
            login="sp_manager_a",
            groups="base.group_user,account.group_account_manager",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        Level = self.env["account.followup.level"].with_user(manager_a)
        # an AccessError is a UserError
        with self.assertRaises(UserError) as caught:
            Level.create({"name": "Mine", "delay": 15, "company_id": self.company_b.id})
        self.assertNotIn("Secret plan of B", str(caught.exception))
        # a level of the user's own company is named
        with self.assertRaisesRegex(UserError, "Call the customer"):
            Level.create({"name": "Mine", "delay": 15})

    def test_13_lowering_the_days_of_an_applied_level_resends_nothing(self):
        """The second reminder (35 days) was sent; the plan then puts it at 10
        days, before the call (15): the call it passed is not done again."""
        with freeze_time("2026-01-01"):
            old = self.make_invoice(due="2026-01-20")
        with freeze_time("2026-02-25"):
            self.customer.action_followup_process()
        self.assertEqual(self.receivable_lines(old).followup_level_id, self.level(35))
        second = self.level(35)
        second.delay = 10
        with freeze_time("2026-03-01"):
            # a new invoice: its friendly reminder is due on 2 March
            self.make_invoice(invoice_date="2026-03-01", due="2026-03-05")
        with freeze_time("2026-03-02"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.followup_status, "in_need_of_action")
            self.assertEqual(self.customer.followup_level_id, self.level(-3))
        with freeze_time("2026-03-21"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.followup_level_id, self.level(60))

    def test_13_raising_the_days_of_an_applied_level_skips_nothing(self):
        """The call (15 days) was done; the plan then puts it at 50 days, after the
        second reminder (35): the second reminder is still sent."""
        with freeze_time("2026-01-01"):
            self.make_invoice(due="2026-01-20")
        with freeze_time("2026-02-05"):
            self.customer.action_followup_process()
        call = self.level(15)
        call.delay = 50
        with freeze_time("2026-02-24"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.followup_status, "in_need_of_action")
            self.assertEqual(self.customer.followup_level_id, self.level(35))

    @freeze_time("2026-01-25")
    def test_13_recipient_never_of_another_company(self):
        self.env["res.partner"].create(
            {
                "name": "Accounts of B",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "accounts-b@example.com",
                "company_id": self.company_b.id,
            }
        )
        self.make_invoice()
        self.assertEqual(self.customer._followup_get_recipient(), self.customer)
        self.customer.action_followup_send_email()
        self.assertEqual(self.reminders(self.customer).email_to, "one@example.com")

    def test_13_raw_errors_stay_in_the_server_log(self):
        with freeze_time("2026-01-01"):
            self.make_invoice()
        secret = 'relation "secret_table" does not exist'
        with (
            freeze_time("2026-01-21"),
            patch.object(
                AccountFollowupSend, "_send_email", side_effect=KeyError(secret)
            ),
            mute_logger(
                "odoo.addons.account_payment_followup.models.account_followup_execution"
            ),
        ):
            totals = self.run_cron()
        self.assertEqual(totals["failed"], 1)
        body = " ".join(self.notes(self.customer).mapped("body"))
        self.assertIn("Follow-up failed", body)
        self.assertNotIn("secret_table", body)
        self.assertNotIn("secret_table", str(self.customer.activity_ids.note))

    def test_13_uninstalling_says_what_is_lost(self):
        settings = self.env.ref(
            "account_payment_followup.res_config_settings_view_form"
        )
        self.assertIn("Uninstalling", settings.arch)
        readme = Path(__file__).parents[1] / "README.rst"
        self.assertIn("Uninstalling", readme.read_text())
