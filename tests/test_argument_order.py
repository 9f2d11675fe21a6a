"""One argument order across the public API: the task (or what PT/FT learn), the init, then what varies.

For every public function whose first release took another positional order: the new order works, every
argument works as a keyword, and the old order still works for one release, warns (DeprecationWarning
naming the new call) and gives the identical result (it is rebound by name, so equality is exact).
"""

import inspect
import warnings

import numpy as np
import pytest

import ptft_theory as P
from ptft_theory import Init, Task

TASK = Task(0.1, 0.05, 0.05)
LAZY = Init(1e8)          # lazy: E = 1 - alpha exactly (ridgeless min-norm interpolation), a known answer
RICH = Init(1e-2, -5e-3, 0.1)
BETA_PT = np.array([1.0, -0.5, 0.0])
BETA_FT = np.array([0.5, 0.0, 2.0])
TIMES = np.array([0.0, 1.0, 10.0])


def _same(a, b):
    """Exact equality of two results (arrays, dataclasses of arrays, tuples)."""
    if hasattr(a, "as_dict"):
        a, b = a.as_dict(), b.as_dict()
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)) and not isinstance(a, str):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif hasattr(a, "__dataclass_fields__"):
        _same(vars(a), vars(b))
    else:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


# (name, new positional call, the same by keyword, old positional call)
CASES = [
    ("regime", lambda f: f(TASK, RICH, definition="potential"),
     lambda f: f(init=RICH, task=TASK, definition="potential"), lambda f: f(RICH, TASK, definition="potential")),
    ("generalization_error", lambda f: f(TASK, RICH, [0.2, 0.4]),
     lambda f: f(alpha=[0.2, 0.4], init=RICH, task=TASK), lambda f: f([0.2, 0.4], TASK, RICH)),
    ("generalization_error", lambda f: f(TASK, RICH, 0.3, "readout", 0.01),
     lambda f: f(sigma=0.01, scheme="readout", alpha=0.3, init=RICH, task=TASK),
     lambda f: f(0.3, TASK, RICH, "readout", 0.01)),
    ("generalization_error", lambda f: f(TASK, RICH, 0.3),          # old order, task/init as keywords
     lambda f: f(task=TASK, init=RICH, alpha=0.3), lambda f: f(0.3, task=TASK, init=RICH)),
    ("error_sweep", lambda f: f(TASK, RICH, "gamma_ft", [0.05, 0.1], 0.3),
     lambda f: f(values=[0.05, 0.1], param="gamma_ft", alpha=0.3, task=TASK, init=RICH),
     lambda f: f("gamma_ft", [0.05, 0.1], 0.3, TASK, RICH)),
    ("level_crossing_alpha", lambda f: f(TASK, LAZY, 0.5),
     lambda f: f(level=0.5, init=LAZY, task=TASK), lambda f: f(0.5, TASK, LAZY)),
    ("boundary_curve", lambda f: f(TASK, LAZY, "level", "c_pt", [1e7, 1e8], level=0.25),
     lambda f: f(kind="level", param="c_pt", values=[1e7, 1e8], task=TASK, init=LAZY, level=0.25),
     lambda f: f("level", "c_pt", [1e7, 1e8], task=TASK, init=LAZY, level=0.25)),
    ("make_teachers", lambda f: f(TASK, 40, 3), lambda f: f(seed=3, D=40, task=TASK), lambda f: f(40, TASK, 3)),
    ("pt_trajectory", lambda f: f(BETA_PT, RICH, TIMES), lambda f: f(times=TIMES, init=RICH, beta_pt=BETA_PT),
     lambda f: f(TIMES, BETA_PT, RICH)),
    ("pt_trajectory", lambda f: f(BETA_PT, RICH, TIMES), lambda f: f(BETA_PT, init=RICH, times=TIMES),
     lambda f: f(TIMES, BETA_PT, init=RICH)),
    ("ft_trajectory", lambda f: f(BETA_PT, BETA_FT, RICH, TIMES, "readout"),
     lambda f: f(scheme="readout", times=TIMES, init=RICH, beta_ft=BETA_FT, beta_pt=BETA_PT),
     lambda f: f(TIMES, BETA_PT, BETA_FT, RICH, "readout")),
]


@pytest.mark.parametrize("name,new,keywords,old", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_new_order_keywords_and_deprecated_old_order(name, new, keywords, old):
    f = getattr(P, name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)   # the new order and keywords never warn
        r_new = new(f)
        r_kw = keywords(f)
    with pytest.warns(DeprecationWarning, match=rf"{name}\(.*old argument order.*call {name}\(") as rec:
        r_old = old(f)
    assert rec[0].filename == __file__                         # points at the caller's line
    _same(r_new, r_kw)
    _same(r_new, r_old)


def test_known_answers_in_the_new_order():
    """Lazy limit (E = 1 - alpha) and level crossing of the lazy line, from outside the replica solver."""
    np.testing.assert_allclose(np.asarray(P.generalization_error(TASK, LAZY, [0.2, 0.6])), [0.8, 0.4], rtol=1e-6)
    assert float(P.level_crossing_alpha(TASK, LAZY, 0.25)) == pytest.approx(0.75, abs=1e-7)
    assert P.regime(TASK, Init(100.0), definition="potential").regime.value == "III"


def test_convention_holds_for_every_public_function():
    """Where a public function takes a Task and an Init, the Task comes first, the Init right after it,
    and the Task/Init are never preceded by a plain quantity."""
    checked = 0
    for name in P.__all__:
        f = getattr(P, name)
        if not inspect.isfunction(f):
            continue
        params = list(inspect.signature(f).parameters)
        if "task" in params:
            assert params[0] == "task", name
            checked += 1
            if "init" in params:
                assert params[1] == "init", name
        elif "init" in params:
            # the problem's vectors (beta_pt, data) may come first, then the init, then the rest
            assert all(p.startswith(("beta", "X_", "y_")) for p in params[:params.index("init")]), name
    assert checked >= 7


def test_bad_types_are_not_mistaken_for_the_old_order():
    """A wrong type in the new order is an error naming the parameter, not a silent reorder."""
    with pytest.raises(P.ParameterTypeError, match="task"):
        P.regime("not a task", RICH)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        with pytest.raises((P.ParameterError, TypeError), match="task"):
            P.generalization_error(None, RICH, 0.3)


def test_old_order_with_a_duplicate_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="multiple values for argument 'task'"):
        P.generalization_error(0.3, TASK, RICH, task=TASK)
