#!/bin/sh
# Coverage of the generating log rate ratios by the Andersen-Gill fit (issue 6, item 5) over
# several seeds of the `cohort` preset. Needs a release build:
#   swift build -c release --product crampstat && sh Scripts/recovery-seeds.sh 7 8 9 10 12
# For each seed: simulate, fit `recurrent --model ag --multiple split` with patients.csv
# joined, and print how many 95% intervals hold the truth of Tests/Reference/recovery_truth.json
# (mg_supp, confounded by indication by design, is listed but not counted) and the
# designed-null p-values.
set -eu
cd "$(dirname "$0")/.."
bin=.build/release/crampstat
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
formula=$(python3 Scripts/recovery-summary.py --formula)
[ $# -gt 0 ] || set -- 7
for seed in "$@"; do
  "$bin" simulate --preset cohort --seed "$seed" -o "$work/s$seed" -q
  OPENBLAS_NUM_THREADS=1 "$bin" recurrent "$work/s$seed/diary_nights.csv" \
    --patients "$work/s$seed/patients.csv" --model ag --multiple split \
    --formula "$formula" --format json -q > "$work/s$seed.json"
  rm -rf "$work/s$seed"
  python3 Scripts/recovery-summary.py "$seed" "$work/s$seed.json"
done
