#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
/* cblas.h comes from libopenblas-dev (found through pkg-config "openblas" or the
   alternatives symlink); lapacke.h comes from liblapacke-dev. */
#include <cblas.h>
#include <lapacke.h>
#endif
