# Reference values for CrampStat's random-effects logistic regression (Tests/MixedModelsTests).
#
# Run from the repository root:   Rscript Tests/Reference/glmer.R
# Writes Tests/Reference/data/glmer_*.csv (the inputs) and Tests/Reference/glmer.json.
#
# Every fit is lme4::glmer(..., family = binomial(link)) with tight optimizer settings
#   glmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5),
#                tolPwrss = 1e-12)
# so that the recorded optimum is the optimum, not where bobyqa happened to stop. Besides the
# summary numbers, every model records lme4's deviance function (glmer(..., devFunOnly = TRUE),
# which for nAGQ >= 1 takes c(theta, beta)) evaluated at the optimum: CrampStat's deviance at
# the same parameters must equal it. The function is evaluated twice; the second call starts
# its penalized IRLS from the converged modes of the first, so its value does not depend on
# where PIRLS stopped (both are recorded).
#
# All numbers are written with jsonlite::toJSON(digits = NA) (17 significant digits). Term
# names are recorded as R prints them and as CrampStat names them (`period[2]` for R's
# `factor(period)2`, `trt[drug+]` for `trtdrug+`).

suppressPackageStartupMessages({
  library(jsonlite)
  library(lme4)
  library(MASS)
})

out_dir <- "Tests/Reference"
data_dir <- file.path(out_dir, "data")
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)

control <- glmerControl(
  optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5), tolPwrss = 1e-12)
control_text <- paste0(
  "glmerControl(optimizer = \"bobyqa\", optCtrl = list(rhoend = 1e-12, maxfun = 1e5), ",
  "tolPwrss = 1e-12)")

# ---- data sets -----------------------------------------------------------------------------

# 1. lme4::cbpp (contagious bovine pleuropneumonia; 15 herds, 4 periods), expanded from
#    cbind(incidence, size - incidence) to one 0/1 row per animal-period: the Bernoulli
#    likelihood of the expanded rows is the binomial likelihood without the log choose
#    constant, so estimates and SEs are those of the binomial fit.
data(cbpp, package = "lme4")
rows <- lapply(seq_len(nrow(cbpp)), function(i) {
  r <- cbpp[i, ]
  data.frame(herd = as.integer(as.character(r$herd)), period = as.integer(as.character(r$period)),
             y = c(rep(1L, r$incidence), rep(0L, r$size - r$incidence)))
})
cbpp01 <- do.call(rbind, rows)
write.csv(cbpp01, file.path(data_dir, "glmer_cbpp.csv"), row.names = FALSE)

# 2. MASS::bacteria (H. influenzae in 50 children, weeks 0-11), y coded 0/1.
data(bacteria, package = "MASS")
bact <- data.frame(ID = as.character(bacteria$ID), trt = as.character(bacteria$trt),
                   week = bacteria$week, y = as.integer(bacteria$y == "y"))
write.csv(bact, file.path(data_dir, "glmer_bacteria.csv"), row.names = FALSE)

# 3. lme4::VerbAgg, binary r2, the first 120 respondents (2880 rows), with self = 1 for the
#    situation "self" (a numeric column for a random slope).
data(VerbAgg, package = "lme4")
keep <- levels(VerbAgg$id)[1:120]
va <- VerbAgg[VerbAgg$id %in% keep, ]
verb <- data.frame(id = as.character(va$id), Anger = va$Anger, Gender = as.character(va$Gender),
                   btype = as.character(va$btype), self = as.integer(va$situ == "self"),
                   r2 = as.integer(va$r2 == "Y"))
write.csv(verb, file.path(data_dir, "glmer_verbagg.csv"), row.names = FALSE)

# 4. The bundled teaching diary (200 patients x 90 nights; unobserved nights have no cramp
#    value and are dropped as R's na.omit does).
diary <- read.csv("Datasets/teaching/diary_nights.csv", stringsAsFactors = FALSE)

