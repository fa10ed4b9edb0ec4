# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        """A payment (or a credit note) matched with promised items may keep their
        promise: check it now rather than at the next daily run."""
        partials = super().create(vals_list)
        self.env["account.followup.promise"]._check_promises(
            partials.debit_move_id | partials.credit_move_id
        )
        return partials
