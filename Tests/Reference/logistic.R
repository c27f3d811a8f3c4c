# Reference values for CrampStat's logistic regression (Tests/RegressionTests).
#
# Run from the repository root:   Rscript Tests/Reference/logistic.R
# Writes Tests/Reference/data/logistic_*.csv (the inputs) and Tests/Reference/logistic.json.
#
# Every number is written with jsonlite::toJSON(digits = NA) (17 significant digits). Each
# model records the exact calls used. Term names are given both as R prints them and as
# CrampStat names them (`trimester[2]` for R's `factor(trimester)2`).
#
# Firth: logistf is not installed here, so `firth_fit()` below implements Heinze & Schemper
# (2002) directly: maximise l(b) + 0.5 log det I(b) by Newton-Raphson on the modified score
# U*(b) = X'(y - p + h (1/2 - p)), h = diag(W^1/2 X (X'WX)^-1 X' W^1/2), with the penalty of
# the FULL design also in restricted fits (logistf semantics for profile CIs and LR tests).
# It iterates until max|step| < 1e-12, so it lands on the optimum, not on an iteration path.

suppressPackageStartupMessages({
  library(jsonlite)
  library(sandwich)
  library(pROC)
  library(MASS)
  library(geepack)
})

out_dir <- "Tests/Reference"
data_dir <- file.path(out_dir, "data")
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)

# ---- data sets -----------------------------------------------------------------------------

# 1. Diary-like: 60 patients x 10 nights, patient random intercept (so clustering matters),
#    a 4-level trimester code, an interaction, an offset-able exposure.
set.seed(20240611)
n_pat <- 60; nights <- 10
pid <- sprintf("P%03d", seq_len(n_pat))
pat <- data.frame(
  patient_id = pid,
  age_over_50 = rbinom(n_pat, 1, 0.4),
  trimester = sample(0:3, n_pat, replace = TRUE, prob = c(0.55, 0.15, 0.15, 0.15)),
  dialysis = rbinom(n_pat, 1, 0.2),
  u = rnorm(n_pat, 0, 0.8)
)
diary <- pat[rep(seq_len(n_pat), each = nights), ]
diary$night <- rep(seq_len(nights), n_pat)
diary$magnesium_mg <- round(rnorm(nrow(diary), 300, 60), 1)
diary$supplement <- rbinom(nrow(diary), 1, 0.3)
diary$hours_slept <- round(runif(nrow(diary), 4, 9), 2)
eta <- -1.2 + 0.6 * diary$age_over_50 + c(0, 0.3, 0.7, 1.1)[diary$trimester + 1] -
  0.004 * (diary$magnesium_mg - 300) - 0.5 * diary$supplement + 0.9 * diary$dialysis +
  0.4 * diary$age_over_50 * diary$supplement + diary$u
diary$cramp <- rbinom(nrow(diary), 1, plogis(eta))
diary <- diary[, c("patient_id", "night", "age_over_50", "trimester", "dialysis",
                   "magnesium_mg", "supplement", "hours_slept", "cramp")]
write.csv(diary, file.path(data_dir, "logistic_diary.csv"), row.names = FALSE)

# 2. Collinear + missing: x3 = x1 + 2 x2 exactly (aliased), const = 1 (aliased with the
#    intercept), a text column with missing values, missing x1.
set.seed(7)
n2 <- 150
col <- data.frame(
  x1 = round(rnorm(n2), 3),
  x2 = round(rnorm(n2), 3),
  site = sample(c("north", "east", "west"), n2, replace = TRUE)
)
col$x3 <- col$x1 + 2 * col$x2
col$const <- 1
col$y <- rbinom(n2, 1, plogis(0.3 + 0.8 * col$x1 - 0.5 * col$x2 +
                                ifelse(col$site == "west", 0.7, 0)))
col$x1[c(5, 17, 60)] <- NA
col$site[c(17, 88)] <- NA
write.csv(col, file.path(data_dir, "logistic_collinear.csv"), row.names = FALSE, na = "")
col_r <- read.csv(file.path(data_dir, "logistic_collinear.csv"), na.strings = "")

