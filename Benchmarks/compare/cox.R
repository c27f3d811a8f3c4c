# Andersen-Gill coxph with cluster-robust variance, concordance and cox.zph on a diary
# from gen_diary.py; prints one JSON line (see compare.sh).
library(survival); library(jsonlite)
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
f <- coxph(Surv(start, stop, cramp) ~ age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + diabetes + alcohol_units + fluid_cups + cluster(patient_id), data = d)
out <- list(coef = unname(coef(f)), se = unname(sqrt(diag(f$naive.var))), robust = unname(sqrt(diag(vcov(f)))),
  loglik = f$loglik, concordance = unname(f$concordance["concordance"]), 
  zph = {z <- cox.zph(f); unname(z$table[, "chisq"])})
cat(toJSON(out, digits = NA), "\n")
