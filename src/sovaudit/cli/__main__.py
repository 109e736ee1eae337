"""``python -m sovaudit.cli``."""

import sys

from . import main

sys.exit(main())
