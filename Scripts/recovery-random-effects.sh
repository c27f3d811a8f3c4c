#!/bin/sh
# Recovery of the simulator's between-patient SD (frailty_sigma = 1.8 on the log rate, issue 11
# item 6) by the cloglog random-intercept model and the log-normal frailty AG model, over seeds
# of a 500-patient, 365-night `cohort` design. Needs a release build:
#   swift build -c release --product crampstat && sh Scripts/recovery-random-effects.sh 1 2 3 4 5
# Extra simulate options go in SIMULATE_OPTIONS (e.g. SIMULATE_OPTIONS="--spell-tau 0").
# For each seed it prints: the realised SD of the drawn b_i (truth_patients.csv), the glmer
# SD with its profile 95% interval, and the frailty variance's square root (coxph reports no
# interval for it).
set -eu
cd "$(dirname "$0")/.."
bin=.build/release/crampstat
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rhs=$(python3 Scripts/recovery-summary.py --formula | sed 's/^~ //')
[ $# -gt 0 ] || set -- 1
for seed in "$@"; do
  d="$work/s$seed"
  # shellcheck disable=SC2086
  "$bin" simulate --preset cohort --patients 500 --nights 365 --seed "$seed" -o "$d" -q \
    ${SIMULATE_OPTIONS:-}
  OPENBLAS_NUM_THREADS=1 "$bin" logit "$d/diary_nights.csv" --patients "$d/patients.csv" \
    --link cloglog --ci profile --formula "cramp ~ $rhs + (1 | patient_id)" --format json -q \
    > "$work/glmer$seed.json"
  OPENBLAS_NUM_THREADS=1 "$bin" recurrent "$d/diary_nights.csv" --patients "$d/patients.csv" \
    --model ag --frailty gaussian --formula "~ $rhs" --format json -q > "$work/frailty$seed.json"
  python3 - "$seed" "$d/truth_patients.csv" "$work/glmer$seed.json" "$work/frailty$seed.json" <<'PY'
import csv, json, statistics, sys
seed, truth, glmer, frailty = sys.argv[1:]
b = [float(r["frailty_b"]) for r in csv.DictReader(open(truth))]
g = json.load(open(glmer))["random_effects"]["terms"][0]
fj = json.load(open(frailty))
f = fj["frailty"]
warned = "; frailty fit WARNED: " + " | ".join(fj.get("warnings", [])) if fj.get("warnings") else ""
low, high = g.get("std_dev_conf_low"), g.get("std_dev_conf_high")
print(f"seed {seed}: realised SD {statistics.pstdev(b):.3f}; glmer cloglog SD {g['std_dev']:.3f} "
      f"({g.get('std_dev_ci_method')} 95% CI {low:.3f} to {high:.3f}, covers 1.8: "
      f"{low <= 1.8 <= high}); gaussian frailty variance {f['variance']:.3f} "
      f"(SD {f['variance'] ** 0.5:.3f}){warned}")
PY
  rm -rf "$d"
done
