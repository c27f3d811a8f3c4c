# glm binomial with sandwich::vcovCL (HC0, no adjustment) on a diary from gen_diary.py;
# prints one JSON line (see compare.sh).
library(sandwich); library(jsonlite)
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
f <- glm(cramp ~ age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + diabetes + alcohol_units + fluid_cups, family = binomial, data = d)
v <- vcovCL(f, cluster = ~patient_id, type = "HC0", cadjust = FALSE)
cat(toJSON(list(coef = unname(coef(f)), se = unname(sqrt(diag(vcov(f)))), robust = unname(sqrt(diag(v))), deviance = f$deviance, null = f$null.deviance), digits = NA), "\n")