# 5. No patient effect at all: every patient has the same nights (6 with x = 0 and 2 cramps,
#    6 with x = 1 and 3 cramps), so the patients vary less than binomial noise and the
#    variance estimate is 0 (lme4 reports a singular fit); plus patient S41 with a single night.
np <- 40
one <- data.frame(x = rep(0:1, each = 6), cramp = c(1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0))
flat <- data.frame(patient_id = rep(sprintf("S%02d", 1:np), each = 12),
                   x = rep(one$x, np), cramp = rep(one$cramp, np))
flat <- rbind(flat, data.frame(patient_id = "S41", x = 1L, cramp = 1L))
write.csv(flat, file.path(data_dir, "glmer_flat.csv"), row.names = FALSE)

datasets <- list(
  cbpp = list(frame = cbpp01, file = "data/glmer_cbpp.csv"),
  bacteria = list(frame = bact, file = "data/glmer_bacteria.csv"),
  verbagg = list(frame = verb, file = "data/glmer_verbagg.csv"),
  teaching = list(frame = diary, file = "../../Datasets/teaching/diary_nights.csv"),
  flat = list(frame = flat, file = "data/glmer_flat.csv")
)

# ---- models --------------------------------------------------------------------------------

# CrampStat's name for an R coefficient name, given the formula's factor() variables and
# character columns.
crampstat_name <- function(name, factors, characters) {
  for (f in factors) {
    prefix <- paste0("factor(", f, ")")
    if (startsWith(name, prefix)) return(paste0(f, "[", substring(name, nchar(prefix) + 1), "]"))
  }
  for (f in characters) {
    if (startsWith(name, f) && nchar(name) > nchar(f))
      return(paste0(f, "[", substring(name, nchar(f) + 1), "]"))
  }
  name
}

models <- list(
  cbpp_laplace = list(data = "cbpp", formula = "y ~ factor(period) + (1 | herd)",
                      link = "logit", nAGQ = 1L, factors = "period"),
  cbpp_agq10 = list(data = "cbpp", formula = "y ~ factor(period) + (1 | herd)",
                    link = "logit", nAGQ = 10L, factors = "period"),
  cbpp_agq25 = list(data = "cbpp", formula = "y ~ factor(period) + (1 | herd)",
                    link = "logit", nAGQ = 25L, factors = "period"),
  cbpp_cloglog = list(data = "cbpp", formula = "y ~ factor(period) + (1 | herd)",
                      link = "cloglog", nAGQ = 1L, factors = "period"),
  bacteria_laplace = list(data = "bacteria", formula = "y ~ trt + week + (1 | ID)",
                          link = "logit", nAGQ = 1L, characters = "trt"),
  bacteria_agq10 = list(data = "bacteria", formula = "y ~ trt + week + (1 | ID)",
                        link = "logit", nAGQ = 10L, characters = "trt"),
  bacteria_slope = list(data = "bacteria", formula = "y ~ trt + week + (1 + week | ID)",
                        link = "logit", nAGQ = 1L, characters = "trt"),
  verbagg_laplace = list(data = "verbagg", formula = "r2 ~ Anger + Gender + btype + self + (1 | id)",
                         link = "logit", nAGQ = 1L, characters = c("Gender", "btype")),
  verbagg_slope = list(data = "verbagg",
                       formula = "r2 ~ Anger + Gender + btype + self + (1 + self | id)",
                       link = "logit", nAGQ = 1L, characters = c("Gender", "btype")),
  teaching_laplace = list(
    data = "teaching",
    formula = "cramp ~ age_over_50 + factor(trimester) + dialysis_day + mg_supp + (1 | patient_id)",
    link = "logit", nAGQ = 1L, factors = "trimester", ranef = TRUE),
  teaching_agq10 = list(
    data = "teaching",
    formula = "cramp ~ age_over_50 + factor(trimester) + dialysis_day + mg_supp + (1 | patient_id)",
    link = "logit", nAGQ = 10L, factors = "trimester"),
  teaching_slope = list(
    data = "teaching",
    formula = "cramp ~ age_over_50 + factor(trimester) + dialysis_day + mg_supp + (1 + mg_supp | patient_id)",
    link = "logit", nAGQ = 1L, factors = "trimester"),
  teaching_cloglog = list(
    data = "teaching",
    formula = "cramp ~ age_over_50 + factor(trimester) + dialysis_day + mg_supp + (1 | patient_id)",
    link = "cloglog", nAGQ = 1L, factors = "trimester"),
  flat_laplace = list(data = "flat", formula = "cramp ~ x + (1 | patient_id)",
                      link = "logit", nAGQ = 1L)
)

