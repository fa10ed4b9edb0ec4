from . import account_followup_snooze
from . import account_followup_process
from . import account_followup_line_note
from . import account_followup_analysis_wizard
from . import account_followup_confirm
from . import account_followup_send_wizard
from . import account_followup_dispute_resolve
from . import account_followup_send_wizard_delivery
