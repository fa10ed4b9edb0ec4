# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.web.controllers.dataset import DataSet

from .common import FollowupCommon


def rpc_readonly(model, method):
    """Whether Odoo serves an RPC call of ``model.method`` with a read-only cursor
    (the replica's, with ``db_replica_host``): the rule of web's
    ``DataSet._call_kw_readonly``, without a request."""
    for cls in type(model).mro():
        function = getattr(cls, method, None)
        if function is not None and hasattr(function, "_readonly"):
            return function._readonly
    return False


@tagged("post_install", "-at_install")
class TestFollowupReadonly(FollowupCommon):
    """The Follow-up Reports list, the statement and the analysis figures are
    read-only requests: marked so, and working under a read-only cursor (which
    refuses any write: PostgreSQL's READ ONLY transaction, as on a replica)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-01-01"):
            cls.invoice = cls.make_invoice(cls, due="2026-01-10")
            cls.make_invoice(cls, partner=cls.customer2, amount=300.0, due="2026-02-10")

    @contextmanager
    def readonly_env(self):
        """The test user's environment on a read-only cursor: in test mode, a
        cursor on the test's transaction in READ ONLY mode (what a request of a
        method marked readonly gets)."""
        self.env.flush_all()
        self.registry.enter_test_mode(self.cr, test_readonly_enabled=True)
        try:
            with self.registry.cursor(readonly=True) as cr:
                yield self.env(cr=cr)
        finally:
            self.registry.leave_test_mode()

    def view_spec(self, model, xmlid, view_type):
        """What the web client reads for a view: each field of the view."""
        view = self.env.ref(xmlid)
        views = self.env[model].get_views([(view.id, view_type)])
        return {fname: {} for fname in views["models"][model]["fields"]}

    def test_methods_marked_readonly(self):
        Partner = self.env["res.partner"]
        Wizard = self.env["account.followup.analysis.wizard"]
        for model, method in [
            (Partner, "action_open_followup_statement"),
            (Partner, "action_open_followup_reminders"),
            (Wizard, "action_open_aging"),
            (Wizard, "action_open_reminders"),
            (Wizard, "action_export_xlsx"),
            # the reads the web client makes for the list, the form, the pivots
            (Partner, "web_search_read"),
            (Partner, "web_read"),
            (self.env["account.followup.aging"], "web_read_group"),
            (self.env["account.followup.reminder.analysis"], "web_read_group"),
        ]:
            self.assertTrue(rpc_readonly(model, method), f"{model._name}.{method}")
        # what writes stays read/write: Odoo would open a read/write cursor
        for method in ("action_followup_process", "action_followup_done", "write"):
            self.assertFalse(rpc_readonly(Partner, method), method)
        self.assertFalse(
            rpc_readonly(self.env["account.followup.kpi.month"], "action_open_trend")
        )
        # the rule used above is web's own
        self.assertTrue(hasattr(DataSet, "_call_kw_readonly"))
        routes = {
            "/account_payment_followup/statement.xlsx",
            "/account_payment_followup/analysis.xlsx",
        }
        for _rule, endpoint in self.env["ir.http"]._generate_routing_rules(
            ["account_payment_followup"], converters={}
        ):
            if set(endpoint.routing["routes"]) & routes:
                self.assertTrue(endpoint.routing["readonly"], endpoint.routing)

    @freeze_time("2026-01-21")
    def test_list_and_statement_on_a_readonly_cursor(self):
        """Customer One owes 1,000 due 10 January: in need of action at level 15
        (11 days late) on 21 January; Customer Two's 300 is not due yet. The same
        on the read-only cursor."""
        list_spec = self.view_spec(
            "res.partner",
            "account_payment_followup.res_partner_view_list_followup",
            "list",
        )
        form_spec = self.view_spec(
            "res.partner",
            "account_payment_followup.res_partner_view_form_followup",
            "form",
        )
        domain = [
            ("parent_id", "=", False),
            ("id", "in", (self.customer | self.customer2).ids),
        ]
        Partner = self.env["res.partner"]
        expected_list = Partner.web_search_read(domain, list_spec, order="id")
        expected_form = self.customer.web_read(form_spec)
        expected_html = self.customer._followup_render_statement()
        self.env.invalidate_all()
        with self.readonly_env() as env:
            # READ ONLY: any write would fail, as on a replica
            self.assertTrue(env.cr.readonly)
            partners = env["res.partner"]
            records = partners.web_search_read(domain, list_spec, order="id")
            self.assertEqual(records, expected_list)
            by_id = {row["id"]: row for row in records["records"]}
            one = by_id[self.customer.id]
            self.assertEqual(one["followup_status"], "in_need_of_action")
            self.assertEqual(one["followup_total_overdue"], 1000.0)
            self.assertEqual(by_id[self.customer2.id]["followup_total_overdue"], 0.0)
            customer = partners.browse(self.customer.id)
            action = customer.action_open_followup_statement()
            self.assertEqual(action["res_id"], self.customer.id)
            self.assertEqual(customer.web_read(form_spec), expected_form)
            self.assertEqual(customer._followup_render_statement(), expected_html)
            self.assertEqual(
                customer.action_open_followup_reminders()["res_model"],
                "account.followup.reminder",
            )
            # the statement's XLSX export reads only
            self.assertTrue(env["account.followup.export"]._statement_xlsx(customer))

    @freeze_time("2026-01-21")
    def test_analysis_on_a_readonly_cursor(self):
        """The figures of January (1,300 invoiced, nothing paid: receivables
        1,300, 1,000 of it overdue 1-30 days), the aging and the reminders pivots
        and the XLSX export, on the read-only cursor."""
        wizard = self.env["account.followup.analysis.wizard"].create({})
        figures = ["sales", "receivables", "aging_1_30", "aging_total", "dso"]
        expected = wizard.read(figures)[0]
        self.assertEqual(expected["receivables"], 1300.0)
        self.assertEqual(expected["aging_1_30"], 1000.0)
        Aging = self.env["account.followup.aging"]
        aging_context = {"followup_aging_date": "2026-01-21"}
        expected_aging = Aging.with_context(**aging_context).web_read_group(
            [], ["residual:sum"], ["bucket"]
        )
        self.env.invalidate_all()
        with self.readonly_env() as env:
            ro_wizard = env["account.followup.analysis.wizard"].browse(wizard.id)
            self.assertEqual(ro_wizard.read(figures)[0], expected)
            action = ro_wizard.action_open_aging()
            self.assertEqual(action["context"]["followup_aging_date"], "2026-01-21")
            aging = (
                env["account.followup.aging"]
                .with_context(**action["context"])
                .web_read_group([], ["residual:sum"], ["bucket"])
            )
            self.assertEqual(aging, expected_aging)
            reminders = ro_wizard.action_open_reminders()
            env["account.followup.reminder.analysis"].web_read_group(
                reminders["domain"], ["__count"], ["level_id"]
            )
            self.assertIn("analysis.xlsx", ro_wizard.action_export_xlsx()["url"])
            company = env.company
            self.assertTrue(
                env["account.followup.export"]._analysis_xlsx(
                    company, "2026-01-01", "2026-01-21"
                )
            )
            self.assertEqual(
                company._followup_kpis(ro_wizard.date_from, ro_wizard.date_to)[
                    "receivables"
                ],
                1300.0,
            )
