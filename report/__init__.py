from . import account_followup_letter
from . import account_followup_aging
from . import account_followup_reminder_analysis
from . import account_followup_kpi_month
from . import account_followup_letter_portal
