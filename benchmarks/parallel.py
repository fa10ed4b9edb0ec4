# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily run as queue jobs, for benchmarks/parallel.sh (make bench-parallel).

    parallel.py -c odoo.conf -d DB enqueue --process 600   # queue the daily run's jobs
    parallel.py -c odoo.conf -d DB report                   # what the jobs did, as JSON

``enqueue`` selects what the daily run selects (``_cron_partners`` of each company),
keeps the first ``--process`` customers, and queues them as the cron does with
queue_job (``_cron_enqueue``: batches of 50, channel root.followup).
"""

import argparse
import json
import sys

from generate import boot


def enqueue(env, count):
    Execution = env["account.followup.execution"]
    todo = []
    for company in env["res.company"].search([]):
        partners = (
            Execution.with_company(company)
            .with_context(allowed_company_ids=[company.id])
            ._cron_partners(company)
        )
        todo.extend((company, partner.id) for partner in partners)
    available = len(todo)
    todo = todo[:count]
    totals = Execution._cron_enqueue(todo, {}, 50)
    env.cr.commit()
    return {"available": available, **totals}


def report(env):
    cr = env.cr
    cr.execute(
        "SELECT state, count(*) FROM queue_job WHERE channel = 'root.followup' "
        "GROUP BY state"
    )
    jobs = dict(cr.fetchall())
    cr.execute(
        "SELECT count(*), count(DISTINCT partner_id), "
        "       min(n), max(n) FROM ("
        "   SELECT partner_id, count(*) AS n FROM account_followup_reminder "
        "    WHERE origin = 'cron' GROUP BY partner_id, company_id) AS per_customer"
    )
    customers, distinct, least, most = cr.fetchone()
    cr.execute("SELECT count(*) FROM account_followup_reminder WHERE origin = 'cron'")
    reminders = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM mail_mail")
    mails = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM mail_message WHERE model = 'res.partner' "
        "AND body ILIKE '%%Follow-up failed%%'"
    )
    failures = cr.fetchone()[0]
    # from the jobs' creation (the daily run queues them all in one transaction) to
    # the end of the last one, by the database's clock
    cr.execute(
        "SELECT extract(epoch FROM max(date_done) - min(date_created)) "
        "FROM queue_job WHERE channel = 'root.followup'"
    )
    seconds = float(cr.fetchone()[0] or 0)
    return {
        "jobs": jobs,
        "customers_reminded": distinct,
        "reminders": reminders,
        "reminders_per_customer": [least, most] if customers else [0, 0],
        "failures_reported": failures,
        "mails_queued": mails,
        "seconds": seconds,
        "partners_per_s": reminders / seconds if seconds else 0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("command", choices=["enqueue", "report"])
    parser.add_argument("--process", type=int, default=600)
    args = parser.parse_args()
    registry = boot(args.config, args.database)
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.command == "enqueue":
            result = enqueue(env, args.process)
        else:
            result = report(env)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
