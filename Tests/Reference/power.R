#!/usr/bin/env Rscript
# Reference values for the TrialDesign module (Tests/TrialDesignTests): closed-form sample
# size and power of two-arm trials.
#
# Regenerate from the repository root with
#   Rscript Tests/Reference/power.R
# which rewrites Tests/Reference/power.json. Needs R (>= 4.2) and jsonlite.
#
# powerSurvEpi and MKmisc are not in Debian, so the closed forms are written here directly
# from the papers (functions below); the two-proportion part uses stats::power.prop.test.
# Every case stores the exact R call as a string, evaluated to give the value, and its inputs.
# Numbers are sprintf("%.17g")-style text spliced in verbatim (jsonlite caps digits at 15).
#
# Kinds (the Swift tests switch on `kind`):
#   events_schoenfeld, events_freedman   events d for power (inputs hr, alpha, power, allocation)
#   power_schoenfeld, power_freedman     power for d events (hr, alpha, events, allocation)
#   counts_n                             total patients n0 (1 + k) (rr, r0, dispersion, nights,
#                                        alpha, power, allocation, approach)
#   counts_power                         power for n total patients (same, n instead of power)
#   nightly_nights                       power.prop.test's n per arm, closed form (p0, p1, alpha,
#                                        power)
#   nightly_nights_uniroot               the same from power.prop.test(tol = 1e-13)$n itself
#   nightly_power                        power.prop.test(n = ...)$power (p0, p1, alpha, n per arm)
#   nightly_patients                     2 n (1 + (m - 1) icc) / m total patients (p0, p1, alpha,
#                                        power, icc, m)
#   mean_n, mean_power                   two means, normal approximation (d, sd, alpha, power or
#                                        n, allocation)
#   crossover_mean_n                     AB/BA crossover (pairs = 1) or N-of-1 series of `pairs`
#                                        pairs: total patients from the within-patient variance
#                                        (d, sd, rho, pairs, alpha, power)
#   crossover_mean_power                 its power for n patients (d, sd, rho, pairs, alpha, n)
#   crossover_counts_n                   Zhu-Lakkis total times (1 - rho) / (2 pairs)

suppressPackageStartupMessages(library(jsonlite))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grepl("^--file=", args)])
out_dir <- if (length(script) == 1) dirname(normalizePath(script)) else "Tests/Reference"
out_file <- file.path(out_dir, "power.json")

num <- function(v) {
  for (d in 15:17) {
    s <- trimws(formatC(v, digits = d, format = "g"))
    if (as.numeric(s) == v) return(s)
  }
  stop("cannot format ", v)
}

# Schoenfeld (1983): d = (z_{1-a/2} + z_{1-b})^2 / (p (1 - p) (log HR)^2).
schoenfeld_events <- function(hr, alpha, power, allocation) {
  (qnorm(1 - alpha / 2) + qnorm(power))^2 / (allocation * (1 - allocation) * log(hr)^2)
}
schoenfeld_power <- function(hr, alpha, events, allocation) {
  pnorm(sqrt(events * allocation * (1 - allocation)) * abs(log(hr)) - qnorm(1 - alpha / 2))
}
# Freedman (1982): d = z^2 ((1 - p) + p HR)^2 / (p (1 - p) (1 - HR)^2); 1:1 gives
# z^2 (1 + HR)^2 / (1 - HR)^2.
freedman_events <- function(hr, alpha, power, allocation) {
  (qnorm(1 - alpha / 2) + qnorm(power))^2 * ((1 - allocation) + allocation * hr)^2 /
    (allocation * (1 - allocation) * (1 - hr)^2)
}
freedman_power <- function(hr, alpha, events, allocation) {
  p <- allocation
  pnorm(sqrt(events * p * (1 - p)) * abs(1 - hr) / ((1 - p) + p * hr) - qnorm(1 - alpha / 2))
}
# Zhu and Lakkis (2014): n0 = (z_{1-a/2} sqrt(V0) + z_{1-b} sqrt(V1))^2 / (log RR)^2,
# k = n1 / n0, V1 = (1/t)(1/r0 + 1/(k r1)) + kappa (1 + k) / k; V0 by approach 1, 2, 3.
zl_variances <- function(rr, r0, dispersion, nights, allocation, approach) {
  k <- allocation / (1 - allocation)
  r1 <- rr * r0
  extra <- dispersion * (1 + k) / k
  v1 <- (1 / r0 + 1 / (k * r1)) / nights + extra
  # Numbered as MKpower::power.nb.test: 1 the control rate in both arms, 2 the true rates
  # (V0 = V1), 3 the restricted maximum-likelihood rate.
  v0 <- switch(approach,
    (1 + 1 / k) / (nights * r0) + extra,
    v1,
    (1 + k)^2 / (nights * k * (r0 + k * r1)) + extra)
  c(v0 = v0, v1 = v1, k = k)
}
counts_n <- function(rr, r0, dispersion, nights, alpha, power, allocation, approach) {
  v <- zl_variances(rr, r0, dispersion, nights, allocation, approach)
  n0 <- (qnorm(1 - alpha / 2) * sqrt(v[["v0"]]) + qnorm(power) * sqrt(v[["v1"]]))^2 / log(rr)^2
  n0 * (1 + v[["k"]])
}
counts_power <- function(rr, r0, dispersion, nights, alpha, n, allocation, approach) {
  v <- zl_variances(rr, r0, dispersion, nights, allocation, approach)
  n0 <- n * (1 - allocation)
  pnorm((sqrt(n0) * abs(log(rr)) - qnorm(1 - alpha / 2) * sqrt(v[["v0"]])) / sqrt(v[["v1"]]))
}
# power.prop.test's power equation solved for n (it uses uniroot; this is the closed form).
nightly_nights <- function(p0, p1, alpha, power) {
  pbar <- (p0 + p1) / 2
  (qnorm(1 - alpha / 2) * sqrt(2 * pbar * (1 - pbar)) +
    qnorm(power) * sqrt(p0 * (1 - p0) + p1 * (1 - p1)))^2 / (p1 - p0)^2
}
nightly_patients <- function(p0, p1, alpha, power, icc, m) {
  2 * nightly_nights(p0, p1, alpha, power) * (1 + (m - 1) * icc) / m
}

