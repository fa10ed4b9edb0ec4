# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileWriter

from .common import FollowupCommon

LETTERS_MODULE = "odoo.addons.account_payment_followup.models.ir_actions_report"


@tagged("post_install", "-at_install")
class TestFollowupPerformance(FollowupCommon):
    """The status is computed for all partners at once: its cost in queries does not
    grow with the number of partners (a per-partner loop would cost one or more
    queries per partner). See benchmarks/ for the timings on large databases."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["res.partner"].create(
            [
                {"name": f"Perf customer {index:03d}", "email": f"p{index}@example.com"}
                for index in range(200)
            ]
        )

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

    def count_queries(self, function):
        """Queries of ``function``, from the same cold caches every time (writing
        moves clears some registry caches: both runs must start equal)."""
        self.env.registry.clear_cache()
        self.env.invalidate_all()
        # what a new request starts from (the status search keeps its result in
        # the cursor's cache, see _followup_status_partner_ids)
        self.cr.cache.clear()
        before = self.cr.sql_log_count
        result = function()
        return self.cr.sql_log_count - before, result

    def read_status(self, partners):
        return [
            (
                partner.followup_status,
                partner.followup_level_id.id,
                partner.followup_total_due,
                partner.followup_total_overdue,
            )
            for partner in partners
        ]

    @freeze_time("2026-03-01")
    def test_status_queries_do_not_grow_with_partners(self):
        self.post_receivables(self.partners)
        # the level reached by 50 days overdue has been done for half of them
        done = self.partners[::2]
        self.env["account.move.line"].search(
            [("partner_id", "in", done.ids), ("debit", ">", 0)]
        )._followup_stamp(self.level(35).id, self.env.company._followup_today())
        few = self.partners[:10]
        self.read_status(self.partners)  # warm the registry caches
        few_queries, few_values = self.count_queries(lambda: self.read_status(few))
        all_queries, all_values = self.count_queries(
            lambda: self.read_status(self.partners)
        )
        self.assertLessEqual(
            abs(all_queries - few_queries),
            2,
            f"status of 10 partners: {few_queries} queries, of 200: {all_queries}",
        )
        # and the values are the ones of each partner, not of the first one
        self.assertEqual(all_values[:10], few_values)
        self.assertEqual(len(all_values), 200)
        self.assertEqual(
            all_values[0],
            ("with_overdue_invoices", False, 100.0, 100.0),
            "level 35 done: nothing more to do for 50 days overdue",
        )
        self.assertEqual(
            all_values[199],
            ("in_need_of_action", self.level(35).id, 299.0, 299.0),
        )

    @freeze_time("2026-03-01")
    def test_followup_list_queries_do_not_grow_with_partners(self):
        """The Follow-up Reports list (default filter, 80 rows, count) costs the same
        with 10 customers to follow up as with 200."""
        action = self.env.ref("account_payment_followup.res_partner_action_followup")
        # force_search_count: count in both runs, as the list does past one page
        Partner = self.env["res.partner"].with_context(
            followup_open_next=True, force_search_count=True
        )
        domain = [
            ("parent_id", "=", False),
            ("followup_status", "=", "in_need_of_action"),
        ]
        self.assertIn("search_default_filter_in_need_of_action", action.context)
        spec = {
            "name": {},
            "trust": {},
            "followup_level_id": {"fields": {"display_name": {}}},
            "followup_next_action_date": {},
            "followup_reminder_type": {},
            "followup_total_due": {},
            "followup_total_overdue": {},
            "followup_responsible_id": {"fields": {"display_name": {}}},
            "followup_status": {},
        }

        def load():
            return Partner.web_search_read(
                domain, spec, offset=0, limit=80, count_limit=10001
            )

        self.post_receivables(self.partners[:10])
        load()
        few_queries, few = self.count_queries(load)
        self.post_receivables(self.partners[10:])
        load()
        all_queries, result = self.count_queries(load)
        self.assertEqual(few["length"], 10)
        self.assertEqual(result["length"], 200)
        self.assertEqual(len(result["records"]), 80)
        self.assertTrue(
            all(
                row["followup_status"] == "in_need_of_action"
                for row in result["records"]
            )
        )
        self.assertLessEqual(
            abs(all_queries - few_queries),
            2,
            f"list with 10 rows: {few_queries} queries, with 80 of 200: {all_queries}",
        )

    @freeze_time("2026-03-01")
    def test_list_search_reuses_the_status_until_something_changes(self):
        """A list searches its domain twice (the page, the count): the second search
        reuses the status of the first, but never once something it depends on
        changed in the transaction."""
        partners = self.partners[:3]
        self.post_receivables(partners)
        Partner = self.env["res.partner"]
        domain = [
            ("followup_status", "=", "in_need_of_action"),
            ("id", "in", partners.ids),
        ]
        self.assertEqual(Partner.search(domain), partners)
        before = self.cr.sql_log_count
        self.assertEqual(Partner.search_count(domain), 3)
        reused_queries = self.cr.sql_log_count - before
        self.cr.cache.clear()
        before = self.cr.sql_log_count
        self.assertEqual(Partner.search_count(domain), 3)
        full_queries = self.cr.sql_log_count - before
        self.assertLess(reused_queries, full_queries)
        # changes made in the transaction are seen at once: a later next date, a
        # payment of the whole amount
        partners[0].followup_next_action_date = "2026-03-15"
        self.assertEqual(Partner.search(domain), partners[1:])
        self.env["account.move.line"].search(
            [("partner_id", "=", partners[1].id), ("debit", ">", 0)]
        ).followup_excluded = True
        self.assertEqual(Partner.search(domain), partners[2:])
        self.assertEqual(
            Partner.search(
                [
                    ("followup_status", "=", "no_action_needed"),
                    ("id", "in", partners.ids),
                ]
            ),
            partners[1],
        )

    def print_letters(self, partners, patched_qt):
        """Print the letters of ``partners`` as the download does; return, per
        wkhtmltopdf call, the customers named in each HTML document it got."""
        calls = []

        def run_wkhtmltopdf(report, bodies, *args, **kwargs):
            calls.append(
                [[p.name for p in partners if p.name in body] for body in bodies]
            )
            writer = PdfFileWriter()
            writer.addBlankPage(595, 842)
            stream = io.BytesIO()
            writer.write(stream)
            return stream.getvalue()

        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        with (
            patch(f"{LETTERS_MODULE}._several_documents_per_call", patched_qt),
            patch.object(type(Report), "_run_wkhtmltopdf", run_wkhtmltopdf),
        ):
            pdf, _fmt = Report._render_qweb_pdf(
                "account_payment_followup.res_partner_action_report_followup_letter",
                partners.ids,
            )
        self.assertTrue(pdf.startswith(b"%PDF"))
        return calls

    @freeze_time("2026-03-01")
    def test_letters_are_printed_ten_per_wkhtmltopdf_call(self):
        """Starting wkhtmltopdf costs more than printing a letter: letters go ten
        per call, as ten documents (wkhtmltopdf with patched Qt) or as the pages of
        one document (the distributions' builds print one document per call)."""
        partners = self.partners[:12]
        self.post_receivables(partners)
        names = partners.mapped("name")
        calls = self.print_letters(partners, patched_qt=True)
        self.assertEqual(
            calls, [[[name] for name in names[:10]], [[name] for name in names[10:]]]
        )
        calls = self.print_letters(partners, patched_qt=False)
        self.assertEqual(calls, [[names[:10]], [names[10:]]])
