# Demo data for `make run`: run inside `odoo shell` (the variable `env` is given).
#
# About fifteen customers whose invoices fall due from 40 days ahead to 90 days ago, some
# paid, some partially paid, one line excluded (litigation), one with an expected payment
# date, one customer on Manual reminders, one without email, so that every follow-up
# status shows on first look. Dates are relative to today; amounts are fixed.
# ruff: noqa: F821
from datetime import timedelta

from odoo import Command, fields

company = env.company
today = fields.Date.context_today(env.user)
company.write(
    {
        "name": "Harbour Supplies Ltd",
        "street": "14 Quay Street",
        "zip": "1000",
        "city": "Brussels",
        "country_id": env.ref("base.be").id,
        "email": "accounts@harbour-supplies.example",
        "phone": "+32 2 555 01 00",
        "website": "https://harbour-supplies.example",
        "vat": "BE0477472701",
        "company_registry": "0477.472.701",
    }
)
company.partner_id.tz = "Europe/Brussels"
# a Belgian company counts in euros (possible as long as nothing is posted)
euro = env.ref("base.EUR")
if company.currency_id != euro and not env["account.move.line"].search_count([]):
    euro.active = True
    company.currency_id = euro
if not company.partner_id.bank_ids:
    env["res.partner.bank"].create(
        {"acc_number": "BE71 0961 2345 6769", "partner_id": company.partner_id.id}
    )
admin = env.ref("base.user_admin")
admin.write({"email": "admin@harbour-supplies.example", "tz": "Europe/Brussels"})
billing = env["res.users"].search([("login", "=", "credit")], limit=1)
if not billing:
    billing = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Clara Credit",
                "login": "credit",
                "password": "credit",
                "email": "clara@harbour-supplies.example",
                # billing rights, and Contact Creation as Odoo gives every new user
                "groups_id": [
                    Command.link(env.ref("account.group_account_invoice").id),
                    Command.link(env.ref("base.group_partner_manager").id),
                ],
            }
        )
    )

belgium = env.ref("base.be")
france = env.ref("base.fr")
netherlands = env.ref("base.nl")


def customer(name, city, email=True, country=belgium, **extra):
    slug = name.lower().replace(" ", "").replace("&", "")[:14]
    vals = {
        "name": name,
        "is_company": True,
        "street": f"{len(name)} Avenue {name.split()[0]}",
        "zip": "1050",
        "city": city,
        "country_id": country.id,
        "email": f"accounts@{slug}.example" if email else False,
        "mobile": f"+32 470 00 00 {len(name) % 100:02d}",
    }
    vals.update(extra)
    return env["res.partner"].create(vals)


def invoice(partner, amount, due_in_days, age_days=30, label="Supplies"):
    """An invoice issued ``age_days`` before its due date."""
    due = today + timedelta(days=due_in_days)
    move = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": due - timedelta(days=age_days),
            "invoice_date_due": due,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": label,
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
    )
    move.action_post()
    return move


def pay(move, amount=None):
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=move.ids
    ).create(
        {
            "amount": amount if amount is not None else move.amount_residual,
            "payment_date": today - timedelta(days=2),
        }
    )._create_payments()


def receivable(move):
    return move.line_ids.filtered(
        lambda line: line.account_id.account_type == "asset_receivable"
    )


levels = env["account.followup.level"].search(
    [("company_id", "=", company.id)], order="delay"
)
level_by_delay = {level.delay: level for level in levels}

# in need of action at various levels
acme = customer("Acme Logistics", "Antwerp", phone="+32 3 555 12 12")
invoice(acme, 1250.00, -2, label="Pallet racking")  # first reminder (1 day after)
invoice(acme, 480.00, 20, label="Spare parts")  # not due yet

blue = customer("Bluewave Marine", "Ostend")
invoice(blue, 3200.00, 2, label="Mooring ropes")  # friendly reminder (3 days before)

corner = customer("Corner Bakery", "Leuven")
invoice(corner, 640.00, -18, label="Flour bags")  # call the customer (15 days)

