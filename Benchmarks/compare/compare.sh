#!/bin/sh
# Large-data agreement with R: the logistic and Andersen-Gill fits of the benchmark formula on
# a diary big enough that CrampStat's row passes run in parallel chunks (900,000 rows: 7).
# Needs R with survival, sandwich and jsonlite, Python 3 with numpy and pyarrow for the
# generator (PYTHON=path/to/python to choose it), and a release build:
#   swift build -c release --product crampstat && sh Benchmarks/compare/compare.sh
# Prints the largest relative difference per quantity.
set -eu
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"${PYTHON:-python3}" ../shared/bench/gen_diary.py --patients 5000 --nights 180 --seed 20240601 \
  --prefix "$work/q" > /dev/null
diary="$work/q_nights.csv"
terms="age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + diabetes"
terms="$terms + alcohol_units + fluid_cups"
export OPENBLAS_NUM_THREADS=1
.build/release/crampstat logit "$diary" --formula "cramp ~ $terms" --cluster patient_id \
  --format json > "$work/logit.json"
.build/release/crampstat cox "$diary" --zph --format json \
  --formula "Surv(start, stop, cramp) ~ $terms + cluster(patient_id)" > "$work/cox.json"
Rscript Benchmarks/compare/logit.R "$diary" | tail -1 > "$work/logit_r.json"
Rscript Benchmarks/compare/cox.R "$diary" | tail -1 > "$work/cox_r.json"
python3 Benchmarks/compare/compare.py "$work"