`%||%` <- function(a, b) if (is.null(a)) b else a

# Gradient and Hessian of f at x by lme4's deriv12 stencil (central differences) at steps h and
# 2h, combined by Richardson extrapolation: truncation O(h^4). CrampStat computes its standard
# errors with the same formula at h = 1e-3 on a deviance accurate to ~1e-12; lme4's settled
# devfun is noisy at ~3e-10 absolute on the teaching diary (measured along a line), which at
# h = 1e-3 moves SEs by ~3e-5 relative, so the reference uses h = 3e-3 (noise 9x smaller,
# truncation still far below 1e-6: SEs at h = 3e-3 and ours at 1e-3 differ by ~1e-6).
richardson <- function(f, x, h = 3e-3) {
  a <- lme4:::deriv12(f, x, delta = h)
  b <- lme4:::deriv12(f, x, delta = 2 * h)
  list(gradient = (4 * a$gradient - b$gradient) / 3, Hessian = (4 * a$Hessian - b$Hessian) / 3)
}

# lme4's devfun evaluated twice: the second call starts PIRLS at the converged modes of the
# first, so the value does not depend on where the previous evaluation left PIRLS (without
# this, devfun's noise is ~1e-8 absolute on the teaching diary, which is 1 in a Hessian by
# differences of step 1e-4: lme4's own vcov carries that noise).
settled <- function(devfun) function(p) { devfun(p); devfun(p) }

# Newton steps on lme4's devfun from bobyqa's optimum, with the Richardson derivatives, until
# the step is below 1e-10: the minimum of lme4's objective to the precision of its evaluation.
# The polished optimum and the SEs from its Hessian (2 * solve(H), beta block, as vcov.merMod
# with use.hessian = TRUE) are what the 1e-5 comparisons use; bobyqa's values are recorded too.
polish <- function(devfun, x, ntheta) {
  f <- settled(devfun)
  steps <- 0
  for (it in 1:6) {
    d <- richardson(f, x)
    step <- solve(d$Hessian, d$gradient)
    x <- x - step
    steps <- it
    if (max(abs(step)) < 1e-10) break
  }
  d <- richardson(f, x)
  V <- 2 * solve(d$Hessian)
  idx <- (ntheta + 1):length(x)
  list(theta = x[seq_len(ntheta)], beta = x[idx], deviance = f(x),
       std_error = sqrt(diag(V)[idx]), gradient = d$gradient, newton_steps = steps)
}

