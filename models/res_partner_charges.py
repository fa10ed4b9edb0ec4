# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Charging what ``account.followup.charge`` computed: the words of each charge,
the draft charge invoice, the entry points on the customer (statement, batch, send
wizard), the daily run's charges at a chosen level, and the charges accrued shown
on the statement, the email and the letter."""

from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..tools import FOLLOWUP_GROUPS


class AccountFollowupCharge(models.Model):
    _inherit = "account.followup.charge"

    # ------------------------------------------------------------------
    # Words
    # ------------------------------------------------------------------

    @api.model
    def _label(self, charge, short=False):
        """What a charge is, in the user's words (the invoice line, the
        statement). ``short``: the statement's "since" wording."""
        move = self.env["account.move"].browse(charge.get("move_id") or [])
        invoice = move.name or ""
        if charge["kind"] == "interest":
            rate = f"{charge['rate']:.2f} %"
            if short:
                return self.env._(
                    "%(invoice)s: interest at %(rate)s a year since %(date)s",
                    invoice=invoice,
                    rate=rate,
                    date=format_date(self.env, charge["date_from"]),
                )
            return self.env._(
                "Late-payment interest on %(invoice)s at %(rate)s a year, "
                "%(date_from)s to %(date_to)s (%(days)s days)",
                invoice=invoice,
                rate=rate,
                date_from=format_date(self.env, charge["date_from"]),
                date_to=format_date(self.env, charge["date_to"]),
                days=charge["days"],
            )
        if charge["kind"] == "compensation":
            return self.env._(
                "Fixed compensation for the late payment of %(invoice)s",
                invoice=invoice,
            )
        reminder = self.env["account.followup.reminder"].browse(charge["reminder_id"])
        return self.env._(
            "Fee of the reminder “%(level)s” of %(date)s",
            level=reminder.sudo().level_id.name or "",
            date=format_date(self.env, charge["date_from"]),
        )

    # ------------------------------------------------------------------
    # Charging
    # ------------------------------------------------------------------

    @api.model
    def _create_invoices(self, partner, charges):
        """The draft customer invoices (one per currency) of ``charges`` for the
        commercial partner ``partner``, and the charge records linking each line
        to what it covers."""
        company = self.env.company
        product = company._followup_charge_product()
        by_currency = defaultdict(list)
        for charge in charges:
            by_currency[charge["currency_id"]].append(charge)
        invoices = self.env["account.move"]
        lang = partner._followup_get_lang()
        labelled = self.with_context(lang=lang)
        for currency_id, group in by_currency.items():
            line_vals = []
            for charge in group:
                vals = {
                    "name": labelled._label(charge),
                    "quantity": 1,
                    "price_unit": charge["amount"],
                    # interest and compensation for paying late are damages, not
                    # the price of a supply: outside the scope of VAT
                    "tax_ids": [Command.clear()],
                }
                if product:
                    vals["product_id"] = product.id
                if company.followup_charge_account_id:
                    vals["account_id"] = company.followup_charge_account_id.id
                line_vals.append(Command.create(vals))
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "currency_id": currency_id,
                    "invoice_date": False,
                    "invoice_origin": self.env._("Late-payment charges"),
                    "invoice_line_ids": line_vals,
                }
            )
            product_lines = invoice.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            ).sorted("sequence")
            vals_list = []
            for charge, line in zip(group, product_lines, strict=True):
                if product:
                    # the product's defaults must not replace the charge's figures
                    line.write(
                        {
                            "name": labelled._label(charge),
                            "price_unit": charge["amount"],
                            "tax_ids": [Command.clear()],
                        }
                    )
                vals_list.append(
                    {
                        "company_id": company.id,
                        "partner_id": partner.id,
                        "kind": charge["kind"],
                        "line_id": charge.get("line_id") or False,
                        "move_id": charge.get("move_id") or False,
                        "reminder_id": charge.get("reminder_id") or False,
                        "date_from": charge.get("date_from") or False,
                        "date_to": charge.get("date_to") or False,
                        "days": charge.get("days") or 0,
                        "rate": charge.get("rate") or 0.0,
                        "currency_id": currency_id,
                        "amount": charge["amount"],
                        "invoice_line_id": line.id,
                    }
                )
            # sudo: the charge records are the addon's bookkeeping of what the
            # invoice just created (by the user, with the user's rights) covers
            self.sudo().create(vals_list)
            invoices |= invoice
        return invoices


class AccountFollowupReminder(models.Model):
    _inherit = "account.followup.reminder"

    fee_amount = fields.Monetary(
        string="Fee",
        readonly=True,
        currency_field="currency_id",
        help="The fee of the level when it was executed: charged once.",
    )


