# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        """Translate the default follow-up plan into the languages being loaded.

        The plan's levels are created in code, one plan per company, so the terms of
        the .po files cannot reach them by xml id: a language installed after the
        addon would otherwise show the default plan in English.
        """
        res = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        if "account_payment_followup" in modules:
            # sudo: loading a language is an administrator's act on the database as a
            # whole, and it concerns the levels of every company (archived included).
            levels = (
                self.env["account.followup.level"]
                .sudo()
                .with_context(active_test=False)
                .search([])
            )
            self.env["res.company"]._followup_translate_default_levels(
                levels, langs, overwrite=overwrite
            )
        return res
