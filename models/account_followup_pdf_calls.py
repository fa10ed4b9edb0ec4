# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The wkhtmltopdf calls of a batch's invoices started ahead, several at a time.

Most of a wkhtmltopdf call is spent waiting: Odoo gives each page the report's
javascript delay (``report.print_delay``, a second by default) before printing
it. The calls of a batch are therefore run ``INVOICE_CALLS_AT_ONCE`` at a time
(``account_followup_send_attachments.py``):
each call is first prepared as Odoo prepares it (the same report, the same
overrides of every module) up to the point where wkhtmltopdf is started, and
started in the background (``ir.actions.report._run_wkhtmltopdf`` in
``START`` mode); when its turn comes, the invoices are rendered again and the
call with the very same arguments is answered by the PDF of the process started
for it (a call whose arguments differ is run as usual).
"""

import logging
import os
import subprocess
import tempfile
from contextlib import closing
from urllib.parse import urlparse

from psycopg2 import errors as pg_errors

from odoo import api, models, tools
from odoo.exceptions import UserError
from odoo.http import request, root
from odoo.service import security

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

# Cursor cache key: the wkhtmltopdf processes started ahead, by their arguments
PDF_JOBS = "account_payment_followup.invoice_pdf_jobs"
# Context key: prepare a call and start its wkhtmltopdf in the background
START = "followup_invoice_pdf_start"
# Odoo splits the tables of larger bodies before printing them: such a call is
# not started ahead
BODY_SIZE_LIMIT = 4 * 1024 * 1024


class _Started(Exception):
    """The call's wkhtmltopdf runs in the background (``START`` mode)."""


class _NotStarted(Exception):
    """The call cannot be started ahead: it is made when its turn comes."""


class AccountFollowupSend(models.AbstractModel):
    _inherit = "account.followup.send"

    @api.model
    def _pdf_start_ahead(self):
        """Whether the calls of a batch can be started ahead: PDFs are rendered
        (not the HTML of tests without ``force_report_rendering``)."""
        return not (
            (tools.config["test_enable"] or tools.config["test_file"])
            and not self.env.context.get("force_report_rendering")
        )

    @api.model
    def _invoice_pdfs_start(self, chunk):
        """Prepare the call of ``chunk`` and start its wkhtmltopdf in the
        background; nothing is kept of what the preparation did. A call that
        cannot be started ahead, or fails, is made when its turn comes (and
        reported there)."""
        try:
            self.with_context(**{START: True})._invoice_pdfs_render_call(chunk)
        except (_Started, _NotStarted):
            return
        except pg_errors.TransactionRollbackError:
            raise
        except Exception as error:  # made again in its turn, which reports it
            _logger.debug("invoices %s not started ahead: %s", chunk, error)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, *args, **options):
        """The invoices of a batch, started ahead (see the module's docstring): in
        ``START`` mode, start wkhtmltopdf in the background and stop there; in
        their turn, the PDF of the process started with the same arguments."""
        jobs = self.env.cr.cache.get(PDF_JOBS)
        if jobs is None or args:
            return super()._run_wkhtmltopdf(bodies, *args, **options)
        key = (
            tuple(bodies),
            tuple(
                sorted(
                    (name, value if isinstance(value, str) else repr(value))
                    for name, value in options.items()
                )
            ),
        )
        if self.env.context.get(START):
            if key in jobs or any(len(body) >= BODY_SIZE_LIMIT for body in bodies):
                raise _NotStarted()
            jobs[key] = self._followup_wkhtmltopdf_start(bodies, **options)
            raise _Started()
        job = jobs.pop(key, None)
        if job is None:
            return super()._run_wkhtmltopdf(bodies, **options)
        return job.result(self.env)

    def _followup_wkhtmltopdf_start(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        """Start wkhtmltopdf as ``_run_wkhtmltopdf`` runs it (the same arguments,
        files and session cookie), without waiting for it: a ``_WkhtmltopdfJob``."""
        paperformat = (
            self._get_report(report_ref).get_paperformat()
            if report_ref
            else self.get_paperformat()
        )
        command_args = self._build_wkhtmltopdf_args(
            paperformat,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        job = _WkhtmltopdfJob()
        try:
            if request and request.db:
                # as _run_wkhtmltopdf: a temporary session, for the report's links
                session = root.session_store.new()
                session.update({**request.session, "debug": "", "_trace_disable": True})
                if session.uid:
                    session.session_token = security.compute_session_token(
                        session, self.env
                    )
                root.session_store.save(session)
                job.session = session
                domain = urlparse(self._get_report_url()).hostname
                cookie = f"session_id={session.sid}; HttpOnly; domain={domain}; path=/;"
                command_args += ["--cookie-jar", job.file("cookie_jar", ".txt", cookie)]
            files_args = []
            if header:
                files_args += ["--header-html", job.file("header", ".html", header)]
            if footer:
                files_args += ["--footer-html", job.file("footer", ".html", footer)]
            paths = [job.file("body", ".html", body) for body in bodies]
            job.pdf_path = job.file("pdf", ".pdf", "")
            job.start(
                [_get_wkhtmltopdf_bin(), *command_args, *files_args, *paths]
                + [job.pdf_path]
            )
        except Exception:
            job.stop()
            raise
        return job


class _WkhtmltopdfJob:
    """A wkhtmltopdf process started in the background, its files and session
    (``ir.actions.report._followup_wkhtmltopdf_start``)."""

    def __init__(self):
        self.files = []
        self.session = None
        self.process = None
        self.stderr = None
        self.pdf_path = None

    def file(self, kind, suffix, content):
        fd, path = tempfile.mkstemp(suffix=suffix, prefix=f"report.followup.{kind}.")
        self.files.append(path)
        with closing(os.fdopen(fd, "wb")) as out:
            out.write(content.encode())
        return path

    def start(self, command):
        # the messages in a file: a full pipe would stop the process
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=self.stderr
        )

    def result(self, env):
        """The PDF, once the process has ended; the errors of ``_run_wkhtmltopdf``
        when it failed."""
        try:
            self.process.wait()
            self.stderr.seek(0)
            err = self.stderr.read().decode("utf-8", "replace")
            if self.process.returncode not in (0, 1):
                if self.process.returncode == -11:
                    message = env._(
                        "Wkhtmltopdf failed (error code: %(error_code)s). Memory "
                        "limit too low or maximum file number of subprocess "
                        "reached. Message : %(message)s",
                        error_code=self.process.returncode,
                        message=err[-1000:],
                    )
                else:
                    message = env._(
                        "Wkhtmltopdf failed (error code: %(error_code)s). "
                        "Message: %(message)s",
                        error_code=self.process.returncode,
                        message=err[-1000:],
                    )
                _logger.warning(message)
                raise UserError(message)
            if err:
                _logger.warning("wkhtmltopdf: %s", err)
            with open(self.pdf_path, "rb") as pdf:
                return pdf.read()
        finally:
            self.stop()

    def stop(self):
        """End the process if it still runs, remove its files and session."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.stderr is not None:
            self.stderr.close()
            self.stderr = None
        if self.session is not None:
            root.session_store.delete(self.session)
            self.session = None
        for path in self.files:
            try:
                os.unlink(path)
            except OSError:
                _logger.error("Error when trying to remove file %s", path)
        self.files = []
