"""Largest relative differences between CrampStat's JSON and R's (see compare.sh)."""
import json
import os
import sys

work = sys.argv[1]


def load(name):
    with open(os.path.join(work, name)) as f:
        return json.load(f)


def scalar(value):
    return value[0] if isinstance(value, list) else value


def rel(ours, theirs):
    theirs = scalar(theirs)
    return abs(ours - theirs) / abs(theirs)


def coefficient_rows(label, ours, r, robust_label):
    """Prints the per-coefficient comparisons shared by both models."""
    rows = ours["coefficients"]
    print(label, "rows", ours["n"])
    for name, key, ref in [("coefficients", "estimate", "coef"),
                           ("model SE", "model_std_error", "se"),
                           (robust_label, "std_error", "robust")]:
        print(f"  {name:<18}", max(rel(c[key], r[ref][i]) for i, c in enumerate(rows)))


ours, r = load("logit.json"), load("logit_r.json")
coefficient_rows("logit", ours, r, "cluster-robust SE")
print("  deviance, null    ", rel(ours["deviance"], r["deviance"]),
      rel(ours["null_deviance"], r["null"]))

ours, r = load("cox.json"), load("cox_r.json")
coefficient_rows("cox", ours, r, "robust SE")
print("  log-likelihoods   ", rel(ours["null_log_likelihood"], r["loglik"][0]),
      rel(ours["log_likelihood"], r["loglik"][1]))
print("  concordance       ", rel(ours["concordance"]["estimate"], r["concordance"]))
zph = [t["chisq"] for t in ours["ph_test"]["terms"]] + [ours["ph_test"]["global"]["chisq"]]
print("  cox.zph chi-square", max(rel(a, b) for a, b in zip(zph, r["zph"])))
