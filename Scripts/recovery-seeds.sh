#!/bin/sh
# Coverage of the generating log rate ratios by the Andersen-Gill fit (issue 6, item 5) over
# several seeds of the `cohort` preset. Needs a release build:
#   swift build -c release --product crampstat && sh Scripts/recovery-seeds.sh 7 8 9 10 12
# For each seed: simulate, fit `recurrent --model ag --multiple split` with patients.csv
# joined, and print how many 95% intervals hold the truth (mg_supp, confounded by indication
# by design, is listed but not counted) and the designed-null p-values.
set -eu
cd "$(dirname "$0")/.."
bin=.build/release/crampstat
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
formula="~ age + sex + factor(trimester) + hemodialysis + dialysis_day + cirrhosis + diabetes"
formula="$formula + hypothyroid + pvd + on_thiazide + on_ksparing + on_loop + on_statin"
formula="$formula + on_laba + alcohol_units + sedentary + exercise_min + stretch_bedtime"
formula="$formula + fluid_cups + fluid_cups:hemodialysis + I(mg_diet_mg/100) + mg_supp + footwear"
[ $# -gt 0 ] || set -- 7
for seed in "$@"; do
  "$bin" simulate --preset cohort --seed "$seed" -o "$work/s$seed" -q
  OPENBLAS_NUM_THREADS=1 "$bin" recurrent "$work/s$seed/diary_nights.csv" \
    --patients "$work/s$seed/patients.csv" --model ag --multiple split \
    --formula "$formula" --format json -q > "$work/s$seed.json"
  rm -rf "$work/s$seed"
  python3 Scripts/recovery-summary.py "$seed" "$work/s$seed.json"
done
