import sys

from maze_lsp.main import main

sys.exit(main())