# 3. Quasi-complete separation: every row with exposed = 1 has y = 1.
set.seed(11)
n3 <- 40
sep <- data.frame(exposed = c(rep(1, 6), rep(0, n3 - 6)), dose = round(rnorm(n3, 2, 1), 2))
sep$y <- ifelse(sep$exposed == 1, 1, rbinom(n3, 1, plogis(-0.8 + 0.7 * (sep$dose - 2))))
write.csv(sep, file.path(data_dir, "logistic_separation.csv"), row.names = FALSE)

# 4. Complete separation on one covariate.
comp <- data.frame(x = c(1, 2, 3, 4, 5, 6, 7, 8), y = c(0, 0, 0, 0, 1, 1, 1, 1))
write.csv(comp, file.path(data_dir, "logistic_complete.csv"), row.names = FALSE)

# ---- helpers -------------------------------------------------------------------------------

hosmer_lemeshow <- function(y, p, g = 10) {
  # The grouping of ResourceSelection::hoslem.test: breaks at unique type-7 quantiles of the
  # fitted values, intervals closed on the right, the lowest included; df = (intervals
  # used) - 2, so merged deciles lower the df (hoslem.test itself keeps g - 2).
  qq <- unique(quantile(p, probs = seq(0, 1, 1 / g)))
  cut_p <- cut(p, breaks = qq, include.lowest = TRUE)
  observed <- xtabs(cbind(y0 = 1 - y, y1 = y) ~ cut_p)
  expected <- xtabs(cbind(p0 = 1 - p, p1 = p) ~ cut_p)
  stat <- sum((observed - expected)^2 / expected)
  groups <- data.frame(
    n = as.vector(table(cut_p)),
    mean_predicted = as.vector(tapply(p, cut_p, mean)),
    observed_events = as.vector(observed[, 2]),
    expected_events = as.vector(expected[, 2])
  )
  df <- length(qq) - 1 - 2
  list(statistic = stat, df = df, p_value = 1 - pchisq(stat, df), groups = groups)
}

coef_table <- function(fit, names_ours, vc_robust = NULL) {
  s <- summary(fit)$coefficients
  est <- coef(fit)
  se <- rep(NA_real_, length(est)); names(se) <- names(est)
  se[rownames(s)] <- s[, 2]
  zq <- qnorm(0.975)
  rows <- lapply(seq_along(est), function(j) {
    r <- list(term_r = names(est)[j], term = names_ours[j], estimate = unname(est[j]),
              std_error = unname(se[j]))
    if (!is.na(est[j])) {
      r$z <- unname(est[j] / se[j])
      r$p_value <- 2 * pnorm(-abs(r$z))
      r$log_p_value <- log(2) + pnorm(-abs(r$z), log.p = TRUE)
      r$conf_low <- unname(est[j] - zq * se[j])
      r$conf_high <- unname(est[j] + zq * se[j])
      if (!is.null(vc_robust)) {
        rse <- sqrt(vc_robust[names(est)[j], names(est)[j]])
        r$robust_std_error <- rse
        r$robust_z <- unname(est[j] / rse)
        r$robust_p_value <- 2 * pnorm(-abs(r$robust_z))
        r$robust_conf_low <- unname(est[j] - zq * rse)
        r$robust_conf_high <- unname(est[j] + zq * rse)
      }
    }
    r
  })
  rows
}

