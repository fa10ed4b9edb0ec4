# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-01-21")
class TestFollowupMorning(FollowupCommon):
    """What the credit controller reads and clicks through in the morning."""

    def test_email_notification_says_queued(self):
        self.make_invoice()
        action = self.customer.action_followup_send_email()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["message"], "Email queued to one@example.com."
        )

    def test_formal_notice_posts_without_printing(self):
        self.assertEqual(self.level(60)._get_channels(), ["post", "activity"])

    def test_batch_confirmation_and_summary(self):
        self.make_invoice(self.customer)
        nobody = self.env["res.partner"].create({"name": "Nobody"})
        self.make_invoice(nobody)
        partners = self.customer | nobody
        action = partners.action_followup_process_confirm()
        confirm = self.env["account.followup.confirm"].browse(action["res_id"])
        self.assertIn("Customer One", confirm.plan_html)
        self.assertIn("First reminder", confirm.plan_html)
        self.assertIn("Email, Letter", confirm.plan_html)
        self.assertFalse(confirm.has_paid)
        # nothing is sent before the confirmation
        self.assertFalse(self.reminder_ids(partners))
        action = confirm.action_confirm()
        summary = self.env["account.followup.process"].browse(action["res_id"])
        self.assertIn("Done", summary.result_html)
        self.assertIn("Failed", summary.result_html)
        self.assertIn("has no valid email address", summary.result_html)
        self.assertIn(f"res_partner_action_followup/{nobody.id}", summary.result_html)

    def test_post_checks_the_address_before_confirming(self):
        self.make_invoice(self.customer2)
        self.customer2.country_id = False
        with self.assertRaisesRegex(UserError, "postal address of Customer Two"):
            self.customer2.action_followup_post_confirm()
        self.assertFalse(self.env["account.followup.confirm"].search([]))
        self.customer2.country_id = self.env.ref("base.be")
        action = self.customer2.action_followup_post_confirm()
        confirm = self.env["account.followup.confirm"].browse(action["res_id"])
        self.assertTrue(confirm.has_paid)
        self.assertIn("Post (paid)", confirm.plan_html)

    def test_snooze_keeps_the_reminder_type(self):
        self.make_invoice()
        action = self.customer.action_followup_snooze()
        form = Form(
            self.env["account.followup.snooze"].with_context(**action["context"])
        )
        self.assertEqual(form.reminder_type, "automatic")
        self.customer.followup_reminder_type = "manual"
        form = Form(
            self.env["account.followup.snooze"].with_context(**action["context"])
        )
        self.assertEqual(form.reminder_type, "manual")

    def test_logged_note_counts_as_the_action(self):
        self.make_invoice(invoice_date="2026-01-01", due="2026-01-05")
        self.assertEqual(self.customer.followup_level_id, self.level(15))
        with self.assertRaisesRegex(UserError, "before marking it as done"):
            self.customer.action_followup_done()
        self.customer.message_post(
            body="Called: pays next week", message_type="comment"
        )
        self.assertTrue(self.customer.followup_actions_done)
        self.customer.action_followup_done()
        self.customer.invalidate_recordset()
        self.assertNotEqual(self.customer.followup_status, "in_need_of_action")

    def test_next_customer_in_place(self):
        self.make_invoice(self.customer)
        self.make_invoice(self.customer2)
        self.customer.action_followup_send_email()
        action = self.customer.with_context(
            followup_open_next=True
        ).action_followup_done()
        self.assertEqual(action["tag"], "account_payment_followup_open_next")
        self.assertEqual(
            action["params"]["message"],
            "Customer One — First reminder done · next: Customer Two",
        )
        nxt = action["params"]["next"]
        self.assertEqual(nxt["res_id"], self.customer2.id)
        self.assertEqual(nxt["context"]["followup_queue_done"], 1)
        label = self.customer2.with_context(**nxt["context"]).followup_queue_label
        self.assertEqual(label, "Customer 2 of 2")
        self.customer2.action_followup_send_email()
        action = self.customer2.with_context(**nxt["context"]).action_followup_later()
        self.assertIn("the list is done", action["params"]["message"])
        self.assertTrue(action["params"]["clear_breadcrumbs"])

    def test_send_wizard_overrides(self):
        invoice = self.make_invoice()
        accountant = self.env["res.partner"].create(
            {"name": "Accountant", "email": "acc@example.com"}
        )
        wizard = Form(
            self.env["account.followup.send.wizard"].with_context(
                default_partner_ids=self.customer.ids
            )
        )
        self.assertTrue(wizard.send_email)
        self.assertTrue(wizard.send_letter)
        self.assertFalse(wizard.send_sms)
        self.assertFalse(wizard.email_warning)
        self.assertIn("Payment reminder", wizard.subject)
        self.assertIn(invoice.name, wizard.body)
        wizard.send_letter = False
        wizard.subject = "About your account"
        wizard.cc_partner_ids.add(accountant)
        record = wizard.save()
        record.action_send()
        reminder = self.customer.followup_reminder_ids
        self.assertEqual(len(reminder), 1)
        # email only, the level also prints a letter: a single action
        self.assertTrue(reminder.partial)
        message = reminder.email_message_id
        self.assertEqual(message.subject, "About your account")
        self.assertEqual(message.partner_ids, self.customer | accountant)
        self.assertIn("acc@example.com", reminder.email_to)

    def test_send_wizard_flags_what_is_missing(self):
        nobody = self.env["res.partner"].create({"name": "Nobody"})
        self.make_invoice(nobody)
        wizard = self.env["account.followup.send.wizard"].create(
            {"partner_ids": [(6, 0, nobody.ids)]}
        )
        self.assertIn("has no valid email address", wizard.email_warning)
        self.assertIn("has no postal address", wizard.letter_warning)
        self.assertIn("has no valid mobile number", wizard.sms_warning)
        with self.assertRaisesRegex(UserError, "has no valid email address"):
            wizard.action_send()

    def test_figures_after_sending(self):
        invoice = self.make_invoice(invoice_date="2026-01-01", due="2026-01-11")
        line = self.receivable_lines(invoice)
        self.assertEqual(line.followup_days_late, 10)
        self.assertEqual(self.customer.followup_days_late, 10)
        self.assertEqual(str(self.customer.followup_next_action_display), "2026-01-21")
        self.customer.action_followup_process()
        self.customer.invalidate_recordset()
        # the level done is still shown, with what was sent and when
        self.assertFalse(self.customer.followup_level_id)
        self.assertEqual(self.customer.followup_last_level_id, self.level(1))
        self.assertEqual(str(self.customer.followup_last_reminder_date), "2026-01-21")
        self.assertEqual(self.customer.followup_last_reminder_channels, "Email, Letter")
        # the next action: the date the process set
        self.assertEqual(
            self.customer.followup_next_action_display,
            self.customer.followup_next_action_date,
        )

    def test_next_action_of_a_customer_not_late(self):
        self.make_invoice(invoice_date="2026-01-10", due="2026-02-10")
        self.assertEqual(self.customer.followup_days_late, 0)
        # the friendly reminder, 3 days before the due date
        self.assertEqual(str(self.customer.followup_next_action_display), "2026-02-07")

    def test_recipient_card(self):
        desk = self.env["res.partner"].create(
            {"name": "Desk", "type": "invoice", "parent_id": self.customer.id}
        )
        self.assertEqual(self.customer.followup_recipient_id, desk)
        action = self.customer.action_followup_edit_recipient()
        self.assertEqual(action["res_id"], desk.id)

    def test_red_only_when_overdue(self):
        self.make_invoice(invoice_date="2026-01-10", due="2026-02-10")
        html = str(self.customer._followup_render_statement())
        self.assertNotIn("#c0392b", html)
        self.make_invoice(invoice_date="2026-01-01", due="2026-01-11")
        self.customer.invalidate_recordset()
        html = str(self.customer._followup_render_statement())
        self.assertIn("#c0392b", html)

    # ------------------------------------------------------------------
    # First letter and configuration
    # ------------------------------------------------------------------

    def test_sms_ticked_proposes_the_template(self):
        with Form(self.level(15)) as level:
            level.send_sms = True
            self.assertEqual(
                level.sms_template_id,
                self.env.ref("account_payment_followup.sms_template_followup"),
            )
        self.assertTrue(self.level(15).send_sms)

    def test_exclusion_asks_a_reason_and_logs_it(self):
        invoice = self.make_invoice()
        line = self.receivable_lines(invoice)
        action = line.action_followup_exclude()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.note = "Disputed quantity"
        wizard.save().action_apply()
        self.assertTrue(line.followup_excluded)
        self.assertEqual(line.followup_note, "Disputed quantity")
        for record in (self.customer, invoice):
            body = record.message_ids[:1].body
            self.assertIn("excluded from follow-ups", body)
            self.assertIn("Disputed quantity", body)
        line.action_followup_include()
        self.assertFalse(line.followup_excluded)
        self.assertIn("included in follow-ups again", invoice.message_ids[:1].body)

    def _instalment_invoice(self):
        term = self.payment_term()
        invoice = self.make_invoice(due=None, post=False)
        invoice.invoice_payment_term_id = term
        invoice.action_post()
        lines = self.receivable_lines(invoice).sorted("date_maturity")
        self.assertEqual(len(lines), 2)
        return invoice, lines

    def _exclude(self, line, **values):
        action = line.action_followup_exclude()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.note = "Goods held at customs"
        for name, value in values.items():
            setattr(wizard, name, value)
        wizard.save().action_apply()

    def test_excluding_an_instalment_excludes_all_with_the_reason(self):
        invoice, lines = self._instalment_invoice()
        self._exclude(lines[0])
        self.assertEqual(lines.mapped("followup_excluded"), [True, True])
        self.assertEqual(lines.mapped("followup_note"), ["Goods held at customs"] * 2)
        body = invoice.message_ids[:1].body
        self.assertIn("excluded from follow-ups (2 instalments)", body)
        self.assertIn("Goods held at customs", body)
        self.assertIn("Goods held at customs", self.customer.message_ids[:1].body)

    def test_excluding_only_this_instalment(self):
        _invoice, lines = self._instalment_invoice()
        self._exclude(lines[1], exclude_instalments=False)
        self.assertEqual(lines.mapped("followup_excluded"), [False, True])

    def test_single_line_invoice_has_no_instalment_question(self):
        line = self.receivable_lines(self.make_invoice())
        wizard = self.env["account.followup.line.note"].create(
            {"line_id": line.id, "mode": "exclude", "note": "x"}
        )
        self.assertEqual(wizard.instalment_count, 1)
        self.assertFalse(wizard.instalment_ids)

    def test_trust_change_is_logged(self):
        self.customer.trust = "bad"
        self.assertIn(
            "Trust changed from Normal Debtor to Bad Debtor",
            self.customer.message_ids[:1].body,
        )

    def test_letterhead_state_in_settings(self):
        self.company.external_report_layout_id = False
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.followup_letterhead_configured)
        action = settings.action_followup_configure_letterhead()
        self.assertEqual(action["res_model"], "base.document.layout")
        self.company.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.followup_letterhead_configured)

    def test_letter_without_the_placeholder_logo(self):
        self.make_invoice()
        report = self.env.ref(
            "account_payment_followup.res_partner_action_report_followup_letter"
        )
        Letter = type(
            self.env["report.account_payment_followup.report_followup_letter"]
        )
        self.company.logo = self.company._get_logo()
        with patch.object(Letter, "_letterhead_in_page", lambda self: True):
            html = report._render_qweb_html(report.report_name, self.customer.ids)[0]
        self.assertNotIn(b'alt="Logo"', html)
        self.company.logo = (
            b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
            b"hKmMIQAAAABJRU5ErkJggg=="
        )
        with patch.object(Letter, "_letterhead_in_page", lambda self: True):
            html = report._render_qweb_html(report.report_name, self.customer.ids)[0]
        self.assertIn(b'alt="Logo"', html)

    def test_call_activity_done_counts_as_the_action(self):
        self.make_invoice(invoice_date="2026-01-01", due="2026-01-05")
        self.assertEqual(self.customer.followup_level_id, self.level(15))
        activity = self.customer.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.env.user.id
        )
        self.assertFalse(self.customer.followup_actions_done)
        activity.action_feedback(feedback="Promised to pay on Friday")
        self.assertTrue(self.customer.followup_actions_done)
        self.customer.action_followup_done()

    def test_send_wizard_on_several_customers(self):
        self.make_invoice(self.customer)
        self.make_invoice(self.customer2)
        partners = self.customer | self.customer2
        wizard = (
            self.env["account.followup.send.wizard"]
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .create({})
        )
        self.assertEqual(wizard.partner_count, 2)
        self.assertTrue(wizard.send_email and wizard.send_letter)
        self.assertFalse(wizard.recipient_ids)
        action = wizard.action_send()
        summary = self.env["account.followup.process"].browse(action["res_id"])
        self.assertEqual(summary.processed_count, 2)
        for partner in partners:
            partner.invalidate_recordset()
            self.assertNotEqual(partner.followup_status, "in_need_of_action")
            self.assertTrue(partner.followup_letter_to_print)
