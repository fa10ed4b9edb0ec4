# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupQueryCount(FollowupCommon):
    """The status of 10 or of 200 partners costs the same number of queries."""

    def make_partners(self, count, prefix):
        """``count`` customers, each with one open line due 20 Jan (one journal
        entry for all, to keep the test fast)."""
        partners = self.env["res.partner"].create(
            [
                {"name": f"{prefix} {index}", "email": f"{prefix}{index}@example.com"}
                for index in range(count)
            ]
        )
        receivable = self.company_data["default_account_receivable"]
        revenue = self.company_data["default_account_revenue"]
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-01-01",
                "line_ids": [
                    Command.create(
                        {
                            "account_id": receivable.id,
                            "partner_id": partner.id,
                            "debit": 100.0 + index,
                            "date_maturity": "2026-01-20",
                        }
                    )
                    for index, partner in enumerate(partners)
                ]
                + [
                    Command.create(
                        {
                            "account_id": revenue.id,
                            "credit": sum(100.0 + i for i in range(count)),
                        }
                    )
                ],
            }
        )
        move.action_post()
        # a few of them with a level already done or a later next date, so that
        # every status is present
        lines = move.line_ids.filtered("partner_id")
        lines[:2].write({"followup_level_id": self.level(15).id})
        partners[2:4].write({"followup_next_action_date": "2026-03-01"})
        return partners

    def count_queries(self, func, runs=3):
        """Queries of ``func`` from what a new request starts from, the fewest of a
        few runs: one-off refills of Odoo's caches (ir.default, access rules...)
        would otherwise land on whichever run comes first, while a loop per
        partner costs its queries on every run."""
        counts = []
        for _run in range(runs):
            self.env.invalidate_all()
            # the status search keeps its result in the cursor's cache (see
            # _followup_status_partner_ids)
            self.env.cr.cache.clear()
            before = self.env.cr.sql_log_count
            result = func()
            counts.append(self.env.cr.sql_log_count - before)
        return min(counts), result

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
        Partner = self.env["res.partner"]
        # warm up the registry caches (ormcache) filled once per transaction
        self.count_queries(lambda: Partner._followup_get_data(small.ids))
        small_count, small_data = self.count_queries(
            lambda: Partner._followup_get_data(small.ids)
        )
        large_count, large_data = self.count_queries(
            lambda: Partner._followup_get_data(large.ids)
        )
        self.assertLessEqual(
            abs(large_count - small_count), 2, (small_count, large_count)
        )
        self.assertEqual(len(small_data), 10)
        self.assertEqual(len(large_data), 200)