describe_glm <- function(fit, call_text, names_ours, cluster = NULL, extra_calls = list()) {
  vc_robust <- NULL
  calls <- c(list(glm = call_text), extra_calls)
  if (!is.null(cluster)) {
    vc_robust <- sandwich::vcovCL(fit, cluster = cluster, type = "HC0", cadjust = FALSE)
    calls$vcovCL <- "sandwich::vcovCL(fit, cluster = ~patient_id, type = \"HC0\", cadjust = FALSE)"
  }
  y <- fit$y
  p <- fitted(fit)
  r <- pROC::roc(response = y, predictor = p, levels = c(0, 1), direction = "<", quiet = TRUE)
  auc_ci <- pROC::ci.auc(r, method = "delong")
  calls$auc <- "pROC::ci.auc(pROC::roc(fit$y, fitted(fit), levels = c(0, 1), direction = \"<\"), method = \"delong\")"
  hl <- hosmer_lemeshow(y, p)
  calls$hosmer_lemeshow <- "hosmer_lemeshow(fit$y, fitted(fit), g = 10)  # as ResourceSelection::hoslem.test"
  lr <- fit$null.deviance - fit$deviance
  lr_df <- fit$df.null - fit$df.residual
  list(
    calls = calls,
    n = length(y),
    n_dropped = length(fit$na.action),
    converged = fit$converged,
    iterations = fit$iter,
    rank = fit$rank,
    deviance = fit$deviance,
    null_deviance = fit$null.deviance,
    aic = fit$aic,
    log_likelihood = as.numeric(logLik(fit)),
    null_log_likelihood = -fit$null.deviance / 2,
    df_residual = fit$df.residual,
    df_null = fit$df.null,
    likelihood_ratio = list(statistic = lr, df = lr_df, p_value = pchisq(lr, lr_df, lower.tail = FALSE)),
    coefficients = coef_table(fit, names_ours, vc_robust),
    auc = list(estimate = auc_ci[2], conf_low = auc_ci[1], conf_high = auc_ci[3]),
    hosmer_lemeshow = hl,
    fitted_head = unname(head(p, 5)),
    warnings = character(0)
  )
}

glm_capture <- function(expr) {
  ws <- character(0)
  val <- withCallingHandlers(expr, warning = function(w) {
    ws <<- c(ws, conditionMessage(w)); invokeRestart("muffleWarning")
  })
  list(value = val, warnings = ws)
}

# ---- Firth (Heinze & Schemper 2002), written from the paper -------------------------------

firth_penalized <- function(X, y, beta) {
  eta <- drop(X %*% beta)
  p <- plogis(eta)
  w <- p * (1 - p)
  info <- crossprod(X * sqrt(w))
  ll <- sum(y * plogis(eta, log.p = TRUE) + (1 - y) * plogis(-eta, log.p = TRUE))
  pen <- ll + 0.5 * determinant(info, logarithm = TRUE)$modulus[1]
  if (!is.finite(pen)) pen <- -Inf
  list(p = p, w = w, info = info, loglik = ll, penalized = pen)
}

# Maximises the penalized log-likelihood with the coefficients in `fixed` held at `values`.
firth_fit <- function(X, y, fixed = integer(0), values = numeric(0), start = NULL,
                      maxit = 200, tol = 1e-12) {
  p_ <- ncol(X)
  beta <- if (is.null(start)) rep(0, p_) else start
  beta[fixed] <- values
  free <- setdiff(seq_len(p_), fixed)
  cur <- firth_penalized(X, y, beta)
  for (it in seq_len(maxit)) {
    inv <- solve(cur$info)
    h <- rowSums((X %*% inv) * X) * cur$w
    score <- drop(crossprod(X, y - cur$p + h * (0.5 - cur$p)))
    if (length(free) == 0) break
    step <- drop(solve(cur$info[free, free, drop = FALSE], score[free]))
    mx <- max(abs(step))
    if (mx > 5) step <- step * 5 / mx  # logistf's maxstep
    new <- beta
    new[free] <- beta[free] + step
    nxt <- firth_penalized(X, y, new)
    halvings <- 0
    while (nxt$penalized < cur$penalized - 1e-12 && halvings < 30) {
      step <- step / 2; new[free] <- beta[free] + step
      nxt <- firth_penalized(X, y, new); halvings <- halvings + 1
    }
    beta <- new; cur <- nxt
    if (max(abs(step)) < tol) break
  }
  list(beta = beta, penalized = cur$penalized, loglik = cur$loglik,
       cov = solve(cur$info), iterations = it)
}

