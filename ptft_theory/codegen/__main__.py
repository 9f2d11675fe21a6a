"""``python -m ptft_theory.codegen --update|--check``."""

from . import main

raise SystemExit(main())
