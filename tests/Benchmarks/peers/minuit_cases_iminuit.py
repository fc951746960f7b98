#!/usr/bin/python3
"""Behavioural cases of the kind iminuit's own test suite checks (tests/Benchmarks/peers/minuit_cases.json: test
functions, limits, fixed parameters, call limits, a cost without a minimum, MINOS into a limit, SIMPLEX, SCAN,
contours), run with iminuit 2.11.2 exactly as `PartialWave.Benchmarks minuit-cases` runs them. One JSON line per case.
Usage: minuit_cases_iminuit.py CASES.json"""
import json, math, sys

import numpy as np
from iminuit import Minuit

ENV = {"exp": math.exp, "log": math.log, "sqrt": math.sqrt, "sin": math.sin, "cos": math.cos, "pi": math.pi}


def run(case):
    names = [p["name"] for p in case["parameters"]]
    code = compile(case["cost"].replace("Abs(", "abs("), case["name"], "eval")

    def cost(*x):
        try:
            return float(eval(code, ENV, dict(zip(names, x))))
        except (ValueError, OverflowError, ZeroDivisionError):
            return float("nan")

    m = Minuit(cost, *[p["start"] for p in case["parameters"]], name=names)
    m.errordef = case.get("errordef", 1.0)
    m.strategy = case.get("strategy", 1)
    for p in case["parameters"]:
        m.errors[p["name"]] = p["step"]
        m.limits[p["name"]] = (p.get("lower", -math.inf), p.get("upper", math.inf))
        m.fixed[p["name"]] = p.get("fixed", False)
    out = {"case": case["name"], "contours": []}
    for op in case["ops"]:
        if op == "migrad":
            m.migrad(ncall=case.get("ncall"))
        elif op == "hesse":
            m.hesse()
        elif op == "minos":
            try:
                m.minos()
            except RuntimeError as e:
                out["minos_error"] = str(e)
        elif op == "simplex":
            m.simplex()
        elif op == "scan":
            m.scan()
        elif op.startswith("contour:"):
            x, y, size, cl = op[len("contour:"):].split(",")
            fmin = m.fval
            pts = m.mncontour(x, y, size=int(size), cl=float(cl))
            from scipy.stats import chi2
            level = m.errordef * chi2(2).ppf(float(cl))
            others = [n for n in names if n not in (x, y) and not m.fixed[n]]
            worst = 0.0
            for px, py in pts:
                if others:
                    continue
                v = dict(zip(names, m.values))
                v[x], v[y] = px, py
                worst = max(worst, abs((cost(*[v[n] for n in names]) - fmin) / level - 1))
            out["contours"].append({"op": op, "points": len(pts), "worst_level_error": worst,
                                    "x_range": [float(min(p[0] for p in pts)), float(max(p[0] for p in pts))],
                                    "y_range": [float(min(p[1] for p in pts)), float(max(p[1] for p in pts))]})
    fm = m.fmin
    out.update({"valid": bool(m.valid), "fval": float(m.fval), "edm": float(fm.edm), "nfcn": int(m.nfcn),
                "values": [float(v) for v in m.values], "errors": [float(e) for e in m.errors],
                "accurate": bool(fm.has_accurate_covar), "posdef": bool(fm.has_posdef_covar),
                "made_posdef": bool(fm.has_made_posdef_covar), "hesse_failed": bool(fm.hesse_failed),
                "above_max_edm": bool(fm.is_above_max_edm), "call_limit": bool(fm.has_reached_call_limit),
                "at_limit": bool(fm.has_parameters_at_limit)})
    out["minos"] = {n: [float(me.lower), float(me.upper), bool(me.lower_valid), bool(me.upper_valid),
                        bool(me.at_lower_limit), bool(me.at_upper_limit), int(me.nfcn)] for n, me in m.merrors.items()}
    return out


if __name__ == "__main__":
    for case in json.load(open(sys.argv[1])):
        print(json.dumps(run(case)), flush=True)
