import sys

from gapscope.cli import main

sys.exit(main())
