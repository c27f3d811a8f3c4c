# Reference values for CrampStat's cumulative-link (proportional-odds) model, as MASS::polr
# (Tests/OrdinalTests).
#
# Run from the repository root:   Rscript Tests/Reference/ordinal.R
# Writes Tests/Reference/data/ordinal_*.csv (the inputs) and Tests/Reference/ordinal.json.
#
# Every number is written with jsonlite::toJSON(digits = NA) (17 significant digits).
#
# Why not polr's numbers alone: polr maximises with optim(BFGS, reltol = 1e-8) and its Hessian
# (vcov with Hess = TRUE) is optim's finite difference of the gradient (ndeps = 1e-3) in the
# log-increment threshold parametrization, mapped by the delta method. Both are good to about
# 1e-6, not to 1e-8. So this script:
#   1. fits polr() as a user would (recorded: `polr_*`, for a loose check);
#   2. polishes the optimum by Newton-Raphson on the same log-likelihood with the analytic
#      gradient and Hessian below, until max|step| < 1e-13, and re-runs polr(start = optimum,
#      control = list(reltol = 1e-15)) to confirm polr stays there (max difference recorded);
#   3. takes the covariance as the inverse of the analytic observed information at that optimum
#      in the (beta, zeta) parametrization (what polr's vcov approximates);
#   4. computes the cluster-robust HC0 sandwich by hand, H^-1 (sum_g U_g U_g') H^-1 with U_g the
#      per-cluster sums of the analytic score contributions (sandwich::vcovCL(type = "HC0",
#      cadjust = FALSE) on a polr fit uses bread.polr = the numerical vcov, so it is recorded
#      only as `sandwich_vcovCL_std_error` for a loose check; estfun.polr's scores are checked
#      against the hand scores here);
#   5. Brant's (1990) test of proportional odds by hand (the brant package is not in Debian):
#      the J - 1 binary logits glm(y > j ~ x), the covariance of their stacked slopes
#      Var(b_m, b_l) = (X'W_m X)^-1 X'W_ml X (X'W_l X)^-1, W_ml = diag(w (pi_l - pi_m pi_l)),
#      m < l, pi_j = fitted P(y > j), and the Wald test of b_1 = b_2 = ... = b_{J-1}
#      (omnibus, df = p (J - 2), and per term, df = J - 2).

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
  library(sandwich)
})

out_dir <- "Tests/Reference"
data_dir <- file.path(out_dir, "data")
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)

links <- list(
  logistic = list(p = plogis, d = dlogis, dd = function(z) dlogis(z) * (1 - 2 * plogis(z))),
  probit = list(p = pnorm, d = dnorm, dd = function(z) -z * dnorm(z))
)

# Log-likelihood, gradient and Hessian of the cumulative-link model in (beta, zeta):
# P(y = k) = F(zeta_k - x'beta) - F(zeta_{k-1} - x'beta), zeta_0 = -Inf, zeta_J = Inf.
polr_derivs <- function(theta, X, y, w, link) {
  L <- links[[link]]
  p <- ncol(X); q <- length(theta) - p; n <- nrow(X)
  beta <- theta[seq_len(p)]; zeta <- theta[p + seq_len(q)]
  eta <- drop(X %*% beta)
  gam <- c(-Inf, zeta, Inf)
  a1 <- gam[y + 1] - eta; a2 <- gam[y] - eta
  F1 <- L$p(a1); F2 <- L$p(a2)
  f1 <- ifelse(is.finite(a1), L$d(a1), 0); f2 <- ifelse(is.finite(a2), L$d(a2), 0)
  d1 <- ifelse(is.finite(a1), L$dd(a1), 0); d2 <- ifelse(is.finite(a2), L$dd(a2), 0)
  pr <- F1 - F2
  g1 <- f1 / pr; g2 <- -f2 / pr
  h11 <- d1 / pr - g1^2; h22 <- -d2 / pr - g2^2; h12 <- -g1 * g2
  # Derivatives of a1, a2 with respect to theta (rows: observations).
  A1 <- cbind(-X, matrix(0, n, q)); A2 <- cbind(-X, matrix(0, n, q))
  for (i in seq_len(n)) {
    if (y[i] <= q) A1[i, p + y[i]] <- 1
    if (y[i] >= 2) A2[i, p + y[i] - 1] <- 1
  }
  scores <- w * (A1 * g1 + A2 * g2)
  H <- t(A1) %*% (w * h11 * A1) + t(A1) %*% (w * h12 * A2) + t(A2) %*% (w * h12 * A1) +
    t(A2) %*% (w * h22 * A2)
  list(loglik = sum(w * log(pr)), gradient = colSums(scores), hessian = H, scores = scores)
}

