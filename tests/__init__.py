from . import test_install
from . import test_statement
from . import test_channels
from . import test_letter
from . import test_followup_engine
from . import test_followup_levels
from . import test_followup_execution
from . import test_reliability_duplicates