fit_model <- function(spec) {
  frame <- datasets[[spec$data]]$frame
  fam <- binomial(link = spec$link)
  f <- as.formula(spec$formula)
  fit <- glmer(f, data = frame, family = fam, nAGQ = spec$nAGQ, control = control)
  devfun <- glmer(f, data = frame, family = fam, nAGQ = spec$nAGQ, control = control,
                  devFunOnly = TRUE)
  theta <- getME(fit, "theta")
  beta <- fixef(fit)
  pars <- c(unname(theta), unname(beta))
  dev1 <- devfun(pars)
  dev2 <- devfun(pars)
  vc <- as.data.frame(VarCorr(fit))
  variances <- vc[is.na(vc$var2), ]
  corrs <- vc[!is.na(vc$var2), ]
  ss <- summary(fit)
  cf <- coef(ss)
  rnames <- rownames(cf)
  names_cs <- vapply(rnames, crampstat_name, "", factors = spec$factors %||% character(),
                     characters = spec$characters %||% character())
  call <- paste0("glmer(", spec$formula, ", data = ", spec$data, ", family = binomial(link = \"",
                 spec$link, "\"), nAGQ = ", spec$nAGQ, ", control = ", control_text, ")")
  deriv <- fit@optinfo$derivs
  out <- list(
    call = call, data = datasets[[spec$data]]$file, formula = spec$formula,
    link = spec$link, nagq = spec$nAGQ,
    n = nrow(model.frame(fit)), n_groups = unname(ngrps(fit)),
    theta = unname(theta), beta = unname(beta),
    devfun_at_optimum = dev1, devfun_at_optimum_again = dev2,
    deviance = unname(-2 * as.numeric(logLik(fit))),
    log_likelihood = as.numeric(logLik(fit)), aic = AIC(fit), bic = BIC(fit),
    is_singular = isSingular(fit),
    coefficients = lapply(seq_along(rnames), function(i) list(
      r_term = rnames[i], term = unname(names_cs[i]),
      estimate = unname(cf[i, 1]), std_error = unname(cf[i, 2]),
      z = unname(cf[i, 3]), p_value = unname(cf[i, 4]))),
    variances = lapply(seq_len(nrow(variances)), function(i) list(
      term = variances$var1[i], variance = variances$vcov[i], std_dev = variances$sdcor[i])),
    correlations = lapply(seq_len(nrow(corrs)), function(i) list(
      terms = c(corrs$var1[i], corrs$var2[i]), estimate = corrs$sdcor[i])),
    hessian = if (is.null(deriv)) NULL else unname(deriv$Hessian),
    gradient = if (is.null(deriv)) NULL else unname(deriv$gradient),
    messages = fit@optinfo$conv$lme4$messages %||% character()
  )
  if (!isSingular(fit)) {
    # lme4's cloglog PIRLS is Fisher scoring (linear convergence): at tolPwrss = 1e-12 its
    # devfun is still ~3e-6 from the converged value on cbpp (1.9e-7 at 1e-14), which is noise
    # in a differenced Hessian. Polish cloglog fits with tolPwrss = 1e-14 where PIRLS manages
    # it, else keep 1e-12 (recorded as polish_tol_pwrss).
    polish_tol <- 1e-12
    polish_fun <- devfun
    if (spec$link == "cloglog") {
      tight <- tryCatch({
        f14 <- glmer(f, data = frame, family = fam, nAGQ = spec$nAGQ, devFunOnly = TRUE,
                     control = glmerControl(optimizer = "bobyqa", tolPwrss = 1e-14))
        f14(pars)
        f14
      }, error = function(e) NULL)
      if (!is.null(tight)) {
        polish_tol <- 1e-14
        polish_fun <- tight
      }
    }
    pol <- tryCatch(polish(polish_fun, pars, length(theta)), error = function(e) NULL)
    if (is.null(pol)) {
      polish_tol <- 1e-12
      pol <- polish(devfun, pars, length(theta))
    }
    pol$polish_tol_pwrss <- polish_tol
    k <- if (length(theta) == 1) 1 else 2
    L <- if (k == 1) matrix(pol$theta, 1, 1) else matrix(c(pol$theta[1], pol$theta[2], 0,
                                                           pol$theta[3]), 2, 2)
    S <- L %*% t(L)
    pol$variances <- diag(S)
    pol$correlation <- if (k == 2) S[1, 2] / sqrt(S[1, 1] * S[2, 2]) else NULL
    pol$log_likelihood <- -pol$deviance / 2
    out$polished <- pol
  }
  if (isTRUE(spec$ranef)) {
    re <- ranef(fit, condVar = TRUE)[[1]]
    pv <- attr(re, "postVar")
    out$ranef <- list(group = rownames(re), mode = re[[1]], cond_sd = sqrt(pv[1, 1, ]))
  }
  out
}


results <- list()
for (name in names(models)) {
  message("fitting ", name)
  results[[name]] <- fit_model(models[[name]])
}

json <- list(
  r_version = R.version.string,
  packages = list(lme4 = as.character(packageVersion("lme4")),
                  Matrix = as.character(packageVersion("Matrix")),
                  MASS = as.character(packageVersion("MASS")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  control = control_text,
  models = results
)
writeLines(toJSON(json, digits = NA, auto_unbox = TRUE, pretty = TRUE, null = "null"),
           file.path(out_dir, "glmer.json"))
message("wrote ", file.path(out_dir, "glmer.json"))
