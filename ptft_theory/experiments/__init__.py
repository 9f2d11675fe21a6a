"""Experiments built on the theory: the sweep engine (:mod:`.sweep`), the paper's theory figures
(:mod:`.points`, :mod:`.figures`), the validation/benchmark script runner (:mod:`.runners`), and the
deep-network validations (:mod:`.resnet`, :mod:`.transformer`; torch).  The CLI (:mod:`ptft_theory.cli`)
drives them; nothing here imports the CLI."""