# Two means, normal approximation (Julious 2004, Stat Med 23:1921, eq. 2):
# N = (z_{1-a/2} + z_{1-b})^2 sd^2 / (p (1 - p) d^2) in total.
mean_n <- function(d, sd, alpha, power, allocation) {
  (qnorm(1 - alpha / 2) + qnorm(power))^2 * sd^2 / (allocation * (1 - allocation) * d^2)
}
mean_power <- function(d, sd, alpha, n, allocation) {
  pnorm(sqrt(n * allocation * (1 - allocation)) * abs(d) / sd - qnorm(1 - alpha / 2))
}
# Crossover written from the within-patient variance, not as a factor of the parallel size
# (Senn 2002, Cross-over Trials in Clinical Research, 3.6): a patient's period difference
# y_A - y_B has variance 2 sd^2 (1 - rho); with `pairs` randomized pairs and exchangeable
# periods the differences of one patient are uncorrelated, so the patient's mean difference
# has variance 2 sd^2 (1 - rho) / pairs, and the effect over n patients var / n.
crossover_mean_n <- function(d, sd, rho, pairs, alpha, power) {
  (qnorm(1 - alpha / 2) + qnorm(power))^2 * (2 * sd^2 * (1 - rho) / pairs) / d^2
}
crossover_mean_power <- function(d, sd, rho, pairs, alpha, n) {
  pnorm(sqrt(n) * abs(d) / sqrt(2 * sd^2 * (1 - rho) / pairs) - qnorm(1 - alpha / 2))
}
crossover_counts_n <- function(rr, r0, dispersion, nights, rho, pairs, alpha, power) {
  counts_n(rr, r0, dispersion, nights, alpha, power, 0.5, 3) * (1 - rho) / (2 * pairs)
}

cases <- character(0)
add <- function(kind, fun, ..., value_of = NULL) {
  inputs <- list(...)
  arg_text <- paste(names(inputs), vapply(inputs, num, ""), sep = " = ", collapse = ", ")
  call <- if (is.null(value_of)) sprintf("%s(%s)", fun, arg_text) else value_of
  value <- eval(parse(text = call))
  stopifnot(is.finite(value))
  input_json <- paste(sprintf("\"%s\": %s", names(inputs), vapply(inputs, num, "")),
    collapse = ", ")
  cases[[length(cases) + 1]] <<- sprintf(
    "    {\"kind\": \"%s\", \"call\": %s, \"inputs\": {%s}, \"value\": %s}",
    kind, toJSON(call, auto_unbox = TRUE), input_json, num(value))
}

