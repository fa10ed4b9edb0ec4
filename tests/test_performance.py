# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.pdf import PdfFileWriter

from .common import FollowupCommon

TOOLS_MODULE = "odoo.addons.account_payment_followup.tools"


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
            patch(
                f"{TOOLS_MODULE}.wkhtmltopdf_prints_several_documents",
                lambda: patched_qt,
            ),
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


@tagged("post_install", "-at_install")
class TestFollowupQueryCount(FollowupCommon):
    """The status of 10 or of 200 partners costs the same number of queries."""

    def make_partners(self, count, prefix):
        """``count`` customers, each with one open line due 20 Jan; a few of them
        with a level already done or a later next date, so that every status is
        present."""
        partners = self.env["res.partner"].create(
            [
                {"name": f"{prefix} {index}", "email": f"{prefix}{index}@example.com"}
                for index in range(count)
            ]
        )
        move = self.post_receivables(partners, due="2026-01-20")
        lines = move.line_ids.filtered("partner_id")
        # as the follow-ups stamp them (nobody else writes the stamps)
        lines[:2].sudo().write({"followup_level_id": self.level(15).id})
        partners[2:4].write({"followup_next_action_date": "2026-03-01"})
        return partners

    def read_status(self, partners):
        partners = partners.with_env(self.env)
        return [
            (p.followup_status, p.followup_level_id.id, p.followup_total_due)
            for p in partners
        ]

    @freeze_time("2026-02-10")
    def test_status_queries_do_not_grow_with_partners(self):
        small = self.make_partners(10, "Small")
        large = self.make_partners(200, "Large")
        # warm up (registry caches, ir.default, ...)
        self.read_status(small)
        small_count, small_values = self.count_queries(lambda: self.read_status(small))
        large_count, large_values = self.count_queries(lambda: self.read_status(large))
        self.assertLessEqual(
            abs(large_count - small_count), 2, (small_count, large_count)
        )
        self.assertLessEqual(
            small_count, 10, "a handful of queries, not one per partner"
        )
        # and the values are right
        self.assertEqual(
            [status for status, _level, _due in large_values[:5]],
            [
                "with_overdue_invoices",  # level 15 already done
                "with_overdue_invoices",
                "with_overdue_invoices",  # next date later
                "with_overdue_invoices",
                "in_need_of_action",
            ],
        )
        self.assertEqual(large_values[4][1], self.level(15).id)
        self.assertEqual(large_values[4][2], 104.0)
        self.assertEqual(len(small_values), 10)

    @freeze_time("2026-02-10")
    def test_status_search_queries_do_not_grow_with_partners(self):
        small = self.make_partners(10, "Small")
        large = self.make_partners(200, "Large")
        Partner = self.env["res.partner"]

        def search(partners):
            return lambda: Partner.search(
                [
                    ("followup_status", "=", "in_need_of_action"),
                    ("id", "in", partners.ids),
                ]
            )

        search(small)()
        small_count, small_found = self.count_queries(search(small))
        large_count, large_found = self.count_queries(search(large))
        self.assertLessEqual(
            abs(large_count - small_count), 2, (small_count, large_count)
        )
        self.assertEqual(small_found, small[4:])
        self.assertEqual(large_found, large[4:])

    @freeze_time("2026-02-10")
    def test_get_data_queries_do_not_grow_with_partners(self):
        small = self.make_partners(10, "Small")
        large = self.make_partners(200, "Large")
        Status = self.env["account.followup.status"]
        # warm up the registry caches (ormcache) filled once per transaction
        self.count_queries(lambda: Status._get_data(small.ids))
        small_count, small_data = self.count_queries(
            lambda: Status._get_data(small.ids)
        )
        large_count, large_data = self.count_queries(
            lambda: Status._get_data(large.ids)
        )
        self.assertLessEqual(
            abs(large_count - small_count), 2, (small_count, large_count)
        )
        self.assertEqual(len(small_data), 10)
        self.assertEqual(len(large_data), 200)
