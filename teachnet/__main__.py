"""``python -m teachnet ...`` is the ``teachnet`` command."""
import sys

from .cli import main

sys.exit(main())