grid_hr <- c(0.5, 0.6, 0.7, 0.75, 0.8, 1.25, 1.5)
for (hr in grid_hr) for (alpha in c(0.05, 0.01)) for (power in c(0.8, 0.9)) {
  for (allocation in c(0.5, 2 / 3)) {
    add("events_schoenfeld", "schoenfeld_events", hr = hr, alpha = alpha, power = power,
      allocation = allocation)
    add("events_freedman", "freedman_events", hr = hr, alpha = alpha, power = power,
      allocation = allocation)
  }
}
for (hr in c(0.5, 0.7, 1.4)) for (events in c(20, 66, 247.5, 1000)) {
  for (allocation in c(0.5, 0.4)) {
    add("power_schoenfeld", "schoenfeld_power", hr = hr, alpha = 0.05, events = events,
      allocation = allocation)
    add("power_freedman", "freedman_power", hr = hr, alpha = 0.05, events = events,
      allocation = allocation)
  }
}
for (approach in 1:3) for (rr in c(0.5, 0.7, 0.85, 1.3)) {
  for (design in list(c(0.1, 0.5, 28, 0.5), c(0.8, 0.4, 1, 0.5), c(1.4, 0.8, 0.75, 2 / 3),
    c(0.25, 0, 56, 0.5))) {
    add("counts_n", "counts_n", rr = rr, r0 = design[1], dispersion = design[2],
      nights = design[3], alpha = 0.05, power = 0.8, allocation = design[4],
      approach = approach)
    add("counts_power", "counts_power", rr = rr, r0 = design[1], dispersion = design[2],
      nights = design[3], alpha = 0.05, n = 120, allocation = design[4], approach = approach)
  }
}
for (pair in list(c(0.3, 0.2), c(0.5, 0.75), c(0.1, 0.05), c(0.6, 0.5))) {
  for (power in c(0.8, 0.9)) {
    add("nightly_nights", "nightly_nights", p0 = pair[1], p1 = pair[2], alpha = 0.05,
      power = power)
    add("nightly_nights_uniroot", "", p0 = pair[1], p1 = pair[2], alpha = 0.05, power = power,
      value_of = sprintf("power.prop.test(p1 = %s, p2 = %s, power = %s, tol = 1e-13)$n",
        num(pair[1]), num(pair[2]), num(power)))
    for (icc in c(0, 0.05, 0.2)) {
      add("nightly_patients", "nightly_patients", p0 = pair[1], p1 = pair[2], alpha = 0.05,
        power = power, icc = icc, m = 28)
    }
  }
  for (n in c(50, 200.5, 1000)) {
    add("nightly_power", "", p0 = pair[1], p1 = pair[2], alpha = 0.05, n = n,
      value_of = sprintf("power.prop.test(n = %s, p1 = %s, p2 = %s)$power",
        num(n), num(pair[1]), num(pair[2])))
  }
}

for (d in c(0.5, 1, -1.5)) for (sd in c(1, 2.5)) for (power in c(0.8, 0.9)) {
  add("mean_n", "mean_n", d = d, sd = sd, alpha = 0.05, power = power, allocation = 0.5)
  add("mean_n", "mean_n", d = d, sd = sd, alpha = 0.01, power = power, allocation = 2 / 3)
  for (rho in c(0, 0.3, 0.7)) for (pairs in c(1, 3)) {
    add("crossover_mean_n", "crossover_mean_n", d = d, sd = sd, rho = rho, pairs = pairs,
      alpha = 0.05, power = power)
  }
}
for (n in c(10, 40.5, 200)) {
  add("mean_power", "mean_power", d = 0.8, sd = 2, alpha = 0.05, n = n, allocation = 0.5)
  for (rho in c(0, 0.5)) for (pairs in c(1, 3)) {
    add("crossover_mean_power", "crossover_mean_power", d = 0.8, sd = 2, rho = rho,
      pairs = pairs, alpha = 0.05, n = n)
  }
}
for (rho in c(0.2, 0.6)) for (pairs in c(1, 3)) {
  add("crossover_counts_n", "crossover_counts_n", rr = 0.7, r0 = 0.1, dispersion = 0.5,
    nights = 28, rho = rho, pairs = pairs, alpha = 0.05, power = 0.8)
}

kinds <- sub("^.*\"kind\": \"([a-z_]+)\".*$", "\\1", cases)
counts <- table(kinds)
count_json <- paste(sprintf("\"%s\": %d", names(counts), as.integer(counts)), collapse = ", ")
text <- paste0(
  "{\n",
  "  \"generated_by\": \"Tests/Reference/power.R\",\n",
  "  \"r_version\": ", toJSON(R.version.string, auto_unbox = TRUE), ",\n",
  "  \"jsonlite_version\": ", toJSON(as.character(packageVersion("jsonlite")),
    auto_unbox = TRUE), ",\n",
  "  \"counts\": {", count_json, "},\n",
  "  \"cases\": [\n", paste(cases, collapse = ",\n"), "\n  ]\n}\n")
writeLines(text, out_file, sep = "")
cat("wrote", length(cases), "cases to", out_file, "\n")
