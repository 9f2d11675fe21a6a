"""One PT+FT run of the nonlinear studies (``teacher``, ``fashion``): protocol, PT cache, FT, probes.

PT trains a bias-free ReLU MLP (:mod:`.net`) by full-batch gradient descent from an initialisation
scaled by ``c`` (all layers) and ``kappa_init`` (first layer); FT re-initialises the readout
(``gamma`` times a fresh per-seed draw, one output), optionally rebalances (``kappa_rebalance``: first
layer times it, next layer divided by it, the function unchanged) and trains every layer on the FT
task by full-batch GD.  Step sizes: ``lr / s`` with ``s`` the network's scale factor (GD on a network
whose layers are ``s`` times larger needs an ``s``-times smaller step for the same stability; the
theory is gradient flow, whose end point does not depend on the step); a step that diverges is halved
and the phase restarted (:func:`~.net.train_gd`).  PT networks are cached on disk by (protocol,
seed, c, kappa_init, code).
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import numpy as np

from ... import _validate as V
from ...errors import ParameterError
from ..hashing import code_fingerprint, config_key, derive_seed
from . import tasks as T

STUDIES = ("teacher", "fashion")
ARMS = ("init", "rebalance")


PACKAGE = Path(__file__).resolve().parents[2]


def import_closure(start: Path, package: Path = PACKAGE) -> list[Path]:
    """The package's source files ``start`` can run: ``start`` and, recursively, every module of the
    package named by an ``import`` / ``from ... import`` anywhere in them (function-level imports too),
    found by parsing the sources (computed, not listed by hand).  Package ``__init__`` files are listed
    but not walked (importing one runs its imports, but a run calls only what its own modules name)."""
    import ast  # noqa: PLC0415
    seen, todo = set(), [Path(start).resolve()]
    while todo:
        f = todo.pop()
        if f in seen or not f.is_file():
            continue
        seen.add(f)
        if f.name == "__init__.py":  # a package's __init__ is not walked: its imports do not run a run's code
            continue
        here = f.relative_to(package.parent).with_suffix("").parts  # ('ptft_theory', 'experiments', ...)
        pkg = here[:-1]
        for node in ast.walk(ast.parse(f.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom):
                base = pkg[:len(pkg) - node.level + 1] if node.level else ()
                mod = base + tuple((node.module or "").split(".")) if node.module else base
                names = [mod] + [mod + (a.name,) for a in node.names]
            elif isinstance(node, ast.Import):
                names = [tuple(a.name.split(".")) for a in node.names]
            for parts in names:
                if not parts or parts[0] != package.name:
                    continue
                rel = package.parent.joinpath(*parts)
                for cand in (rel.with_suffix(".py"), rel / "__init__.py"):
                    if cand.is_file():
                        todo.append(cand)
    return sorted(seen)


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """Fingerprint of the code a run can execute (:func:`import_closure` of this module, without the
    package ``__init__`` files, whose imports do not touch a run's numbers) and the numpy version:
    part of every key, so editing that code recomputes, while editing figures, verdicts or the CLI
    keeps finished runs."""
    import hashlib  # noqa: PLC0415
    h = hashlib.sha256()
    for f in import_closure(Path(__file__)):
        if f.name != "__init__.py":
            h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return code_fingerprint(PACKAGE / "_none_", extra=(h.hexdigest(),), distributions=("numpy",))


@dataclasses.dataclass(frozen=True)
class Protocol:
    """Everything a run depends on except (seed, task type, levers, n_ft).

    teacher: ``d`` input dimension = dictionary size, ``n_pt_features``, ``n_subset``, ``n_new``,
    ``n_pt`` PT samples, ``n_test``.  fashion: ``n_pt_classes``, ``n_pt_per_class``,
    ``n_test_per_group``.  Both: ``width`` (hidden units per layer), ``depth`` (weight layers, 2 or 3),
    ``lr``, step caps, relative-loss tolerances, ``n_probe`` probe inputs.  numpy, float64.
    """

    study: str = "teacher"
    d: int = 16
    n_pt_features: int = 4
    n_subset: int = 2
    n_new: int = 4
    n_pt: int = 1000
    n_test: int = 2000
    n_pt_classes: int = 6
    n_pt_per_class: int = 300
    n_test_per_group: int = 500
    width: int = 64
    depth: int = 2
    lr: float = 0.05
    pt_steps: int = 4000
    ft_steps: int = 3000
    pt_tol: float = 1e-3
    ft_tol: float = 1e-4
    n_probe: int = 256

    def __post_init__(self):
        if self.study not in STUDIES:
            raise ParameterError(f"study={self.study!r} is invalid; valid: {', '.join(STUDIES)}")
        for name in ("d", "n_pt_features", "n_subset", "n_new", "n_pt", "n_test", "n_pt_classes",
                     "n_pt_per_class", "n_test_per_group", "width", "pt_steps", "ft_steps", "n_probe"):
            V.positive_int(name, getattr(self, name))
        if self.depth not in (2, 3):
            raise ParameterError(f"depth={self.depth!r} is invalid; valid: 2, 3")
        if self.n_subset > self.n_pt_features or self.n_pt_features + self.n_new > self.d:
            raise ParameterError(f"n_subset={self.n_subset}, n_pt_features={self.n_pt_features}, n_new={self.n_new} "
                                 f"are invalid for d={self.d}; valid: n_subset <= n_pt_features, "
                                 "n_pt_features + n_new <= d")
        if not 2 <= self.n_pt_classes <= 8:
            raise ParameterError(f"n_pt_classes={self.n_pt_classes!r} is invalid; valid range: 2..8")
        for name in ("lr", "pt_tol", "ft_tol"):
            V.positive(name, getattr(self, name))

    @classmethod
    def from_dict(cls, d: dict) -> "Protocol":
        names = {f.name for f in dataclasses.fields(cls)}
        bad = sorted(set(d) - names)
        if bad:
            raise ParameterError(f"protocol key {bad[0]!r} is invalid; valid: {', '.join(sorted(names))}")
        return cls(**d)


def validate_point(c, kappa_init, kappa_rebalance, gamma, n_ft):
    """c, kappa_init, kappa_rebalance > 0; gamma >= 0; n_ft an integer >= 2."""
    n = V.positive_int("n_ft", n_ft)
    if n < 2:
        raise ParameterError(f"n_ft={n_ft!r} is invalid; valid range: n_ft >= 2")
    return (V.positive("c", c), V.positive("kappa", kappa_init), V.positive("kappa", kappa_rebalance),
            V.nonnegative("gamma", gamma), n)


def pt_data(p: Protocol, seed: int, data_root=None) -> T.Split:
    return T.teacher_pt(p, seed) if p.study == "teacher" else T.fashion_pt(p, seed, data_root)


def ft_data(p: Protocol, seed: int, task_type: str, n_pool: int, data_root=None):
    if p.study == "teacher":
        return T.teacher_ft(p, seed, task_type, n_pool)
    return T.fashion_ft(p, seed, task_type, n_pool, data_root)


def sizes(p: Protocol, n_in: int, n_out: int) -> list[int]:
    return [n_in] + [p.width] * (p.depth - 1) + [n_out]


def scale_factor(p: Protocol, c: float, kappa: float) -> float:
    """How much larger than at the base a step's curvature can be: ``c^(2(L-1)) max(1, kappa)^2``, >= 1."""
    return max(1.0, c ** (2 * (p.depth - 1))) * max(1.0, kappa) ** 2


def _rng(*parts) -> np.random.Generator:
    return np.random.default_rng(derive_seed({"purpose": "nonlinear-net", "parts": list(parts)}))


def pretrain(p: Protocol, seed: int, c: float, kappa_init: float, *, cache_dir=None, data_root=None) -> dict:
    """PT network ``{"w0": initial weights, "w": trained weights, "steps", "rel_loss", ...}`` (cached as .npz)."""
    from .net import apply_init_levers, init_network, train_gd  # noqa: PLC0415
    key = config_key({"kind": "nonlinear_pt", "protocol": dataclasses.asdict(p), "seed": seed, "c": c,
                      "kappa_init": kappa_init, "code": code_hash()})
    path = Path(cache_dir) / "pt" / f"{key}.npz" if cache_dir is not None else None
    if path is not None and path.is_file():
        with np.load(path, allow_pickle=False) as z:
            L = int(z["depth"])
            return {"w0": [z[f"w0_{i}"] for i in range(L)], "w": [z[f"w_{i}"] for i in range(L)],
                    "steps": int(z["steps"]), "rel_loss": float(z["rel_loss"]), "converged": bool(z["converged"])}
    data = pt_data(p, seed, data_root)
    w0 = apply_init_levers(init_network(sizes(p, data.x.shape[1], data.y.shape[1]), _rng("init", seed),
                                        balanced=p.depth == 2), c, kappa_init)
    res = train_gd(w0, data.x.astype(np.float64), data.y.astype(np.float64), lr=p.lr / scale_factor(p, c, kappa_init),
                   max_steps=p.pt_steps, tol=p.pt_tol)
    out = {"w0": w0, "w": res["ws"], "steps": res["steps"], "rel_loss": res["rel_loss"],
           "converged": res["converged"]}
    if path is not None:
        from ...fileio import atomic_path  # noqa: PLC0415
        arrays = {f"w0_{i}": w for i, w in enumerate(w0)} | {f"w_{i}": w for i, w in enumerate(res["ws"])}
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            np.savez(f, depth=len(w0), steps=res["steps"], rel_loss=res["rel_loss"], converged=res["converged"],
                     **arrays)
    return out


@functools.lru_cache(maxsize=16)
def _pt_memo(p, seed, c, kappa_init, cache_dir, data_root):
    return pretrain(p, seed, c, kappa_init, cache_dir=cache_dir, data_root=data_root)


def run_one(p: Protocol, seed: int, task_type: str, c: float, kappa_init: float, kappa_rebalance: float,
            gamma: float, n_ft: int, n_pool: int, *, cache_dir=None, data_root=None) -> dict:
    """One PT+FT run: FT test error, probes, and what training did."""
    from .net import forward, learned_subspace, probes, rebalance, relative_mse, train_gd  # noqa: PLC0415
    c, kappa_init, kappa_rebalance, gamma, n_ft = validate_point(c, kappa_init, kappa_rebalance, gamma, n_ft)
    if task_type not in T.TASK_TYPES:
        raise ParameterError(f"task_type={task_type!r} is invalid; valid: {', '.join(T.TASK_TYPES)}")
    pt = _pt_memo(p, seed, c, kappa_init, None if cache_dir is None else str(cache_dir), data_root)
    train, test = ft_data(p, seed, task_type, n_pool, data_root)
    h = pt["w"][-1].shape[1]
    rng = _rng("readout", seed)
    v0 = (rng.choice([-1.0, 1.0], size=(1, h)) * h ** -0.25 if p.depth == 2
          else rng.standard_normal((1, h)) / h ** 0.5)
    ws = [w.copy() for w in pt["w"][:-1]] + [gamma * v0]
    if kappa_rebalance != 1.0:
        ws = rebalance(ws, kappa_rebalance)
    x, y = train.x[:n_ft].astype(np.float64), train.y[:n_ft].astype(np.float64)
    xt, yt = test.x.astype(np.float64), test.y.astype(np.float64)
    s = scale_factor(p, c, kappa_init) * max(kappa_rebalance, 1 / kappa_rebalance) ** 2 * max(1.0, gamma) ** 2
    res = train_gd(ws, x, y, lr=p.lr / s, max_steps=p.ft_steps, tol=p.ft_tol)
    proj, rank = learned_subspace(pt["w"][0] - pt["w0"][0])
    pr = probes(ws, res["ws"], xt[:p.n_probe], proj)
    if p.study == "teacher":
        err = relative_mse(res["ws"], xt, yt)
    else:
        err = float(np.mean(np.sign(forward(res["ws"], xt)) != yt))
    out = {"test_error": err, "test_mse": relative_mse(res["ws"], xt, yt), **pr, "pt_rank": rank,
            "ft_steps": res["steps"], "ft_train_loss": res["rel_loss"], "ft_converged": bool(res["converged"]),
            "ft_diverged": bool(res["diverged"]), "ft_lr": res["lr"], "pt_steps": pt["steps"],
            "pt_train_loss": pt["rel_loss"], "pt_converged": bool(pt["converged"]),
            "chance_dependence": rank / x.shape[1]}
    return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in out.items()}  # strict JSON
