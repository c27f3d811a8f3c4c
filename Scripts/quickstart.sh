#!/usr/bin/env sh
# The README's main job: install what is needed, build in release mode, and analyse the
# bundled example diary.
set -eu
cd "$(dirname "$0")/.."
sh Scripts/install-deps.sh
swift build -c release --product crampstat >&2
export OPENBLAS_NUM_THREADS=1
bin=.build/release/crampstat
$bin validate Datasets/example/diary_nights.csv --patients Datasets/example/patients.csv
echo
$bin describe Datasets/example/diary_nights.csv
