# Reference values for natural cubic splines ns() and B-splines bs() (issue 14, item 1).
#
# Run from the repository root:  Rscript Tests/Reference/splines.R
# Writes Tests/Reference/splines.json: every basis column at 17 significant digits, with the
# R call, the input vector (non-missing values as given to R) and the knots R chose; and
# glm(binomial) / coxph fits with ns() terms (coefficients, SEs). Data: survival::lung age,
# datasets::airquality Ozone (with NAs), datasets::mtcars hp, MASS::Boston lstat, and the
# teaching diary (Datasets/teaching/diary_nights.csv: fluid_cups, age).
suppressPackageStartupMessages({
  library(splines)
  library(survival)
  library(jsonlite)
  library(MASS)
})
outdir <- "Tests/Reference"
datadir <- file.path(outdir, "data")
dir.create(datadir, showWarnings = FALSE, recursive = TRUE)

# jsonlite stops at 15 significant digits; numbers are written as text with %.17g and
# turned back into JSON numbers.
f17 <- function(x) I(sprintf("%.17g", as.numeric(x)))
num <- function(x) lapply(as.numeric(x), function(v) json_verbatim(sprintf("%.17g", v)))
json_verbatim <- function(s) structure(s, class = "json")

diary <- read.csv("Datasets/teaching/diary_nights.csv")

bases <- list()
basisCase <- function(name, call, x) {
  b <- eval(parse(text = call), list(x = x))
  bases[[length(bases) + 1]] <<- list(
    name = name, call = call, kind = class(b)[1],
    x = x[!is.na(x)],
    knots = as.numeric(attr(b, "knots")),
    boundary_knots = as.numeric(attr(b, "Boundary.knots")),
    degree = attr(b, "degree"),
    columns = ncol(b),
    basis = lapply(seq_len(ncol(b)), function(j) b[!is.na(x), j]))
}

lungAge <- lung$age
ozone <- airquality$Ozone
hp <- mtcars$hp
lstat <- Boston$lstat
fluid <- diary$fluid_cups
dage <- diary$age

basisCase("lung_age_ns_df3", "ns(x, df = 3)", lungAge)
basisCase("lung_age_ns_df5", "ns(x, df = 5)", lungAge)
basisCase("lung_age_bs_df5", "bs(x, df = 5)", lungAge)
basisCase("lung_age_bs_knots", "bs(x, knots = c(55, 65))", lungAge)
basisCase("lung_age_ns_knots", "ns(x, knots = c(50, 60, 70))", lungAge)
basisCase("ozone_ns_df4", "ns(x, df = 4)", ozone)
basisCase("ozone_bs_df6_degree2", "bs(x, df = 6, degree = 2)", ozone)
basisCase("mtcars_hp_bs_df4", "bs(x, df = 4)", hp)
basisCase("mtcars_hp_ns_df2", "ns(x, df = 2)", hp)
basisCase("mtcars_hp_ns_df1", "ns(x, df = 1)", hp)
basisCase("boston_lstat_ns_df6", "ns(x, df = 6)", lstat)
basisCase("boston_lstat_bs_df3_degree1", "bs(x, df = 3, degree = 1)", lstat)
basisCase("diary_fluid_ns_df3", "ns(x, df = 3)", fluid)
basisCase("diary_fluid_bs_df5", "bs(x, df = 5)", fluid)
basisCase("diary_age_ns_df4", "ns(x, df = 4)", dage)
basisCase("diary_age_ns_knots", "ns(x, knots = c(40, 60))", dage)

fits <- list()
coefCase <- function(name, command, call, file, formula, fit) {
  s <- summary(fit)$coefficients
  se <- if (inherits(fit, "coxph")) s[, "se(coef)"] else s[, "Std. Error"]
  fits[[length(fits) + 1]] <<- list(
    name = name, command = command, call = call, file = file, formula = formula,
    terms = rownames(s), estimate = num(s[, 1]), std_error = num(se),
    log_likelihood = json_verbatim(sprintf("%.17g", as.numeric(logLik(fit)))))
}
dfile <- "Datasets/teaching/diary_nights.csv"
g1 <- glm(cramp ~ ns(age, df = 3) + sex, family = binomial, data = diary)
coefCase("diary_logit_ns_age", "logit", "glm(cramp ~ ns(age, df = 3) + sex, family = binomial, data = diary)",
         dfile, "cramp ~ ns(age, df = 3) + sex", g1)
g2 <- glm(cramp ~ bs(fluid_cups, df = 4) + ns(age, knots = c(40, 60)), family = binomial, data = diary)
coefCase("diary_logit_bs_fluid", "logit",
         "glm(cramp ~ bs(fluid_cups, df = 4) + ns(age, knots = c(40, 60)), family = binomial, data = diary)",
         dfile, "cramp ~ bs(fluid_cups, df = 4) + ns(age, knots = c(40, 60))", g2)
lung2 <- read.csv(file.path(datadir, "surv_lung.csv"))
c1 <- coxph(Surv(time, status) ~ ns(age, df = 3) + sex, data = lung2)
coefCase("lung_cox_ns_age", "cox", "coxph(Surv(time, status) ~ ns(age, df = 3) + sex, data = lung2)",
         "Tests/Reference/data/surv_lung.csv", "Surv(time, status) ~ ns(age, df = 3) + sex", c1)
c2 <- coxph(Surv(time, status) ~ ns(age, df = 2) + ns(wt_loss, df = 3) + sex, data = lung2)
coefCase("lung_cox_ns_two", "cox",
         "coxph(Surv(time, status) ~ ns(age, df = 2) + ns(wt_loss, df = 3) + sex, data = lung2)",
         "Tests/Reference/data/surv_lung.csv", "Surv(time, status) ~ ns(age, df = 2) + ns(wt_loss, df = 3) + sex", c2)

# survfit with newdata evaluates ns() on the training knots (makepredictcall).
predictions <- list()
s1 <- survfit(c1, newdata = data.frame(age = 60, sex = 1))
predictions[[1]] <- list(
  name = "lung_cox_ns_age_profile", command = "cox",
  call = "survfit(coxph(Surv(time, status) ~ ns(age, df = 3) + sex, data = lung2), newdata = data.frame(age = 60, sex = 1))",
  file = "Tests/Reference/data/surv_lung.csv", formula = "Surv(time, status) ~ ns(age, df = 3) + sex",
  profile = "age=60,sex=1", time = num(s1$time), survival = num(s1$surv), std_error = num(s1$std.err))

out <- list(
  generator = "Tests/Reference/splines.R",
  r_version = R.version.string,
  packages = list(splines = as.character(packageVersion("splines")),
                  survival = as.character(packageVersion("survival")),
                  MASS = as.character(packageVersion("MASS"))),
  bases = lapply(bases, function(b) {
    b$x <- num(b$x); b$knots <- num(b$knots); b$boundary_knots <- num(b$boundary_knots)
    b$basis <- lapply(b$basis, num); b
  }),
  fits = fits,
  predictions = predictions)
writeLines(toJSON(out, auto_unbox = TRUE, pretty = FALSE, digits = NA, json_verbatim = TRUE),
           file.path(outdir, "splines.json"))
cat("wrote", length(bases), "bases and", length(fits), "fits\n")
