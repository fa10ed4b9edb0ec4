# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command, http

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class FollowupCommon(AccountTestInvoicingCommon):
    """Customers, invoices and the default plan, at fixed dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.partner_id.write(
            {"street": "1 Main Street", "city": "Brussels", "zip": "1000", "tz": "UTC"}
        )
        cls.env.user.tz = "UTC"
        cls.levels = cls.env["account.followup.level"].search(
            [("company_id", "=", cls.company.id)], order="delay"
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Customer One",
                "email": "one@example.com",
                "street": "12 Rue Haute",
                "city": "Liège",
                "zip": "4000",
                "country_id": cls.env.ref("base.be").id,
                "mobile": "+32 470 12 34 56",
            }
        )
        cls.customer2 = cls.env["res.partner"].create(
            {
                "name": "Customer Two",
                "email": "two@example.com",
                "street": "3 Market Square",
                "city": "Ghent",
                "zip": "9000",
                "country_id": cls.env.ref("base.be").id,
            }
        )

    @classmethod
    def setup_other_company(cls, **kwargs):
        """Other companies count their days in UTC too, like the main one: the
        tests freeze time at midnight UTC (a company of another country would be in
        that country's zone, see res.company._followup_today)."""
        company_data = super().setup_other_company(**kwargs)
        company_data["company"].partner_id.tz = "UTC"
        return company_data

    @classmethod
    def level(cls, delay):
        return cls.levels.filtered(lambda lvl: lvl.delay == delay)

    def make_invoice(
        self,
        partner=None,
        amount=1000.0,
        invoice_date="2026-01-01",
        due="2026-01-20",
        move_type="out_invoice",
        post=True,
        currency=None,
    ):
        partner = partner or self.customer
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "currency_id": (currency or self.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Consulting",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if due is None:
            move.invoice_date_due = False
        if post:
            move.action_post()
        return move

    def pay(self, invoice, amount=None, pay_date=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": amount if amount is not None else invoice.amount_residual,
                    "payment_date": pay_date or date(2026, 1, 15),
                }
            )
        )
        return wizard._create_payments()

    def post_receivables(self, partners, due="2026-01-10"):
        """One journal entry with a receivable line per partner (fast: one move)."""
        data = self.company_data
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": data["default_journal_misc"].id,
                "date": "2026-01-01",
                "line_ids": [
                    Command.create(
                        {
                            "account_id": data["default_account_receivable"].id,
                            "partner_id": partner.id,
                            "debit": 100.0 + index,
                            "date_maturity": due,
                        }
                    )
                    for index, partner in enumerate(partners)
                ]
                + [
                    Command.create(
                        {
                            "account_id": data["default_account_revenue"].id,
                            "credit": sum(100.0 + i for i in range(len(partners))),
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def count_queries(self, func, runs=3):
        """Queries of ``func`` from what a new request starts from, the fewest of a
        few runs: one-off refills of Odoo's caches (ir.default, access rules,
        registry caches cleared by writing moves...) would otherwise land on
        whichever run comes first, while a loop per partner costs its queries on
        every run. ``(queries, result)``."""
        counts = []
        for _run in range(runs):
            self.env.invalidate_all()
            # the status search keeps its result in the cursor's cache (see
            # account.followup.status._partner_ids_with_status)
            self.env.cr.cache.clear()
            before = self.env.cr.sql_log_count
            result = func()
            counts.append(self.env.cr.sql_log_count - before)
        return min(counts), result

    def execute(self, partners, **kwargs):
        """Execute the follow-ups of ``partners`` as a batch does (failures
        reported on the partners): the execution service's summary."""
        return self.env["account.followup.execution"]._execute(partners, **kwargs)

    def reminder_ids(self, partners):
        """Ids of the reminder records of ``partners`` (their emails and SMS are
        posted on them)."""
        return (
            self.env["account.followup.reminder"]
            .sudo()
            .search([("partner_id", "in", partners.commercial_partner_id.ids)])
            .ids
        )

    def payment_term(
        self, name="Half now, half in a month", shares=((50, 0), (50, 30))
    ):
        """A payment term in instalments: ``shares`` of (percent, days)."""
        return self.env["account.payment.term"].create(
            {
                "name": name,
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": percent, "nb_days": days}
                    )
                    for percent, days in shares
                ],
            }
        )

    def status(self, partner=None):
        """The follow-up status and level of ``partner`` (default: the customer),
        computed again."""
        partner = partner or self.customer
        partner.invalidate_recordset()
        return partner.followup_status, partner.followup_level_id

    def notes(self, record):
        """Notes (not emails) logged on ``record``, newest first."""
        return self.env["mail.message"].search(
            [
                ("model", "=", record._name),
                ("res_id", "=", record.id),
                ("message_type", "=", "notification"),
            ],
            order="id desc",
        )

    def receivable_lines(self, moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )


def warm_up_http_statics():
    """Read the addons' manifests for the HTTP server in the test's own thread.

    The server reads them lazily at the first request for a static file. Done in
    the server's thread while a tour starts, CPython 3.11.7's parser can fail with
    "SystemError: AST constructor recursion depth mismatch" (a CPython bug fixed in
    later 3.11 releases), which then fails the tour at random."""
    return http.root.statics  # a lazy property: reading it fills it
