import multiprocessing
import sys

from gapscope_desktop.app import main

# a child process the app starts (the triage features of a big library) runs its task, not the app
multiprocessing.freeze_support()

sys.exit(main())
