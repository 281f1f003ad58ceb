import sys

from maze_lsp.cli import main

sys.exit(main())
