# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountFollowupHoliday(models.Model):
    """A day the company adds to its public holidays (a bridge day, the company's
    own holiday) or removes from them (a public holiday it works), for the setting
    "working days only" of the daily run. The public holidays themselves come from
    the ``holidays`` library, for the company's country and state."""

    _name = "account.followup.holiday"
    _description = "Follow-up Day Off or Working Day"
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    date = fields.Date(required=True)
    name = fields.Char(string="Reason")
    kind = fields.Selection(
        [("add", "Day off"), ("remove", "Working day")],
        string="Type",
        required=True,
        default="add",
        help="Day off: nothing is sent that day. Working day: a public holiday on "
        "which the daily run sends all the same.",
    )

    _sql_constraints = [
        (
            "date_company_uniq",
            "unique(company_id, date)",
            "This day is already in the list of the company's days off and "
            "working days.",
        )
    ]
