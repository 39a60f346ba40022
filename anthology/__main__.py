"""`python -m anthology` runs the command line."""

import sys

from anthology.cli import main

sys.exit(main())
