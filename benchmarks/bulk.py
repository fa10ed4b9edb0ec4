# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending in bulk: the daily run on many customers whose level sends an email.

The tiers are built as a year of follow-ups leaves them: on a given day only a few
dozen customers reach an automatic email level. This measure puts the tier, inside
the measure's transaction (rolled back afterwards), in the state of a first daily
run: every level of every plan executes itself and sends an email (nothing else),
no line has been reminded yet, every customer is on automatic reminders. Every
customer with an overdue item is then due today, and the daily run is timed on
``count`` of them, three ways:

- ``email``: the reminder email alone;
- ``pdf_stored``: with the open invoices attached, each invoice having the PDF Odoo
  stores when it is sent (``invoice_pdf_report_id``);
- ``pdf_rendered``: with the open invoices attached, none having its PDF yet (each
  must be rendered by wkhtmltopdf).

Queries are counted on the measure's cursor, the RSS is read after each batch (its
growth is measured over the customers actually processed, not extrapolated).
"""

import collections
import os
import subprocess
import time
from unittest.mock import patch

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def make_due(env, attach_invoices=False):
    """Every customer with an overdue item due today on an email level (see the
    module's docstring). Returns {company: [partner ids the daily run takes]}."""
    cr = env.cr
    env.flush_all()
    cr.execute(
        """
        UPDATE account_followup_level
           SET auto_execute = TRUE, send_email = TRUE, send_letter = FALSE,
               send_sms = FALSE, send_post = FALSE, manual_action = FALSE,
               attach_invoices = %s,
               mail_template_id = COALESCE(
                   mail_template_id,
                   (SELECT res_id FROM ir_model_data
                     WHERE module = 'account_payment_followup'
                       AND name = 'mail_template_followup'))
        """,
        [attach_invoices],
    )
    cr.execute(
        "UPDATE account_move_line SET followup_level_id = NULL, followup_date = NULL "
        "WHERE followup_level_id IS NOT NULL"
    )
    cr.execute(
        "UPDATE res_partner SET followup_next_action_date = NULL, "
        "followup_reminder_type = NULL, followup_cron_attempts = NULL "
        "WHERE followup_next_action_date IS NOT NULL "
        "OR followup_reminder_type IS NOT NULL OR followup_cron_attempts IS NOT NULL"
    )
    env.invalidate_all()
    chosen = {}
    for company in env["res.company"].search([]):
        chosen[company] = (
            env["account.followup.execution"]
            .with_company(company)
            .with_context(allowed_company_ids=[company.id])
            ._cron_partners(company)
            .ids
        )
    return chosen


def store_invoice_pdfs(env, partner_ids):
    """A stored PDF (``invoice_pdf_report_file``) for every open invoice of the
    customers: one small PDF in the filestore, one attachment row per invoice."""
    attachment = env["ir.attachment"].create(
        {"name": "bench.pdf", "raw": PDF, "mimetype": "application/pdf"}
    )
    env.flush_all()
    env.cr.execute(
        """
        INSERT INTO ir_attachment (name, res_model, res_field, res_id, type,
                                   store_fname, checksum, file_size, mimetype,
                                   company_id, create_uid, write_uid, create_date,
                                   write_date, public)
        SELECT DISTINCT ON (m.id)
               replace(m.name, '/', '_') || '.pdf', 'account.move',
               'invoice_pdf_report_file', m.id, 'binary', a.store_fname, a.checksum,
               a.file_size, a.mimetype, m.company_id, 1, 1, now(), now(), FALSE
          FROM account_move_line l
          JOIN account_move m ON m.id = l.move_id
          JOIN ir_attachment a ON a.id = %s
         WHERE l.partner_id = ANY(%s) AND l.reconciled IS NOT TRUE
           AND l.parent_state = 'posted' AND l.amount_residual != 0
           AND m.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
        """,
        [attachment.id, partner_ids],
    )
    env.invalidate_all()
    return env.cr.rowcount


def _query_kinds():
    """Count the statements and their time by their first words (BENCH_QUERIES=1):
    ``(patch, counts, seconds)``."""
    import odoo.sql_db

    kinds = collections.Counter()
    seconds = collections.Counter()
    original = odoo.sql_db.Cursor.execute

    def execute(self, query, params=None, log_exceptions=True):
        text = str(getattr(query, "code", query))
        words = " ".join(text.split())[: int(os.environ.get("BENCH_QUERIES_WIDTH", 90))]
        kinds[words] += 1
        started = time.perf_counter()
        try:
            return original(self, query, params, log_exceptions)
        finally:
            seconds[words] += time.perf_counter() - started

    return patch.object(odoo.sql_db.Cursor, "execute", execute), kinds, seconds


def run(measure, count, variant, rss):
    """The daily run on ``count`` due customers (``variant``: email, pdf_stored,
    pdf_rendered); the figures go to ``measure.results['bulk_<variant>']``."""
    env = measure.env
    cr = measure.cr
    chosen = make_due(env, attach_invoices=variant != "email")
    available = sum(len(ids) for ids in chosen.values())
    budget = count
    picked = {}
    for company, ids in chosen.items():
        picked[company.id] = ids[:budget]
        budget = max(0, budget - len(picked[company.id]))
    picked_ids = [pid for ids in picked.values() for pid in ids]
    if variant == "pdf_stored":
        stored = store_invoice_pdfs(env, picked_ids)
        measure.say(
            "  %s invoice PDFs stored for %s customers", stored, len(picked_ids)
        )
    cls = type(env["account.followup.execution"])
    original_execute = cls._execute
    batches = []
    rss_samples = []

    def cron_partners(self, company):
        return self.env["res.partner"].browse(picked.get(company.id, []))

    def execute(self, *args, **kwargs):
        started = time.perf_counter()
        summary = original_execute(self, *args, **kwargs)
        batches.append(time.perf_counter() - started)
        rss_samples.append(rss())
        return summary

    smtp_calls = []

    def no_smtp(self, *args, **kwargs):
        smtp_calls.append(1)
        raise AssertionError("SMTP must not be called by follow-ups")

    # the wkhtmltopdf processes (the calls started ahead included, see
    # models/account_followup_pdf_calls.py) and the invoices in each
    from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

    binary = _get_wkhtmltopdf_bin()
    popen = subprocess.Popen
    pdf_calls = []

    def run_wkhtmltopdf(command, *args, **kwargs):
        if command and command[0] == binary and "--version" not in command:
            pdf_calls.append(sum(1 for arg in command if "body." in arg))
        return popen(command, *args, **kwargs)

    kinds_patch, kinds, kinds_seconds = _query_kinds()
    env.invalidate_all()
    mails_before = env["mail.mail"].search_count([])
    rss_before = rss()
    queries = cr.sql_log_count
    started = time.perf_counter()
    patches = [
        patch.object(cls, "_cron_partners", cron_partners),
        patch.object(cls, "_execute", execute),
        patch.object(type(env["ir.mail_server"]), "send_email", no_smtp),
        patch.object(type(env["ir.cron"]), "_notify_progress", lambda *a, **k: None),
        patch("subprocess.Popen", run_wkhtmltopdf),
    ]
    if os.environ.get("BENCH_QUERIES"):
        patches.append(kinds_patch)
    for one in patches:
        one.start()
    profile = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    try:
        totals = env["res.partner"]._cron_execute_followups(
            batch_size=50, time_budget=10**6, auto_commit=False
        )
    finally:
        if profile:
            profile.disable()
            profile.dump_stats(f"/tmp/bulk_{variant}.prof")
        for one in patches:
            one.stop()
    seconds = time.perf_counter() - started
    queries = cr.sql_log_count - queries
    handled = totals["processed"] + totals["failed"] + totals["skipped"]
    mails = env["mail.mail"].search_count([]) - mails_before
    growth = max(max(rss_samples or [rss_before]) - rss_before, 0.0)
    result = {
        "partners": handled,
        "available": available,
        "totals": totals,
        "seconds": seconds,
        "partners_per_s": handled / seconds if seconds else 0,
        "queries_per_partner": queries / handled if handled else 0,
        "max_batch_s": max(batches or [0]),
        "batches": len(batches),
        "rss_growth_mb": growth,
        "rss_before_mb": rss_before,
        "rss_peak_mb": max(rss_samples or [rss_before]),
        "mails_queued": mails,
        "smtp_calls": len(smtp_calls),
        "wkhtmltopdf_calls": len(pdf_calls),
        "documents_per_call": (sum(pdf_calls) / len(pdf_calls)) if pdf_calls else 0,
    }
    measure.results[f"bulk_{variant}"] = result
    measure.say(
        "bulk %s: %s customers (of %s due) in %.1f s: %.1f customers/s, %.1f "
        "queries/customer, %s batches (slowest %.2f s), RSS %.0f MB, +%.0f MB at "
        "most after a batch, %s mails "
        "queued, wkhtmltopdf %s calls (%.1f HTML documents each), result %s",
        variant,
        handled,
        available,
        seconds,
        result["partners_per_s"],
        result["queries_per_partner"],
        len(batches),
        result["max_batch_s"],
        rss_before,
        growth,
        mails,
        len(pdf_calls),
        result["documents_per_call"],
        totals,
    )
    if kinds:
        for text, spent in kinds_seconds.most_common(40):
            measure.say("  %6d %7.3f s  %s", kinds[text], spent, text)
    cr.rollback()
    env.invalidate_all()
    return result
