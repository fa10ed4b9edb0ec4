# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Build a benchmark tier (S, M, L) in a dedicated database.

    python benchmarks/generate.py -c .venv/odoo.conf -d bench_m --tier M

The database must have the addon installed (``--without-demo=all``). Customers, the
second company and its follow-up plan go through the ORM; the accounting history
(invoices, credit notes, payments, reconciliations) is bulk-copied in SQL, because the
ORM posts a few dozen invoices per second and tier M has 60,000 of them. The SQL rows are
what the ORM would store: residuals, reconciled flags, partial and full reconciliations,
matching numbers, move amounts and payment states. ``check`` then recomputes them with
the ORM on a sample of customers (every customer with 500+ lines included) and fails
on any difference.

Mix (fixed seed): 70% of the invoices paid and reconciled, 10% partially paid, 5% in
two instalments, 5% credit notes, 2% payments left unreconciled, the rest open; 3% of
the open lines excluded, 5% with an expected date; due dates from -200 to +60 days;
a few customers with 500+ open lines; 20% of the customers on Manual reminders, 5%
without email; two companies with different plans.
"""

import argparse
import io
import logging
import random
import sys
import time
from datetime import timedelta

TIERS = {
    # customers, invoices, customers with 500+ open lines, open lines of each
    "S": {"customers": 200, "invoices": 2_000, "big": 2, "big_lines": 510},
    "M": {"customers": 5_000, "invoices": 60_000, "big": 3, "big_lines": 520},
    "L": {"customers": 40_000, "invoices": 300_000, "big": 30, "big_lines": 800},
}
SEED = 20260101
PARAM = "account_payment_followup.bench_tier"
_logger = logging.getLogger("benchmarks.generate")


def say(message, *args):
    print("[generate] " + (message % args if args else message), flush=True)


def boot(config, database):
    """An Odoo registry for ``database``, configured from ``config``."""
    import odoo

    odoo.tools.config.parse_config(
        ["-c", config, "-d", database, "--log-level=warn", "--no-http"]
    )
    return odoo.modules.registry.Registry(database)


def reserve_ids(cr, table, count):
    """Reserve ``count`` consecutive ids of ``table`` and return the first."""
    cr.execute(f"SELECT nextval('{table}_id_seq')")
    first = cr.fetchone()[0]
    cr.execute(f"SELECT setval('{table}_id_seq', %s)", [first + count])
    return first


def copy_rows(cr, table, columns, rows):
    """COPY ``rows`` (tuples) into ``table``: far faster than INSERT."""

    def fmt(value):
        if value is None:
            return "\\N"
        if value is True:
            return "t"
        if value is False:
            return "f"
        return str(value)

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(fmt(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    cr._obj.copy_from(buffer, table, columns=columns, null="\\N")


class Generator:
    def __init__(self, env, tier):
        self.env = env
        self.cr = env.cr
        self.tier = tier
        self.spec = TIERS[tier]
        self.rng = random.Random(SEED)
        self.today = env.company._followup_today()

    # ------------------------------------------------------------------
    # ORM part: companies, plans, customers
    # ------------------------------------------------------------------

    def setup_companies(self):
        env = self.env
        main = env.ref("base.main_company")
        second = env["res.company"].search([("name", "=", "Bench Company B")], limit=1)
        if not second:
            second = env["res.company"].create(
                {"name": "Bench Company B", "currency_id": main.currency_id.id}
            )
        for company in main | second:
            if not company.chart_template:
                env["account.chart.template"].try_loading(
                    "generic_coa", company, install_demo=False
                )
            company.partner_id.write({"tz": "UTC", "city": "Brussels"})
        # a different plan in the second company: other delays, no formal notice
        levels = env["account.followup.level"].search(
            [("company_id", "=", second.id)], order="delay"
        )
        new_delays = {-3: -5, 1: 7, 15: 20, 35: 45}
        for level in levels:
            if level.delay in new_delays:
                level.delay = new_delays[level.delay]
            elif level.delay == 60:
                level.active = False
        env.user.write({"company_ids": [(4, second.id)], "tz": "UTC"})
        self.companies = main | second
        self.accounts = {}
        for company in self.companies:
            Journal = env["account.journal"].with_company(company)
            sale = Journal.search(
                [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
            )
            bank = Journal.search(
                [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
            )
            receivable = (
                env["res.partner"]
                .with_company(company)
                .new({"name": "x"})
                .property_account_receivable_id
            )
            plan = env["account.followup.level"].search(
                [("company_id", "=", company.id)], order="delay"
            )
            self.accounts[company.id] = {
                "sale": sale,
                "bank": bank,
                "receivable": receivable.id,
                "income": sale.default_account_id.id,
                "cash": bank.default_account_id.id,
                "currency": company.currency_id.id,
                "levels": [(level.delay, level.id) for level in plan],
            }
        say(
            "companies: %s",
            ", ".join(
                f"{c.name} (plan {[d for d, _i in self.accounts[c.id]['levels']]})"
                for c in self.companies
            ),
        )

    def create_customers(self):
        env = self.env
        rng = self.rng
        count = self.spec["customers"]
        country = env.ref("base.be")
        Partner = env["res.partner"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        )
        ids = []
        for start in range(0, count, 2000):
            vals_list = []
            for index in range(start, min(start + 2000, count)):
                vals = {
                    "name": f"Bench Customer {index + 1:06d}",
                    "is_company": True,
                    "street": f"{index % 300 + 1} Bench Street",
                    "city": "Brussels",
                    "zip": "1000",
                    "country_id": country.id,
                    "lang": "en_US",
                }
                if rng.random() >= 0.05:
                    vals["email"] = f"customer{index + 1}@bench.example.com"
                vals_list.append(vals)
            ids += Partner.create(vals_list).ids
        self.partner_ids = ids
        manual = [pid for pid in ids if rng.random() < 0.20]
        keys = {str(c.id): "manual" for c in self.companies}
        env["res.partner"].flush_model()
        self.cr.execute(
            "UPDATE res_partner SET followup_reminder_type = %s::jsonb "
            "WHERE id = ANY(%s)",
            [__import__("json").dumps(keys), manual],
        )
        env["res.partner"].invalidate_model()
        self.big_ids = ids[: self.spec["big"]]
        say(
            "customers: %s (%s manual, %s big)",
            len(ids),
            len(manual),
            len(self.big_ids),
        )

    # ------------------------------------------------------------------
    # SQL part: the accounting history
    # ------------------------------------------------------------------

    def plan_documents(self):
        """Draw every document in Python first: (kind, company, partner, dates,
        amounts); ids are given afterwards."""
        rng = self.rng
        docs = []
        company_ids = self.companies.ids
        for _index in range(self.spec["invoices"]):
            draw = rng.random()
            if draw < 0.70:
                kind = "paid"
            elif draw < 0.80:
                kind = "partial"
            elif draw < 0.85:
                kind = "instalments"
            elif draw < 0.90:
                kind = "refund"
            elif draw < 0.92:
                kind = "payment"
            else:
                kind = "open"
            partner = rng.choice(self.partner_ids)
            company = company_ids[0] if rng.random() < 0.75 else company_ids[1]
            docs.append((kind, company, partner, rng.randint(-200, 60)))
        for partner in self.big_ids:
            for _index in range(self.spec["big_lines"]):
                docs.append(("open", company_ids[0], partner, rng.randint(-200, 60)))
        return docs

    def build_history(self):  # noqa: C901 -- one pass over the drawn documents
        rng = self.rng
        today = self.today
        cr = self.cr
        docs = self.plan_documents()
        uid = self.env.uid
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        n_moves = sum(2 if kind in ("paid", "partial") else 1 for kind, *_r in docs)
        n_full = sum(1 for kind, *_r in docs if kind == "paid")
        n_partial = sum(1 for kind, *_r in docs if kind in ("paid", "partial"))
        move_id = reserve_ids(cr, "account_move", n_moves)
        full_id = reserve_ids(cr, "account_full_reconcile", n_full)
        partial_id = reserve_ids(cr, "account_partial_reconcile", n_partial)
        moves, lines, partials, fulls = [], [], [], []
        counters = {"line": 0}
        sequence = {}
        partner_names = dict(
            self.env["res.partner"]
            .browse(self.partner_ids)
            .mapped(lambda p: (p.id, p.name))
        )
        stats = dict.fromkeys(
            ("paid", "partial", "instalments", "refund", "payment", "open"), 0
        )
        stats.update(excluded=0, expected=0, stamped=0, open_lines=0)

        def next_name(company, prefix, doc_date):
            key = (company, prefix, doc_date.year)
            sequence[key] = sequence.get(key, 0) + 1
            return (
                f"{prefix}{doc_date.year}/",
                sequence[key],
                f"{prefix}{doc_date.year}/{sequence[key]:07d}",
            )

        def level_for(company, ref_date):
            """(id, delay) of the highest level a line due on ``ref_date`` reached."""
            days = (today - ref_date).days
            reached = None
            for delay, level_id in self.accounts[company]["levels"]:
                if delay <= days:
                    reached = (level_id, delay)
            return reached

        def open_extras(company, due, residual):
            """Follow-up columns of an open receivable line: excluded, expected date,
            and the level already applied (the history of earlier reminders)."""
            excluded = rng.random() < 0.03
            expected = (
                due + timedelta(days=rng.randint(5, 40))
                if rng.random() < 0.05
                else None
            )
            applied = None
            applied_date = None
            if residual > 0 and not excluded:
                reached = level_for(company, expected or due)
                if reached:
                    plan = self.accounts[company]["levels"]
                    draw = rng.random()
                    index = [level_id for _d, level_id in plan].index(reached[0])
                    if draw < 0.35:
                        applied = reached
                    elif draw < 0.6 and index > 0:
                        applied = (plan[index - 1][1], plan[index - 1][0])
                    if applied:
                        applied_date = min(
                            today,
                            (expected or due) + timedelta(days=max(applied[1], 0)),
                        )
                        stats["stamped"] += 1
            stats["excluded"] += excluded
            stats["expected"] += bool(expected)
            stats["open_lines"] += 1
            return excluded, expected, applied and applied[0], applied_date

        def add_line(
            move,
            account,
            partner,
            name,
            display_type,
            balance,
            *,
            residual=0.0,
            reconciled=False,
            maturity=None,
            full=None,
            matching=None,
            product=False,
            extras=(False, None, None, None),
        ):
            counters["line"] += 1
            debit = balance if balance > 0 else 0.0
            credit = -balance if balance < 0 else 0.0
            lines.append(
                (
                    move["id"],
                    move["journal"],
                    move["company"],
                    move["currency"],
                    move["currency"],
                    account,
                    partner,
                    move["name"],
                    "posted",
                    move["ref"],
                    name,
                    display_type,
                    move["date"],
                    move["invoice_date"],
                    maturity,
                    debit,
                    credit,
                    balance,
                    balance,
                    residual,
                    residual,
                    1.0 if product else None,
                    abs(balance) if product else None,
                    -balance if product else None,
                    -balance if product else None,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    False,
                    reconciled,
                    full,
                    matching,
                    counters["line"] % 1000 + 10,
                    False,
                    extras[0],
                    extras[1],
                    extras[2],
                    extras[3],
                    uid,
                    uid,
                    now,
                    now,
                )
            )
            return len(lines) - 1

        def add_move(
            company, partner, move_type, doc_date, due, total, residual, payment_state
        ):
            nonlocal move_id
            acc = self.accounts[company]
            journal = acc["bank"] if move_type == "entry" else acc["sale"]
            prefix = {"out_invoice": "BINV/", "out_refund": "BRINV/", "entry": "BPAY/"}[
                move_type
            ]
            seq_prefix, seq_number, name = next_name(company, prefix, doc_date)
            sign = -1 if move_type == "out_refund" else 1
            is_invoice = move_type != "entry"
            move = {
                "id": move_id,
                "journal": journal.id,
                "company": company,
                "currency": acc["currency"],
                "name": name,
                "ref": f"Bench {name}",
                "date": doc_date,
                "invoice_date": doc_date if is_invoice else None,
            }
            moves.append(
                (
                    move_id,
                    name,
                    journal.id,
                    company,
                    acc["currency"],
                    "posted",
                    move_type,
                    "no",
                    doc_date,
                    doc_date if is_invoice else None,
                    due if is_invoice else None,
                    partner,
                    partner,
                    seq_prefix,
                    seq_number,
                    payment_state,
                    total if is_invoice else 0.0,
                    0.0,
                    total,
                    residual,
                    sign * total if is_invoice else 0.0,
                    sign * total if is_invoice else 0.0,
                    0.0,
                    sign * total,
                    sign * total,
                    sign * residual,
                    1.0 if is_invoice else None,
                    True,
                    False,
                    False,
                    True,
                    False,
                    False,
                    False,
                    partner_names[partner] if is_invoice else None,
                    name if move_type == "out_invoice" else None,
                    move["ref"],
                    uid,
                    uid,
                    now,
                    now,
                )
            )
            move_id += 1
            return move

        def product_lines(move, company, partner, total, sign):
            """Split ``total`` over 2 to 6 income lines (credit for invoices)."""
            count = rng.randint(2, 6)
            weights = [rng.random() + 0.2 for _i in range(count)]
            amounts = [round(total * w / sum(weights), 2) for w in weights]
            amounts[-1] = round(total - sum(amounts[:-1]), 2)
            for amount in amounts:
                add_line(
                    move,
                    self.accounts[company]["income"],
                    partner,
                    "Bench service",
                    "product",
                    -sign * amount,
                    product=True,
                )

        for kind, company, partner, due_days in docs:
            stats[kind] += 1
            acc = self.accounts[company]
            due = today + timedelta(days=due_days)
            term = rng.choice((0, 15, 30, 30, 45))
            inv_date = min(due - timedelta(days=term), today)
            total = round(rng.uniform(50, 5000), 2)
            if kind == "payment":
                pay_date = today - timedelta(days=rng.randint(0, 120))
                move = add_move(
                    company, partner, "entry", pay_date, None, total, 0.0, "not_paid"
                )
                add_line(
                    move,
                    acc["cash"],
                    partner,
                    "Bench payment",
                    "product",
                    total,
                    residual=total,
                )
                add_line(
                    move,
                    acc["receivable"],
                    partner,
                    "Bench payment",
                    "product",
                    -total,
                    residual=-total,
                    maturity=pay_date,
                    extras=open_extras(company, pay_date, -total),
                )
                continue
            if kind == "refund":
                move = add_move(
                    company,
                    partner,
                    "out_refund",
                    inv_date,
                    inv_date,
                    total,
                    total,
                    "not_paid",
                )
                product_lines(move, company, partner, total, -1)
                add_line(
                    move,
                    acc["receivable"],
                    partner,
                    move["name"],
                    "payment_term",
                    -total,
                    residual=-total,
                    maturity=inv_date,
                    extras=open_extras(company, inv_date, -total),
                )
                continue
            paid = 0.0
            if kind == "paid":
                paid = total
            elif kind == "partial":
                paid = round(total * rng.uniform(0.2, 0.8), 2)
            residual = round(total - paid, 2)
            state = {"paid": "paid", "partial": "partial"}.get(kind, "not_paid")
            move = add_move(
                company, partner, "out_invoice", inv_date, due, total, residual, state
            )
            product_lines(move, company, partner, total, 1)
            if kind == "instalments":
                first = round(total / 2, 2)
                for amount, maturity in (
                    (first, due),
                    (round(total - first, 2), due + timedelta(days=30)),
                ):
                    add_line(
                        move,
                        acc["receivable"],
                        partner,
                        move["name"],
                        "payment_term",
                        amount,
                        residual=amount,
                        maturity=maturity,
                        extras=open_extras(company, maturity, amount),
                    )
                continue
            if kind == "open":
                add_line(
                    move,
                    acc["receivable"],
                    partner,
                    move["name"],
                    "payment_term",
                    total,
                    residual=total,
                    maturity=due,
                    extras=open_extras(company, due, total),
                )
                continue
            # paid or partially paid: a payment entry reconciled with the invoice
            pay_date = min(
                today, max(inv_date, due + timedelta(days=rng.randint(-20, 25)))
            )
            full = None
            if kind == "paid":
                full = full_id
                fulls.append((full, uid, uid, now, now))
                full_id += 1
                matching = str(full)
            else:
                matching = f"P{partial_id}"
            inv_extras = (
                open_extras(company, due, residual)
                if residual
                else (False, None, None, None)
            )
            add_line(
                move,
                acc["receivable"],
                partner,
                move["name"],
                "payment_term",
                total,
                residual=residual,
                reconciled=not residual,
                maturity=due,
                full=full,
                matching=matching,
                extras=inv_extras,
            )
            debit_line = counters["line"]
            payment = add_move(
                company, partner, "entry", pay_date, None, paid, 0.0, "not_paid"
            )
            add_line(
                payment,
                acc["cash"],
                partner,
                "Bench payment",
                "product",
                paid,
                residual=paid,
            )
            add_line(
                payment,
                acc["receivable"],
                partner,
                "Bench payment",
                "product",
                -paid,
                residual=0.0,
                reconciled=True,
                maturity=pay_date,
                full=full,
                matching=matching,
            )
            partials.append(
                (
                    partial_id,
                    debit_line,
                    counters["line"],
                    full,
                    acc["currency"],
                    acc["currency"],
                    company,
                    paid,
                    paid,
                    paid,
                    max(pay_date, inv_date),
                    uid,
                    uid,
                    now,
                    now,
                )
            )
            partial_id += 1

        # lines get their ids now: partials refer to them by position
        line_id = reserve_ids(cr, "account_move_line", len(lines))
        say(
            "copying %s moves, %s lines, %s reconciliations",
            len(moves),
            len(lines),
            len(partials),
        )
        copy_rows(
            cr,
            "account_move",
            (
                "id",
                "name",
                "journal_id",
                "company_id",
                "currency_id",
                "state",
                "move_type",
                "auto_post",
                "date",
                "invoice_date",
                "invoice_date_due",
                "partner_id",
                "commercial_partner_id",
                "sequence_prefix",
                "sequence_number",
                "payment_state",
                "amount_untaxed",
                "amount_tax",
                "amount_total",
                "amount_residual",
                "amount_untaxed_signed",
                "amount_untaxed_in_currency_signed",
                "amount_tax_signed",
                "amount_total_signed",
                "amount_total_in_currency_signed",
                "amount_residual_signed",
                "invoice_currency_rate",
                "posted_before",
                "is_storno",
                "always_tax_exigible",
                "checked",
                "made_sequence_gap",
                "is_manually_modified",
                "is_move_sent",
                "invoice_partner_display_name",
                "payment_reference",
                "ref",
                "create_uid",
                "write_uid",
                "create_date",
                "write_date",
            ),
            moves,
        )
        copy_rows(
            cr,
            "account_full_reconcile",
            ("id", "create_uid", "write_uid", "create_date", "write_date"),
            fulls,
        )
        copy_rows(
            cr,
            "account_move_line",
            (
                "id",
                "move_id",
                "journal_id",
                "company_id",
                "company_currency_id",
                "currency_id",
                "account_id",
                "partner_id",
                "move_name",
                "parent_state",
                "ref",
                "name",
                "display_type",
                "date",
                "invoice_date",
                "date_maturity",
                "debit",
                "credit",
                "balance",
                "amount_currency",
                "amount_residual",
                "amount_residual_currency",
                "quantity",
                "price_unit",
                "price_subtotal",
                "price_total",
                "discount",
                "tax_base_amount",
                "discount_amount_currency",
                "discount_balance",
                "is_imported",
                "reconciled",
                "full_reconcile_id",
                "matching_number",
                "sequence",
                "tax_tag_invert",
                "followup_excluded",
                "followup_expected_date",
                "followup_level_id",
                "followup_date",
                "create_uid",
                "write_uid",
                "create_date",
                "write_date",
            ),
            ((line_id + index, *row) for index, row in enumerate(lines)),
        )
        copy_rows(
            cr,
            "account_partial_reconcile",
            (
                "id",
                "debit_move_id",
                "credit_move_id",
                "full_reconcile_id",
                "debit_currency_id",
                "credit_currency_id",
                "company_id",
                "amount",
                "debit_amount_currency",
                "credit_amount_currency",
                "max_date",
                "create_uid",
                "write_uid",
                "create_date",
                "write_date",
            ),
            ((p[0], line_id + p[1] - 1, line_id + p[2] - 1, *p[3:]) for p in partials),
        )
        for table in (
            "account_move",
            "account_move_line",
            "account_partial_reconcile",
            "account_full_reconcile",
            "res_partner",
        ):
            cr.execute(f"ANALYZE {table}")
        self.env.invalidate_all()
        stats.update(moves=len(moves), lines=len(lines))
        return stats

    # ------------------------------------------------------------------
    # Consistency check
    # ------------------------------------------------------------------

    def check(self, sample=40):
        """Recompute residuals, reconciled flags, move amounts and payment states
        with the ORM for a sample of customers and compare with what SQL stored."""
        env = self.env
        cr = self.cr
        rng = random.Random(SEED + 1)
        cr.execute(
            "SELECT id FROM res_partner WHERE name LIKE 'Bench Customer %%' ORDER BY id"
        )
        all_ids = [row[0] for row in cr.fetchall()]
        partner_ids = sorted(
            set(rng.sample(all_ids, min(sample, len(all_ids))))
            | set(all_ids[: self.spec["big"]])
        )
        errors = []
        Line = env["account.move.line"]
        for company in self.companies:
            lines = Line.search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partner_ids),
                    ("parent_state", "=", "posted"),
                ]
            )
            cr.execute(
                """SELECT l.partner_id, SUM(l.amount_residual)
                     FROM account_move_line l
                     JOIN account_account a ON a.id = l.account_id
                    WHERE a.account_type = 'asset_receivable' AND l.company_id = %s
                      AND l.partner_id = ANY(%s) AND l.parent_state = 'posted'
                 GROUP BY l.partner_id""",
                [company.id, partner_ids],
            )
            sql_sums = {pid: round(total, 2) for pid, total in cr.fetchall()}
            stored = {
                line.id: (
                    line.amount_residual,
                    line.amount_residual_currency,
                    line.reconciled,
                )
                for line in lines
            }
            moves = lines.move_id
            stored_moves = {
                move.id: (
                    move.amount_total,
                    move.amount_residual,
                    move.amount_total_signed,
                    move.amount_residual_signed,
                    move.payment_state,
                )
                for move in moves
            }
            fields = [
                Line._fields[f]
                for f in ("amount_residual", "amount_residual_currency", "reconciled")
            ]
            with env.protecting(fields, lines):
                lines._compute_amount_residual()
                computed = {
                    line.id: (
                        line.amount_residual,
                        line.amount_residual_currency,
                        line.reconciled,
                    )
                    for line in lines
                }
            Move = env["account.move"]
            move_fields = [
                Move._fields[f]
                for f in (
                    "amount_total",
                    "amount_residual",
                    "amount_total_signed",
                    "amount_residual_signed",
                    "payment_state",
                    "amount_untaxed",
                    "amount_tax",
                    "amount_untaxed_signed",
                    "amount_tax_signed",
                    "amount_total_in_currency_signed",
                    "amount_untaxed_in_currency_signed",
                )
            ]
            with env.protecting(move_fields, moves):
                moves._compute_amount()
                moves._compute_payment_state()
                computed_moves = {
                    move.id: (
                        move.amount_total,
                        move.amount_residual,
                        move.amount_total_signed,
                        move.amount_residual_signed,
                        move.payment_state,
                    )
                    for move in moves
                }
            for line_id, values in stored.items():
                if computed[line_id] != values:
                    errors.append(
                        f"line {line_id}: stored {values} ORM {computed[line_id]}"
                    )
            for mid, values in stored_moves.items():
                if computed_moves[mid] != values:
                    errors.append(
                        f"move {mid}: stored {values} ORM {computed_moves[mid]}"
                    )
            # the customers' balance as accounting shows it (partner credit field)
            for partner in env["res.partner"].with_company(company).browse(partner_ids):
                orm_total = round(partner.credit, 2)
                if round(sql_sums.get(partner.id, 0.0), 2) != orm_total:
                    errors.append(
                        f"partner {partner.id} in {company.name}: SQL "
                        f"{sql_sums.get(partner.id)} ORM credit {orm_total}"
                    )
            env.invalidate_all(flush=False)
            say(
                "check %s: %s lines, %s moves, %s customers compared",
                company.name,
                len(stored),
                len(stored_moves),
                len(partner_ids),
            )
        return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--tier", choices=sorted(TIERS), required=True)
    parser.add_argument("--check-only", action="store_true")
    args = parser.parse_args()
    registry = boot(args.config, args.database)
    import odoo

    started = time.monotonic()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        done = env["ir.config_parameter"].get_param(PARAM)
        generator = Generator(env, args.tier)
        if not args.check_only:
            if done:
                say("%s already holds tier %s: nothing to do", args.database, done)
                return 0
            generator.setup_companies()
            generator.create_customers()
            stats = generator.build_history()
            env["ir.config_parameter"].set_param(PARAM, args.tier)
            cr.commit()
            say(
                "tier %s built in %.0f s: %s",
                args.tier,
                time.monotonic() - started,
                ", ".join(f"{key} {value}" for key, value in stats.items()),
            )
        else:
            generator.companies = env["res.company"].search(
                [("name", "in", [env.ref("base.main_company").name, "Bench Company B"])]
            )
        errors = generator.check()
        cr.rollback()
    if errors:
        say("INCONSISTENT: %s differences, first ones:", len(errors))
        for error in errors[:20]:
            say("  %s", error)
        return 1
    say("consistent: SQL residuals, reconciliations and move amounts match the ORM")
    return 0


if __name__ == "__main__":
    sys.exit(main())