brant_test <- function(X, y, w, term_of_column, term_names) {
  J <- max(y); p <- ncol(X); X1 <- cbind(1, X)
  fits <- lapply(seq_len(J - 1), function(j) {
    suppressWarnings(glm.fit(X1, as.numeric(y > j), weights = w, family = binomial(),
                             control = glm.control(epsilon = 1e-14, maxit = 100)))
  })
  b <- sapply(fits, function(f) f$coefficients[-1])  # p x (J-1)
  b <- matrix(b, nrow = p)
  pis <- sapply(fits, function(f) f$fitted.values)
  inv <- lapply(seq_len(J - 1), function(j) {
    solve(t(X1) %*% (w * pis[, j] * (1 - pis[, j]) * X1))
  })
  V <- matrix(0, p * (J - 1), p * (J - 1))
  for (m in seq_len(J - 1)) for (l in seq_len(J - 1)) {
    lo <- min(m, l); hi <- max(m, l)
    Wml <- w * (pis[, hi] - pis[, lo] * pis[, hi])
    Vml <- inv[[m]] %*% (t(X1) %*% (Wml * X1)) %*% inv[[l]]
    V[(m - 1) * p + seq_len(p), (l - 1) * p + seq_len(p)] <- Vml[-1, -1]
  }
  bstar <- c(b)
  D <- matrix(0, p * (J - 2), p * (J - 1))
  for (m in seq_len(J - 2)) {
    D[(m - 1) * p + seq_len(p), seq_len(p)] <- diag(p)
    D[(m - 1) * p + seq_len(p), m * p + seq_len(p)] <- -diag(p)
  }
  Db <- D %*% bstar; DVD <- D %*% V %*% t(D)
  stat <- drop(t(Db) %*% solve(DVD, Db))
  omnibus <- list(statistic = stat, df = p * (J - 2),
                  p_value = pchisq(stat, p * (J - 2), lower.tail = FALSE))
  per_term <- lapply(seq_along(term_names), function(t) {
    cols <- which(term_of_column == t)
    rows <- unlist(lapply(seq_len(J - 2), function(m) (m - 1) * p + cols))
    s <- drop(t(Db[rows]) %*% solve(DVD[rows, rows], Db[rows]))
    k <- length(rows)
    list(term = term_names[t], statistic = s, df = k,
         p_value = pchisq(s, k, lower.tail = FALSE))
  })
  list(omnibus = omnibus, terms = per_term)
}

