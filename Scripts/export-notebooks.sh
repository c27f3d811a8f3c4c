#!/usr/bin/env sh
# Regenerates Notebooks-export/<dataset>.ipynb for every bundled dataset with
# `crampstat report --notebook`. A test (NotebookExportTests) fails when they are stale.
set -eu
cd "$(dirname "$0")/.."
# The debug build, as the staleness test uses: printed digits then come from the same code.
swift build --product crampstat >&2
# The OpenBLAS kernels the test command pins (Scripts/test.sh), so the bytes match.
export OPENBLAS_NUM_THREADS=1
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Sandybridge}"
for d in example teaching trial nof1; do
  # The 8-patient example cannot carry the default covariates (they separate, and diverging
  # estimates are not reproducible to the last digit), so it uses two.
  extra=""
  if [ "$d" = example ]; then extra="--covariates age_over_50,dialysis_day"; fi
  # shellcheck disable=SC2086
  .build/debug/crampstat report "Datasets/$d/diary_nights.csv" \
    --patients "Datasets/$d/patients.csv" --notebook "Notebooks-export/$d.ipynb" $extra -q > /dev/null
  echo "wrote Notebooks-export/$d.ipynb" >&2
done
