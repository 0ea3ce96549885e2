import sys

from tisheng.cli import main

sys.exit(main())
