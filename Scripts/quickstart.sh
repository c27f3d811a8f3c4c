#!/usr/bin/env sh
# The README's main job: install what is needed, build in release mode, and write the full
# report on the bundled teaching diary (200 patients x 90 nights) to the terminal.
set -eu
cd "$(dirname "$0")/.."
sh Scripts/install-deps.sh
swift build -c release --product crampstat >&2
export OPENBLAS_NUM_THREADS=1
exec .build/release/crampstat report Datasets/teaching/diary_nights.csv \
  --patients Datasets/teaching/patients.csv
