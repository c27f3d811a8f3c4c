#!/usr/bin/env Rscript
# Reference values for the Distributions module (Tests/DistributionsTests).
#
# Regenerate from the repository root with
#   Rscript Tests/Reference/distributions.R
# which rewrites Tests/Reference/distributions.json. Needs R (>= 4.2) and jsonlite.
#
# Every case stores the exact R call as a string; the value is obtained by evaluating that
# string, so the call in the JSON is, character for character, what produced the number.
# Numbers are written as sprintf("%.17g") text (jsonlite 1.8 caps digits at 15, which does not
# round-trip a double), spliced in verbatim, so every double reads back bit for bit.
#
# Kinds (the Swift tests switch on `kind`):
#   pnorm, pnorm_upper, pnorm_upper_log, qnorm,
#   pchisq, pchisq_upper, qchisq,
#   pt, pt_upper, qt, pt_exact (pbeta form, for df where R's pt switches to an approximation),
#   pf, pf_upper, pgamma, pgamma_upper, pbeta.
# Arguments: x (quantile or t or point), p, df, df2, a (shape), b (shape).

suppressPackageStartupMessages(library(jsonlite))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grepl("^--file=", args)])
out_dir <- if (length(script) == 1) dirname(normalizePath(script)) else "Tests/Reference"
out_file <- file.path(out_dir, "distributions.json")

# Shortest decimal text that reads back as the same double.
num <- function(v) {
  for (d in 15:17) {
    s <- formatC(v, digits = d, format = "g")
    s <- trimws(s)
    if (as.numeric(s) == v) return(s)
  }
  stop("cannot format ", v)
}

cases <- list()
add <- function(kind, call, ...) {
  value <- eval(parse(text = call))
  stopifnot(is.finite(value))
  fields <- c(list(...), list(value = value))
  exact <- lapply(fields, function(v) structure(sprintf("%.17g", v), class = "json"))
  cases[[length(cases) + 1]] <<- c(list(kind = kind, call = call), exact)
}

# ---- Normal --------------------------------------------------------------------------------
xs <- sort(unique(c(seq(-38, 38, by = 0.5), -37.5193, -37.6, -30.3, -20.1, -8.2924,
  -5.3, -3.1, -2.5758293035489, -1.959963984540054, -1.2, -0.6744897501960817,
  -0.1, -1e-5, -1e-12, 0, 1e-12, 1e-5, 0.1, 0.3, 0.7, 1.1, 1.644853626951472,
  1.959963984540054, 2.3, 3.3, 4.4, 5.9, 6.6, 7.7, 8.2924, 8.3, 9.5, 12.2)))
for (x in xs) add("pnorm", sprintf("pnorm(%s)", num(x)), x = x)
for (x in xs) add("pnorm_upper", sprintf("pnorm(%s, lower.tail = FALSE)", num(x)), x = x)
for (x in c(seq(-10, 40, by = 0.5), 100, 1000, 1e5)) {
  add("pnorm_upper_log", sprintf("pnorm(%s, lower.tail = FALSE, log.p = TRUE)", num(x)), x = x)
}
ps <- c(1e-320, 1e-300, 1e-200, 1e-100, 1e-50, 1e-30, 1e-20, 1e-15, 1e-10, 1e-7, 1e-5, 1e-4,
  0.001, 0.005, 0.01, 0.025, 0.05, 0.07, 0.075, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4,
  0.45, 0.49, 0.5, 0.51, 0.55, 0.6, 0.7, 0.8, 0.9, 0.92, 0.925, 0.93, 0.95, 0.975, 0.99, 0.995,
  0.999, 0.9999, 1 - 1e-5, 1 - 1e-7, 1 - 1e-10, 1 - 1e-12, 1 - 1e-15, 1 - 1e-16)
for (p in ps) add("qnorm", sprintf("qnorm(%s)", num(p)), p = p)

# ---- Chi-squared ---------------------------------------------------------------------------
chisq_dfs <- c(1:50, 0.1, 0.5, 1.5, 2.7, 7.3, 12.25, 33.3, 60, 75.5, 100, 150, 250)
for (df in chisq_dfs) {
  s <- sqrt(2 * df)
  xs <- c(1e-8, 0.001, 0.1, 0.5, df / 2, df - 0.3, df, df + 1, df + 2 * s, df + 5 * s,
    df + 10 * s, 100, 300, 700, 1000, 1400, 1500)
  for (x in unique(signif(xs[xs > 0], 12))) {
    up <- sprintf("pchisq(%s, df = %s, lower.tail = FALSE)", num(x), num(df))
    if (eval(parse(text = up)) > 2.3e-308) add("pchisq_upper", up, x = x, df = df)
    lo <- sprintf("pchisq(%s, df = %s)", num(x), num(df))
    if (eval(parse(text = lo)) > 2.3e-308 && eval(parse(text = lo)) < 1) add("pchisq", lo, x = x, df = df)
  }
}
qps <- c(1e-10, 1e-5, 0.001, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975, 0.99,
  0.999, 1 - 1e-5, 1 - 1e-10)
