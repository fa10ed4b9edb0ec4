# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta
from urllib.parse import urlsplit

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import FollowupCommon

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@tagged("post_install", "-at_install")
class TestFollowupPortal(FollowupCommon, HttpCase):
    """The customer's follow-up page, opened without a session (the link of the
    reminders) or by a logged-in portal user of the customer. Dates relative to
    today: the HTTP server's clock is not frozen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.company._followup_today()
        # overdue since 20 days, 1,000.00; not due yet, 300.00; overdue, 200.00
        # (then disputed by the tests that need it)
        cls.overdue = cls.make_portal_invoice(cls.customer, 1000, -40, -20)
        cls.not_due = cls.make_portal_invoice(cls.customer, 300, -5, 10)
        cls.overdue2 = cls.make_portal_invoice(cls.customer, 200, -30, -10)
        cls.other = cls.make_portal_invoice(cls.customer2, 777, -40, -20)
        cls.reason = cls.env.ref(
            "account_payment_followup.account_followup_dispute_reason_quality"
        )

    @classmethod
    def make_portal_invoice(cls, partner, amount, invoice_days, due_days):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": cls.today + timedelta(days=invoice_days),
                "invoice_date_due": cls.today + timedelta(days=due_days),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Consulting",
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def page_path(self, partner=None):
        partner = partner or self.customer
        return path_of(partner._followup_portal_url())

    def csrf(self, response):
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def post(self, suffix, data, files=None, partner=None):
        page = self.url_open(self.page_path(partner))
        path, _sep, query = self.page_path(partner).partition("?")
        return self.url_open(
            f"{path}{suffix}?{query}",
            data=dict(data, csrf_token=self.csrf(page)),
            files=files,
            allow_redirects=True,
        )

    # ------------------------------------------------------------------
    # The page
    # ------------------------------------------------------------------

    def test_page_opens_with_the_token(self):
        """No session: the customer's open items, overdue first, its totals; no
        item of another customer."""
        self.env["account.followup.dispute"].create(
            {"move_id": self.overdue2.id, "reason_id": self.reason.id}
        )
        url = self.customer._followup_portal_url()
        self.assertIn(
            f"/my/followup/{self.company.id}/{self.customer.id}?access_token=", url
        )
        response = self.url_open(path_of(url))
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("Customer One", html)
        self.assertNotIn(self.other.name, html)
        self.assertNotIn("Customer Two", html)
        # overdue first, then the disputed and the not yet due one
        self.assertLess(html.index(self.overdue.name), html.index(self.not_due.name))
        disputed_row = re.search(
            r'<tr class="o_followup_portal_row o_followup_disputed"[^>]*>(.*?)</tr>',
            html,
            re.S,
        ).group(1)
        self.assertIn(self.overdue2.name, disputed_row)
        self.assertIn("Disputed", disputed_row)
        # the disputed invoice counts in no total: 1,000 + 300 due, 1,000 overdue
        totals = re.search(r'o_followup_portal_total_due">([^<]*)<', html).group(1)
        self.assertIn("1,300.00", totals)
        self.assertIn(
            "1,000.00",
            re.search(
                r'o_followup_portal_total_overdue"[^>]*>(.*?)</div>', html, re.S
            ).group(1),
        )
        # a Pay link per invoice, the statement, the promise and dispute forms
        for move in (self.overdue, self.not_due, self.overdue2):
            self.assertIn(f"/pay/{move.id}?access_token=", html)
        self.assertIn("/statement?access_token=", html)
        self.assertIn("o_followup_portal_promise", html)
        self.assertIn("o_followup_portal_dispute", html)

    def test_bad_tokens_show_nothing(self):
        """Forged, missing, revoked, renewed (the old one) or another customer's
        token: 403/404, and nothing of the customer in the answer."""
        path, _sep, _query = self.page_path().partition("?")
        token2 = self.customer2._followup_portal_url().split("access_token=")[1]
        cases = {
            "forged": f"{path}?access_token=forged-{'x' * 40}",
            "missing": path,
            "empty": f"{path}?access_token=",
            "other customer's": f"{path}?access_token={token2}",
            "unknown customer": f"/my/followup/{self.company.id}/999999999"
            f"?access_token={token2}",
        }
        for case, url in cases.items():
            with self.subTest(case):
                response = self.url_open(url)
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn("Customer One", response.text)
                self.assertNotIn(self.overdue.name, response.text)
        # a contact of the customer is not a page of its own
        contact = self.env["res.partner"].create(
            {"name": "Accountant", "parent_id": self.customer.id}
        )
        contact_path = f"/my/followup/{self.company.id}/{contact.id}"
        self.assertEqual(self.url_open(contact_path).status_code, 404)
        # the statement and the pay links are checked the same way
        for suffix in ("/statement", f"/pay/{self.overdue.id}"):
            with self.subTest(suffix):
                response = self.url_open(f"{path}{suffix}?access_token=forged")
                self.assertEqual(response.status_code, 403)
        # another company: the customer's token of this company opens nothing
        other_company = self.setup_other_company()["company"]
        good = self.page_path()
        self.assertEqual(
            self.url_open(
                good.replace(
                    f"/my/followup/{self.company.id}/",
                    f"/my/followup/{other_company.id}/",
                )
            ).status_code,
            403,
        )

    def test_revoke_and_renew(self):
        old = self.page_path()
        self.assertEqual(self.url_open(old).status_code, 200)
        self.customer.action_followup_portal_revoke()
        self.assertEqual(self.url_open(old).status_code, 403)
        # no link is handed out again while revoked (a reminder carries none)
        self.assertFalse(self.customer._followup_portal_url())
        self.assertEqual(self.customer._followup_portal_link(), "")
        self.assertTrue(self.customer.followup_portal_revoked)
        self.customer.action_followup_portal_renew()
        new = self.page_path()
        self.assertNotEqual(new, old)
        self.assertEqual(self.url_open(old).status_code, 403)
        self.assertEqual(self.url_open(new).status_code, 200)
        self.assertFalse(self.customer.followup_portal_revoked)
        self.assertIn("was revoked", " ".join(self.customer.message_ids.mapped("body")))

    def test_statement_pdf_and_pay_links(self):
        response = self.url_open(self.page_path().replace("?", "/statement?"))
        self.assertEqual(response.status_code, 200)
        # (Odoo's test mode renders reports as HTML) the letter of this customer
        self.assertIn("Customer One", response.text)
        self.assertIn(self.overdue.name, response.text)
        self.assertNotIn(self.other.name, response.text)
        # Pay: the invoice's portal page, with its own token
        response = self.url_open(
            self.page_path().replace("?", f"/pay/{self.overdue.id}?"),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn(
            f"/my/invoices/{self.overdue.id}?access_token={self.overdue.access_token}",
            response.headers["Location"],
        )
        # another customer's invoice through this customer's token: not found
        response = self.url_open(
            self.page_path().replace("?", f"/pay/{self.other.id}?"),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)

    # ------------------------------------------------------------------
    # Pay all overdue
    # ------------------------------------------------------------------

    def enable_demo_provider(self):
        """Odoo's demo payment provider (payment_demo, installed in the test
        database by scripts/test.sh) in the company of the invoices, in test
        mode."""
        demo = self.env.ref("payment.payment_provider_demo")
        provider = demo.sudo().search(
            [("code", "=", "demo"), ("company_id", "=", self.company.id)], limit=1
        ) or demo.sudo().copy({"company_id": self.company.id})
        provider.write({"state": "test", "is_published": True})
        provider.payment_method_ids.write({"active": True})
        return provider

    def pay_overdue_link(self):
        """The page's Pay all overdue link, or None."""
        response = self.url_open(self.page_path())
        self.assertEqual(response.status_code, 200)
        found = re.search(
            r'<a class="btn btn-primary o_followup_portal_pay_overdue" href="([^"]+)"',
            response.text,
        )
        return found and found.group(1).replace("&amp;", "&")

    def pay_overdue_transactions(self):
        return self.env["payment.transaction"].search(
            [("partner_id", "=", self.customer.id)]
        )

    def test_pay_all_overdue(self):
        """No session, the page opened with the token: Pay all overdue shows with a
        payment provider and 2+ overdue invoices in one currency; it opens Odoo's
        payment form for the total of those invoices (1,000 + 200, not the 300 not
        yet due), and the transaction is for exactly them, whatever amount the
        browser sends."""
        pay_overdue_path = self.page_path().replace("?", "/pay_overdue?")
        # no payment provider: no link, nothing to open
        self.assertIsNone(self.pay_overdue_link())
        self.assertEqual(self.url_open(pay_overdue_path).status_code, 404)
        provider = self.enable_demo_provider()
        link = self.pay_overdue_link()
        self.assertEqual(link, pay_overdue_path)
        response = self.url_open(link)
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn('data-amount="1200.0"', html)
        self.assertIn("1,200.00", html)
        self.assertNotIn("1,500.00", html)
        path, _sep, query = self.page_path().partition("?")
        self.assertIn(f'data-transaction-route="{path}/transaction/overdue"', html)
        self.assertIn(f'data-landing-route="{path}?{query}"', html)
        self.assertIn(f'data-provider-id="{provider.id}"', html)
        access_token = query.partition("access_token=")[2]
        self.assertIn(f'data-access-token="{access_token}"', html)
        reference = re.search(r'data-payment-reference="([^"]*)"', html).group(1)
        # what the payment form sends: the amount comes from the invoices, not
        # from the browser
        result = self.make_jsonrpc_request(
            f"{path}/transaction/overdue",
            {
                "access_token": access_token,
                "payment_reference": reference,
                "provider_id": provider.id,
                "payment_method_id": provider.payment_method_ids[:1].id,
                "token_id": None,
                "amount": 1.0,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": f"{path}?{query}",
                "is_validation": False,
            },
        )
        transaction = self.pay_overdue_transactions()
        self.assertEqual(len(transaction), 1)
        self.assertEqual(result["reference"], transaction.reference)
        self.assertEqual(transaction.invoice_ids, self.overdue | self.overdue2)
        self.assertEqual(transaction.amount, 1200)
        self.assertEqual(transaction.currency_id, self.overdue.currency_id)
        self.assertEqual(transaction.provider_id, provider)
        self.assertEqual(transaction.state, "draft")
        # one overdue invoice left (the other disputed): Pay on its row only
        dispute = self.env["account.followup.dispute"].create(
            {"move_id": self.overdue2.id, "reason_id": self.reason.id}
        )
        self.assertIsNone(self.pay_overdue_link())
        self.assertEqual(self.url_open(pay_overdue_path).status_code, 404)
        dispute.unlink()
        self.assertTrue(self.pay_overdue_link())
        # overdue invoices in two currencies: no total to pay at once
        currency = self.setup_other_currency("EUR")
        self.make_invoice(
            amount=50,
            invoice_date=self.today - timedelta(days=40),
            due=self.today - timedelta(days=20),
            currency=currency,
        )
        self.assertIsNone(self.pay_overdue_link())
        self.assertEqual(self.url_open(pay_overdue_path).status_code, 404)

    def test_pay_all_overdue_refused_with_a_bad_token(self):
        """Forged, missing or another customer's token: 403/404 for the payment
        form and for the transaction, nothing of the customer shown, no
        transaction."""
        provider = self.enable_demo_provider()
        path, _sep, _query = self.page_path().partition("?")
        token2 = self.customer2._followup_portal_url().split("access_token=")[1]
        for case, token in (
            ("forged", f"forged-{'x' * 40}"),
            ("missing", None),
            ("other customer's", token2),
        ):
            with self.subTest(case):
                query = f"?access_token={token}" if token else ""
                response = self.url_open(f"{path}/pay_overdue{query}")
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn("Customer One", response.text)
                self.assertNotIn(self.overdue.name, response.text)
                self.assertNotIn("1,200.00", response.text)
                with self.assertRaises(JsonRpcException) as refused:
                    self.make_jsonrpc_request(
                        f"{path}/transaction/overdue",
                        {
                            "access_token": token,
                            "payment_reference": "forged",
                            "provider_id": provider.id,
                            "payment_method_id": provider.payment_method_ids[:1].id,
                            "token_id": None,
                            "amount": 1200.0,
                            "flow": "direct",
                            "tokenization_requested": False,
                            "landing_route": path,
                            "is_validation": False,
                        },
                    )
                self.assertIn("Forbidden", str(refused.exception))
                self.assertNotIn("Customer One", str(refused.exception))
        self.assertFalse(self.pay_overdue_transactions())

    # ------------------------------------------------------------------
    # The customer's answers
    # ------------------------------------------------------------------

    def promises(self):
        return self.env["account.followup.promise"].search(
            [("partner_id", "=", self.customer.id)]
        )

    def test_promise(self):
        """I will pay on ...: a promise (source portal) for the counted open
        items, 1,000 + 300 + 200 = 1,500.00; an activity for the responsible; a
        second click records nothing more."""
        date = self.today + timedelta(days=7)
        response = self.post("/promise", {"date": date.isoformat(), "note": "Friday"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("your promise to pay was recorded", response.text)
        promise = self.promises()
        self.assertEqual(len(promise), 1)
        self.assertEqual(
            (promise.source, promise.state, promise.date), ("portal", "open", date)
        )
        self.assertEqual(promise.amount, 1500)
        self.assertEqual(promise.note, "Friday")
        self.assertEqual(
            promise.line_ids,
            self.receivable_lines(self.overdue | self.not_due | self.overdue2),
        )
        activity = self.customer.activity_ids
        self.assertEqual(activity.summary, "Promise to pay from the customer's page")
        self.assertFalse(activity.user_id.share)
        self.assertIn(
            "Promise to pay recorded",
            " ".join(self.customer.message_ids.mapped("body")),
        )
        # double click: the same promise again
        response = self.post("/promise", {"date": date.isoformat()})
        self.assertIn("already recorded", response.text)
        self.assertEqual(len(self.promises()), 1)

    def test_promise_refused(self):
        for case, value, message in (
            ("past", (self.today - timedelta(days=1)).isoformat(), "in the past"),
            ("missing", "", "Choose the date"),
            ("garbage", "next week", "Choose the date"),
        ):
            with self.subTest(case):
                response = self.post("/promise", {"date": value})
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertIn("o_followup_portal_error", response.text)
        self.assertFalse(self.promises())

    def disputes(self, move=None):
        return self.env["account.followup.dispute"].search(
            [("move_id", "in", (move or self.overdue | self.other).ids)]
        )

    def test_dispute(self):
        """I dispute this invoice, with a PDF: the dispute, the file on it, an
        activity for the responsible; the invoice is marked on the page; a second
        click records nothing more."""
        response = self.post(
            "/dispute",
            {
                "move_id": self.overdue.id,
                "reason_id": self.reason.id,
                "description": "Two boxes were broken",
            },
            files={"attachment": ("photos.pdf", PDF, "application/pdf")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your dispute was recorded", response.text)
        dispute = self.disputes()
        self.assertEqual(len(dispute), 1)
        self.assertEqual(
            (dispute.state, dispute.reason_id, dispute.description),
            ("open", self.reason, "Two boxes were broken"),
        )
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", dispute._name), ("res_id", "=", dispute.id)]
        )
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertEqual(attachment.raw, PDF)
        self.assertEqual(
            self.customer.activity_ids.summary,
            "Invoice disputed from the customer's page",
        )
        self.assertIn(
            "Invoice disputed", " ".join(self.overdue.message_ids.mapped("body"))
        )
        self.assertIn(
            "Disputed",
            re.search(
                r'<tr class="o_followup_portal_row o_followup_disputed"[^>]*>(.*?)</tr>',
                response.text,
                re.S,
            ).group(1),
        )
        # double click
        response = self.post(
            "/dispute", {"move_id": self.overdue.id, "reason_id": self.reason.id}
        )
        self.assertIn("already in dispute", response.text)
        self.assertEqual(len(self.disputes()), 1)

    def test_dispute_refused(self):
        """Another customer's invoice, a paid one, a file too large or of another
        kind, no reason: a clear message, nothing created, nothing shown of the
        other customer."""
        paid = self.make_portal_invoice(self.customer, 50, -10, -5)
        self.pay(paid, pay_date=self.today)
        big = b"%PDF-1.4\n" + b"0" * (8 * 1024 * 1024)
        cases = [
            ("other customer", {"move_id": self.other.id}, None, "open invoices"),
            ("unknown", {"move_id": 999999999}, None, "open invoices"),
            ("paid", {"move_id": paid.id}, None, "already paid"),
            (
                "too large",
                {"move_id": self.overdue.id},
                {"attachment": ("big.pdf", big, "application/pdf")},
                "too large",
            ),
            (
                "wrong type",
                {"move_id": self.overdue.id},
                {"attachment": ("run.exe", b"MZ\x90\x00binary", "application/pdf")},
                "PDF, PNG or JPEG",
            ),
            ("no reason", {"move_id": self.overdue.id, "reason_id": ""}, None, "why"),
        ]
        for case, data, files, message in cases:
            with self.subTest(case):
                response = self.post(
                    "/dispute", {"reason_id": self.reason.id, **data}, files=files
                )
                self.assertEqual(response.status_code, 400, case)
                self.assertIn(message, response.text)
                self.assertNotIn(self.other.name, response.text)
        self.assertFalse(self.disputes(self.overdue | self.other | paid))

    def test_forms_need_the_csrf_token(self):
        path, _sep, query = self.page_path().partition("?")
        response = self.url_open(
            f"{path}/promise?{query}",
            data={"date": (self.today + timedelta(days=3)).isoformat()},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.promises())

    # ------------------------------------------------------------------
    # Logged-in portal users, /my
    # ------------------------------------------------------------------

    def test_portal_user_reaches_the_page_from_my(self):
        user = new_test_user(
            self.env,
            login="portal_one",
            groups="base.group_portal",
            partner_id=self.customer.id,
            password="portal_one",
        )
        self.assertTrue(user.share)
        self.authenticate("portal_one", "portal_one")
        home = self.url_open("/my")
        self.assertIn('href="/my/followup"', home.text)
        response = self.url_open("/my/followup")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            response.url.endswith(f"/my/followup/{self.company.id}/{self.customer.id}")
        )
        self.assertIn(self.overdue.name, response.text)
        # another customer's page: refused
        response = self.url_open(f"/my/followup/{self.company.id}/{self.customer2.id}")
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(self.other.name, response.text)

    # ------------------------------------------------------------------
    # Reminders carry the link
    # ------------------------------------------------------------------

    def test_reminders_carry_the_link(self):
        """The email and SMS of a reminder carry the page's link, created at the
        execution; the letter prints it as text and QR code."""
        self.assertFalse(
            self.env["account.followup.portal.access"].search(
                [("partner_id", "=", self.customer.id)]
            )
        )
        level = self.levels.filtered(lambda lvl: lvl.delay == 15)
        level.write(
            {
                "send_email": True,
                "mail_template_id": self.env.ref(
                    "account_payment_followup.mail_template_followup"
                ).id,
                "send_sms": True,
                "sms_template_id": self.env.ref(
                    "account_payment_followup.sms_template_followup"
                ).id,
            }
        )
        summary = self.execute(self.customer, channels=["email", "sms", "letter"])
        self.assertFalse(summary["failed"], summary["failed"])
        link = self.customer._followup_portal_link()
        self.assertTrue(link)
        reminder = summary["reminders"]
        email = reminder.email_message_id
        self.assertIn(link.replace("&", "&amp;"), str(email.body))
        self.assertIn("Pay or answer online", str(email.body))
        sms = reminder.sms_message_id
        self.assertIn(link, sms.body)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "account_payment_followup.res_partner_action_report_followup_letter",
                self.customer.ids,
            )[0]
            .decode()
        )
        self.assertIn(link.replace("&", "&amp;"), html)
        self.assertIn('src="data:image/png;base64,', html)

    def test_rendering_never_creates_a_token(self):
        """A document of a customer without a token prints no link and creates
        none (the report runs in another transaction than the print action)."""
        Access = self.env["account.followup.portal.access"]
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "account_payment_followup.res_partner_action_report_followup_letter",
                self.customer.ids,
            )[0]
            .decode()
        )
        self.assertNotIn("o_followup_portal_link", html)
        template = self.env.ref("account_payment_followup.mail_template_followup")
        rendered = self.env["account.followup.send"]._render_email(
            self.customer, self.level(15), template
        )
        self.assertNotIn("Pay or answer online", rendered["body_html"])
        self.assertFalse(Access.search([("partner_id", "=", self.customer.id)]))
        # the print action creates the customers' tokens before the download
        self.customer._followup_letters_action()
        self.assertTrue(Access.search([("partner_id", "=", self.customer.id)]))