firth_reference <- function(X, y, names_ours) {
  full <- firth_fit(X, y)
  se <- sqrt(diag(full$cov))
  crit <- qchisq(0.95, 1)
  rows <- lapply(seq_len(ncol(X)), function(j) {
    restricted <- firth_fit(X, y, fixed = j, values = 0, start = full$beta)
    lr <- 2 * (full$penalized - restricted$penalized)
    prof <- function(b) {
      2 * (full$penalized - firth_fit(X, y, fixed = j, values = b, start = full$beta)$penalized) - crit
    }
    width <- 10 * se[j]
    lo <- uniroot(prof, c(full$beta[j] - width, full$beta[j]), tol = 1e-12)$root
    hi <- uniroot(prof, c(full$beta[j], full$beta[j] + width), tol = 1e-12)$root
    list(term = names_ours[j], estimate = full$beta[j], std_error = se[j],
         conf_low = lo, conf_high = hi, lr_statistic = lr,
         p_value = pchisq(lr, 1, lower.tail = FALSE))
  })
  # Overall penalized LR test: all coefficients but the intercept fixed at 0 (logistf).
  null <- firth_fit(X, y, fixed = seq_len(ncol(X))[-1], values = rep(0, ncol(X) - 1))
  lr_all <- 2 * (full$penalized - null$penalized)
  list(
    calls = list(firth = "firth_fit(X, y)  # this script; penalty of the full design in restricted fits",
                 profile = "uniroot on 2 * (l*(b) - l*_j(b_j)) = qchisq(0.95, 1), tol 1e-12"),
    penalized_log_likelihood = full$penalized,
    log_likelihood = full$loglik,
    null_penalized_log_likelihood = null$penalized,
    likelihood_ratio = list(statistic = lr_all, df = ncol(X) - 1,
                            p_value = pchisq(lr_all, ncol(X) - 1, lower.tail = FALSE)),
    coefficients = rows
  )
}

# ---- fits ----------------------------------------------------------------------------------

models <- list()

d <- read.csv(file.path(data_dir, "logistic_diary.csv"))
f1 <- cramp ~ age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis +
  age_over_50:supplement
fit1 <- glm(f1, family = binomial, data = d)
m1 <- describe_glm(
  fit1,
  "glm(cramp ~ age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + age_over_50:supplement, family = binomial, data = d)",
  c("(Intercept)", "age_over_50", "trimester[1]", "trimester[2]", "trimester[3]",
    "magnesium_mg", "supplement", "dialysis", "age_over_50:supplement"),
  cluster = ~patient_id)
m1$formula <- "cramp ~ age_over_50 + factor(trimester) + magnesium_mg + supplement + dialysis + age_over_50:supplement"
m1$data <- "data/logistic_diary.csv"
m1$cluster <- "patient_id"
ci_prof <- suppressMessages(confint(fit1))
m1$profile_ci <- lapply(seq_len(nrow(ci_prof)), function(j)
  list(term = m1$coefficients[[j]]$term, conf_low = ci_prof[j, 1], conf_high = ci_prof[j, 2]))
m1$calls$profile_ci <- "confint(fit)  # MASS profile likelihood (R 4.2)"
gee <- geepack::geeglm(cramp ~ age_over_50 + factor(trimester) + magnesium_mg + supplement +
                         dialysis + age_over_50:supplement, family = binomial, data = d,
                       id = factor(patient_id), corstr = "exchangeable")
gs <- summary(gee)
m1$gee_exchangeable <- list(
  call = "geepack::geeglm(<same formula>, family = binomial, data = d, id = factor(patient_id), corstr = \"exchangeable\")",
  estimate = unname(coef(gee)), std_error = unname(gs$coefficients[, "Std.err"]),
  alpha = unname(gs$corr$Estimate), scale = unname(gs$dispersion$Estimate))
gee_ind <- geepack::geeglm(f1, family = binomial, data = d, id = factor(patient_id),
                           corstr = "independence")
m1$gee_independence_std_error <- unname(summary(gee_ind)$coefficients[, "Std.err"])
models$diary <- m1

# Same data, offset and no intercept (checks the null deviance refit with offset).
f2 <- cramp ~ magnesium_mg + supplement + offset(log(hours_slept / 8))
fit2 <- glm(f2, family = binomial, data = d)
m2 <- describe_glm(fit2,
  "glm(cramp ~ magnesium_mg + supplement + offset(log(hours_slept/8)), family = binomial, data = d)",
  c("(Intercept)", "magnesium_mg", "supplement"))
m2$formula <- "cramp ~ magnesium_mg + supplement + offset(log(hours_slept/8))"
m2$data <- "data/logistic_diary.csv"
models$diary_offset <- m2

fit3 <- glm(cramp ~ factor(trimester) + magnesium_mg - 1, family = binomial, data = d)
m3 <- describe_glm(fit3,
  "glm(cramp ~ factor(trimester) + magnesium_mg - 1, family = binomial, data = d)",
  c("trimester[0]", "trimester[1]", "trimester[2]", "trimester[3]", "magnesium_mg"))
