"""`python -m anthology` runs the command line."""

import sys

from anthology.cli import run

sys.exit(run())
