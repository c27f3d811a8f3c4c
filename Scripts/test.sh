#!/usr/bin/env sh
# The test command: runs the whole test suite single-threaded in BLAS so results are
# deterministic. Tests read committed reference fixtures; R is not needed.
set -eu
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
exec swift test "$@"
