"""``python -m ptft_theory.cli``: the ``ptft`` command."""

from . import main

raise SystemExit(main())
