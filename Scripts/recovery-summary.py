"""Prints the recovery summary of one `crampstat recurrent --format json` fit (see
recovery-seeds.sh). Truth on the model's scale as in Tests/CrampCLITests/RecurrentRecoveryTests:
`hemodialysis` absorbs the fluid centring (1.1 + 0.08 * (-6) - (-0.03) * (-13) = 0.23)."""
import json
import sys

TRUTH = {
    "age": 0.035, "sex[M]": -0.45, "trimester[1]": 0, "trimester[2]": 1.1, "trimester[3]": 2.0,
    "hemodialysis": 0.23, "dialysis_day": 0.4, "cirrhosis": 0.8, "diabetes": 0.25,
    "hypothyroid": 0.3, "pvd": 0.9, "on_thiazide": 0.39, "on_ksparing": 0.75, "on_loop": 0.18,
    "on_statin": 0.15, "on_laba": 0.88, "alcohol_units": 0.08, "sedentary": 0.4,
    "exercise_min": -0.003, "stretch_bedtime": -0.2, "fluid_cups": -0.03,
    "hemodialysis:fluid_cups": 0.11, "I(mg_diet_mg/100)": 0, "mg_supp": -0.05,
    "footwear[high_heel]": 0, "footwear[supportive]": 0,
}
NULLS = ["I(mg_diet_mg/100)", "footwear[high_heel]", "footwear[supportive]"]

seed, path = sys.argv[1], sys.argv[2]
fit = {c["term"]: c for c in json.load(open(path))["coefficients"]}
counted = [t for t in TRUTH if t != "mg_supp"]
covered = [t for t in counted if fit[t]["conf_low"] <= TRUTH[t] <= fit[t]["conf_high"]]
missed = ", ".join(
    f"{t} {fit[t]['estimate']:.3f} (truth {TRUTH[t]})" for t in counted if t not in covered)
mg = fit["mg_supp"]
nulls = ", ".join(f"{t} p={fit[t]['p_value']:.3g}" for t in NULLS)
print(f"seed {seed}: {len(covered)}/{len(counted)} covered "
      f"({100 * len(covered) / len(counted):.0f}%); missed: {missed or 'none'}")
print(f"  mg_supp {mg['estimate']:.3f} [{mg['conf_low']:.3f}, {mg['conf_high']:.3f}] "
      f"(generating -0.05, confounded by indication); nulls: {nulls}")
