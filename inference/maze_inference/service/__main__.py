import sys

from maze_inference.service.main import main

sys.exit(main())
