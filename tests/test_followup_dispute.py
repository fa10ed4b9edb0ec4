# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import FollowupCommon

REASONS = {
    "price": "Price",
    "quantity": "Quantity or delivery",
    "quality": "Quality",
    "not_ordered": "Not ordered",
    "already_paid": "Already paid",
    "other": "Other",
}


@tagged("post_install", "-at_install")
class TestFollowupDispute(FollowupCommon):
    """An invoice in dispute is out of the follow-ups until resolved, then comes
    back without any level sent twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.controller = new_test_user(
            cls.env,
            login="fu_dispute_controller",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.customer.followup_responsible_id = cls.controller
        cls.Dispute = cls.env["account.followup.dispute"]
        cls.quality = cls.env.ref(
            "account_payment_followup.account_followup_dispute_reason_quality"
        )

    def dispute_from_invoice(self, invoice, reason=None, user=None):
        """Open the dispute as the invoice's Dispute button does."""
        invoice = invoice.with_user(user) if user else invoice
        action = invoice.action_followup_dispute()
        self.assertEqual(action["res_model"], "account.followup.dispute")
        self.assertEqual(action["target"], "new")
        form = Form(
            self.Dispute.with_env(invoice.env).with_context(**action["context"])
        )
        form.reason_id = reason or self.quality
        form.description = "Two boxes were broken"
        return form.save()

    # ------------------------------------------------------------------
    # The pause
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_disputed_invoice_out_of_followups_and_marked_on_the_statement(self):
        disputed = self.make_invoice(amount=1000, due="2026-01-20")
        other = self.make_invoice(amount=200, due="2026-02-01")
        self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))
        dispute = self.dispute_from_invoice(disputed)
        self.assertEqual(dispute.partner_id, self.customer)
        self.assertEqual(dispute.company_id, self.company)
        self.assertEqual(dispute.user_id, self.controller)
        self.assertEqual(dispute.state, "open")
        self.assertTrue(disputed.followup_in_dispute)
        # the other invoice is 9 days late: its own level, the totals without the
        # disputed one
        self.assertEqual(self.status(), ("in_need_of_action", self.level(1)))
        self.assertEqual(self.customer.followup_total_due, 200)
        self.assertEqual(self.customer.followup_total_overdue, 200)
        rows = self.env["account.followup.status"]._get_lines(self.customer)
        self.assertEqual(
            [row["line_id"] for row in rows], self.receivable_lines(other).ids
        )
        Line = self.env["account.move.line"]
        counted = Line.search(Line._followup_counted_domain(self.customer))
        self.assertEqual(counted, self.receivable_lines(other))
        # still shown on the statement, marked
        disputed_line = self.receivable_lines(disputed)
        self.assertIn(disputed_line, self.customer.followup_line_ids)
        self.assertTrue(disputed_line.followup_disputed)
        self.assertFalse(self.receivable_lines(other).followup_disputed)
        self.assertEqual(
            Line.search(
                [
                    ("followup_disputed", "=", True),
                    ("account_id.account_type", "=", "asset_receivable"),
                ]
            ),
            disputed_line,
        )
        self.assertEqual(self.customer.followup_dispute_ids, dispute)
        table = lxml_html.fromstring(str(self.customer._followup_render_statement()))
        disputed_rows = table.xpath("//tr[contains(@class, 'o_followup_disputed')]")
        self.assertEqual(len(disputed_rows), 1)
        self.assertIn(disputed.name, disputed_rows[0].text_content())
        self.assertIn("(disputed)", disputed_rows[0].text_content())
        values = self.env["account.followup.send"]._statement_values(self.customer)
        self.assertEqual(
            [(row["move"], row["disputed"]) for row in values["rows"]],
            [(disputed, True), (other, False)],
        )
        # Follow-up Reports: "In dispute"
        self.assertEqual(
            self.env["res.partner"].search([("followup_in_dispute", "=", True)]),
            self.customer,
        )
        # the email marks it too; the reminder covers the other invoice only
        self.customer.action_followup_send_email()
        reminder = self.env["account.followup.reminder"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(reminder.line_ids, self.receivable_lines(other))
        self.assertIn("(disputed)", reminder.email_message_id.body)
        # logged on the invoice and the customer
        self.assertIn("Invoice disputed", self.notes(disputed)[0].body)
        note = self.notes(self.customer)[1]
        self.assertIn("Invoice disputed", note.body)
        self.assertIn("Quality", note.body)

    @freeze_time("2026-02-10")
    def test_status_search_sees_a_new_dispute_at_once(self):
        """The Follow-up Reports search keeps its result for the transaction while
        nothing it reads changed: a dispute (or a promise) is such a change."""
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        Partner = self.env["res.partner"]
        domain = [("followup_status", "=", "in_need_of_action")]
        self.assertIn(self.customer, Partner.search(domain))
        dispute = self.dispute_from_invoice(invoice)
        self.assertNotIn(self.customer, Partner.search(domain))
        dispute.action_resolve()
        self.assertIn(self.customer, Partner.search(domain))
        self.env["account.followup.promise"].create(
            {"partner_id": self.customer.id, "date": "2026-02-20"}
        )
        self.assertNotIn(self.customer, Partner.search(domain))

    @freeze_time("2026-02-10")
    def test_letter_marks_disputed_lines(self):
        disputed = self.make_invoice(amount=1000, due="2026-01-20")
        self.make_invoice(amount=200, due="2026-02-01")
        self.dispute_from_invoice(disputed)
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "account_payment_followup.res_partner_action_report_followup_letter",
            self.customer.ids,
        )
        self.assertIn(b"o_followup_disputed", html)
        self.assertIn(b"(disputed)", html)

    @freeze_time("2026-02-10")
    def test_only_disputed_invoice_means_nothing_to_do(self):
        disputed = self.make_invoice(amount=1000, due="2026-01-20")
        self.dispute_from_invoice(disputed)
        status, level = self.status()
        self.assertEqual(status, "no_action_needed")
        self.assertFalse(level)
        self.assertEqual(self.customer.followup_total_due, 0)
        # the daily run leaves it alone even with an automatic level
        self.level(15).auto_execute = True
        self.env["account.followup.execution"]._cron_run()
        self.assertFalse(self.receivable_lines(disputed).followup_level_id)

    def test_resume_without_repeating_a_level(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        line = self.receivable_lines(invoice)
        with freeze_time("2026-01-21"):
            self.customer.action_followup_process()
            self.assertEqual(line.followup_level_id, self.level(1))
        with freeze_time("2026-01-22"):
            dispute = self.dispute_from_invoice(invoice)
        with freeze_time("2026-01-28"):
            dispute.action_resolve()
            self.assertEqual(dispute.state, "resolved")
            self.assertEqual(dispute.date_resolved, date(2026, 1, 28))
            self.assertEqual(dispute.age, 6)
            # the first reminder was sent already: not again
            self.assertEqual(self.status()[0], "with_overdue_invoices")
            self.assertEqual(line.followup_level_id, self.level(1))
            self.assertIn("Dispute resolved", self.notes(invoice)[0].body)
            self.assertIn("Dispute resolved", self.notes(self.customer)[0].body)
            self.assertFalse(self.customer.followup_dispute_ids)
            with self.assertRaisesRegex(UserError, "already resolved"):
                dispute.action_resolve()
        with freeze_time("2026-02-04"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))

    def test_resolved_after_several_levels_resumes_at_the_next_one(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        line = self.receivable_lines(invoice)
        with freeze_time("2026-01-21"):
            self.customer.action_followup_process()
        with freeze_time("2026-01-22"):
            dispute = self.dispute_from_invoice(invoice)
        with freeze_time("2026-02-10"):
            # 21 days late, but in dispute: no level
            self.assertEqual(self.status()[0], "no_action_needed")
            wizard = Form(
                self.env["account.followup.dispute.resolve"].with_context(
                    **dispute.action_open_resolve_wizard()["context"]
                )
            )
            wizard.resolution_note = "Replacement boxes delivered"
            wizard.save().action_resolve()
            self.assertEqual(dispute.resolution_note, "Replacement boxes delivered")
            self.assertIn("Replacement boxes delivered", self.notes(invoice)[0].body)
            # back with the level it reached by now, the first one not again
            self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))
            self.customer.action_followup_process()
            self.assertEqual(line.followup_level_id, self.level(15))
            reminders = self.env["account.followup.reminder"].search(
                [("partner_id", "=", self.customer.id)]
            )
            self.assertEqual(reminders.level_id, self.level(1) | self.level(15))

    @freeze_time("2026-02-10")
    def test_resolve_with_a_credit_note(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        dispute = self.dispute_from_invoice(invoice)
        wizard = self.env["account.followup.dispute.resolve"].create(
            {
                "dispute_id": dispute.id,
                "resolution_note": "Price agreed: 10% off",
                "create_credit_note": True,
            }
        )
        action = wizard.action_resolve()
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(action["res_model"], "account.move.reversal")
        reversal = Form(
            self.env["account.move.reversal"].with_context(**action["context"])
        )
        self.assertEqual(reversal.move_ids[0], invoice)

    # ------------------------------------------------------------------
    # Instalments
    # ------------------------------------------------------------------

    @freeze_time("2026-03-10")
    def test_all_instalments_of_a_disputed_invoice_are_out(self):
        term = self.payment_term()
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2026-01-01",
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goods",
                            "price_unit": 1000,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        lines = self.receivable_lines(invoice)
        self.assertEqual(len(lines), 2)
        self.assertEqual(self.status()[0], "in_need_of_action")
        self.dispute_from_invoice(invoice)
        self.assertEqual(self.status()[0], "no_action_needed")
        self.assertEqual(lines.mapped("followup_disputed"), [True, True])
        Line = self.env["account.move.line"]
        self.assertFalse(Line.search(Line._followup_counted_domain(self.customer)))
        self.assertEqual(len(self.customer.followup_line_ids), 2)

    # ------------------------------------------------------------------
    # Validation, actions, access
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_validation_messages(self):
        paid = self.make_invoice(amount=100)
        self.pay(paid, pay_date=date(2026, 2, 1))
        with self.assertRaisesRegex(ValidationError, "already paid"):
            self.Dispute.create({"move_id": paid.id, "reason_id": self.quality.id})
        invoice = self.make_invoice(amount=100)
        self.Dispute.create({"move_id": invoice.id, "reason_id": self.quality.id})
        with self.assertRaisesRegex(ValidationError, "already in dispute"):
            self.Dispute.create({"move_id": invoice.id, "reason_id": self.quality.id})
        draft = self.make_invoice(amount=100, post=False)
        with self.assertRaisesRegex(ValidationError, "posted customer invoice"):
            self.Dispute.create({"move_id": draft.id, "reason_id": self.quality.id})
        other_company = self.setup_other_company(name="Dispute Company B")["company"]
        foreign = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            amounts=[300],
            company=other_company,
            post=True,
        )
        with self.assertRaisesRegex(ValidationError, "belongs to the company"):
            self.Dispute.with_context(allowed_company_ids=self.company.ids).create(
                {"move_id": foreign.id, "reason_id": self.quality.id}
            )

    @freeze_time("2026-02-10")
    def test_open_dispute_from_a_statement_line_and_the_invoice(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        line = self.receivable_lines(invoice)
        action = line.action_followup_dispute()
        self.assertEqual(action["context"]["default_move_id"], invoice.id)
        self.assertFalse(action["res_id"])
        dispute = self.dispute_from_invoice(invoice)
        # once open, both buttons open that dispute
        self.assertEqual(line.action_followup_dispute()["res_id"], dispute.id)
        self.assertEqual(invoice.action_followup_dispute()["res_id"], dispute.id)
        self.assertEqual(
            self.env["account.move"].search([("followup_in_dispute", "=", True)]),
            invoice,
        )
        self.assertEqual(dispute.action_open_move()["res_id"], invoice.id)

    @freeze_time("2026-02-10")
    def test_open_disputes_per_owner_with_their_age(self):
        old = self.make_invoice(amount=100)
        with freeze_time("2026-01-31"):
            first = self.dispute_from_invoice(old)
        second = self.dispute_from_invoice(self.make_invoice(amount=200))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_payment_followup.account_followup_dispute_action"
        )
        self.assertIn("search_default_group_user", action["context"])
        self.assertIn("search_default_filter_open", action["context"])
        self.assertEqual((first.age, second.age), (10, 0))
        groups = self.Dispute._read_group(
            [("state", "=", "open")], ["user_id"], ["__count"]
        )
        self.assertEqual(groups, [(self.controller, 2)])
        menu = self.env.ref("account_payment_followup.account_followup_dispute_menu")
        self.assertEqual(
            menu.parent_id, self.env.ref("account.menu_finance_receivables")
        )

    @freeze_time("2026-02-10")
    def test_access(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        auditor = new_test_user(
            self.env,
            login="fu_dispute_auditor",
            groups="base.group_user,account.group_account_readonly",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        dispute = self.dispute_from_invoice(invoice, user=self.controller)
        self.assertEqual(dispute.create_uid, self.controller)
        with self.assertRaises(AccessError):
            dispute.with_user(self.controller).unlink()
        with self.assertRaises(AccessError):
            self.Dispute.with_user(auditor).create(
                {"move_id": invoice.id, "reason_id": self.quality.id}
            )
        self.assertEqual(self.Dispute.with_user(auditor).search([]), dispute)
        wizard = (
            self.env["account.followup.dispute.resolve"]
            .with_user(self.controller)
            .create({"dispute_id": dispute.id, "resolution_note": "Sorted out"})
        )
        wizard.action_resolve()
        self.assertEqual(dispute.state, "resolved")
        other_company = self.setup_other_company(name="Dispute Company C")["company"]
        outsider = new_test_user(
            self.env,
            login="fu_dispute_outsider",
            groups="base.group_user,account.group_account_invoice",
            company_id=other_company.id,
            company_ids=other_company.ids,
        )
        self.assertFalse(self.Dispute.with_user(outsider).search([]))
        portal = new_test_user(
            self.env, login="fu_dispute_portal", groups="base.group_portal"
        )
        with self.assertRaises(AccessError):
            self.Dispute.with_user(portal).search([])

    # ------------------------------------------------------------------
    # Reasons
    # ------------------------------------------------------------------

    def test_installed_reasons(self):
        reasons = self.env["account.followup.dispute.reason"].search([])
        for key, name in REASONS.items():
            reason = self.env.ref(
                f"account_payment_followup.account_followup_dispute_reason_{key}"
            )
            self.assertIn(reason, reasons)
            self.assertEqual(reason.with_context(lang="en_US").name, name)
        self.assertEqual(len(reasons), 6)

    def test_reason_names_are_translatable(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        reason = self.quality
        self.assertTrue(reason._fields["name"].translate)
        reason.update_field_translations("name", {"fr_FR": "Qualité"})
        self.assertEqual(reason.with_context(lang="fr_FR").name, "Qualité")
        self.assertEqual(reason.with_context(lang="en_US").name, "Quality")
        # the statement's dispute list shows the customer's reason in the user's
        # language
        invoice = self.make_invoice(amount=100)
        dispute = self.dispute_from_invoice(invoice)
        self.assertEqual(dispute.with_context(lang="fr_FR").reason_id.name, "Qualité")
