import sys

from schema_catalog.cli import main

sys.exit(main())
