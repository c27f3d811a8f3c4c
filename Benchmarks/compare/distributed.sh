#!/bin/sh
# Issue 12 timings, side by side on one diary: the in-memory logistic fit, the same fit by
# `--stream` (blocks of whole patients), and, when a Spark venv is given, the Spark driver in
# local[2] mode and Spark MLlib's GeneralizedLinearRegression (binomial) on the same file.
#   swift build -c release --product crampstat
#   sh Benchmarks/compare/distributed.sh /tmp/crampbench/m_nights.csv [SPARK_VENV]
# Prints wall seconds and peak RSS (GNU time) per run; all fits use the benchmark formula.
set -eu
cd "$(dirname "$0")/../.."
diary=$1
venv=${2:-}
terms="age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + diabetes"
terms="$terms + alcohol_units + fluid_cups"
export OPENBLAS_NUM_THREADS=1
measure() {
  label=$1
  shift
  /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" "$@" > /dev/null
}
measure "logit in memory" .build/release/crampstat logit "$diary" \
  --formula "cramp ~ $terms" --cluster patient_id -q
measure "logit --stream (500k-row blocks)" .build/release/crampstat logit "$diary" \
  --formula "cramp ~ $terms" --cluster patient_id --stream -q
if [ -n "$venv" ]; then
  measure "Spark local[2], crampstat_spark.py (robust SE)" "$venv/bin/python" \
    Distributed/spark/crampstat_spark.py logit "$diary" --formula "cramp ~ $terms" \
    --cluster patient_id --master "local[2]" --partitions 8 \
    --crampstat .build/release/crampstat
  measure "Spark local[2], MLlib GeneralizedLinearRegression (model SE)" "$venv/bin/python" \
    Benchmarks/compare/spark_mllib.py "$diary"
fi
