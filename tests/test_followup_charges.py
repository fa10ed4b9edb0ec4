# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time
from lxml import html

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import FollowupCommon

LETTER = "account_payment_followup.report_followup_letter"


@tagged("post_install", "-at_install")
class TestFollowupCharges(FollowupCommon):
    """Interest, fixed compensation and level fees for paying late: what could be
    charged, and never charged twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the law's scope: business customers
        (cls.customer | cls.customer2).is_company = True
        cls.Charge = cls.env["account.followup.charge"]

    def setUp(self):
        super().setUp()
        # off by default: each test switches on what it checks
        self.company.write(
            {
                "followup_interest_type": "none",
                "followup_compensation_amount": 0.0,
            }
        )

    def fixed(self, rate=12.0):
        self.company.write(
            {"followup_interest_type": "fixed", "followup_interest_rate": rate}
        )

    def charges(self, partner=None, **kwargs):
        return (partner or self.customer)._followup_charges(**kwargs)

    def simple(self, charges):
        return [
            (c["kind"], c["amount"], c["days"], round(c["rate"], 4)) for c in charges
        ]

    def charge(self, partner=None):
        """Charge as the statement's button does: the draft invoice."""
        action = (partner or self.customer).action_followup_charge()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.state, "draft")
        return invoice

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------

    def test_off_by_default_and_defaults(self):
        company = self.env["res.company"].create(
            {"name": "Charges Off Co", "currency_id": self.env.ref("base.USD").id}
        )
        self.assertEqual(company.followup_interest_type, "none")
        self.assertEqual(company.followup_interest_margin, 8.0)
        self.assertEqual(company.followup_compensation_amount, 0.0)
        self.assertTrue(company.followup_charge_b2b_only)
        self.assertFalse(company.followup_charge_level_id)
        self.assertEqual(
            company.followup_charge_product_id,
            self.env.ref("account_payment_followup.product_followup_charges"),
        )
        self.assertFalse(any(company.followup_level_ids.mapped("fee_amount")))
        self.assertFalse(company._followup_charges_enabled())
        # a company outside the euro area starts with an empty table
        self.assertFalse(company.followup_reference_rate_ids)

    def test_euro_company_gets_the_ecb_reference_rates(self):
        """The Directive's reference rate: the ECB main refinancing rate in force
        on 1 January / 1 July (21 Dec 2022 2.50, 21 Jun 2023 4.00, 20 Sep 2023
        4.50, 12 Jun 2024 4.25, 18 Dec 2024 3.15, 11 Jun 2025 2.15)."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        company = self.env["res.company"].create(
            {"name": "Euro Co", "currency_id": eur.id}
        )
        rates = company.followup_reference_rate_ids.sorted("date_from")
        self.assertEqual(
            [(r.date_from.isoformat(), r.rate) for r in rates],
            [
                ("2023-01-01", 2.50),
                ("2023-07-01", 4.00),
                ("2024-01-01", 4.50),
                ("2024-07-01", 4.25),
                ("2025-01-01", 3.15),
                ("2025-07-01", 2.15),
            ],
        )

    @freeze_time("2026-02-14")
    def test_nothing_when_off(self):
        self.make_invoice(amount=1000, due="2026-01-20")
        self.assertEqual(self.charges(), [])
        with self.assertRaisesRegex(UserError, "does not charge anything"):
            self.customer.action_followup_charge()

    # ------------------------------------------------------------------
    # Interest
    # ------------------------------------------------------------------

    @freeze_time("2026-02-14")
    def test_fixed_rate(self):
        """1000 due on 20/01, 12 % a year, on 14/02: 25 days (21/01-14/02),
        1000 x 12 / 100 x 25 / 365 = 8.219 -> 8.22."""
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        self.fixed(12.0)
        charges = self.charges()
        self.assertEqual(self.simple(charges), [("interest", 8.22, 25, 12.0)])
        line = self.receivable_lines(invoice)
        self.assertEqual(charges[0]["line_id"], line.id)
        self.assertEqual(charges[0]["date_from"], date(2026, 1, 21))
        self.assertEqual(charges[0]["date_to"], date(2026, 2, 14))
        # up to a chosen date: 10 days (21/01-30/01): 1000 x 0.12 x 10 / 365 = 3.29
        self.assertEqual(
            self.simple(self.charges(date=date(2026, 1, 30))),
            [("interest", 3.29, 10, 12.0)],
        )
        # not overdue yet on the due date itself
        self.assertEqual(self.charges(date=date(2026, 1, 20)), [])

    @freeze_time("2025-07-10")
    def test_reference_rate_changes_mid_period(self):
        """1000 due on 20/06/2025, reference rate 3.15 from 01/01/2025 and 2.15
        from 01/07/2025, margin 8:
        21/06-30/06: 10 days at 11.15 %: 1000 x 11.15 / 100 x 10 / 365 = 3.055 -> 3.05
        01/07-10/07: 10 days at 10.15 %: 1000 x 10.15 / 100 x 10 / 365 = 2.781 -> 2.78
        """
        self.make_invoice(amount=1000, invoice_date="2025-06-01", due="2025-06-20")
        self.env["account.followup.reference.rate"].create(
            [
                {
                    "company_id": self.company.id,
                    "date_from": "2025-01-01",
                    "rate": 3.15,
                },
                {
                    "company_id": self.company.id,
                    "date_from": "2025-07-01",
                    "rate": 2.15,
                },
            ]
        )
        self.company.followup_interest_type = "reference"
        charges = self.charges()
        self.assertEqual(
            self.simple(charges),
            [("interest", 3.05, 10, 11.15), ("interest", 2.78, 10, 10.15)],
        )
        self.assertEqual(charges[1]["date_from"], date(2025, 7, 1))

    @freeze_time("2026-02-09")
    def test_partial_payment_mid_period(self):
        """1000 due on 20/01 at 10 %, 400 paid on 31/01 (lowers the residual from
        that day on):
        21/01-30/01: 10 days on 1000: 1000 x 0.10 x 10 / 365 = 2.7397
        31/01-09/02: 10 days on 600:   600 x 0.10 x 10 / 365 = 1.6438
        total 4.3836 -> 4.38, over 20 days at one rate."""
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        self.pay(invoice, amount=400, pay_date=date(2026, 1, 31))
        self.fixed(10.0)
        self.assertEqual(self.simple(self.charges()), [("interest", 4.38, 20, 10.0)])

    @freeze_time("2026-02-14")
    def test_foreign_currency(self):
        """An invoice of 1000 EUR (2 EUR per company unit), 12 %, 25 days:
        interest computed and charged in euros, 1000 x 0.12 x 25 / 365 = 8.22 EUR."""
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        self.make_invoice(amount=1000, due="2026-01-20", currency=eur)
        self.fixed(12.0)
        charges = self.charges()
        self.assertEqual(self.simple(charges), [("interest", 8.22, 25, 12.0)])
        self.assertEqual(charges[0]["currency_id"], eur.id)
        invoice = self.charge()
        self.assertEqual(invoice.currency_id, eur)
        self.assertEqual(invoice.amount_total, 8.22)

    # ------------------------------------------------------------------
    # Compensation and fees
    # ------------------------------------------------------------------

    @freeze_time("2026-02-14")
    def test_compensation_once_per_invoice(self):
        """40 per overdue invoice: two overdue invoices -> 80; the invoice not due
        yet, and the charge invoice itself once overdue, get none."""
        first = self.make_invoice(amount=1000, due="2026-01-20")
        second = self.make_invoice(amount=300, due="2026-02-01")
        self.make_invoice(amount=500, due="2026-03-01")
        self.company.followup_compensation_amount = 40.0
        charges = self.charges()
        self.assertEqual(
            sorted((c["move_id"], c["amount"]) for c in charges),
            sorted([(first.id, 40.0), (second.id, 40.0)]),
        )
        invoice = self.charge()
        self.assertEqual(invoice.amount_total, 80.0)
        self.assertFalse(invoice.invoice_line_ids.tax_ids)
        self.assertEqual(
            invoice.invoice_line_ids.product_id,
            self.env.ref("account_payment_followup.product_followup_charges"),
        )
        self.assertIn(first.name, invoice.invoice_line_ids[0].name)
        invoice.invoice_date_due = "2026-02-14"
        invoice.action_post()
        with freeze_time("2026-04-01"):
            # the third invoice is overdue now; the charge invoice is not charged
            self.assertEqual(
                [(c["kind"], c["amount"]) for c in self.charges()],
                [("compensation", 40.0)],
            )

    @freeze_time("2026-01-25")
    def test_fee_once_per_level_execution(self):
        """Level "First reminder" with a fee of 5: executing it once charges 5
        once; a reminder sent before the fee was set bears none."""
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        self.execute(self.customer)
        first_reminder = self.env["account.followup.reminder"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(first_reminder), 1)
        self.assertEqual(self.charges(), [], "the fee was not set when it went")
        self.level(1).fee_amount = 5.0
        other = self.make_invoice(self.customer2, amount=200, due="2026-01-20")
        self.execute(self.customer2)
        charges = self.charges(self.customer2)
        self.assertEqual(self.simple(charges), [("fee", 5.0, 0, 0.0)])
        self.assertEqual(charges[0]["line_id"], self.receivable_lines(other).id)
        invoice = self.charge(self.customer2)
        self.assertEqual(invoice.amount_total, 5.0)
        self.assertIn("First reminder", invoice.invoice_line_ids.name)
        self.assertEqual(self.charges(self.customer2), [])
        self.assertTrue(invoice)

    # ------------------------------------------------------------------
    # What bears nothing
    # ------------------------------------------------------------------

    @freeze_time("2026-02-14")
    def test_disputed_and_excluded_lines(self):
        """Only the third invoice (1000, 12 %, 25 days: 8.22, compensation 40)
        bears charges: the disputed and the excluded ones bear none."""
        disputed = self.make_invoice(amount=700, due="2026-01-20")
        excluded = self.make_invoice(amount=800, due="2026-01-20")
        normal = self.make_invoice(amount=1000, due="2026-01-20")
        self.env["account.followup.dispute"].create(
            {
                "move_id": disputed.id,
                "reason_id": self.env.ref(
                    "account_payment_followup.account_followup_dispute_reason_quality"
                ).id,
            }
        )
        self.receivable_lines(excluded).followup_excluded = True
        self.fixed(12.0)
        self.company.followup_compensation_amount = 40.0
        charges = self.charges()
        self.assertEqual(
            sorted((c["kind"], c["move_id"], c["amount"]) for c in charges),
            [("compensation", normal.id, 40.0), ("interest", normal.id, 8.22)],
        )

    @freeze_time("2026-02-14")
    def test_individuals_are_left_out(self):
        """B2B only (default): an individual gets nothing; charged when the
        company charges everyone (8.22 as in the fixed-rate case)."""
        person = self.env["res.partner"].create({"name": "Ann Person"})
        self.make_invoice(person, amount=1000, due="2026-01-20")
        self.fixed(12.0)
        self.assertEqual(self.charges(person), [])
        with self.assertRaisesRegex(UserError, "business customers only"):
            person.action_followup_charge()
        self.company.followup_charge_b2b_only = False
        self.assertEqual(
            self.simple(self.charges(person)), [("interest", 8.22, 25, 12.0)]
        )

    # ------------------------------------------------------------------
    # Never twice
    # ------------------------------------------------------------------

    def test_never_twice_draft_posted_then_paid(self):
        """14/02: 25 days, 8.22 charged. Posted and paid: nothing more that day.
        24/02: only 15/02-24/02, 10 days: 1000 x 0.12 x 10 / 365 = 3.29."""
        with freeze_time("2026-02-14"):
            self.make_invoice(amount=1000, due="2026-01-20")
            self.fixed(12.0)
            first = self.charge()
            self.assertEqual(first.amount_total, 8.22)
            self.assertEqual(self.charges(), [])
            with self.assertRaisesRegex(UserError, "Nothing to charge"):
                self.customer.action_followup_charge()
            first.action_post()
            self.pay(first, pay_date=date(2026, 2, 14))
            self.assertEqual(self.charges(), [])
        with freeze_time("2026-02-24"):
            charges = self.charges()
            self.assertEqual(self.simple(charges), [("interest", 3.29, 10, 12.0)])
            self.assertEqual(charges[0]["date_from"], date(2026, 2, 15))
            second = self.charge()
            self.assertEqual(second.amount_total, 3.29)
            self.assertEqual(self.charges(), [])

    @freeze_time("2026-02-14")
    def test_cancelled_charge_invoice_frees_what_it_covered(self):
        """A cancelled draft frees its 25 days (8.22): the next one charges them
        again, once; a deleted draft frees them too."""
        self.make_invoice(amount=1000, due="2026-01-20")
        self.fixed(12.0)
        first = self.charge()
        first.button_cancel()
        self.assertEqual(self.simple(self.charges()), [("interest", 8.22, 25, 12.0)])
        second = self.charge()
        self.assertEqual(second.amount_total, 8.22)
        self.assertEqual(self.charges(), [])
        covered = self.Charge.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(covered.invoice_id, first | second)
        second.unlink()
        self.assertEqual(self.simple(self.charges()), [("interest", 8.22, 25, 12.0)])

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @freeze_time("2026-02-14")
    def test_batch_one_bad_customer_never_stops_the_others(self):
        self.make_invoice(amount=1000, due="2026-01-20")
        self.make_invoice(self.customer2, amount=1000, due="2026-01-20")
        person = self.env["res.partner"].create({"name": "Ann Person"})
        self.make_invoice(person, amount=1000, due="2026-01-20")
        self.fixed(12.0)
        action = (self.customer | self.customer2 | person).action_followup_charge()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("2 draft charge invoice(s) created", action["params"]["message"])
        self.assertIn("nothing to charge to Ann Person", action["params"]["message"])
        invoices = self.Charge.search([]).invoice_id
        self.assertEqual(invoices.partner_id, self.customer | self.customer2)

    @freeze_time("2026-01-25")
    def test_send_wizard_charges_during_send(self):
        """Send with "Charge late-payment fees": the draft has the level's fee
        (5) and the interest of 21/01-25/01 (5 days: 1000 x 0.12 x 5 / 365 =
        1.64)."""
        self.make_invoice(amount=1000, due="2026-01-20")
        self.fixed(12.0)
        self.level(1).fee_amount = 5.0
        wizard = Form(
            self.env["account.followup.send.wizard"].with_context(
                active_model="res.partner", active_ids=self.customer.ids
            )
        )
        self.assertTrue(wizard.charge_available)
        wizard.charge_fees = True
        wizard.save().action_send()
        charges = self.Charge.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            sorted((c.kind, c.amount) for c in charges),
            [("fee", 5.0), ("interest", 1.64)],
        )
        self.assertEqual(charges.invoice_id.state, "draft")

    @freeze_time("2026-01-25")
    def test_daily_run_charges_at_the_chosen_level(self):
        """The daily run executes "First reminder" (auto): with it as the charge
        level, a draft of 1.64 (5 days at 12 %) is prepared; without, none."""
        self.make_invoice(amount=1000, due="2026-01-20")
        self.make_invoice(self.customer2, amount=1000, due="2026-01-20")
        self.fixed(12.0)
        self.execute(self.customer2, origin="cron")
        self.assertFalse(self.Charge.search([]))
        self.company.followup_charge_level_id = self.level(1)
        self.execute(self.customer, origin="cron")
        charges = self.Charge.search([])
        self.assertEqual(charges.partner_id, self.customer)
        self.assertEqual(charges.amount, 1.64)
        self.assertEqual(charges.invoice_id.state, "draft")

    # ------------------------------------------------------------------
    # What the customer reads
    # ------------------------------------------------------------------

    @freeze_time("2026-02-14")
    def test_statement_email_and_letter_show_the_charges(self):
        """12 % since 21/01/2026 on 1000: 8.22."""
        invoice = self.make_invoice(amount=1000, due="2026-01-20")
        statement = self.customer._followup_render_statement()
        self.assertNotIn("o_followup_charges", str(statement), "off: nothing shown")
        self.fixed(12.0)
        statement = html.fromstring(str(self.customer._followup_render_statement()))
        rows = statement.xpath("//table[hasclass('o_followup_charges')]/tbody/tr")
        self.assertEqual(len(rows), 1)
        text = " ".join(rows[0].text_content().split())
        self.assertIn(invoice.name, text)
        self.assertIn("interest at 12.00 % a year since 01/21/2026", text)
        self.assertIn("8.22", text)
        content, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            LETTER, self.customer.ids
        )
        letter = html.fromstring(content)
        total = letter.xpath("//td[hasclass('o_followup_charges_total')]")
        self.assertEqual(len(total), 1)
        self.assertIn("8.22", total[0].text_content())
        self.customer.invalidate_recordset()
        self.assertIn("8.22", str(self.customer.followup_charges_html))

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    @freeze_time("2026-02-14")
    def test_billing_user_charges_other_company_invisible(self):
        self.make_invoice(amount=1000, due="2026-01-20")
        self.fixed(12.0)
        billing = new_test_user(
            self.env,
            login="fu_charge_billing",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        action = self.customer.with_user(billing).action_followup_charge()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.amount_total, 8.22)
        self.assertEqual(self.Charge.with_user(billing).search([]).invoice_id, invoice)
        # another company's rates and charges are invisible
        other = self.setup_other_company(name="Charges Other Co")["company"]
        rate = self.env["account.followup.reference.rate"].create(
            {"company_id": other.id, "date_from": "2025-01-01", "rate": 3.0}
        )
        Rate = self.env["account.followup.reference.rate"].with_user(billing)
        self.assertNotIn(rate, Rate.search([]))
        # only administrators change the reference rates
        with self.assertRaises(AccessError):
            Rate.create({"date_from": "2026-01-01", "rate": 1.0})
        # nobody but a billing user charges
        salesman = new_test_user(
            self.env,
            login="fu_charge_user",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        with self.assertRaises(AccessError):
            self.customer.with_user(salesman).action_followup_charge()

    def test_product_lines_keep_their_figures(self):
        """The product's price and taxes never replace a charge's amount."""
        product = self.env.ref("account_payment_followup.product_followup_charges")
        product.write(
            {"list_price": 99.0, "taxes_id": [Command.set(self.tax_sale_a.ids)]}
        )
        with freeze_time("2026-02-14"):
            self.make_invoice(amount=1000, due="2026-01-20")
            self.fixed(12.0)
            invoice = self.charge()
        self.assertEqual(invoice.invoice_line_ids.price_unit, 8.22)
        self.assertFalse(invoice.invoice_line_ids.tax_ids)
        self.assertEqual(invoice.amount_total, 8.22)