m3$formula <- "cramp ~ factor(trimester) + magnesium_mg - 1"
m3$data <- "data/logistic_diary.csv"
models$diary_no_intercept <- m3

g4 <- glm_capture(glm(y ~ x1 + x2 + x3 + site + const, family = binomial, data = col_r))
m4 <- describe_glm(g4$value,
  "glm(y ~ x1 + x2 + x3 + site + const, family = binomial, data = col)  # read.csv(na.strings = \"\")",
  c("(Intercept)", "x1", "x2", "x3", "site[north]", "site[west]", "const"))
m4$formula <- "y ~ x1 + x2 + x3 + site + const"
m4$data <- "data/logistic_collinear.csv"
m4$warnings <- I(g4$warnings)  # I(): keep an array under auto_unbox
m4$dropped_by_variable <- list(x1 = sum(is.na(col_r$x1)), site = sum(is.na(col_r$site)))
models$collinear <- m4

g5 <- glm_capture(glm(y ~ exposed + dose, family = binomial, data = sep))
m5 <- describe_glm(g5$value, "glm(y ~ exposed + dose, family = binomial, data = sep)",
                   c("(Intercept)", "exposed", "dose"))
m5$formula <- "y ~ exposed + dose"
m5$data <- "data/logistic_separation.csv"
m5$warnings <- I(g5$warnings)  # I(): keep an array under auto_unbox
X5 <- model.matrix(~ exposed + dose, sep)
m5$firth <- firth_reference(X5, sep$y, c("(Intercept)", "exposed", "dose"))
models$separation <- m5

g6 <- glm_capture(glm(y ~ x, family = binomial, data = comp))
m6 <- describe_glm(g6$value, "glm(y ~ x, family = binomial, data = comp)", c("(Intercept)", "x"))
m6$formula <- "y ~ x"
m6$data <- "data/logistic_complete.csv"
m6$warnings <- I(g6$warnings)  # I(): keep an array under auto_unbox
X6 <- model.matrix(~ x, comp)
m6$firth <- firth_reference(X6, comp$y, c("(Intercept)", "x"))
models$complete <- m6

# Firth on ordinary data too: estimates are close to glm's but not equal.
X1 <- model.matrix(f1, d)
models$diary$firth <- firth_reference(X1, d$cramp, m1$coefficients |> sapply(`[[`, "term"))

# ---- exact profile-likelihood limits (reference for CrampStat's --ci profile) ---------------
#
# MASS's confint.glm (R 4.2) profiles the signed root deviance on a grid of steps of
# (sqrt(qchisq(0.99, 1)) / 5) standard errors and inverts an interpolating spline, so its
# limits carry an interpolation error of ~1e-4 SE. CrampStat solves the profile equation
# exactly; this reference does the same with independent tools: each point is a glm() refit
# with the coefficient moved into the offset (converged to 1e-14), and uniroot (tol 1e-13)
# finds where the signed root deviance equals -/+ qnorm(0.975).

exact_profile_ci <- function(fit, level = 0.95) {
  X <- model.matrix(fit)
  y <- fit$y
  off <- if (is.null(fit$offset)) rep(0, length(y)) else fit$offset
  ctrl <- glm.control(epsilon = 1e-14, maxit = 200)
  full <- glm.fit(X, y, family = binomial(), offset = off, control = ctrl)
  b <- full$coefficients
  se <- sqrt(diag(chol2inv(qr.R(full$qr))))
  crit <- qnorm(1 - (1 - level) / 2)
  t(vapply(seq_len(ncol(X)), function(j) {
    signed_root <- function(bj) {
      restricted <- glm.fit(X[, -j, drop = FALSE], y, family = binomial(),
                            offset = off + X[, j] * bj, control = ctrl,
                            start = b[-j])
      sign(bj - b[j]) * sqrt(max(restricted$deviance - full$deviance, 0))
    }
    lo <- uniroot(function(v) signed_root(v) + crit, c(b[j] - 4 * crit * se[j], b[j]),
                  tol = 1e-13)$root
    hi <- uniroot(function(v) signed_root(v) - crit, c(b[j], b[j] + 4 * crit * se[j]),
                  tol = 1e-13)$root
    c(lo, hi)
  }, numeric(2)))
}

