"""``python -m generator``: the same as the ``accompany`` command."""

import sys

from .cli import main

sys.exit(main())