fit_case <- function(name, call_text, formula, data, X, y_levels, w, link, cluster = NULL,
                     terms, term_of_column, term_names, profile = NULL, brant = TRUE) {
  # Weights are passed by name, so they must be a column of data.

  fit <- eval(parse(text = call_text))
  y <- as.integer(y_levels)
  theta <- c(fit$coefficients, fit$zeta)
  for (it in 1:100) {
    d <- polr_derivs(theta, X, y, w, link)
    step <- solve(-d$hessian, d$gradient)
    theta <- theta + step
    if (max(abs(step)) < 1e-13) break
  }
  d <- polr_derivs(theta, X, y, w, link)
  p <- ncol(X); q <- length(theta) - p
  start_call <- sub("\\)$", ", start = theta, control = list(reltol = 1e-15, maxit = 10000))",
                    call_text)
  fit2 <- eval(parse(text = start_call))
  polr_stays <- max(abs(c(fit2$coefficients, fit2$zeta) - theta))
  V <- solve(-d$hessian)
  se <- sqrt(diag(V))
  names_all <- c(terms, names(fit$zeta))
  res <- list(
    name = name, call = call_text, link = link, n = nrow(X), n_weighted = sum(w),
    terms = terms, thresholds = names(fit$zeta),
    estimate = unname(theta), std_error = unname(se),
    z = unname(theta / se),
    p_value = unname(2 * pnorm(-abs(theta / se))),
    conf_low = unname(theta - qnorm(0.975) * se), conf_high = unname(theta + qnorm(0.975) * se),
    log_likelihood = d$loglik, deviance = -2 * d$loglik,
    aic = -2 * d$loglik + 2 * length(theta),
    gradient_max_at_reference = max(abs(d$gradient)),
    polr_estimate = unname(c(fit$coefficients, fit$zeta)),
    polr_std_error = unname(sqrt(diag(vcov(fit)))),
    polr_deviance = fit$deviance, polr_aic = AIC(fit),
    polr_start_at_optimum_max_difference = polr_stays,
    polr_restarted_deviance = fit2$deviance
  )
  # estfun.polr's scores against the hand scores (same parametrization, observation order).
  ef <- estfun(fit2)
  res$estfun_polr_max_difference <- max(abs(ef - d$scores))
  if (!is.null(cluster)) {
    U <- rowsum(d$scores, cluster, reorder = FALSE)
    meat <- crossprod(U)
    Vr <- V %*% meat %*% V
    rse <- sqrt(diag(Vr))
    res$cluster_call <- paste(
      "by hand: H^-1 (sum_g U_g U_g') H^-1, U_g = cluster sums of the analytic scores;",
      "loose check: sandwich::vcovCL(fit, cluster = ~ patient_id, type = 'HC0', cadjust = FALSE)")
    res$clusters <- length(unique(cluster))
    res$robust_std_error <- unname(rse)
    res$robust_z <- unname(theta / rse)
    res$robust_p_value <- unname(2 * pnorm(-abs(theta / rse)))
    res$sandwich_vcovCL_std_error <- unname(sqrt(diag(
      vcovCL(fit2, cluster = cluster, type = "HC0", cadjust = FALSE))))
  }
  if (!is.null(profile)) {
    # predict.polr at the polished optimum: same formulas as predict(fit2, newdata, "probs").
    eta <- sum(profile$x * theta[seq_len(p)])
    cum <- c(links[[link]]$p(theta[p + seq_len(q)] - eta), 1)
    res$profile <- list(values = profile$values, x = profile$x,
                        probabilities = diff(c(0, cum)),
                        polr_probabilities = unname(predict(fit2, newdata = profile$newdata,
                                                            type = "probs")))
  }
  if (brant && link == "logistic") res$brant <- brant_test(X, y, w, term_of_column, term_names)
  res
}

cases <- list()

# ---- 1. MASS housing (satisfaction, 3 levels, frequency weights) ---------------------------
housing_csv <- data.frame(
  sat = as.integer(housing$Sat),
  infl_medium = as.integer(housing$Infl == "Medium"),
  infl_high = as.integer(housing$Infl == "High"),
  type_apartment = as.integer(housing$Type == "Apartment"),
  type_atrium = as.integer(housing$Type == "Atrium"),
  type_terrace = as.integer(housing$Type == "Terrace"),
  cont_high = as.integer(housing$Cont == "High"),
  freq = housing$Freq
)
write.csv(housing_csv, file.path(data_dir, "ordinal_housing.csv"), row.names = FALSE)
hx <- as.matrix(housing_csv[, 2:7])
housing_terms <- colnames(hx)
for (link in c("logistic", "probit")) {
  cases[[length(cases) + 1]] <- fit_case(
    paste0("housing_", link),
    sprintf("polr(Sat ~ Infl + Type + Cont, weights = Freq, data = housing, Hess = TRUE, method = '%s')", link),
    NULL, housing, hx, housing$Sat, housing$Freq, link,
    terms = housing_terms, term_of_column = seq_along(housing_terms),
    term_names = housing_terms,
    profile = list(values = list(infl_medium = 0, infl_high = 1, type_apartment = 1,
                                 type_atrium = 0, type_terrace = 0, cont_high = 1),
                   x = c(0, 1, 1, 0, 0, 1),
                   newdata = data.frame(Infl = factor("High", levels(housing$Infl)),
                                        Type = factor("Apartment", levels(housing$Type)),
                                        Cont = factor("High", levels(housing$Cont)))))
}

