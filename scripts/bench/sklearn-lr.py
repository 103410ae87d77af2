#!/usr/bin/env python3
"""scikit-learn's side of the bench's `sklearn` part (scripts/bench.mjs): fits on the data the
bench wrote and prints one JSON line of iterations, objective and seconds.

    python3 scripts/bench/sklearn-lr.py SPEC.json

SPEC: {"x": path of n*d float32 (row-major), "y": path of n uint8 labels, "n", "d",
       "runs": [{"kind": "lr", "C", "tol", "maxIter"} |
                {"kind": "scipy", "C", "tol", "maxIter"} |
                {"kind": "cv", "Cs", "cv", "tol", "maxIter"}]}

- "lr": sklearn.linear_model.LogisticRegression(solver="lbfgs", multinomial) as it ships.
- "scipy": scipy's L-BFGS-B on the objective digitrec minimises (mean log loss +
  ||W||^2 / (2 C n), intercepts unpenalised) with the options newer scikit-learn passes
  (gtol = tol, ftol = 64 eps, maxls = 50): the like-for-like comparison of the optimisers.
- "cv": LogisticRegressionCV(Cs, cv) (stratified folds, lbfgs), time and iterations per fit.
Every objective is reported in scikit-learn's semantics, C * sum(loss) + 0.5 * ||W||^2.
"""
import json
import sys
import time
import warnings

import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize
from scipy.special import logsumexp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV


def objective_sum(W, b, X, y, C):
    """C * sum of log losses + 0.5 * ||W||^2 (scikit-learn's primal objective)."""
    Z = X @ W.T + b
    loss = np.sum(logsumexp(Z, axis=1) - Z[np.arange(len(y)), y])
    return float(C * loss + 0.5 * np.sum(W * W))


def scaled(params, X, Y, y, k, C):
    """digitrec's scaled objective and its gradient (weights k x d, then k intercepts)."""
    n, d = X.shape
    W = params[: k * d].reshape(k, d)
    b = params[k * d :]
    Z = X @ W.T + b
    lse = logsumexp(Z, axis=1)
    P = np.exp(Z - lse[:, None])
    loss = np.sum(lse - Z[np.arange(n), y]) / n
    R = (P - Y) / n
    lam = 1.0 / (C * n)
    gW = R.T @ X + lam * W
    gb = R.sum(axis=0)
    return loss + 0.5 * lam * np.sum(W * W), np.concatenate([gW.ravel(), gb])


def main():
    spec = json.load(open(sys.argv[1]))
    n, d = spec["n"], spec["d"]
    X = np.fromfile(spec["x"], dtype=np.float32, count=n * d).reshape(n, d).astype(np.float64)
    y = np.fromfile(spec["y"], dtype=np.uint8, count=n).astype(np.int64)
    k = int(y.max()) + 1
    out = {"sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__}
    runs = []
    warnings.simplefilter("ignore", ConvergenceWarning)
    for run in spec["runs"]:
        t0 = time.perf_counter()
        if run["kind"] == "lr":
            m = LogisticRegression(C=run["C"], tol=run["tol"], max_iter=run["maxIter"])
            m.fit(X, y)
            sec = time.perf_counter() - t0
            runs.append({**run, "iterations": int(m.n_iter_[0]), "seconds": sec,
                         "objective": objective_sum(m.coef_, m.intercept_, X, y, run["C"]),
                         "weights": m.coef_.ravel().tolist(), "intercepts": m.intercept_.tolist()})
        elif run["kind"] == "scipy":
            C = run["C"]
            Y = np.zeros((n, k))
            Y[np.arange(n), y] = 1
            res = minimize(scaled, np.zeros(k * d + k), args=(X, Y, y, k, C), jac=True,
                           method="L-BFGS-B",
                           options={"gtol": run["tol"], "ftol": 64 * np.finfo(float).eps,
                                    "maxls": 50, "maxiter": run["maxIter"], "maxfun": 15000})
            sec = time.perf_counter() - t0
            W = res.x[: k * d].reshape(k, d)
            b = res.x[k * d :]
            runs.append({**run, "iterations": int(res.nit), "evaluations": int(res.nfev),
                         "seconds": sec, "message": str(res.message),
                         "gradMax": float(np.max(np.abs(res.jac))),
                         "objective": objective_sum(W, b, X, y, C),
                         "weights": W.ravel().tolist(), "intercepts": b.tolist()})
        elif run["kind"] == "cv":
            m = LogisticRegressionCV(Cs=run["Cs"], cv=run["cv"], tol=run["tol"],
                                     max_iter=run["maxIter"])
            m.fit(X, y)
            sec = time.perf_counter() - t0
            it = np.asarray(m.n_iter_).reshape(-1)
            runs.append({**run, "seconds": sec, "bestC": float(m.C_[0]),
                         "iterations": int(it.sum()), "fits": int(it.size),
                         "atMaxIter": int(np.sum(it >= run["maxIter"]))})
        else:
            raise SystemExit(f"unknown run kind {run['kind']!r}; expected lr, scipy or cv")
    out["runs"] = runs
    print(json.dumps(out))


if __name__ == "__main__":
    main()
