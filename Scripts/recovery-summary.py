"""Prints the recovery summary of one `crampstat recurrent --format json` fit (see
recovery-seeds.sh) against Tests/Reference/recovery_truth.json. With `--formula`, prints the
model formula of that file instead."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "Tests", "Reference", "recovery_truth.json")) as f:
    REFERENCE = json.load(f)

if sys.argv[1] == "--formula":
    print(REFERENCE["formula"])
    sys.exit(0)

truth = REFERENCE["truth"]
seed, path = sys.argv[1], sys.argv[2]
with open(path) as f:
    fit = {c["term"]: c for c in json.load(f)["coefficients"]}
counted = [t for t in sorted(truth) if t not in REFERENCE["confounded_by_design"]]
covered = [t for t in counted if fit[t]["conf_low"] <= truth[t] <= fit[t]["conf_high"]]
missed = ", ".join(
    f"{t} {fit[t]['estimate']:.3f} (truth {truth[t]})" for t in counted if t not in covered)
print(f"seed {seed}: {len(covered)}/{len(counted)} covered "
      f"({100 * len(covered) / len(counted):.0f}%); missed: {missed or 'none'}")
for t in REFERENCE["confounded_by_design"]:
    c = fit[t]
    print(f"  {t} {c['estimate']:.3f} [{c['conf_low']:.3f}, {c['conf_high']:.3f}] "
          f"(generating {truth[t]}, confounded by design)")
nulls = ", ".join(f"{t} p={fit[t]['p_value']:.3g}" for t in REFERENCE["designed_nulls"])
print(f"  designed nulls: {nulls}")