for (df in c(1, 2, 3, 4, 5, 6, 10, 20, 30, 50, 100, 250, 0.3, 0.5, 2.5, 7.3)) {
  for (p in qps) {
    add("qchisq", sprintf("qchisq(%s, df = %s)", num(p), num(df)), p = p, df = df)
  }
}

# ---- Student t -----------------------------------------------------------------------------
# R's pt switches to a normal approximation for df > 4e5 (see ?pt, src/nmath/pt.c), which is
# off by ~1e-11 relative at df = 1e6; for that df the exact pbeta form is recorded as pt_exact.
ts <- c(-1e5, -300, -40, -10, -5, -3, -2, -1.5, -1, -0.5, -0.1, -1e-8, 0, 1e-8, 0.1, 0.5, 1,
  1.5, 1.959963984540054, 2, 2.5, 3, 5, 10, 40, 300, 1e5)
t_dfs <- c(1, 2, 3, 4, 5, 10, 30, 100, 1000, 0.5, 1.5, 2.5, 7.7, 45.2)
for (df in t_dfs) {
  for (t in ts) {
    lo <- sprintf("pt(%s, df = %s)", num(t), num(df))
    if (eval(parse(text = lo)) > 2.3e-308) add("pt", lo, x = t, df = df)
    up <- sprintf("pt(%s, df = %s, lower.tail = FALSE)", num(t), num(df))
    if (eval(parse(text = up)) > 2.3e-308) add("pt_upper", up, x = t, df = df)
  }
}
for (t in ts[ts < 0 & ts > -50]) {
  df <- 1e6
  add("pt_exact", sprintf("pbeta(%s / (%s + (%s)^2), %s / 2, 0.5) / 2", num(df), num(df), num(t), num(df)),
    x = t, df = df)
  add("pt_exact", sprintf("1 - pbeta(%s / (%s + (%s)^2), %s / 2, 0.5) / 2", num(df), num(df), num(t), num(df)),
    x = -t, df = df)
}
for (df in c(1, 2, 3, 5, 10, 30, 100, 1e6, 0.5, 1.5, 2.5, 7.7)) {
  for (p in c(1e-100, 1e-20, qps)) {
    add("qt", sprintf("qt(%s, df = %s)", num(p), num(df)), p = p, df = df)
  }
}

# ---- F -------------------------------------------------------------------------------------
for (dfs in list(c(1, 1), c(1, 10), c(2, 5), c(3, 30), c(5, 2), c(10, 100), c(4.5, 7.25),
  c(20, 20), c(100, 3))) {
  for (x in c(1e-6, 0.05, 0.3, 1, 2, 3.5, 10, 100, 1e4)) {
    lo <- sprintf("pf(%s, df1 = %s, df2 = %s)", num(x), num(dfs[1]), num(dfs[2]))
    if (eval(parse(text = lo)) > 2.3e-308 && eval(parse(text = lo)) < 1) add("pf", lo, x = x, df = dfs[1], df2 = dfs[2])
    up <- sprintf("pf(%s, df1 = %s, df2 = %s, lower.tail = FALSE)", num(x), num(dfs[1]), num(dfs[2]))
    if (eval(parse(text = up)) > 2.3e-308) add("pf_upper", up, x = x, df = dfs[1], df2 = dfs[2])
  }
}

# ---- Special functions ---------------------------------------------------------------------
for (a in c(0.01, 0.5, 1, 3.7, 10, 55.5, 200)) {
  for (x in c(1e-6, 0.2, 1, a * 0.9, a, a * 1.1 + 1, 2 * a + 10, 80)) {
    lo <- sprintf("pgamma(%s, shape = %s)", num(x), num(a))
    if (eval(parse(text = lo)) > 2.3e-308 && eval(parse(text = lo)) < 1) add("pgamma", lo, x = x, a = a)
    up <- sprintf("pgamma(%s, shape = %s, lower.tail = FALSE)", num(x), num(a))
    if (eval(parse(text = up)) > 2.3e-308) add("pgamma_upper", up, x = x, a = a)
  }
}
for (ab in list(c(0.5, 0.5), c(1, 1), c(2, 3), c(0.1, 10), c(10, 0.1), c(25, 0.5), c(50, 60),
  c(500, 400), c(3.3, 1e4))) {
  for (x in c(1e-8, 0.01, 0.2, 0.5, 0.55, 0.8, 0.99, 1 - 1e-8)) {
    lo <- sprintf("pbeta(%s, %s, %s)", num(x), num(ab[1]), num(ab[2]))
    v <- eval(parse(text = lo))
    if (v > 2.3e-308 && v < 1) add("pbeta", lo, x = x, a = ab[1], b = ab[2])
  }
}

kinds <- table(vapply(cases, function(c) c$kind, ""))
doc <- list(
  generatedBy = "Tests/Reference/distributions.R",
  rVersion = R.version.string,
  jsonliteVersion = as.character(packageVersion("jsonlite")),
  counts = as.list(kinds),
  cases = cases
)
writeLines(toJSON(doc, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), out_file)
cat(sprintf("wrote %d cases to %s\n", length(cases), out_file))

# Self-check: every stored value reads back as exactly what its call returns.
back <- fromJSON(out_file, simplifyVector = FALSE)
for (c in back$cases) {
  if (eval(parse(text = c$call)) != c$value) stop("does not round-trip: ", c$call)
}
