#!/usr/bin/env Rscript
# R's printed numbers for Tests/ReportingTests/RNumberFormatTests.swift.
#
# Run from the repository root with
#   Rscript Tests/Reference/number_format.R
# It prints every call with R's result; the Swift tests quote each call beside the strings
# it printed (R 4.2.2, options(digits = 7, scipen = 0, OutDec = ".")). Nothing is written.

show <- function(call) {
  value <- eval(parse(text = call))
  cat(call, "\n    ", paste0('"', value, '"', collapse = ", "), "\n", sep = "")
}

# format(): a common notation and number of decimals across the vector.
show("format(c(-3.64669, 3.2e-7, 0.53775, 1.1e-7), digits = 4)")
show("format(c(1.0000003, 5.952, 0.8136), digits = 4)")
show("format(c(0.15, 0.25, 2.675), digits = 2)")
show("format(1e-4, digits = 3)")
show("format(100000, digits = 4)")
show("format(123456.7, digits = 4)")
show("format(c(0.011067, 1.011128, 0.009267), digits = 4)")
show("format(c(9996, 1), digits = 3)")
show("format(c(-1.5, NA, 2.25), digits = 4)")
show("format(3.2e-7)")
show("format(1.0000003)")
show("format(c(0.02608, 5.952, 14.82, 0.9398), digits = 4)")
show("format(c(1e-300, 1), digits = 4)")
show("round(0.15, 1)")
show("round(2.675, 2)")

# format.pval(): eps = .Machine$double.eps, digits = 3 as printCoefmat's dig.tst.
show("format.pval(c(1e-20, 0.0123, 0.5), digits = 3)")
show("format.pval(c(1e-20, 1.23e-5), digits = 3)")
show("format.pval(1e-20, digits = 3)")
show("format.pval(c(1.19e-11, 4.73e-09, 0.508, 0.179, 0.00511), digits = 3)")
show("format.pval(1e-4, digits = 3)")

# printCoefmat() with summary.glm's digits = max(3, getOption("digits") - 3) = 4.
coefmat <- function(est, se, z, p) {
  m <- cbind(Estimate = est, "Std. Error" = se, "z value" = z, "Pr(>|z|)" = p)
  rownames(m) <- paste0("t", seq_along(est))
  printCoefmat(m, digits = 4, signif.legend = FALSE)
}
cat("coefmat mg x 1e6\n")
coefmat(c(-3.64669, 3.2e-7), c(0.53775, 1.1e-7), c(-6.781, 2.909), c(1.19e-11, 0.00363))
cat("coefmat teaching\n")
coefmat(
  c(-3.646692, 1.783731, -0.2062925, 0.6691872, -0.06209157),
  c(0.5377503, 0.3045828, 0.3119012, 0.4684013, 0.04416221),
  c(-6.781396, 5.856321, -0.661403, 1.428662, -1.406),
  c(1.19e-11, 4.73e-09, 0.508, 0.153, 0.16))
cat("coefmat zero estimate\n")
coefmat(c(2.5, 1e-9, 0), c(0.1, 0.02, 0.3), c(25, 5e-8, 0), c(1e-30, 0.99999, 1))
# summary.coxph: coef, exp(coef), se(coef) are one block (cs.ind = 1:3).
cat("coxph lung\n")
m <- cbind(coef = c(0.011067, -0.552612), "exp(coef)" = c(1.011128, 0.575445),
  "se(coef)" = c(0.009267, 0.167739), z = c(1.194, -3.294), "Pr(>|z|)" = c(0.232416, 0.000986))
rownames(m) <- c("age", "sex")
printCoefmat(m, digits = 4, signif.legend = FALSE)