class AccountFollowupExecution(models.AbstractModel):
    _inherit = "account.followup.execution"

    @api.model
    def _reminder_values(self, partner, level, data, rows, origin, partial):
        values = super()._reminder_values(partner, level, data, rows, origin, partial)
        if level.fee_amount and not partial:
            # the fee of the level at the time it was executed (a fee set later
            # never applies to the reminders already sent)
            values["fee_amount"] = level.fee_amount
        return values

    @api.model
    def _execute(self, partners, channels=None, raise_errors=False, **kwargs):
        summary = super()._execute(
            partners, channels=channels, raise_errors=raise_errors, **kwargs
        )
        if kwargs.get("origin") == "cron":
            self._cron_charge(summary["reminders"])
        return summary

    @api.model
    def _cron_charge(self, reminders):
        """The daily run prepares the draft charge invoice of the customers whose
        level executed is the company's charge level or a later one."""
        company = self.env.company
        charge_level = company.followup_charge_level_id
        if not charge_level:
            return
        partners = reminders.filtered(
            lambda r: not r.partial and r.level_id.delay >= charge_level.delay
        ).partner_id
        if not partners:
            return
        result = partners._followup_charge_create(raise_errors=False)
        for partner, message in result["failed"]:
            self._report_failure(partner, message)


