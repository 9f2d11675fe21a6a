"""The explorer's "export": the ``ptft curve`` command and the Python call that reproduce the view's curve.

Numbers are written with ``repr`` (the shortest text that reads back as the same float), and the levers as
the exact ``c_pt`` and ``lambda_pt`` the page evaluated, so both give the page's numbers bit for bit.
"""

from __future__ import annotations

import shlex

from .state import alphas_of, init_of, task_of


def _num(x: float) -> str:
    return repr(float(x))


def command(state) -> str:
    """``ptft curve ... --json`` reproducing :func:`~ptft_theory.explore.state.curve` of ``state``."""
    init, task = init_of(state), task_of(state)
    args = ["ptft", "curve", "--c-pt", _num(init.c_pt), "--lambda-pt", _num(init.lambda_pt),
            "--gamma-ft", _num(init.gamma_ft), "--rho-pt", _num(task.rho_pt), "--rho-shared", _num(task.rho_shared),
            "--rho-new", _num(task.rho_new)]
    if task.amp_pt is not None:
        args += ["--amp-pt", _num(task.amp_pt)]
    if task.amp_ft is not None:
        args += ["--amp-ft", _num(task.amp_ft)]
    args += ["--scheme", str(state["scheme"])]
    if float(state["sigma"]) != 0:
        args += ["--sigma", _num(state["sigma"])]
    if state["alpha_pt"] is not None:
        args += ["--alpha-pt", _num(state["alpha_pt"])]
    args += ["--alpha", *(_num(a) for a in alphas_of(state)), "--json"]
    return shlex.join(args)


def python(state) -> str:
    """A Python snippet reproducing the view's curve; it leaves the curve in ``E`` (a numpy array)."""
    init, task = init_of(state), task_of(state)
    amps = "".join(f", {n}={_num(v)}" for n, v in (("amp_pt", task.amp_pt), ("amp_ft", task.amp_ft)) if v is not None)
    extra = "" if state["alpha_pt"] is None else f", alpha_pt={_num(state['alpha_pt'])}"
    return "\n".join([
        "import numpy as np",
        "from ptft_theory import Init, Task, generalization_error",
        "",
        f"task = Task(rho_pt={_num(task.rho_pt)}, rho_shared={_num(task.rho_shared)}, rho_new={_num(task.rho_new)}{amps})",
        f"init = Init(c_pt={_num(init.c_pt)}, lambda_pt={_num(init.lambda_pt)}, gamma_ft={_num(init.gamma_ft)})",
        f"alpha = np.linspace({_num(state['alpha_min'])}, {_num(state['alpha_max'])}, {int(state['n_alpha'])})",
        f"E = np.asarray(generalization_error(task, init, alpha, {str(state['scheme'])!r}, "
        f"sigma={_num(state['sigma'])}{extra}))",
        "print(E)",
    ])