delta = customer("Delta Engineering", "Paris", country=france)
old = invoice(delta, 5400.00, -40, label="Steel beams")  # second reminder (35 days)
receivable(old).write(
    {"followup_level_id": level_by_delay[15].id, "followup_date": today - timedelta(25)}
)
invoice(delta, 900.00, -5, label="Bolts")

eagle = customer("Eagle Freight", "Rotterdam", country=netherlands)
invoice(eagle, 7800.00, -90, label="Container lease")  # formal notice (60 days)
invoice(eagle, 1200.00, -64, label="Storage")

# a partial payment: still overdue
fjord = customer("Fjord Trading", "Bruges")
partial = invoice(fjord, 2000.00, -10, label="Marine paint")
pay(partial, 1500.00)

# fully paid: nothing to do
green = customer("Greenfield Farms", "Namur")
pay(invoice(green, 1500.00, -30, label="Irrigation kit"))
invoice(green, 300.00, 35, label="Seeds")

# one excluded line (litigation) and one normal overdue line
harbor = customer("Hartmann & Sons", "Liège")
disputed = invoice(harbor, 4100.00, -25, label="Disputed delivery")
receivable(disputed).write(
    {
        "followup_excluded": True,
        "followup_note": "Customer disputes the delivery: litigation in progress.",
    }
)
invoice(harbor, 350.00, -4, label="Packaging")

# an expected payment date: the customer promised to pay next week
iris = customer("Iris Optics", "Ghent")
promised = invoice(iris, 2750.00, -12, label="Lenses")
receivable(promised).write(
    {
        "followup_expected_date": today + timedelta(days=7),
        "followup_note": "Promised payment by phone.",
    }
)

# a customer on Manual reminders, shown again in ten days
jade = customer("Jade Interiors", "Mons")
invoice(jade, 1900.00, -20, label="Furniture")
jade.write(
    {
        "followup_reminder_type": "manual",
        "followup_next_action_date": today + timedelta(days=10),
    }
)

# a customer without email (letters still work)
koala = customer("Koala Toys", "Charleroi", email=False)
invoice(koala, 820.00, -3, label="Wooden toys")

# overdue but already reminded: with overdue invoices, no action today
lumen = customer("Lumen Lighting", "Hasselt")
reminded = invoice(lumen, 1340.00, -8, label="LED panels")
receivable(reminded).write(
    {"followup_level_id": level_by_delay[1].id, "followup_date": today - timedelta(7)}
)
lumen.followup_next_action_date = today + timedelta(days=7)

# not due yet
invoice(customer("Mosaic Studio", "Wavre"), 2300.00, 40, label="Tiles")
invoice(customer("Nova Pharma", "Leuven"), 6100.00, 15, label="Lab glassware")

# a credit note covering the overdue amount: no action needed
orbit = customer("Orbit Telecom", "Brussels")
invoice(orbit, 600.00, -15, label="Cables")
credit = env["account.move"].create(
    {
        "move_type": "out_refund",
        "partner_id": orbit.id,
        "invoice_date": today - timedelta(days=5),
        "invoice_line_ids": [
            Command.create(
                {
                    "name": "Returned cables",
                    "quantity": 1,
                    "price_unit": 600.00,
                    "tax_ids": [Command.clear()],
                }
            )
        ],
    }
)
credit.action_post()

# the billing user follows up the Belgian customers, the admin the others
for partner in env["res.partner"].search(
    [("is_company", "=", True), ("id", "!=", company.partner_id.id)]
):
    if partner.customer_rank or partner.invoice_ids:
        partner.followup_responsible_id = (
            billing if partner.country_id == belgium else admin
        )

env.cr.commit()
statuses = {}
for partner in env["res.partner"].search([("invoice_ids", "!=", False)]):
    statuses.setdefault(partner.followup_status, []).append(partner.name)
for status, names in sorted(statuses.items()):
    print(f"[demo] {status}: {', '.join(sorted(names))}")
