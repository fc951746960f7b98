#!/usr/bin/python3
"""The NIST StRD nonlinear least-squares problems fitted with iminuit exactly as `PartialWave.Benchmarks nist` fits
them (tests/Benchmarks/Nist/NistFits.cs): cost = residual sum of squares (NumPy), errordef 1, MIGRAD then HESSE
with the numerical gradient at strategy 1, again at strategy 2 where the minimum is invalid, steps 1% of the start
(0.1 where it is 0). One JSON line per problem and start. Usage: nist_iminuit.py DIR [EPS ...]: with relative
perturbations EPS of the start vector, one more line per fit and EPS ("perturb": EPS), to show how far iminuit's own
results move under rounding-level changes (a start changed in its 13th digit)."""
import glob, json, math, os, re, sys

import numpy as np
from iminuit import Minuit


def read(path):
    lines = open(path).read().splitlines()
    model, inside = [], False
    for line in lines:
        t = line.strip()
        if not inside and re.match(r"^(y|log\[y\])\s*=", t):
            inside = True
        if inside:
            model.append(t)
            if re.search(r"\+\s*e$", t):
                break
    joined = " ".join(model)
    eq = joined.index("=")
    response, formula = joined[:eq].strip(), re.sub(r"\+\s*e$", "", joined[eq + 1:]).strip()
    params, starts, cert, sd = [], [], [], []
    for line in lines:
        m = re.match(r"^\s*(b\d+)\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$", line)
        if m:
            params.append(m.group(1))
            starts.append((float(m.group(2)), float(m.group(3))))
            cert.append(float(m.group(4)))
            sd.append(float(m.group(5)))
    text = "\n".join(lines)
    first, last = map(int, re.search(r"Data\s*\(lines\s*(\d+)\s*to\s*(\d+)\)", text).groups())
    predictors = lines[first - 2].replace("Data:", "").split()[1:]
    rows = np.array([[float(c) for c in lines[i].split()] for i in range(first - 1, last)])
    return dict(name=os.path.splitext(os.path.basename(path))[0], response=response, formula=formula, params=params,
                starts=starts, cert=cert, sd=sd, predictors=predictors, y=rows[:, 0], x=rows[:, 1:])


def fit(p, start, perturb=0.0):
    code = p["formula"].replace("[", "(").replace("]", ")")
    code = re.sub(r"\b(exp|cos|sin|arctan|log)\(", r"np.\1(", code).replace("pi", "np.pi")
    y = np.log(p["y"]) if p["response"].startswith("log") else p["y"]
    env = {"np": np}
    env.update({name: p["x"][:, k] for k, name in enumerate(p["predictors"])})
    compiled = compile(code, p["name"], "eval")
    names = p["params"]

    def rss(*b):
        local = dict(env)
        local.update(zip(names, b))
        r = y - eval(compiled, {}, local)
        return float(np.dot(r, r))

    x0 = [s[start] * (1 + perturb) for s in p["starts"]]
    m = Minuit(rss, *x0, name=names)
    m.errordef = 1
    m.errors = [0.01 * abs(v) if v != 0 else 0.1 for v in x0]
    m.migrad()
    m.hesse()
    strategy = 1
    if not m.valid:
        strategy = 2
        m.strategy = 2
        m.migrad()
        m.hesse()
    s = math.sqrt(m.fval / (len(y) - len(names)))

    def lre(v, c):
        return 11.0 if v == c else min(11.0, -math.log10(abs(v - c) / abs(c)))

    return {"problem": p["name"], "start": start + 1, "perturb": perturb, "valid": bool(m.valid), "accurate": bool(m.fmin.has_accurate_covar),
            "strategy": strategy, "fval": m.fval, "nfcn": m.nfcn, "values": list(m.values), "errors": list(m.errors),
            "lre_values_min": min(lre(m.values[k], c) for k, c in enumerate(p["cert"])),
            "lre_sd_min": min(lre(m.errors[k] * s, c) for k, c in enumerate(p["sd"]))}


if __name__ == "__main__":
    perturbations = [0.0] + [float(e) for e in sys.argv[2:]]
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.dat"))):
        problem = read(path)
        for start in (0, 1):
            for eps in perturbations:
                print(json.dumps(fit(problem, start, eps)), flush=True)