# ---- 2. The bundled teaching diary: severity 1-10 on cramp nights, clustered by patient ----
diary <- read.csv("Datasets/teaching/diary_nights.csv")
nights <- diary[!is.na(diary$severity), c("patient_id", "severity", "stretch_bedtime",
                                          "mg_supp", "dialysis_day", "age_over_50")]
write.csv(nights, file.path(data_dir, "ordinal_teaching.csv"), row.names = FALSE)
tx <- as.matrix(nights[, 3:6])
teaching_terms <- colnames(tx)
sev <- factor(nights$severity)
for (link in c("logistic", "probit")) {
  cases[[length(cases) + 1]] <- fit_case(
    paste0("teaching_", link),
    sprintf("polr(factor(severity) ~ stretch_bedtime + mg_supp + dialysis_day + age_over_50, data = nights, Hess = TRUE, method = '%s')", link),
    NULL, nights, tx, sev, rep(1, nrow(nights)), link, cluster = nights$patient_id,
    terms = teaching_terms, term_of_column = seq_along(teaching_terms),
    term_names = teaching_terms, brant = FALSE,
    profile = list(values = list(stretch_bedtime = 1, mg_supp = 0, dialysis_day = 1,
                                 age_over_50 = 1),
                   x = c(1, 0, 1, 1),
                   newdata = data.frame(stretch_bedtime = 1, mg_supp = 0, dialysis_day = 1,
                                        age_over_50 = 1)))
}

# ---- 3. An empty category: the teaching nights without severity 7 ---------------------------
# factor() drops the unused level 7, so polr has 9 levels and a threshold named "6|8".
gap <- nights[nights$severity != 7, ]
write.csv(gap, file.path(data_dir, "ordinal_gap.csv"), row.names = FALSE)
gx <- as.matrix(gap[, 3:6])
cases[[length(cases) + 1]] <- fit_case(
  "gap_logistic",
  "polr(factor(severity) ~ stretch_bedtime + mg_supp + dialysis_day + age_over_50, data = gap, Hess = TRUE, method = 'logistic')",
  NULL, gap, gx, factor(gap$severity), rep(1, nrow(gap)), "logistic",
  cluster = gap$patient_id, terms = teaching_terms,
  term_of_column = seq_along(teaching_terms), term_names = teaching_terms, brant = FALSE)

# ---- 4. Severity in four bands (1-3, 4-5, 6-7, 8-10), where every binary split of Brant's
# test has events on both sides (severity 1 alone has 3 nights: the split y > 1 is separated,
# so the Brant test is not computed on the ten-level scale).
nights$band <- as.integer(cut(nights$severity, c(0, 3, 5, 7, 10)))
write.csv(nights, file.path(data_dir, "ordinal_teaching.csv"), row.names = FALSE)
cases[[length(cases) + 1]] <- fit_case(
  "banded_logistic",
  "polr(factor(band) ~ stretch_bedtime + mg_supp + dialysis_day + age_over_50, data = nights, Hess = TRUE, method = 'logistic')",
  NULL, nights, tx, factor(nights$band), rep(1, nrow(nights)), "logistic",
  cluster = nights$patient_id, terms = teaching_terms,
  term_of_column = seq_along(teaching_terms), term_names = teaching_terms)

result <- list(
  generated_by = "Tests/Reference/ordinal.R",
  r_version = R.version.string,
  packages = list(MASS = as.character(packageVersion("MASS")),
                  sandwich = as.character(packageVersion("sandwich"))),
  conventions = paste(
    "estimate/std_error/... list the coefficients (terms) then the thresholds (zeta);",
    "links: logistic (polr's name for logit) and probit; confidence level 0.95 (Wald)."),
  cases = cases
)
writeLines(toJSON(result, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           file.path(out_dir, "ordinal.json"))
cat("wrote", length(cases), "cases\n")