add_profile <- function(m, fit) {
  ci_prof <- suppressMessages(confint(fit))
  m$profile_ci <- lapply(seq_len(nrow(ci_prof)), function(j)
    list(term = m$coefficients[[j]]$term, conf_low = ci_prof[j, 1], conf_high = ci_prof[j, 2]))
  m$calls$profile_ci <- "confint(fit)  # MASS profile likelihood (R 4.2)"
  ex <- exact_profile_ci(fit)
  m$exact_profile_ci <- lapply(seq_len(nrow(ex)), function(j)
    list(term = m$coefficients[[j]]$term, conf_low = ex[j, 1], conf_high = ex[j, 2]))
  m$calls$exact_profile_ci <- "exact_profile_ci(fit)  # this script: glm.fit with offset + uniroot"
  m
}

models$diary <- add_profile(models$diary, fit1)

# GEE with a converged fixed point too: geeglm's default epsilon is 1e-4 on the largest
# parameter change, so its printed estimates are an iterate, not the solution.
gee_tight <- geepack::geeglm(f1, family = binomial, data = d, id = factor(patient_id),
                             corstr = "exchangeable",
                             control = geepack::geese.control(epsilon = 1e-12, maxit = 200))
models$diary$gee_exchangeable_converged <- list(
  call = "geepack::geeglm(<same>, corstr = \"exchangeable\", control = geese.control(epsilon = 1e-12, maxit = 200))",
  estimate = unname(coef(gee_tight)),
  std_error = unname(summary(gee_tight)$coefficients[, "Std.err"]),
  alpha = unname(summary(gee_tight)$corr$Estimate),
  scale = unname(summary(gee_tight)$dispersion$Estimate))

# 2x2 table of Tests/RegressionTests/LogisticHandWorkedTests.swift (a = 6, b = 2, c = 3,
# d = 9): the profile limits from a fully independent root finder. For the slope (log OR)
# the nuisance intercept solves the one-dimensional score equation 9 = 8 p1 + 12 p0; for the
# intercept, the x = 1 group is saturated by the slope so only the x = 0 group (3 of 12)
# enters. Both profile deviances are then solved with uniroot at tol 1e-15.
tt_x <- c(rep(1, 8), rep(0, 12))
tt_y <- c(rep(1, 6), rep(0, 2), rep(1, 3), rep(0, 9))
tt_ll <- function(b0, b1) {
  eta <- b0 + b1 * tt_x
  sum(tt_y * plogis(eta, log.p = TRUE) + (1 - tt_y) * plogis(-eta, log.p = TRUE))
}
tt_hat <- c(log(3 / 9), log(6 * 9 / (2 * 3)))
tt_max <- tt_ll(tt_hat[1], tt_hat[2])
tt_crit <- qchisq(0.95, 1)
tt_b0_given_b1 <- function(b1) {
  uniroot(function(b0) 8 * plogis(b0 + b1) + 12 * plogis(b0) - 9, c(-30, 30), tol = 1e-15)$root
}
tt_prof_slope <- function(b1) 2 * (tt_max - tt_ll(tt_b0_given_b1(b1), b1)) - tt_crit
tt_prof_int <- function(b0) 2 * (tt_max - tt_ll(b0, log(6 / 2) - b0)) - tt_crit
tt_ci <- rbind(
  c(uniroot(tt_prof_int, c(tt_hat[1] - 5, tt_hat[1]), tol = 1e-15)$root,
    uniroot(tt_prof_int, c(tt_hat[1], tt_hat[1] + 5), tol = 1e-15)$root),
  c(uniroot(tt_prof_slope, c(tt_hat[2] - 8, tt_hat[2]), tol = 1e-15)$root,
    uniroot(tt_prof_slope, c(tt_hat[2], tt_hat[2] + 8), tol = 1e-15)$root))
tt_fit <- glm(tt_y ~ tt_x, family = binomial)
tt_mass <- suppressMessages(confint(tt_fit))
two_by_two_profile <- list(
  calls = list(exact = "uniroot on the closed-form profile deviance, tol 1e-15",
               mass = "confint(glm(y ~ x, family = binomial))"),
  terms = c("(Intercept)", "x"),
  conf_low = tt_ci[, 1], conf_high = tt_ci[, 2],
  mass_conf_low = unname(tt_mass[, 1]), mass_conf_high = unname(tt_mass[, 2]))