class ResPartner(models.Model):
    _inherit = "res.partner"

    followup_charges_html = fields.Html(
        string="Charges for paying late",
        compute="_compute_followup_charges_html",
        sanitize=False,
        groups=FOLLOWUP_GROUPS,
    )
    # (whether the company charges: no figure, readable by whoever sees the form)
    followup_charges_enabled = fields.Boolean(
        string="Charges for paying late on", compute="_compute_followup_charges_enabled"
    )

    @api.depends_context("company")
    def _compute_followup_charges_enabled(self):
        enabled = self.env.company._followup_charges_enabled()
        for partner in self:
            partner.followup_charges_enabled = enabled

    @api.depends_context("company")
    def _compute_followup_charges_html(self):
        company = self.env.company
        enabled = company._followup_charges_enabled()
        for partner in self:
            partner.followup_charges_html = False
        partners = self.filtered("id")
        if not enabled or not partners:
            return
        Charge = self.env["account.followup.charge"]
        charges = Charge._compute(
            company, partner_ids=partners.commercial_partner_id.ids
        )
        by_partner = defaultdict(list)
        for charge in charges:
            by_partner[charge["partner_id"]].append(charge)
        for partner in partners:
            rows = partner._followup_charge_rows(
                by_partner[partner.commercial_partner_id.id]
            )
            if not rows["charges"]:
                partner.followup_charges_html = Markup(
                    "<p class='text-muted'>%s</p>"
                ) % self.env._("Nothing to charge for paying late.")
                continue
            items = Markup("").join(
                Markup("<li>%s: %s</li>") % (row["label"], row["formatted"])
                for row in rows["charges"]
            )
            totals = ", ".join(total["formatted"] for total in rows["totals"])
            partner.followup_charges_html = Markup(
                "<ul class='mb-1'>%s</ul><p><strong>%s</strong></p>"
            ) % (items, self.env._("Total charges: %(total)s", total=totals))

    def _followup_charge_rows(self, charges):
        """The charges as the statement shows them: a label and the amount in its
        currency each, and the total per currency."""
        Charge = self.env["account.followup.charge"]
        totals = defaultdict(float)
        rows = []
        for charge in charges:
            currency = self.env["res.currency"].browse(charge["currency_id"])
            totals[currency] += charge["amount"]
            rows.append(
                dict(
                    charge,
                    label=Charge._label(charge, short=True),
                    currency=currency,
                    formatted=format_amount(self.env, charge["amount"], currency),
                )
            )
        return {
            "charges": rows,
            "totals": [
                {
                    "currency": currency,
                    "amount": amount,
                    "formatted": format_amount(self.env, amount, currency),
                }
                for currency, amount in totals.items()
            ],
        }

    def _followup_charges(self, date=None):
        """What could be charged to the customers of ``self`` for paying late up
        to ``date`` (default today) and was not charged yet, in the current
        company: a list of dicts {"kind": "interest" | "compensation" | "fee",
        "line_id", "amount", "days", "rate"} (plus partner_id, move_id,
        reminder_id, currency_id, date_from, date_to). Interest is in the
        currency of the invoice; compensation and fees in the company's."""
        company = self.env.company
        if not self:
            return []
        return self.env["account.followup.charge"]._compute(
            company, day=date, partner_ids=self.commercial_partner_id.ids
        )

    def action_followup_charge(self):
        """Charge: a draft customer invoice of the charges accrued for each
        customer of ``self``. One customer: its invoice opens (or a warning says
        why there is nothing to charge); several: a summary."""
        self._followup_check_access()
        single = len(self.commercial_partner_id) == 1
        result = self._followup_charge_create(raise_errors=single)
        if single:
            return result["invoices"]._get_records_action(
                name=self.env._("Late-payment charges")
            )
        return self._followup_charge_summary_action(result)

    def _followup_charge_create(self, raise_errors=False):
        """Create the draft charge invoices of the customers of ``self`` (each in
        a savepoint: one customer's failure never stops the others).

        :return: {"invoices", "nothing": [partners], "failed": [(partner, msg)]}
        """
        company = self.env.company
        result = {"invoices": self.env["account.move"], "nothing": [], "failed": []}
        if not company._followup_charges_enabled():
            if raise_errors:
                raise UserError(
                    self.env._(
                        "%(company)s does not charge anything for paying late: "
                        "set the interest, the compensation or the fees in "
                        "Invoicing ▸ Configuration ▸ Settings ▸ Payment "
                        "Follow-ups.",
                        company=company.name,
                    )
                )
            result["nothing"] = list(self.commercial_partner_id)
            return result
        Execution = self.env["account.followup.execution"]
        Charge = self.env["account.followup.charge"]
        for partner in self.commercial_partner_id:
            try:
                with self.env.cr.savepoint():
                    partner._followup_check_company()
                    if not Execution._lock(partner):
                        raise UserError(
                            self.env._(
                                "%(partner)s is being processed by someone else: "
                                "try again in a moment.",
                                partner=partner.display_name,
                            )
                        )
                    charges = partner._followup_charges()
                    if not charges:
                        if raise_errors:
                            raise UserError(
                                partner._followup_nothing_to_charge_message()
                            )
                        result["nothing"].append(partner)
                        continue
                    invoices = Charge._create_invoices(partner, charges)
                    # sudo: a note in the customer's chatter, as the follow-up
                    # execution posts its own (billing users need not be allowed
                    # to edit contacts); the user stays its author
                    partner.sudo().message_post(
                        body=Markup("%s %s")
                        % (
                            self.env._("Late-payment charges prepared:"),
                            Markup(", ").join(
                                invoice._get_html_link() for invoice in invoices
                            ),
                        ),
                        message_type="notification",
                        subtype_xmlid="mail.mt_note",
                    )
                    result["invoices"] |= invoices
            except UserError as error:
                if raise_errors:
                    raise
                result["failed"].append((partner, error.args[0]))
        return result

    def _followup_nothing_to_charge_message(self):
        self.ensure_one()
        company = self.env.company
        if company.followup_charge_b2b_only and not self.is_company:
            return self.env._(
                "Nothing to charge to %(partner)s: the company charges business "
                "customers only, and %(partner)s is an individual.",
                partner=self.display_name,
            )
        return self.env._(
            "Nothing to charge to %(partner)s for paying late: no overdue invoice "
            "bears interest, compensation or a fee that was not charged already.",
            partner=self.display_name,
        )

    def _followup_charge_summary_action(self, result):
        invoices = result["invoices"]
        parts = [
            self.env._("%(count)s draft charge invoice(s) created", count=len(invoices))
        ]
        if result["nothing"]:
            parts.append(
                self.env._(
                    "nothing to charge to %(partners)s",
                    partners=", ".join(p.display_name for p in result["nothing"]),
                )
            )
        for partner, message in result["failed"]:
            parts.append(
                self.env._(
                    "%(partner)s failed: %(message)s",
                    partner=partner.display_name,
                    message=message,
                )
            )
        params = {
            "type": "warning" if result["failed"] else "success",
            "message": "; ".join(parts) + ".",
            "sticky": bool(result["failed"]),
        }
        if invoices:
            params["next"] = invoices._get_records_action(
                name=self.env._("Late-payment charges")
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": params,
        }


class AccountFollowupSend(models.AbstractModel):
    _inherit = "account.followup.send"

    @api.model
    def _statement_values(self, partner, level=None, check_disputes=True):
        """The statement shows the charges accrued when the company charges."""
        values = super()._statement_values(
            partner, level=level, check_disputes=check_disputes
        )
        values["charges"] = []
        values["charges_totals"] = []
        company = self.env.company
        if company._followup_charges_enabled():
            commercial = values["partner"]
            rows = commercial._followup_charge_rows(commercial._followup_charges())
            values["charges"] = rows["charges"]
            values["charges_totals"] = rows["totals"]
        return values
