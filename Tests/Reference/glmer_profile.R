# Reference profile-likelihood intervals of a random-intercept SD for CrampStat's
# `logit ... + (1 | g) --ci profile` (Tests/MixedModelsTests/GLMMProfileTests.swift).
#
# Run from the repository root:   Rscript Tests/Reference/glmer_profile.R
# Reads the inputs Tests/Reference/glmer.R wrote (data/glmer_*.csv); writes
# Tests/Reference/glmer_profile.json.
#
# lme4's confint(fit, parm = ".sig01", method = "profile") interpolates a spline through a
# profile computed on a grid, so its limits carry an interpolation error. To record the limits
# themselves, this script also solves for them directly: at a fixed theta the deviance is
# minimized over beta (devfun with theta fixed, nlminb, tight tolerances), and uniroot
# finds where that profile deviance exceeds the minimum by qchisq(0.95, 1). Both are stored;
# the Swift test compares with the direct root (`limits`) and, more loosely, with confint
# (`confint_limits`). Numbers written with jsonlite::toJSON(digits = NA).

suppressPackageStartupMessages({
  library(jsonlite)
  library(lme4)
})

control <- glmerControl(
  optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5), tolPwrss = 1e-12)

profile_case <- function(name, formula, data, link = "logit") {
  family <- binomial(link)
  fit <- glmer(formula, data = data, family = family, control = control)
  dev <- glmer(formula, data = data, family = family, control = control, devFunOnly = TRUE)
  theta_hat <- getME(fit, "theta")[[1]]
  beta_hat <- fixef(fit)
  dmin <- dev(c(theta_hat, beta_hat))
  cut <- qchisq(0.95, 1)
  profile_dev <- function(theta) {
    f <- function(b) tryCatch(dev(c(theta, b)), error = function(e) Inf)
    o <- nlminb(beta_hat, f, control = list(rel.tol = 1e-15, x.tol = 1e-12, eval.max = 5000,
                                             iter.max = 2000))
    o$objective
  }
  excess <- function(theta) profile_dev(theta) - dmin - cut
  upper <- uniroot(excess, c(theta_hat, theta_hat * 4 + 1), tol = 1e-10)$root
  lower <- if (excess(0) <= 0) 0 else uniroot(excess, c(0, theta_hat), tol = 1e-10)$root
  ci <- suppressWarnings(confint(fit, parm = ".sig01", method = "profile", level = 0.95))
  list(
    name = name, call = paste0("glmer(", deparse(formula), ", family = binomial(\"", link,
                               "\")); confint(method = \"profile\", parm = \".sig01\")"),
    data = paste0("Tests/Reference/data/glmer_", sub("_.*", "", name), ".csv"),
    formula = deparse(formula), link = link, theta = theta_hat, deviance = dmin,
    limits = c(lower, upper), confint_limits = as.numeric(ci))
}

cbpp <- read.csv("Tests/Reference/data/glmer_cbpp.csv")
cbpp$period <- factor(cbpp$period)
bacteria <- read.csv("Tests/Reference/data/glmer_bacteria.csv")
flat <- read.csv("Tests/Reference/data/glmer_flat.csv")

cases <- list(
  profile_case("cbpp_laplace", y ~ period + (1 | herd), cbpp),
  profile_case("cbpp_cloglog", y ~ period + (1 | herd), cbpp, link = "cloglog"),
  profile_case("bacteria_laplace", y ~ trt + week + (1 | ID), bacteria))

writeLines(
  toJSON(list(generated_by = "Tests/Reference/glmer_profile.R",
              lme4 = as.character(packageVersion("lme4")), level = 0.95, cases = cases),
         digits = NA, auto_unbox = TRUE, pretty = TRUE),
  "Tests/Reference/glmer_profile.json")
