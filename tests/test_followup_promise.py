# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupPromise(FollowupCommon):
    """Promises to pay: their items are not followed up until the promised date;
    kept when paid, broken the day after, and a broken promise escalates to the
    next level at once, never repeating one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.responsible = new_test_user(
            cls.env,
            login="fu_promise_controller",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
        )
        cls.customer.followup_responsible_id = cls.responsible
        cls.Promise = cls.env["account.followup.promise"]

    def promise_from_statement(self, delay="1w", partner=None, **values):
        """Record a promise as the statement's button does."""
        partner = partner or self.customer
        action = partner.action_followup_promise()
        self.assertEqual(action["res_model"], "account.followup.promise")
        self.assertEqual(action["target"], "new")
        form = Form(
            self.Promise.with_env(partner.env).with_context(**action["context"]),
            view="account_payment_followup.account_followup_promise_view_form_dialog",
        )
        form.delay = delay
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    # ------------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_statement_form_preselects_open_invoices_and_shortcuts(self):
        first = self.make_invoice(amount=1000, due="2026-01-20")
        second = self.make_invoice(amount=500, due="2026-03-01")
        refund = self.make_invoice(amount=100, move_type="out_refund")
        self.make_invoice(partner=self.customer2, amount=300)
        excluded = self.make_invoice(amount=50)
        self.receivable_lines(excluded).followup_excluded = True
        form = Form(
            self.Promise.with_context(
                **self.customer.action_followup_promise()["context"]
            ),
            view="account_payment_followup.account_followup_promise_view_form_dialog",
        )
        # every counted invoice of the customer (not the credit note, not the
        # excluded line), and their residual as the amount
        self.assertEqual(
            [line.id for line in form.line_ids],
            self.receivable_lines(first | second).ids,
        )
        self.assertEqual(form.amount, 1500)
        self.assertEqual(form.date, date(2026, 2, 17))
        form.delay = "2w"
        self.assertEqual(form.date, date(2026, 2, 24))
        form.delay = "1m"
        self.assertEqual(form.date, date(2026, 3, 10))
        form.delay = "date"
        form.date = date(2026, 2, 20)
        form.line_ids.remove(id=self.receivable_lines(second).id)
        self.assertEqual(form.amount, 1000)
        promise = form.save()
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.source, "internal")
        self.assertEqual(promise.user_id, self.env.user)
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.company_id, self.company)
        self.assertEqual(promise.amount_residual_start, 1000)
        self.assertFalse(refund.line_ids.followup_promise_ids)
        note = self.notes(self.customer)[0]
        self.assertIn("Promise to pay recorded", note.body)
        self.assertIn(first.name, note.body)

    @freeze_time("2026-02-10")
    def test_send_wizard_records_a_promise(self):
        """The send wizard's "Promise to pay" opens the same form, for its
        customer, with the customer's open items and their amount preselected."""
        invoice = self.make_invoice(amount=800, due="2026-01-20")
        wizard = self.env["account.followup.send.wizard"].create(
            {"partner_ids": [Command.set(self.customer.ids)]}
        )
        action = wizard.action_promise()
        self.assertEqual(action["res_model"], "account.followup.promise")
        self.assertEqual(action["target"], "new")
        form = Form(
            self.Promise.with_context(**action["context"]),
            view="account_payment_followup.account_followup_promise_view_form_dialog",
        )
        self.assertEqual(
            [line.id for line in form.line_ids], self.receivable_lines(invoice).ids
        )
        self.assertEqual(form.amount, 800)
        form.delay = "2w"
        promise = form.save()
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.date, date(2026, 2, 24))
        self.assertEqual(self.customer.followup_status, "no_action_needed")
        several = self.env["account.followup.send.wizard"].create(
            {"partner_ids": [Command.set((self.customer | self.customer2).ids)]}
        )
        with self.assertRaisesRegex(UserError, "one customer at a time"):
            several.action_promise()

    @freeze_time("2026-02-10")
    def test_promise_of_a_contact_is_the_company_s(self):
        contact = self.env["res.partner"].create(
            {"name": "Accounts payable", "parent_id": self.customer.id}
        )
        invoice = self.make_invoice(partner=contact)
        promise = self.Promise.create({"partner_id": contact.id, "date": "2026-02-20"})
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.line_ids, self.receivable_lines(invoice))

    @freeze_time("2026-02-10")
    def test_validation_messages(self):
        invoice = self.make_invoice()
        other = self.make_invoice(partner=self.customer2)
        line = self.receivable_lines(invoice)
        with self.assertRaisesRegex(ValidationError, "cannot be dated in the past"):
            self.Promise.create({"partner_id": self.customer.id, "date": "2026-02-09"})
        with self.assertRaisesRegex(ValidationError, "items of another customer"):
            self.Promise.create(
                {
                    "partner_id": self.customer.id,
                    "date": "2026-02-20",
                    "line_ids": [
                        Command.set((line | self.receivable_lines(other)).ids)
                    ],
                }
            )
        nothing_due = self.env["res.partner"].create({"name": "Owes nothing"})
        with self.assertRaisesRegex(ValidationError, "at least one open item"):
            self.Promise.create({"partner_id": nothing_due.id, "date": "2026-02-20"})
        paid = self.make_invoice(partner=nothing_due)
        self.pay(paid, pay_date=date(2026, 2, 10))
        with self.assertRaisesRegex(ValidationError, "at least one open item"):
            self.Promise.create(
                {
                    "partner_id": nothing_due.id,
                    "date": "2026-02-20",
                    "line_ids": [Command.set(self.receivable_lines(paid).ids)],
                }
            )
        with self.assertRaisesRegex(ValidationError, "must be positive"):
            self.Promise.create(
                {"partner_id": self.customer.id, "date": "2026-02-20", "amount": 0}
            )
        with self.assertRaisesRegex(ValidationError, "more than the promised items"):
            self.Promise.create(
                {"partner_id": self.customer.id, "date": "2026-02-20", "amount": 5000}
            )

    @freeze_time("2026-02-10")
    def test_lines_of_another_company_refused(self):
        other_company = self.setup_other_company(name="Other Company")["company"]
        self.env.user.company_ids |= other_company
        foreign = self.make_invoice()
        foreign_promise_values = {
            "partner_id": self.customer.id,
            "date": "2026-02-20",
            "company_id": other_company.id,
            "line_ids": [Command.set(self.receivable_lines(foreign).ids)],
        }
        with self.assertRaises(ValidationError):
            self.Promise.create(foreign_promise_values)

    # ------------------------------------------------------------------
    # The pause
    # ------------------------------------------------------------------

    def test_promise_pauses_followups_up_to_and_including_its_date(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        other = self.make_invoice(amount=200, due="2026-01-20")
        line = self.receivable_lines(invoice)
        with freeze_time("2026-02-10"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))
            promise = self.Promise.create(
                {
                    "partner_id": self.customer.id,
                    "delay": "2w",
                    "line_ids": [Command.set(line.ids)],
                }
            )
            self.assertEqual(promise.date, date(2026, 2, 24))
            # the other invoice still needs its reminder
            self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))
            rows = self.env["account.followup.status"]._get_lines(self.customer)
            row = next(r for r in rows if r["line_id"] == line.id)
            self.assertEqual(row["ref_date"], date(2026, 2, 24))
            self.assertIsNone(row["reached_id"])
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.followup_total_overdue, 200)
            self.assertEqual(self.customer.followup_total_due, 1200)
            # the ORM agrees with the SQL
            line.invalidate_recordset()
            self.assertEqual(line.followup_reference_date, date(2026, 2, 24))
            self.assertEqual(line.followup_promise_date, date(2026, 2, 24))
            self.assertFalse(line.followup_overdue)
            # the other invoice alone is reminded: the reminder covers it only
            self.customer.action_followup_process()
            self.assertEqual(
                self.receivable_lines(other).followup_level_id, self.level(15)
            )
            self.assertFalse(line.followup_level_id)
        with freeze_time("2026-02-24"):
            # the promised day itself: still held back, the daily run sends only
            # the other invoice's reminder (35 days late)
            self.level(35).auto_execute = True
            self.assertEqual(self.Promise._check_promises(), self.Promise)
            self.assertEqual(promise.state, "open")
            self.assertEqual(self.status(), ("in_need_of_action", self.level(35)))
            self.env["account.followup.execution"]._cron_run()
            self.assertFalse(line.followup_level_id)
            self.assertEqual(
                self.receivable_lines(other).followup_level_id, self.level(35)
            )

    @freeze_time("2026-02-10")
    def test_promise_holds_back_levels_before_the_due_date(self):
        # due in two days: the reminder 3 days before the due date is reached
        invoice = self.make_invoice(amount=1000, due="2026-02-12")
        self.assertEqual(self.status(), ("in_need_of_action", self.level(-3)))
        self.Promise.create(
            {
                "partner_id": self.customer.id,
                "date": "2026-02-11",
                "line_ids": [Command.set(self.receivable_lines(invoice).ids)],
            }
        )
        status, level = self.status()
        self.assertEqual(status, "no_action_needed")
        self.assertFalse(level)

    # ------------------------------------------------------------------
    # Kept
    # ------------------------------------------------------------------

    def test_kept_when_paid(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        with freeze_time("2026-02-10"):
            promise = self.promise_from_statement(delay="1w")
            self.pay(invoice, pay_date=date(2026, 2, 12))
            # matching the payment decided it, before any daily run
            self.assertEqual(promise.state, "kept")
            self.assertEqual(promise.amount_paid, 1000)
            note = self.notes(self.customer)[0]
            self.assertIn("Promise to pay kept", note.body)
            self.assertIn("1,000.00", note.body)
        with freeze_time("2026-02-20"):
            # a kept promise never breaks
            self.Promise._check_promises()
            self.assertEqual(promise.state, "kept")

    def test_partial_payment_keeps_it_open_until_the_amount(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        with freeze_time("2026-02-10"):
            promise = self.promise_from_statement(delay="1w")
            self.pay(invoice, amount=400, pay_date=date(2026, 2, 11))
            self.assertEqual(promise.state, "open")
            self.assertEqual(promise.amount_paid, 400)
            note = self.notes(self.customer)[0]
            self.assertIn("Payment received on a promise to pay", note.body)
            self.assertIn("400.00", note.body)
            # still held back by the promise
            self.assertEqual(self.status()[0], "no_action_needed")
            self.pay(invoice, amount=600, pay_date=date(2026, 2, 12))
            self.assertEqual(promise.state, "kept")
            self.assertEqual(promise.amount_paid, 1000)

    def test_partial_promise_kept_when_its_amount_is_paid(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        with freeze_time("2026-02-10"):
            promise = self.promise_from_statement(delay="1w", amount=300)
            self.pay(invoice, amount=300, pay_date=date(2026, 2, 11))
            self.assertEqual(promise.state, "kept")
            # the rest is followed up again from the invoice's own due date
            self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))

    def test_broken_with_partial_payment_says_how_much_was_paid(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        with freeze_time("2026-02-10"):
            promise = self.promise_from_statement(delay="1w")
            self.pay(invoice, amount=250, pay_date=date(2026, 2, 11))
        with freeze_time("2026-02-18"):
            self.Promise._check_promises()
            self.assertEqual(promise.state, "broken")
            note = self.notes(self.customer)[0]
            self.assertIn("Promise to pay broken", note.body)
            self.assertIn("250.00", note.body)

    # ------------------------------------------------------------------
    # Broken, and the escalation
    # ------------------------------------------------------------------

    def test_broken_the_day_after_with_activity_and_escalation(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        line = self.receivable_lines(invoice)
        with freeze_time("2026-01-21"):
            # the first reminder (1 day after the due date) is done
            self.customer.action_followup_process()
            self.assertEqual(line.followup_level_id, self.level(1))
            # the next one is due on 4 February (15 days)
            self.assertEqual(self.customer.followup_next_action_date, date(2026, 2, 4))
        with freeze_time("2026-01-25"):
            promise = self.promise_from_statement(delay="date", date=date(2026, 2, 1))
        with freeze_time("2026-02-01"):
            self.Promise._check_promises()
            self.assertEqual(promise.state, "open")
        with freeze_time("2026-02-02"):
            # 13 days after the due date: the line's own level is still the first
            # one, already done; the broken promise escalates to the next one now
            self.assertEqual(self.status()[0], "with_overdue_invoices")
            self.assertEqual(self.Promise._check_promises(), promise)
            self.assertEqual(promise.state, "broken")
            self.assertTrue(promise.escalation_pending)
            self.assertFalse(self.customer.followup_next_action_date)
            self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))
            activity = self.customer.activity_ids.filtered(
                lambda a: a.summary == "Promise to pay broken"
            )
            self.assertEqual(activity.user_id, self.responsible)
            self.assertIn("Promise to pay broken", self.notes(self.customer)[0].body)
            self.assertIn("Promise to pay broken", self.notes(promise)[0].body)
            # the statement and the Follow-up Reports filter show it
            self.assertEqual(self.customer.followup_promise_ids, promise)
            Partner = self.env["res.partner"]
            self.assertIn(
                self.customer, Partner.search([("followup_promise_broken", "=", True)])
            )
            self.assertNotIn(
                self.customer, Partner.search([("followup_promise_open", "=", True)])
            )
            self.customer.action_followup_process()
            self.assertEqual(line.followup_level_id, self.level(15))
            self.assertFalse(promise.escalation_pending)
            # done: no level is repeated, the next one comes at its own date
            self.assertEqual(self.status()[0], "with_overdue_invoices")
        with freeze_time("2026-02-20"):
            self.assertEqual(self.status()[0], "with_overdue_invoices")
        with freeze_time("2026-02-24"):
            self.assertEqual(self.status(), ("in_need_of_action", self.level(35)))

    def test_escalation_takes_the_higher_level(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        line = self.receivable_lines(invoice)
        with freeze_time("2026-01-21"):
            self.customer.action_followup_process()
        with freeze_time("2026-01-25"):
            promise = self.promise_from_statement(delay="1m")
            self.assertEqual(promise.date, date(2026, 2, 25))
        with freeze_time("2026-02-26"):
            self.Promise._check_promises()
            self.assertEqual(promise.state, "broken")
            # 37 days late: the line reached the 35-day level by itself, higher
            # than the 15-day level that follows the one applied
            self.assertEqual(self.status(), ("in_need_of_action", self.level(35)))
            self.customer.action_followup_process()
            self.assertEqual(line.followup_level_id, self.level(35))
            self.assertEqual(self.status()[0], "with_overdue_invoices")

    def test_escalation_without_a_next_level_repeats_nothing(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        line = self.receivable_lines(invoice)
        line._followup_stamp(self.level(60).id, date(2026, 3, 21))
        with freeze_time("2026-03-25"):
            promise = self.promise_from_statement(delay="1w")
        with freeze_time("2026-04-02"):
            self.Promise._check_promises()
            self.assertEqual(promise.state, "broken")
            # the last level was done already: an activity, no reminder again
            self.assertEqual(self.status()[0], "with_overdue_invoices")
            self.assertTrue(
                self.customer.activity_ids.filtered(
                    lambda a: a.summary == "Promise to pay broken"
                )
            )

    def test_daily_run_checks_promises_first_and_escalates(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        line = self.receivable_lines(invoice)
        self.level(15).auto_execute = True
        with freeze_time("2026-01-21"):
            self.customer.action_followup_process()
        with freeze_time("2026-01-25"):
            promise = self.promise_from_statement(delay="1w")
        with freeze_time("2026-02-01"):
            # the promised day: nothing sent
            self.env["account.followup.execution"]._cron_run()
            self.assertEqual(promise.state, "open")
            self.assertEqual(line.followup_level_id, self.level(1))
        with freeze_time("2026-02-02"):
            self.env["account.followup.execution"]._cron_run()
            self.assertEqual(promise.state, "broken")
            # escalated and executed by the same run
            self.assertEqual(line.followup_level_id, self.level(15))
            self.assertFalse(promise.escalation_pending)
            self.env["account.followup.execution"]._cron_run()
            reminders = self.env["account.followup.reminder"].search(
                [("partner_id", "=", self.customer.id)]
            )
            self.assertEqual(
                reminders.level_id, self.level(1) | self.level(15), "once each"
            )
            self.assertEqual(len(reminders), 2)

    # ------------------------------------------------------------------
    # Cancel
    # ------------------------------------------------------------------

    def test_cancel(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        with freeze_time("2026-02-10"):
            promise = self.promise_from_statement(delay="2w")
            self.assertEqual(self.status()[0], "no_action_needed")
            self.assertIn(
                self.customer,
                self.env["res.partner"].search([("followup_promise_open", "=", True)]),
            )
            promise.action_cancel()
            self.assertEqual(promise.state, "cancelled")
            # back to its own due date, without escalation
            self.assertEqual(self.status(), ("in_need_of_action", self.level(15)))
            self.assertIn("Promise to pay cancelled", self.notes(self.customer)[0].body)
            self.assertFalse(self.customer.followup_promise_ids)
            with self.assertRaisesRegex(UserError, "Only an open promise"):
                promise.action_cancel()
            with self.assertRaisesRegex(UserError, "Only an open promise"):
                promise.line_ids = self.receivable_lines(invoice)
        with freeze_time("2026-03-01"):
            self.Promise._check_promises()
            self.assertEqual(promise.state, "cancelled")

    # ------------------------------------------------------------------
    # Log a note
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_log_note_with_a_date_records_a_promise(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        line = self.receivable_lines(invoice)
        wizard = Form(
            self.env["account.followup.line.note"].with_context(default_line_id=line.id)
        )
        wizard.note = "Will pay after the audit"
        wizard.delay = "2w"
        self.assertTrue(wizard.create_promise)
        self.assertEqual(wizard.promise_amount, 1000)
        wizard.promise_amount = 600
        wizard.save().action_apply()
        promise = line.followup_promise_ids
        self.assertEqual(promise.date, date(2026, 2, 24))
        self.assertEqual(promise.amount, 600)
        self.assertEqual(promise.note, "Will pay after the audit")
        self.assertEqual(promise.state, "open")
        # the promise holds the line, the due date stays the reference after it
        self.assertFalse(line.followup_expected_date)
        self.assertEqual(line.followup_note, "Will pay after the audit")
        self.assertEqual(self.status()[0], "no_action_needed")
        self.assertIn("Will pay after the audit", self.notes(self.customer)[0].body)
        self.assertIn("Will pay after the audit", self.notes(invoice)[0].body)

    @freeze_time("2026-02-10")
    def test_log_note_can_set_only_the_expected_date(self):
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        line = self.receivable_lines(invoice)
        wizard = Form(
            self.env["account.followup.line.note"].with_context(default_line_id=line.id)
        )
        wizard.note = "Pays at the end of the month"
        wizard.delay = "2w"
        wizard.create_promise = False
        wizard.save().action_apply()
        self.assertFalse(line.followup_promise_ids)
        self.assertEqual(line.followup_expected_date, date(2026, 2, 24))

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    @freeze_time("2026-02-10")
    def test_access(self):
        self.make_invoice(amount=1000, due="2026-01-20")
        auditor = new_test_user(
            self.env,
            login="fu_promise_auditor",
            groups="base.group_user,account.group_account_readonly",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        promise = self.promise_from_statement(
            partner=self.customer.with_user(self.responsible)
        )
        self.assertEqual(promise.user_id, self.responsible)
        promise.with_user(self.responsible).action_cancel()
        with self.assertRaises(AccessError):
            self.Promise.with_user(auditor).create(
                {"partner_id": self.customer.id, "date": "2026-02-20"}
            )
        self.assertEqual(self.Promise.with_user(auditor).search([]), promise)
        with self.assertRaises(AccessError):
            promise.with_user(self.responsible).unlink()
        other_company = self.setup_other_company(name="Promise Company B")["company"]
        outsider = new_test_user(
            self.env,
            login="fu_promise_outsider",
            groups="base.group_user,account.group_account_invoice",
            company_id=other_company.id,
            company_ids=other_company.ids,
        )
        self.assertFalse(self.Promise.with_user(outsider).search([]))


@tagged("post_install", "-at_install")
class TestFollowupAnswersQueryCount(FollowupCommon):
    """Promises and disputes keep the status set-based: the status of 10 or of 200
    customers, some with a promise or a dispute, costs the same queries."""

    def make_partners(self, count, prefix):
        """``count`` customers with an invoice line each (one entry for all); a
        third under an open promise, a third in dispute, a few with a broken
        promise escalating."""
        partners = self.env["res.partner"].create(
            [{"name": f"{prefix} {index}"} for index in range(count)]
        )
        receivable = self.company_data["default_account_receivable"]
        revenue = self.company_data["default_account_revenue"]
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "entry",
                    "date": "2026-01-01",
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": receivable.id,
                                "partner_id": partner.id,
                                "debit": 100.0,
                                "date_maturity": "2026-01-20",
                            }
                        ),
                        Command.create({"account_id": revenue.id, "credit": 100.0}),
                    ],
                }
                for partner in partners
            ]
        )
        moves.action_post()
        Promise = self.env["account.followup.promise"]
        reason = self.env.ref(
            "account_payment_followup.account_followup_dispute_reason_price"
        )
        with freeze_time("2026-02-01"):
            promises = Promise.create(
                [
                    {"partner_id": partner.id, "date": "2026-02-20"}
                    for partner in partners[0::3]
                ]
                + [
                    {"partner_id": partner.id, "date": "2026-02-05"}
                    for partner in partners[2::9]
                ]
            )
        self.env["account.followup.dispute"].create(
            [{"move_id": move.id, "reason_id": reason.id} for move in moves[1::3]]
        )
        with freeze_time("2026-02-10"):
            Promise._check_promises()
        self.assertIn("broken", promises.mapped("state"))
        return partners

    def count_queries(self, func, runs=3):
        counts = []
        for _run in range(runs):
            self.env.invalidate_all()
            self.env.cr.cache.clear()
            before = self.env.cr.sql_log_count
            result = func()
            counts.append(self.env.cr.sql_log_count - before)
        return min(counts), result

    @freeze_time("2026-02-10")
    def test_status_queries_do_not_grow_with_partners(self):
        small = self.make_partners(10, "Small")
        large = self.make_partners(200, "Large")
        Status = self.env["account.followup.status"]

        def read_status(partners):
            return lambda: [
                (p.followup_status, p.followup_level_id.id, p.followup_total_due)
                for p in partners.with_env(self.env)
            ]

        read_status(small)()
        small_count, small_values = self.count_queries(read_status(small))
        large_count, large_values = self.count_queries(read_status(large))
        self.assertLessEqual(
            abs(large_count - small_count), 2, (small_count, large_count)
        )
        self.assertLessEqual(small_count, 10)
        self.assertEqual(
            [status for status, _level, _due in large_values[:3]],
            [
                "no_action_needed",  # promised until 20 February
                "no_action_needed",  # in dispute
                "in_need_of_action",  # promise broken on the 6th
            ],
        )
        self.assertEqual(large_values[2][1], self.level(15).id)
        self.assertEqual(large_values[5][:2], ("in_need_of_action", self.level(15).id))
        self.assertEqual(large_values[1][2], 0.0, "a disputed invoice is not due")
        small_count, _ = self.count_queries(lambda: Status._get_data(small.ids))
        large_count, _ = self.count_queries(lambda: Status._get_data(large.ids))
        self.assertLessEqual(abs(large_count - small_count), 2)
        Partner = self.env["res.partner"]
        for fname in (
            "followup_promise_open",
            "followup_promise_broken",
            "followup_in_dispute",
        ):
            small_count, _ = self.count_queries(
                lambda f=fname: Partner.search(
                    [(f, "=", True), ("id", "in", small.ids)]
                )
            )
            large_count, found = self.count_queries(
                lambda f=fname: Partner.search(
                    [(f, "=", True), ("id", "in", large.ids)]
                )
            )
            self.assertLessEqual(abs(large_count - small_count), 2, fname)
            self.assertTrue(found, fname)
