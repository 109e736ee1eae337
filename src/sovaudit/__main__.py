"""``python -m sovaudit``: the same command line as ``sovaudit``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
