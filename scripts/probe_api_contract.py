"""Probe the Python API's error contract on the inputs of issue 12 (part B) and tabulate the outcomes.

Each case is a call with what the contract asks of it: ``("error", name)`` -- a PTFTError whose
message names ``name``; ``("value", check)`` -- a finite right answer (``check`` returns True); or
``("either", name, check)``.  Each case runs in a forked child with a time limit.  Outcomes:

    right         the expected answer, or a PTFTError naming the parameter ("clear error")
    unclear       an error of ours or a ValueError/TypeError that does not name the parameter, or an
                  error where a valid input has an answer
    silent        a value where an error is due, or a wrong / non-finite value (silent wrong result)
    crash         any other exception (OverflowError, scipy's TypeError, ...) or over the time limit

Run: ``python scripts/probe_api_contract.py [--timeout 30] [--json]`` (``PYTHONPATH`` picks the code).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time

import numpy as np

import ptft_theory as P
from ptft_theory import Init, Task
from ptft_theory.errors import PTFTError


def _fin(x):
    return bool(np.all(np.isfinite(np.asarray(x, dtype=float))))


def cases():
    t = Task(0.1, 0.05, 0.05)
    rng = np.random.default_rng(0)
    X35 = rng.standard_normal((3, 5))
    X63 = rng.standard_normal((6, 3))
    b_true = rng.standard_normal(3)
    from ptft_theory.simulate import class_counts, PT_ONLY, SHARED, NEW, UNUSED

    def solves(X, y, b0, k=1.0):
        def run():
            b = P.implicit_bias_solution(X, y, k, b0)
            return b
        def check(b):
            return _fin(b) and np.linalg.norm(X @ b - y) <= 1e-10 * max(np.linalg.norm(y), np.linalg.norm(X @ np.broadcast_to(b0, (X.shape[1],))), 1e-300) + 1e-14
        return run, check

    out = []

    def add(item, name, fn, expect):
        out.append((item, name, fn, expect))

    # ---- item 2: teachers
    add(2, "make_teachers(Task(0.1,.05,.05), 8)", lambda: P.make_teachers(t, 8, 0), ("error", "D"))
    add(2, "make_teachers(Task(0.15,.05,.05), 10)", lambda: P.make_teachers(Task(0.15, 0.05, 0.05), 10, 0), ("error", "D"))
    add(2, "class_counts(3, Task(.5,.25,.5))", lambda: class_counts(3, Task(0.5, 0.25, 0.5)),
        ("value", lambda c: sum(c.values()) == 3 and min(c.values()) >= 0 and c[NEW] >= 1 and c[SHARED] >= 1 and c[PT_ONLY] >= 1))
    add(2, "class_counts(7, Task(.3,.1,.2))", lambda: class_counts(7, Task(0.3, 0.1, 0.2)),
        ("value", lambda c: sum(c.values()) == 7 and min(c.values()) >= 1))
    add(2, "class_counts(1000, Task(.1,.05,.05))", lambda: class_counts(1000, t),
        ("value", lambda c: c == {PT_ONLY: 50, SHARED: 50, NEW: 50, UNUSED: 850}))
    add(2, "make_teachers(Task(.5,.25,.25), 8) FT support", lambda: P.make_teachers(Task(0.5, 0.25, 0.25), 8, 0),
        ("value", lambda T: np.count_nonzero(T.beta_ft) == 4 and np.count_nonzero(T.beta_pt) == 4))

    # ---- item 4: accurate GF with n_pt >= dim
    def gf_over(n_pt, D):
        T = P.make_teachers(Task(0.5, 0.25, 0.25), D, 0)
        Xp, yp = P.sample_data(n_pt, T.beta_pt, seed=1)
        Xf, yf = P.sample_data(max(D // 2, 1), T.beta_ft, seed=2)
        r = P.simulate_gradient_flow(Xp, yp, Xf, yf, 1e-2, 0.0, 0.1)
        return r.beta_pt, T.beta_pt
    add(4, "simulate n_pt = D = 4", lambda: gf_over(4, 4), ("value", lambda r: np.allclose(r[0], r[1], atol=1e-8)))
    add(4, "simulate n_pt = 6 > D = 4", lambda: gf_over(6, 4), ("value", lambda r: np.allclose(r[0], r[1], atol=1e-8)))
    add(4, "simulate n_pt = D = 8", lambda: gf_over(8, 8), ("value", lambda r: np.allclose(r[0], r[1], atol=1e-8)))

    # ---- item 5: implicit-bias solver
    b0 = rng.standard_normal(5)
    for name, y in (("y = 1e-8 X v", 1e-8 * X35 @ rng.standard_normal(5)), ("y = 0", np.zeros(3)),
                    ("y = 1e-300", np.full(3, 1e-300))):
        fn, chk = solves(X35, y, b0)
        add(5, f"implicit_bias_solution b0 != 0, {name}", fn, ("value", chk))
    fn, chk = solves(X63, X63 @ b_true, 0.0)
    add(5, "implicit_bias_solution N > D consistent", fn, ("value", lambda b: np.allclose(b, b_true, atol=1e-9)))
    add(5, "implicit_bias_solution N > D generic y", lambda: P.implicit_bias_solution(X63, rng.standard_normal(6), 1.0),
        ("error", "X b = y"))
    Xd = np.array([[1.0, 2.0, 0.5], [1.0, 2.0, 0.5]])
    add(5, "implicit_bias_solution duplicate rows, labels differ", lambda: P.implicit_bias_solution(Xd, np.array([1.0, 2.0]), 1.0),
        ("error", "X b = y"))

    # ---- item 8: the curve does not depend on the grid
    def curve_vs_alone():
        task, init = Task(0.25, 0.125, 0.125), Init(1e-2)
        r = P.generalization_error(task, init, [1e-6, 0.999999])
        alone = [float(P.generalization_error(task, init, a)) for a in (1e-6, 0.999999)]
        return np.asarray(r), np.array(alone)
    add(8, "generalization_error([1e-6, 0.999999]) vs alone", curve_vs_alone,
        ("value", lambda r: np.allclose(r[0], r[1], rtol=1e-8, atol=1e-14)))

    # ---- item 10: simulator options
    Tq = P.make_teachers(Task(0.5, 0.25, 0.25), 6, 0)
    Xp, yp = P.sample_data(4, Tq.beta_pt, seed=1)
    Xf, yf = P.sample_data(3, Tq.beta_ft, seed=2)

    def sim(**kw):
        args = dict(X_pt=Xp, y_pt=yp, X_ft=Xf, y_ft=yf, c_pt=1e-1, lambda_pt=0.0, gamma_ft=0.1)
        args.update(kw)
        return lambda: P.simulate_gradient_flow(**args)
    for kw, pname in ((dict(rtol=-1.0), "rtol"), (dict(rtol=0.0), "rtol"), (dict(rtol=float("nan")), "rtol"),
                      (dict(atol=-1.0), "atol"), (dict(residual_tol=float("nan")), "residual_tol"),
                      (dict(residual_tol=0.0), "residual_tol"), (dict(max_time=-1.0), "max_time"),
                      (dict(device="bogus"), "device"), (dict(X_pt=np.zeros((0, 6)), y_pt=np.zeros(0)), "X_pt"),
                      (dict(c_pt="abc"), "c_pt"), (dict(mode="gd", lr=float("nan")), "lr"),
                      (dict(mode="gd", mse_tol=-1.0), "mse_tol"), (dict(scheme="bogus"), "scheme"),
                      (dict(record_trajectory="yes"), "record_trajectory")):
        add(10, f"simulate {kw if 'X_pt' not in kw else 'X_pt zero rows'}", sim(**kw), ("error", pname))

    # ---- item 11: extremes
    for c in (1e-154, 1e-160, 1e-300):
        add(11, f"regime(Init({c:g}))", lambda c=c: P.regime(t, Init(c)),
            ("either", "c_pt", lambda r: _fin([r.l_order, r.pt_dependence]) and 1 <= r.l_order <= 2))
    for c in (1e200, 1e300):
        add(11, f"regime(Init({c:g}))", lambda c=c: P.regime(t, Init(c)),
            ("either", "c_pt", lambda r: _fin([r.l_order, r.pt_dependence]) and r.regime.value == "III"))
    add(11, "regime(thresholds=None)", lambda: P.regime(t, Init(1e-2), thresholds=None), ("error", "thresholds"))
    for rho in (1e-10, 1e-12, 1e-15):
        add(11, f"rich_limit_threshold({rho:g})", lambda rho=rho: P.rich_limit_threshold(rho),
            ("either", "rho", lambda a: _fin(a) and 0 < a < 1e-5 * 100))
    add(11, "ft_scales(gamma_ft=1e200)", lambda: P.ft_scales([1.0], 1.0, 0.0, 1e200),
        ("either", "gamma_ft", lambda kb: _fin(kb[0]) and _fin(kb[1])))
    add(11, "ft_scales(c_pt=1e300, beta=1e300)", lambda: P.ft_scales([1e300], 1e300, 0.0, 0.0),
        ("either", "c_pt", lambda kb: _fin(kb[0]) and _fin(kb[1])))
    add(11, "Init(True)", lambda: Init(True), ("error", "c_pt"))
    add(11, "Init('1e-2')", lambda: Init("1e-2"), ("error", "c_pt"))
    add(11, "Init(1e-2, gamma_ft=False)", lambda: Init(1e-2, gamma_ft=False), ("error", "gamma_ft"))
    add(11, "Task('0.1', 0.05, 0.05)", lambda: Task("0.1", 0.05, 0.05), ("error", "rho_pt"))
    add(11, "Init(np.float64(1e-2), 0, 1) valid", lambda: Init(np.float64(1e-2), 0, 1), ("value", lambda i: i.gamma_ft == 1.0))
    add(11, "sample_data(3, beta, sigma=True)", lambda: P.sample_data(3, [1.0, 0.0], sigma=True), ("error", "sigma"))
    add(11, "generalization_error(alpha=True)", lambda: P.generalization_error(t, Init(1e-2), True), ("error", "alpha"))

    # ---- issue 24 (items 24.x): silent answers and valid inputs that failed
    add(24, "make_teachers(Task(1e-12,1e-12,1e-12), 8)", lambda: P.make_teachers(Task(1e-12, 1e-12, 1e-12), 8, 0),
        ("error", "D"))
    add(24, "generalization_error(alpha=[])", lambda: P.generalization_error(t, Init(1e-3), []), ("error", "alpha"))
    add(24, "error_sweep(alpha=[])", lambda: P.error_sweep(t, Init(1e-3), "gamma_ft", [0.1], []), ("error", "alpha"))
    add(24, "two-stage alpha=[]", lambda: P.generalization_error(t, Init(1e-3), [], alpha_pt=0.5), ("error", "alpha"))
    add(24, "generalization_error(certify='no')", lambda: P.generalization_error(t, Init(1e-3), 0.5, certify="no"),
        ("error", "certify"))
    add(24, "rich_limit_threshold(certify=1)", lambda: P.rich_limit_threshold(0.1, certify=1), ("error", "certify"))
    add(24, "implicit_bias_solve(raise_on_failure='no')",
        lambda: P.implicit_bias_solve(np.eye(2), np.ones(2), 1.0, raise_on_failure="no"), ("error", "raise_on_failure"))
    add(24, "make_teachers(D=1e12)", lambda: P.make_teachers(t, 10**12, 0), ("error", "D"))
    add(24, "sample_data(N=1e10, D=1000)", lambda: P.sample_data(10**10, np.ones(1000)), ("error", "N"))
    add(24, "simulate merged lambda=-c gamma=0", sim(c_pt=0.1, lambda_pt=-0.1, gamma_ft=0.0, scheme="merged"),
        ("error", "frozen"))
    # a PT teacher far above c_pt with finite PT data; E from the independent reference of
    # tests/_two_stage_reference.py (its own prox, quadrature and fixed point; 130-digit PT support)
    huge = Task(0.1, 0.05, 0.05, amp_pt=1e100)
    add(24, "two-stage amp_pt=1e100 alpha_pt=0.5", lambda: P.generalization_error(huge, Init(1e-3), [0.3, 0.6], alpha_pt=0.5),
        ("value", lambda r: np.allclose(r.E, [1.2459933301, 39.1443796289], rtol=3e-7, atol=0)))
    add(24, "two-stage amp_pt=1e50 alpha_pt=0.5", lambda: P.generalization_error(
        Task(0.1, 0.05, 0.05, amp_pt=1e50), Init(1e-3), [0.3, 0.6], alpha_pt=0.5),
        ("value", lambda r: np.allclose(r.E, [1.2188426796, 19.9756189014], rtol=3e-8, atol=0)))

    def tiny_c_flow():
        T = P.make_teachers(t, 20, 0)
        Xp, yp = P.sample_data(10, T.beta_pt, seed=1)
        Xf, yf = P.sample_data(6, T.beta_ft, seed=2)
        return P.simulate_gradient_flow(Xp, yp, Xf, yf, 1e-12, 0.0, 0.0, "merged")
    add(24, "simulate c_pt=1e-12 accurate (stall)", tiny_c_flow, ("error", "c_pt"))

    # ---- item 12: the README example
    add(12, "README error_sweep lambda_pt example (as shipped)", lambda: P.error_sweep(
        t, Init(1e-3), "lambda_pt", np.linspace(-1e-3, 1e-3, 21), [0.2, 0.4]), ("either", "lambda_pt", lambda rs: len(rs) == 21))
    return out


def _child(fn, q):
    try:
        q.put(("ok", fn()))
    except BaseException as e:  # noqa: BLE001 - classified by the parent
        q.put(("exc", (type(e).__name__, isinstance(e, PTFTError), isinstance(e, (ValueError, TypeError)), str(e)[:300])))


def classify(res, expect):
    kind = expect[0]
    if res is None:
        return "crash", "timeout"
    tag, val = res
    if tag == "exc":
        tname, ours, std, msg = val
        if kind == "value":
            return ("unclear" if (ours or std) else "crash"), f"{tname}: {msg}"
        name = expect[1]
        if not (ours or std):
            return "crash", f"{tname}: {msg}"
        return ("right" if ours and name in msg else "unclear"), f"{tname}: {msg}"
    if kind == "error":
        return "silent", f"returned {str(val)[:120]}"
    check = expect[-1]
    try:
        ok = check(val)
    except Exception as e:  # noqa: BLE001
        ok = False
    return ("right" if ok else "silent"), f"returned {str(val)[:120]}"


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    ctx = mp.get_context("fork")
    rows = []
    for item, name, fn, expect in cases():
        q = ctx.Queue()
        p = ctx.Process(target=_child, args=(fn, q))
        t0 = time.perf_counter()
        p.start()
        res = None
        try:
            res = q.get(timeout=args.timeout)
        except Exception:  # noqa: BLE001 - timeout
            pass
        p.join(1)
        if p.is_alive():
            p.kill()
            p.join()
        outcome, detail = classify(res, expect)
        rows.append(dict(item=item, case=name, outcome=outcome, seconds=round(time.perf_counter() - t0, 2),
                         detail=detail.replace("\n", " ")))
        print(f"[{item:>2}] {outcome:8s} {rows[-1]['seconds']:6.2f}s  {name}: {rows[-1]['detail'][:150]}", flush=True)
    print("\n| item | cases | right (answer or clear error) | unclear/wrong errors | silent wrong | crashes/hangs |")
    print("|---|---|---|---|---|---|")
    for item in sorted({r["item"] for r in rows}) + ["all"]:
        rs = [r for r in rows if item == "all" or r["item"] == item]
        n = {o: sum(r["outcome"] == o for r in rs) for o in ("right", "unclear", "silent", "crash")}
        print(f"| {item} | {len(rs)} | {n['right']} | {n['unclear']} | {n['silent']} | {n['crash']} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
