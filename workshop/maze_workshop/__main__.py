import sys

from maze_workshop.cli import main

sys.exit(main())
