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


ours, r = load("logit.json"), load("logit_r.json")
rows = ours["coefficients"]
print("logit rows", ours["n"])
print("  coefficients      ", max(rel(c["estimate"], r["coef"][i]) for i, c in enumerate(rows)))
print("  model SE          ", max(rel(c["model_std_error"], r["se"][i]) for i, c in enumerate(rows)))
print("  cluster-robust SE ", max(rel(c["std_error"], r["robust"][i]) for i, c in enumerate(rows)))
print("  deviance, null    ", rel(ours["deviance"], r["deviance"]),
      rel(ours["null_deviance"], r["null"]))

ours, r = load("cox.json"), load("cox_r.json")
rows = ours["coefficients"]
print("cox rows", ours["n"])
print("  coefficients      ", max(rel(c["estimate"], r["coef"][i]) for i, c in enumerate(rows)))
print("  model SE          ", max(rel(c["model_std_error"], r["se"][i]) for i, c in enumerate(rows)))
print("  robust SE         ", max(rel(c["std_error"], r["robust"][i]) for i, c in enumerate(rows)))
print("  log-likelihoods   ", rel(ours["null_log_likelihood"], r["loglik"][0]),
      rel(ours["log_likelihood"], r["loglik"][1]))
print("  concordance       ", rel(ours["concordance"]["estimate"], r["concordance"]))
zph = [t["chisq"] for t in ours["ph_test"]["terms"]] + [ours["ph_test"]["global"]["chisq"]]
print("  cox.zph chi-square", max(rel(a, b) for a, b in zip(zph, r["zph"])))
