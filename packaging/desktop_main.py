import sys

from gapscope_desktop.app import main

sys.exit(main())
