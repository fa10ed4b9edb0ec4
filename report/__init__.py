from . import account_followup_letter
