# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import Form, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupEngine(FollowupCommon):
    """Which lines count, which level a partner is at, and the status search."""

    def totals(self, partner=None):
        partner = partner or self.customer
        partner.invalidate_recordset()
        return partner.followup_total_due, partner.followup_total_overdue

    def followup_notes(self, partner=None):
        """The chatter notes saying a level was done, oldest first."""
        partner = partner or self.customer
        return (
            self.env["mail.message"]
            .search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("body", "ilike", "done"),
                ],
                order="id",
            )
            .filtered(lambda m: "Follow-up level" in m.body)
        )

    def unreconciled_payment(self, amount, pay_date="2026-01-25", partner=None):
        """A customer payment registered but not matched with any invoice."""
        payment = self.env["account.payment"].create(
            {
                "amount": amount,
                "date": pay_date,
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": (partner or self.customer).id,
            }
        )
        if not payment.outstanding_account_id:
            payment.outstanding_account_id = self.company_data[
                "default_journal_bank"
            ].default_account_id
        payment.action_post()
        self.assertTrue(payment.move_id, "the payment must have a journal entry")
        return payment

    # ------------------------------------------------------------------
    # The seeds' scenario and the "never twice" rule
    # ------------------------------------------------------------------

    def test_seed_scenario(self):
        """Invoice 1 Jan due 20 Jan: email on 17 Jan, email + letter on 21 Jan, call
        on 4 Feb, then 24 Feb and 21 Mar; each proposed exactly once."""
        with freeze_time("2026-01-10"):
            invoice = self.make_invoice()
            self.assertEqual(
                self.status(), ("no_action_needed", self.env["account.followup.level"])
            )
        with freeze_time("2026-01-16"):
            self.assertEqual(self.status()[0], "no_action_needed")
        expected = [
            ("2026-01-17", -3, date(2026, 1, 21), {"email"}),
            ("2026-01-21", 1, date(2026, 2, 4), {"email", "letter"}),
            ("2026-02-04", 15, date(2026, 2, 24), {"activity"}),
            ("2026-02-24", 35, date(2026, 3, 21), {"email", "letter", "activity"}),
            # the posted letter replaces the printed one
            ("2026-03-21", 60, False, {"post", "activity"}),
        ]
        line = self.receivable_lines(invoice)
        for day, delay, next_date, channels in expected:
            with freeze_time(day):
                status, level = self.status()
                self.assertEqual(status, "in_need_of_action", day)
                self.assertEqual(level, self.level(delay), day)
                self.assertEqual(set(level._get_channels()), channels, day)
                self.customer.action_followup_process()
                status, level = self.status()
                self.assertNotEqual(status, "in_need_of_action", day)
                self.assertFalse(level)
                self.assertEqual(
                    self.customer.followup_next_action_date, next_date, day
                )
                self.assertEqual(line.followup_level_id, self.level(delay))
                self.assertEqual(line.followup_date, date.fromisoformat(day))
            # the day before the next level, nothing to do
            if next_date:
                eve = next_date - timedelta(days=1)
                with freeze_time(eve):
                    self.assertEqual(
                        self.status()[0],
                        "with_overdue_invoices"
                        if eve > date(2026, 1, 20)
                        else "no_action_needed",
                        day,
                    )
        self.assertEqual(len(self.followup_notes()), 5)

    def test_daily_run_proposes_each_level_once(self):
        """Running the follow-ups every day from the invoice to four months later
        executes each of the five levels exactly once, on its day."""
        with freeze_time("2026-01-01"):
            self.make_invoice()
        executed = []
        day = date(2026, 1, 1)
        while day <= date(2026, 4, 30):
            with freeze_time(day):
                level = self.status()[1]
                if self.status()[0] == "in_need_of_action":
                    executed.append((day, level.delay))
                    self.customer.action_followup_process()
                # a second run on the same day does nothing
                self.assertNotEqual(self.status()[0], "in_need_of_action", day)
            day += timedelta(days=1)
        self.assertEqual(
            executed,
            [
                (date(2026, 1, 17), -3),
                (date(2026, 1, 21), 1),
                (date(2026, 2, 4), 15),
                (date(2026, 2, 24), 35),
                (date(2026, 3, 21), 60),
            ],
        )
        self.assertEqual(len(self.followup_notes()), 5)

    def test_monthly_run_sends_highest_level_once(self):
        """Run once a month: only the highest level reached is sent, the levels
        skipped in between are never sent afterwards, and nothing repeats."""
        with freeze_time("2026-01-01"):
            invoice = self.make_invoice()
        line = self.receivable_lines(invoice)
        mails_before = self.env["mail.mail"].search_count([])
        # 28 Feb: 39 days late, levels -3, 1 and 15 were missed: only 35 runs
        with freeze_time("2026-02-28"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(35)))
            self.customer.action_followup_process()
            self.assertEqual(line.followup_level_id, self.level(35))
            self.assertEqual(self.customer.followup_next_action_date, date(2026, 3, 21))
        self.assertEqual(self.env["mail.mail"].search_count([]) - mails_before, 1)
        self.assertEqual(len(self.followup_notes()), 1)
        self.assertIn(self.level(35).name, self.followup_notes().body)
        # 31 Mar: level 60 reached
        with freeze_time("2026-03-31"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(60)))
            self.customer.action_followup_process()
            self.assertEqual(line.followup_level_id, self.level(60))
        # 30 Apr and later: nothing left to send
        for day in ("2026-04-30", "2026-05-31", "2026-12-31"):
            with freeze_time(day):
                self.assertEqual(self.status()[0], "with_overdue_invoices", day)
                self.assertFalse(self.status()[1], day)
        self.assertEqual(len(self.followup_notes()), 2)
        self.assertEqual(self.env["mail.mail"].search_count([]) - mails_before, 1)

    def test_lines_keep_their_own_level(self):
        """Two invoices at different stages: the partner's level is the highest one
        pending; executing it stamps each line with the level it reached, and the
        next date is when the first of them reaches its next level."""
        with freeze_time("2026-01-01"):
            old = self.make_invoice(due="2026-01-20")
            new = self.make_invoice(invoice_date="2026-02-01", due="2026-02-20")
        with freeze_time("2026-02-18"):
            # old: 29 days late (level 15); new: due in 2 days (level -3)
            self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))
            self.customer.action_followup_process()
            self.assertEqual(
                self.receivable_lines(old).followup_level_id, self.level(15)
            )
            self.assertEqual(
                self.receivable_lines(new).followup_level_id, self.level(-3)
            )
            # new reaches level 1 on 21 Feb, before old reaches 35 on 24 Feb
            self.assertEqual(self.customer.followup_next_action_date, date(2026, 2, 21))
        with freeze_time("2026-02-21"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(1)))
            self.customer.action_followup_process()
            self.assertEqual(
                self.receivable_lines(old).followup_level_id, self.level(15)
            )
            self.assertEqual(
                self.receivable_lines(new).followup_level_id, self.level(1)
            )

    def test_new_invoice_brings_next_date_forward(self):
        """A new invoice posted after a level was done is reminded on its own
        schedule, not only at the old invoice's next level."""
        with freeze_time("2026-01-21"):
            self.make_invoice()
            self.customer.action_followup_process()
            self.assertEqual(self.customer.followup_next_action_date, date(2026, 2, 4))
            self.make_invoice(invoice_date="2026-01-21", due="2026-01-25")
            self.assertEqual(self.customer.followup_next_action_date, date(2026, 1, 22))
        with freeze_time("2026-01-22"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(-3)))

    # ------------------------------------------------------------------
    # Which lines count
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_paid_invoice_does_not_count(self):
        invoice = self.make_invoice()
        self.assertEqual(self.status()[0], "in_need_of_action")
        self.pay(invoice, pay_date=date(2026, 2, 10))
        self.assertEqual(self.status(), ("no_action_needed", self.level(15)[:0]))
        self.assertEqual(self.totals(), (0, 0))

    @freeze_time("2026-02-10")
    def test_partially_paid_invoice_counts_its_residual(self):
        invoice = self.make_invoice(amount=1000)
        self.pay(invoice, amount=400, pay_date=date(2026, 2, 10))
        self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))
        self.assertEqual(self.customer.followup_total_due, 600)
        self.assertEqual(self.customer.followup_total_overdue, 600)

    @freeze_time("2026-02-10")
    def test_excluded_line_never_counts(self):
        invoice = self.make_invoice(amount=1000)
        other = self.make_invoice(amount=300, due="2026-03-31")
        self.receivable_lines(invoice).followup_excluded = True
        self.assertEqual(self.status()[0], "no_action_needed")
        self.assertEqual(self.customer.followup_total_due, 300)
        self.assertEqual(self.customer.followup_total_overdue, 0)
        # shown on the statement all the same
        self.assertIn(self.receivable_lines(invoice), self.customer.followup_line_ids)
        self.assertIn(self.receivable_lines(other), self.customer.followup_line_ids)
        # executing never stamps an excluded line
        self.receivable_lines(other).followup_expected_date = "2026-02-01"
        self.customer.action_followup_process()
        self.assertFalse(self.receivable_lines(invoice).followup_level_id)
        self.assertTrue(self.receivable_lines(other).followup_level_id)

    def test_expected_date_replaces_due_date(self):
        with freeze_time("2026-02-10"):
            invoice = self.make_invoice()
            line = self.receivable_lines(invoice)
            self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))
            line.followup_expected_date = "2026-02-28"
            self.assertEqual(line.followup_reference_date, date(2026, 2, 28))
            self.assertFalse(line.followup_overdue)
            self.assertEqual(self.status()[0], "no_action_needed")
            self.assertEqual(self.customer.followup_total_overdue, 0)
        with freeze_time("2026-02-25"):
            # three days before the expected date: the friendly reminder
            self.assertEqual(self.status(), ("in_need_of_action", self.level(-3)))
        with freeze_time("2026-03-01"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(1)))
            self.assertEqual(self.customer.followup_total_overdue, 1000)

    @freeze_time("2026-02-10")
    def test_draft_and_cancelled_invoices_do_not_count(self):
        self.make_invoice(post=False)
        cancelled = self.make_invoice()
        cancelled.button_draft()
        cancelled.button_cancel()
        self.assertEqual(cancelled.state, "cancel")
        self.assertEqual(self.status()[0], "no_action_needed")
        self.assertEqual(self.customer.followup_total_due, 0)

    @freeze_time("2026-02-10")
    def test_zero_residual_line_does_not_count(self):
        self.make_invoice(amount=0.0)
        self.assertEqual(self.status()[0], "no_action_needed")
        self.assertFalse(
            self.env["account.followup.status"]._get_data(self.customer.ids)
        )

    @freeze_time("2026-02-10")
    def test_no_payment_term_invoice_date_is_due_date(self):
        """Without due date the invoice date is the due date: 1 Feb + 1 day."""
        invoice = self.make_invoice(invoice_date="2026-02-01", due=None)
        line = self.receivable_lines(invoice)
        line.date_maturity = False
        self.assertEqual(line.followup_reference_date, date(2026, 2, 1))
        self.assertEqual(self.status(), ("in_need_of_action", self.level(1)))
        with freeze_time("2026-02-01"):
            # due today: not overdue, the friendly reminder only
            self.assertEqual(self.status(), ("in_need_of_action", self.level(-3)))
            self.assertEqual(self.totals(), (1000, 0))
        with freeze_time("2026-01-28"):
            self.assertEqual(self.status()[0], "no_action_needed")

    @freeze_time("2026-02-10")
    def test_vendor_bill_and_other_company_lines_do_not_count(self):
        self.make_invoice(move_type="in_invoice")
        self.assertEqual(self.status()[0], "no_action_needed")
        other = self.setup_other_company(name="Other Co")["company"]
        self.assertEqual(
            self.customer.with_company(other).followup_status, "no_action_needed"
        )

    @freeze_time("2026-02-10")
    def test_credit_note_reduces_what_is_due(self):
        self.make_invoice(amount=1000)
        self.make_invoice(amount=300, move_type="out_refund")
        self.assertEqual(self.totals(), (700, 700))
        self.assertEqual(self.status()[0], "in_need_of_action")
        # a credit note covering the overdue amount: nothing to remind
        self.make_invoice(amount=200, due="2026-03-31")
        self.make_invoice(amount=700, move_type="out_refund")
        self.assertEqual(self.totals(), (200, 0))
        self.assertEqual(self.status()[0], "no_action_needed")

    @freeze_time("2026-02-10")
    def test_unreconciled_payment_reduces_what_is_due(self):
        self.make_invoice(amount=1000)
        self.make_invoice(amount=500, due="2026-03-31")
        self.unreconciled_payment(400)
        self.assertEqual(self.totals(), (1100, 600))
        self.assertEqual(self.status()[0], "in_need_of_action")
        # paying the overdue amount without matching: nothing to remind
        self.unreconciled_payment(600)
        self.assertEqual(self.totals(), (500, 0))
        self.assertEqual(self.status()[0], "no_action_needed")

    @freeze_time("2026-02-10")
    def test_totals_in_company_currency(self):
        currency = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        if currency == self.company.currency_id:
            currency = self.setup_other_currency("CHF", rates=[("2026-01-01", 2.0)])
        self.make_invoice(amount=1000, currency=currency)
        self.make_invoice(amount=100)
        self.assertEqual(self.customer.followup_total_due, 600)
        self.assertEqual(self.customer.followup_total_overdue, 600)

    # ------------------------------------------------------------------
    # Contacts and companies
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_contact_invoice_counts_for_commercial_partner(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Accounting dept",
                "parent_id": self.customer.id,
                "type": "invoice",
            }
        )
        self.make_invoice(partner=contact)
        self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))
        self.assertEqual(self.status(contact), ("in_need_of_action", self.level(15)))
        Partner = self.env["res.partner"]
        found = Partner.search(
            [
                ("followup_status", "=", "in_need_of_action"),
                ("id", "in", (self.customer | contact).ids),
            ]
        )
        self.assertEqual(found, self.customer | contact)

    @freeze_time("2026-02-10")
    def test_values_per_company(self):
        """The next date, reminder type and responsible are per company."""
        other = self.setup_other_company(name="Other Co")["company"]
        self.customer.write(
            {
                "followup_next_action_date": "2026-03-01",
                "followup_reminder_type": "manual",
                "followup_responsible_id": self.env.user.id,
            }
        )
        in_other = self.customer.with_company(other)
        self.assertFalse(in_other.followup_next_action_date)
        self.assertEqual(in_other.followup_reminder_type, "automatic")
        self.assertFalse(in_other.followup_responsible_id)
        self.assertEqual(
            self.customer.followup_next_action_date, fields.Date.to_date("2026-03-01")
        )
        self.assertEqual(self.customer.followup_reminder_type, "manual")

    @freeze_time("2026-02-10")
    def test_contact_form_new_and_existing(self):
        """The contact form shows the status: creating a contact or a child
        contact, and editing a customer, work and show the right figures."""
        self.make_invoice()
        with Form(self.env["res.partner"]) as new:
            new.name = "Brand new"
            self.assertFalse(new.followup_total_overdue)
        self.assertEqual(new.record.followup_status, "no_action_needed")
        draft = self.env["res.partner"].new({"name": "Draft"})
        self.assertEqual(draft.followup_status, "no_action_needed")
        self.assertFalse(draft.followup_line_ids)
        edited = self.env["res.partner"].new(origin=self.customer)
        self.assertEqual(edited.followup_status, "in_need_of_action")
        self.assertEqual(len(edited.followup_line_ids), 1)
        with Form(self.env["res.partner"]) as child:
            child.name = "Child"
            child.parent_id = self.customer
        self.assertEqual(child.record.followup_status, "in_need_of_action")
        with Form(self.customer) as existing:
            existing.phone = "+32 2 123 45 67"
            self.assertEqual(existing.followup_status, "in_need_of_action")
            self.assertEqual(existing.followup_total_overdue, 1000)

    def test_reminder_type_defaults_to_automatic(self):
        partner = self.env["res.partner"].create({"name": "New customer"})
        self.assertEqual(partner.followup_reminder_type, "automatic")
        self.assertEqual(
            self.env["res.partner"].search_count(
                [
                    ("id", "=", partner.id),
                    ("followup_reminder_type", "=", "automatic"),
                ]
            ),
            1,
        )

    # ------------------------------------------------------------------
    # Search on the status
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_status_search_matches_computed_value(self):
        Partner = self.env["res.partner"]
        in_need = self.customer
        overdue = self.customer2
        nothing = Partner.create({"name": "Nothing due"})
        not_yet = Partner.create({"name": "Not yet due"})
        self.make_invoice(partner=in_need)
        self.make_invoice(partner=overdue)
        self.make_invoice(partner=not_yet, due="2026-03-31")
        overdue.followup_next_action_date = "2026-02-20"
        partners = in_need | overdue | nothing | not_yet
        partners.invalidate_recordset()
        computed = {p: p.followup_status for p in partners}
        self.assertEqual(
            computed,
            {
                in_need: "in_need_of_action",
                overdue: "with_overdue_invoices",
                nothing: "no_action_needed",
                not_yet: "no_action_needed",
            },
        )
        base = [("id", "in", partners.ids)]
        statuses = ["in_need_of_action", "with_overdue_invoices", "no_action_needed"]
        for status in statuses:
            expected = partners.filtered(lambda p, s=status: computed[p] == s)
            self.assertEqual(
                Partner.search(base + [("followup_status", "=", status)]),
                expected,
                f"= {status}",
            )
            self.assertEqual(
                Partner.search(base + [("followup_status", "!=", status)]),
                partners - expected,
                f"!= {status}",
            )
        for values in (
            ["in_need_of_action", "with_overdue_invoices"],
            ["in_need_of_action", "no_action_needed"],
            ["no_action_needed"],
        ):
            expected = partners.filtered(lambda p, v=values: computed[p] in v)
            self.assertEqual(
                Partner.search(base + [("followup_status", "in", values)]),
                expected,
                f"in {values}",
            )
            self.assertEqual(
                Partner.search(base + [("followup_status", "not in", values)]),
                partners - expected,
                f"not in {values}",
            )

    @freeze_time("2026-02-10")
    def test_status_search_per_company(self):
        """The status searched is the one of the current company."""
        other_data = self.setup_other_company(name="Other Co")
        other = other_data["company"]
        invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer2.id,
                    "invoice_date": "2026-01-01",
                    "invoice_date_due": "2026-01-20",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Consulting", "price_unit": 100, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        self.make_invoice(partner=self.customer)
        base = [
            ("id", "in", (self.customer | self.customer2).ids),
            ("followup_status", "=", "in_need_of_action"),
        ]
        self.assertEqual(self.env["res.partner"].search(base), self.customer)
        self.assertEqual(
            self.env["res.partner"].with_company(other).search(base), self.customer2
        )
