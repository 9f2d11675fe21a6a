"""``ptft figures``: regenerate the theory figures (the paper's Figs. 2, 3, 5; finite PT data; the
regime-advantage map) from the recorded configs."""

from __future__ import annotations

import os
from pathlib import Path

from .. import _validate as V
from ..errors import ParameterError
from ..experiments.figures import RunOptions, make_figures
from ..experiments.points import DEFAULT_OUT, FIGURES, load_config, replica_available
from .common import dump_json, examples, writable_folder

def writable_dir(flag: str, path) -> Path:
    """Create ``path`` (a folder) if needed and check that a file can be written in it; a
    :class:`ParameterError` naming ``flag`` otherwise, before any work is done (the CLI prints it on
    one line, exit 2).  The check is :func:`~ptft_theory.cli.common.writable_folder`."""
    return writable_folder(flag, path)


def register_figures(sub):
    """``ptft figures``: regenerate the theory figures from the recorded configs (ptft_theory/configs)."""
    p = sub.add_parser("figures", help="regenerate the theory figures (Figs. 2, 3, 5, finite PT, advantage map) from recorded configs",
                       description="Regenerate Figs. 2, 3 and 5 of arXiv 2602.20062, the finite-PT figure and the "
                                   "regime-advantage map from the recorded configs (<name>.toml, shipped with the package; --configs DIR reads others): "
                                   "PNG+PDF into OUT/figures, data as CSV into OUT/results. Points are cached in "
                                   "OUT/cache (or --cache-dir) by a hash of their config and of all the package's "
                                   "code: an interrupted run resumes, a code change recomputes. Every file is "
                                   "written atomically, so concurrent runs into one OUT are safe.",
                       epilog=examples("ptft figures --quick --only fig5 --out quick-figs",
                                       "ptft figures --workers 2",
                                       note="--quick outputs carry a QUICK mark; the full run takes about 20 "
                                            "minutes on 2 cores (docs/figures.md)"))
    p.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    p.add_argument("--out", default=str(DEFAULT_OUT),
                   help="output folder (default: ./validation, relative to the current directory; in a "
                        "checkout's root that is the checkout's validation/)")
    p.add_argument("--configs", default=None, metavar="DIR",
                   help="folder holding fig2.toml, fig3.toml, fig5.toml (default: the configs shipped with "
                        "the package)")
    p.add_argument("--cache-dir", default=None, help="sweep cache (default OUT/cache)")
    p.add_argument("--workers", type=int, default=1, help="local worker processes (default 1)")
    p.add_argument("--backend", choices=["local", "ray"], default="local",
                   help="local processes or a Ray cluster (needs ptft-theory[ray]; RAY_ADDRESS picks the cluster)")
    p.add_argument("--only", nargs="+", choices=list(FIGURES), default=list(FIGURES), help="build only these figures")
    p.add_argument("--no-progress", action="store_true", help="no progress lines on stderr")
    p.add_argument("--json", action="store_true", help="print the written files as JSON")
    p.set_defaults(func=_cmd_figures)


def _cmd_figures(args):
    import time

    workers = V.positive_int("workers", args.workers)
    if args.backend == "ray":
        from ..experiments.sweep import ray_module
        ray_module()
    config_dir = Path(args.configs) if args.configs else None
    if config_dir is not None and not config_dir.is_dir():
        raise ParameterError(f"--configs={args.configs!r} is not a folder; valid: a folder holding "
                             f"{', '.join(n + '.toml' for n in args.only)}")
    for name in args.only:  # every config first: a missing or malformed one fails before any work
        load_config(name, args.quick, config_dir)
    out = writable_dir("--out", args.out)
    cache_dir = writable_dir("--cache-dir", args.cache_dir) if args.cache_dir else None
    from ..experiments.sweep import limit_blas_threads
    limit_blas_threads(int(os.environ.get("PTFT_BLAS_THREADS", "1")))  # see limit_blas_threads: one point per core
    opts = RunOptions(out=out, cache_dir=cache_dir, workers=workers, backend=args.backend,
                      progress=not args.no_progress, quick=args.quick)
    t0 = time.perf_counter()
    paths = make_figures(opts, args.only, config_dir)
    wall = time.perf_counter() - t0
    if args.json:
        print(dump_json({"files": [str(p) for p in paths], "seconds": wall, "replica": replica_available()}))
    else:
        for p_ in paths:
            print(p_)
        print(f"done in {wall:.1f} s" + ("" if replica_available() else " (replica lines missing: no ptft_theory.replica)"))
