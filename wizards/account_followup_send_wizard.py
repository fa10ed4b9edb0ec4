# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

# the channels the wizard offers (the level's activity follows the level)
WIZARD_CHANNELS = ("email", "letter", "sms", "post")


class AccountFollowupSendWizard(models.TransientModel):
    """Follow-up: the channels of the current level preselected, what is missing
    flagged next to each, the email's recipients, subject and body editable, then
    Send (or Send & Print) through the same execution as Process."""

    _name = "account.followup.send.wizard"
    _description = "Send a payment follow-up"

    partner_ids = fields.Many2many(
        "res.partner",
        "account_followup_send_wizard_partner_rel",
        string="Customers",
        required=True,
    )
    partner_count = fields.Integer(compute="_compute_partner_count")
    level_id = fields.Many2one(
        "account.followup.level",
        compute="_compute_level_id",
        help="The level to execute now, else the last one executed.",
    )
    send_email = fields.Boolean(
        string="Email", compute="_compute_channels", store=True, readonly=False
    )
    send_letter = fields.Boolean(
        string="Letter", compute="_compute_channels", store=True, readonly=False
    )
    send_sms = fields.Boolean(
        string="SMS", compute="_compute_channels", store=True, readonly=False
    )
    send_post = fields.Boolean(
        string="Post",
        compute="_compute_channels",
        store=True,
        readonly=False,
        help="Printed and posted by the postal service: a paid service.",
    )
    email_warning = fields.Char(compute="_compute_warnings")
    letter_warning = fields.Char(compute="_compute_warnings")
    sms_warning = fields.Char(compute="_compute_warnings")
    post_warning = fields.Char(compute="_compute_warnings")
    recipient_ids = fields.Many2many(
        "res.partner",
        "account_followup_send_wizard_recipient_rel",
        string="Recipients",
        compute="_compute_recipient_ids",
        store=True,
        readonly=False,
        help="Who receives the email: the invoice contact of the customer.",
    )
    cc_partner_ids = fields.Many2many(
        "res.partner",
        "account_followup_send_wizard_cc_rel",
        string="CC",
    )
    subject = fields.Char(compute="_compute_email", store=True, readonly=False)
    body = fields.Html(
        compute="_compute_email",
        store=True,
        readonly=False,
        sanitize="email_outgoing",
    )
    attach_invoices = fields.Boolean(
        string="Attach invoices",
        compute="_compute_channels",
        store=True,
        readonly=False,
        help="Attach the PDF of each open invoice to the email.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "partner_ids" in fields_list
            and not values.get("partner_ids")
            and context.get("active_model") == "res.partner"
        ):
            values["partner_ids"] = [fields.Command.set(context.get("active_ids", []))]
        return values

    def _customers(self):
        # in the form (onchange), the records behind the new ones
        return self.partner_ids._origin.commercial_partner_id

    @api.model
    def _level_of(self, partner):
        Send = self.env["account.followup.send"]
        return partner.followup_level_id or Send._document_level(partner)

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        for wizard in self:
            wizard.partner_count = len(wizard._customers())

    @api.depends("partner_ids")
    def _compute_level_id(self):
        for wizard in self:
            customers = wizard._customers()
            wizard.level_id = (
                self._level_of(customers) if len(customers) == 1 else False
            )

    @api.depends("partner_ids")
    def _compute_channels(self):
        for wizard in self:
            levels = self.env["account.followup.level"]
            for partner in wizard._customers():
                levels |= self._level_of(partner)
            channels = {c for level in levels for c in level._get_channels()}
            for channel in WIZARD_CHANNELS:
                wizard[f"send_{channel}"] = channel in channels
            wizard.attach_invoices = any(levels.mapped("attach_invoices"))
            if not channels & set(WIZARD_CHANNELS) and levels:
                # a level without a message (a call): the statement by email
                wizard.send_email = True

    @api.depends("partner_ids")
    def _compute_recipient_ids(self):
        for wizard in self:
            customers = wizard._customers()
            wizard.recipient_ids = (
                customers._followup_get_recipient() if len(customers) == 1 else False
            )

    @api.depends("partner_ids", "recipient_ids")
    def _compute_warnings(self):
        Send = self.env["account.followup.send"]
        for wizard in self:
            customers = wizard._customers()
            single = len(customers) == 1
            for channel in WIZARD_CHANNELS:
                messages = []
                for partner in customers:
                    level = self._level_of(partner)
                    if not level:
                        continue
                    try:
                        if channel == "email" and single and wizard.recipient_ids:
                            Send._check_email(
                                partner, level, recipients=wizard.recipient_ids._origin
                            )
                        else:
                            getattr(Send, f"_check_{channel}")(partner, level)
                    except UserError as error:
                        messages.append(error.args[0])
                wizard[f"{channel}_warning"] = "\n".join(messages) or False

    @api.depends("partner_ids")
    def _compute_email(self):
        Send = self.env["account.followup.send"]
        for wizard in self:
            customers = wizard._customers()
            level = self._level_of(customers) if len(customers) == 1 else False
            template = level and level._get_mail_template()
            if not template:
                wizard.subject = wizard.body = False
                continue
            rendered = Send._render_email(customers, level, template)
            wizard.subject = rendered["subject"]
            wizard.body = rendered["body_html"]

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def action_preview_letter(self):
        """The letter as it will be printed (PDF)."""
        self.ensure_one()
        self.env["res.partner"]._followup_check_access()
        return self._customers()._followup_letters_action()

    def action_send(self):
        return self._send(print_letters=False)

    def action_promise(self):
        """The customer answered before the reminder went: record its promise to
        pay instead (the promise form, its open items and amount preselected, with
        the one week / two weeks / one month shortcuts)."""
        self.ensure_one()
        partners = self._customers()
        if len(partners) != 1:
            raise UserError(
                self.env._("A promise to pay is recorded for one customer at a time.")
            )
        return partners.action_followup_promise()

    def action_send_print(self):
        return self._send(print_letters=True)

    def _chosen_channels(self):
        return [c for c in WIZARD_CHANNELS if self[f"send_{c}"]]

    def _send(self, print_letters):
        """Run the chosen channels through the execution (lock, reminder record,
        chatter). A customer whose current level is chosen whole has the level
        marked done, as Process does; otherwise they are single actions."""
        self.ensure_one()
        partners = self._customers()
        partners._followup_check_access()
        chosen = self._chosen_channels()
        if print_letters and "letter" not in chosen:
            chosen.append("letter")
            chosen.sort(key=WIZARD_CHANNELS.index)
        if not chosen:
            raise UserError(self.env._("Choose at least one way to send the reminder."))
        single = len(partners) == 1
        batch = {
            "attach_invoices": self.attach_invoices,
            # Send: the letters wait in "Letters to print"; Send & Print: the PDF now
            "defer_letters": not print_letters,
        }
        if single and "email" in chosen:
            recipients = (self.recipient_ids | self.cc_partner_ids)._origin
            if not recipients:
                raise UserError(self.env._("Choose who receives the email."))
            batch.update(
                email_recipients=recipients,
                email_subject=self.subject or "",
                email_body=self.body or "",
            )
        groups = {}
        for partner in partners:
            level = partner.followup_level_id
            whole = bool(
                level
                and partner.followup_status == "in_need_of_action"
                and set(level._get_channels()) - {"activity"} <= set(chosen)
            )
            key = (whole, whole and level.manual_action)
            groups[key] = groups.get(key, partners.browse()) | partner
        Execution = self.env["account.followup.execution"]
        summary = None
        for (whole, activity), group in groups.items():
            channels = chosen + (["activity"] if activity else [])
            result = Execution._execute(
                group,
                channels=channels,
                mark_done=whole,
                raise_errors=single,
                origin="statement" if single else "batch",
                **batch,
            )
            summary = result if summary is None else self._merge(summary, result)
        if single and summary["skipped"]:
            raise UserError(summary["skipped"][0][1])
        if not print_letters:
            summary["letters"] = partners.browse()
        return partners._followup_summary_action(summary)

    @api.model
    def _merge(self, summary, other):
        for key in ("processed", "letters", "reminders"):
            summary[key] |= other[key]
        for key in ("failed", "skipped"):
            summary[key] += other[key]
        for channel, count in other["counts"].items():
            summary["counts"][channel] += count
        return summary
