"""``python -m pyedge`` runs the command line."""

import sys

from pyedge.cli import main

sys.exit(main())