# ---- the teaching diary (Datasets/teaching/diary_nights.csv) -------------------------------

teaching <- "Datasets/teaching/diary_nights.csv"
td <- read.csv(teaching)
f7 <- cramp ~ age_over_50 + sex + factor(trimester) + dialysis_day + mg_supp + mg_diet_mg +
  alcohol_units + fluid_cups + on_thiazide + on_statin
fit7 <- glm(f7, family = binomial, data = td)
names7 <- c("(Intercept)", "age_over_50", "sex[M]", "trimester[1]", "trimester[2]",
            "trimester[3]", "dialysis_day", "mg_supp", "mg_diet_mg", "alcohol_units",
            "fluid_cups", "on_thiazide", "on_statin")
m7 <- describe_glm(
  fit7,
  "glm(cramp ~ age_over_50 + sex + factor(trimester) + dialysis_day + mg_supp + mg_diet_mg + alcohol_units + fluid_cups + on_thiazide + on_statin, family = binomial, data = read.csv(teaching))  # na.omit drops unobserved nights",
  names7, cluster = ~patient_id)
m7$formula <- "cramp ~ age_over_50 + sex + factor(trimester) + dialysis_day + mg_supp + mg_diet_mg + alcohol_units + fluid_cups + on_thiazide + on_statin"
m7$data <- "../../Datasets/teaching/diary_nights.csv"
m7$cluster <- "patient_id"
m7$cluster_count <- length(unique(td$patient_id[!is.na(td$cramp)]))
m7$dropped_by_variable <- list(cramp = sum(is.na(td$cramp)))
m7 <- add_profile(m7, fit7)
td_complete <- td[!is.na(td$cramp), ]
gee7 <- geepack::geeglm(f7, family = binomial, data = td_complete, id = factor(patient_id),
                        corstr = "exchangeable")
m7$gee_exchangeable <- list(
  call = "geepack::geeglm(<same formula>, family = binomial, data = td[!is.na(td$cramp), ], id = factor(patient_id), corstr = \"exchangeable\")",
  estimate = unname(coef(gee7)), std_error = unname(summary(gee7)$coefficients[, "Std.err"]),
  alpha = unname(summary(gee7)$corr$Estimate), scale = unname(summary(gee7)$dispersion$Estimate))
gee7t <- geepack::geeglm(f7, family = binomial, data = td_complete, id = factor(patient_id),
                         corstr = "exchangeable",
                         control = geepack::geese.control(epsilon = 1e-12, maxit = 200))
m7$gee_exchangeable_converged <- list(
  call = "geepack::geeglm(<same>, corstr = \"exchangeable\", control = geese.control(epsilon = 1e-12, maxit = 200))",
  estimate = unname(coef(gee7t)), std_error = unname(summary(gee7t)$coefficients[, "Std.err"]),
  alpha = unname(summary(gee7t)$corr$Estimate), scale = unname(summary(gee7t)$dispersion$Estimate))
gee7i <- geepack::geeglm(f7, family = binomial, data = td_complete, id = factor(patient_id),
                         corstr = "independence")
m7$gee_independence_std_error <- unname(summary(gee7i)$coefficients[, "Std.err"])
models$teaching <- m7

notes <- "teaching: Datasets/teaching/diary_nights.csv, rows with empty cramp dropped by na.omit"

result <- list(
  generated_by = "Tests/Reference/logistic.R",
  r_version = R.version.string,
  packages = list(
    sandwich = as.character(packageVersion("sandwich")),
    pROC = as.character(packageVersion("pROC")),
    MASS = as.character(packageVersion("MASS")),
    geepack = as.character(packageVersion("geepack")),
    jsonlite = as.character(packageVersion("jsonlite"))),
  notes = notes,
  two_by_two_profile = two_by_two_profile,
  models = models
)
writeLines(toJSON(result, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null",
                  null = "null"),
           file.path(out_dir, "logistic.json"))
cat("wrote", file.path(out_dir, "logistic.json"), "\n")
