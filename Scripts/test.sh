#!/usr/bin/env sh
# The test command: runs the whole test suite single-threaded in BLAS so results are
# deterministic. Tests read committed reference fixtures; R is not needed.
set -eu
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
# One OpenBLAS kernel family on every x86-64 machine (Debian's OpenBLAS picks kernels by CPU,
# and their rounding differs in the last bits): snapshots and notebooks of fits that stop
# short of convergence (the report's frailty refit on the N-of-1 diary) are then the same
# bytes on any machine. Results on one machine never depend on it.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Sandybridge}"
exec swift test "$@"
