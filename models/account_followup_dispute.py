# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class AccountFollowupDisputeReason(models.Model):
    """Why a customer disputes an invoice (price, quality...)."""

    _name = "account.followup.dispute.reason"
    _description = "Dispute Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)


class AccountFollowupDispute(models.Model):
    """The customer disputes an invoice.

    While the dispute is open, every receivable line of the invoice is out of the
    follow-ups exactly like an excluded line (the status query leaves them out: no
    level, not in the totals), and the statement, email and letter show them as
    disputed. Resolving puts them back with the levels already applied to them, so
    that nothing is sent twice.
    """

    _name = "account.followup.dispute"
    _description = "Invoice Dispute"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"
    _rec_names_search = ["move_id", "partner_id"]

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_receipt')), "
        "('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        index=True,
        precompute=True,
        help="The commercial partner of the invoice (of its receivable lines for a "
        "journal entry).",
    )
    company_id = fields.Many2one(
        "res.company",
        related="move_id.company_id",
        store=True,
        index=True,
        precompute=True,
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_residual = fields.Monetary(
        related="move_id.amount_residual", string="Amount due"
    )
    invoice_date_due = fields.Date(related="move_id.invoice_date_due")
    reason_id = fields.Many2one(
        "account.followup.dispute.reason",
        required=True,
        tracking=True,
        ondelete="restrict",
    )
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        required=True,
        default="open",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Who sorts it out with the customer; by default, the customer's "
        "follow-up responsible.",
    )
    description = fields.Text(help="What the customer says is wrong.")
    date = fields.Date(
        string="Opened on",
        required=True,
        readonly=True,
        default=lambda self: self.env.company._followup_today(),
    )
    resolution_note = fields.Text(string="Resolution", tracking=True)
    date_resolved = fields.Date(string="Resolved on", readonly=True, copy=False)
    age = fields.Integer(
        string="Age (days)",
        compute="_compute_age",
        help="Days since the dispute was opened (until it was resolved).",
    )

    @api.depends("move_id")
    def _compute_partner_id(self):
        for dispute in self:
            move = dispute.move_id
            dispute.partner_id = (
                move.commercial_partner_id
                or move.line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                ).partner_id.commercial_partner_id[:1]
            )

    @api.depends("partner_id")
    def _compute_user_id(self):
        for dispute in self:
            if dispute.user_id or not dispute.move_id:
                continue
            partner = dispute.partner_id.with_company(dispute.move_id.company_id)
            # sudo: the default owner is the follow-up responsible of the customer,
            # a follow-up field the user may not read on contacts of other teams
            responsible = partner.sudo().followup_responsible_id
            dispute.user_id = (
                responsible
                if responsible and responsible.active and not responsible.share
                else self.env.user
            )

    @api.depends("date", "date_resolved", "state")
    def _compute_age(self):
        today = self.env.company._followup_today()
        for dispute in self:
            end = dispute.date_resolved or today
            dispute.age = (end - dispute.date).days if dispute.date else 0

    @api.depends("move_id", "reason_id")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = " - ".join(
                name
                for name in (dispute.move_id.display_name, dispute.reason_id.name)
                if name
            )

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    @api.constrains("move_id", "state")
    def _check_move(self):
        for dispute in self.filtered(lambda d: d.state == "open"):
            move = dispute.move_id
            if move.company_id not in self.env.companies:
                raise ValidationError(
                    self.env._(
                        "%(invoice)s belongs to the company %(company)s: switch to "
                        "that company to record the dispute.",
                        invoice=move.display_name,
                        company=move.company_id.name,
                    )
                )
            if move.state != "posted" or not move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ):
                raise ValidationError(
                    self.env._(
                        "Only a posted customer invoice can be disputed "
                        "(%(invoice)s is not one).",
                        invoice=move.display_name,
                    )
                )
            open_lines = move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
                and not line.reconciled
                and not line.company_currency_id.is_zero(line.amount_residual)
            )
            if not open_lines:
                raise ValidationError(
                    self.env._(
                        "%(invoice)s is already paid: there is nothing left to "
                        "dispute.",
                        invoice=move.display_name,
                    )
                )
            other = self.search_count(
                [
                    ("move_id", "=", move.id),
                    ("state", "=", "open"),
                    ("id", "!=", dispute.id),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "%(invoice)s is already in dispute: see the open dispute.",
                        invoice=move.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Opening and resolving
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        for dispute in disputes:
            dispute._log(
                self.env._("Invoice disputed"),
                self.env._(
                    "%(invoice)s is in dispute (%(reason)s): it is left out of the "
                    "follow-ups until the dispute is resolved.",
                    invoice=dispute.move_id.display_name,
                    reason=dispute.reason_id.name,
                ),
                dispute.description,
            )
        return disputes

    def write(self, vals):
        if "move_id" in vals and any(d.move_id.id != vals["move_id"] for d in self):
            raise UserError(
                self.env._(
                    "The invoice of a dispute cannot be changed: resolve it and open "
                    "a dispute on the other invoice."
                )
            )
        return super().write(vals)

    def action_resolve(self):
        """Put the invoice back into the follow-ups. The levels already applied to
        its lines stay applied: the next reminder is the next level, never one
        sent before."""
        for dispute in self:
            if dispute.state != "open":
                raise UserError(
                    self.env._(
                        "The dispute on %(invoice)s is already resolved.",
                        invoice=dispute.move_id.display_name,
                    )
                )
        self.write(
            {"state": "resolved", "date_resolved": self.env.company._followup_today()}
        )
        for dispute in self:
            dispute._log(
                self.env._("Dispute resolved"),
                self.env._(
                    "%(invoice)s is followed up again.",
                    invoice=dispute.move_id.display_name,
                ),
                dispute.resolution_note,
            )
        return True

    def action_open_resolve_wizard(self):
        """The Resolve button: a resolution note, and optionally a credit note."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resolve the dispute"),
            "res_model": "account.followup.dispute.resolve",
            "view_mode": "form",
            "target": "new",
            "context": {"default_dispute_id": self.id},
        }

    def action_open_move(self):
        self.ensure_one()
        return self.move_id._get_records_action()

    def _log(self, title, text, note=None):
        """Log on the invoice and the customer (and the dispute itself)."""
        self.ensure_one()
        body = Markup("<p><strong>%s</strong></p><p>%s</p>") % (title, text)
        if note:
            body += Markup("<p>%s</p>") % note
        link = Markup(
            '<p><a href="#" data-oe-model="account.followup.dispute" '
            'data-oe-id="%s">%s</a></p>'
        ) % (self.id, self.env._("View the dispute"))
        self.move_id._message_log(body=body + link)
        if self.partner_id:
            self.partner_id._message_log(body=body + link)
        self._message_log(body=body)
