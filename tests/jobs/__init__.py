# Copyright 2026 Payment Follow-ups contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The queue_job tests: run by scripts/test.sh on a database with queue_job only.
