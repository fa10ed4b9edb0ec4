from . import account_followup_level
from . import res_company
from . import account_move_line
from . import account_move
from . import res_partner
from . import res_config_settings
from . import ir_actions_report
from . import ir_module_module
