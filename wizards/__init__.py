from . import account_followup_snooze
from . import account_followup_process
from . import account_followup_line_note
from . import account_followup_dispute_resolve
