# Reference values for parametric survival models (survival::survreg) in Tests/SurvivalTests
# and `crampstat survreg`.
#
# Run from the repository root:  Rscript Tests/Reference/survreg.R
# Writes Tests/Reference/data/survreg_*.csv (the exact rows each case uses) and
# Tests/Reference/survreg.json at full precision (17 significant digits), with the R call of
# every case. Data: lung, ovarian, veteran (shipped with R's survival package) and the
# bundled teaching diary's time to first cramp, built here from the night-level diary:
# nights with observed = 1 and a known cramp; time = first cramp night + 1 (origin = night 0,
# the smallest night in the file), else censored at the last such night + 1; covariates from
# the patient's first such night (as `crampstat layout --to first --covariates ...`).
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})
outdir <- "Tests/Reference"
datadir <- file.path(outdir, "data")
dir.create(datadir, showWarnings = FALSE, recursive = TRUE)

writeData <- function(df, name) {
  write.csv(df, file.path(datadir, paste0("survreg_", name, ".csv")), row.names = FALSE)
  paste0("data/survreg_", name, ".csv")
}

lung3 <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog")])
names(lung3) <- c("time", "status", "age", "sex", "ph_ecog")
lung3$inst_group <- (seq_len(nrow(lung3)) %% 12) + 1
lungFile <- writeData(lung3, "lung")

ova <- ovarian[, c("futime", "fustat", "age", "resid.ds", "rx", "ecog.ps")]
names(ova) <- c("futime", "fustat", "age", "resid_ds", "rx", "ecog_ps")
ovaFile <- writeData(ova, "ovarian")

vet <- veteran
vet$smallcell <- as.numeric(vet$celltype == "smallcell")
vet$adeno <- as.numeric(vet$celltype == "adeno")
vet$large <- as.numeric(vet$celltype == "large")
vet$cellcode <- as.integer(vet$celltype)
vet <- vet[, c("time", "status", "trt", "karno", "age", "prior", "smallcell", "adeno",
               "large", "cellcode")]
vetFile <- writeData(vet, "veteran")

teaching <- read.csv("Datasets/teaching/diary_nights.csv", stringsAsFactors = FALSE)
tk <- teaching[teaching$observed == 1 & !is.na(teaching$cramp), ]
tk <- tk[order(tk$patient_id, tk$night), ]
origin <- min(teaching$night)
first <- do.call(rbind, lapply(split(tk, tk$patient_id), function(d) {
  k <- which(d$cramp == 1)
  data.frame(patient_id = d$patient_id[1],
             time = if (length(k)) d$night[k[1]] - origin + 1 else max(d$night) - origin + 1,
             event = as.numeric(length(k) > 0), age = d$age[1],
             age_over_50 = d$age_over_50[1], sex = d$sex[1], fluid_cups = d$fluid_cups[1],
             on_thiazide = d$on_thiazide[1])
}))
firstFile <- writeData(first, "teaching_first")

# ---- one case ------------------------------------------------------------------------------
cases <- list()
addCase <- function(id, file, data, formula, dist, crampFormula = formula, newdata = data[1, ],
                    maxit = 30, times = c(30, 100, 300)) {
  callText <- sprintf("survreg(%s, data = %s, dist = \"%s\"%s)", formula,
                      sub("data/survreg_(.*)\\.csv", "\\1", file), dist,
                      if (maxit != 30) sprintf(", control = survreg.control(iter.max = %d)",
                                               maxit) else "")
  warned <- FALSE
  fit <- withCallingHandlers(
    survreg(as.formula(formula), data = data, dist = dist,
            control = survreg.control(iter.max = maxit)),
    warning = function(w) { warned <<- TRUE; invokeRestart("muffleWarning") })
  s <- summary(fit)
  tab <- s$table
  robust <- !is.null(fit$naive.var)
  nb <- length(fit$coefficients)
  se <- tab[, 2]
  naive <- if (robust) tab[, 3] else tab[, 2]
  zcol <- if (robust) 4 else 3
  df <- sum(fit$df) - fit$idf
  p <- c(0.1, 0.5, 0.9)
  pr <- predict(fit, newdata = newdata, type = "quantile", p = p, se.fit = TRUE)
  lp <- predict(fit, newdata = newdata, type = "lp")
  # Stratum of the profile (1-based), for the scale used in the predictions.
  stratum <- 1
  if (length(fit$scale) > 1) {
    # newdata is the data's first row: its stratum is that of the fit's first row.
    sv <- untangle.specials(terms(fit), "strata", 1)$vars
    stratum <- as.numeric(model.frame(fit)[[sv]])[1]
  }
  scale <- fit$scale[stratum]
  base <- survreg.distributions[[dist]]
  if (!is.null(base$dist)) base <- survreg.distributions[[base$dist]]
  trans <- survreg.distributions[[dist]]$trans
  g <- if (is.null(trans)) function(t) t else trans
  surv <- sapply(times, function(t) {
    z <- (g(t) - lp) / scale
    base$density(z)[, 2]  # 1 - F computed directly (no cancellation in the tail)
  })
  # The profile as a full design row (intercept included).
  mm <- model.matrix(fit)[1, , drop = FALSE]  # newdata is the data's first row
  keep <- !grepl("^strata\\(|^cluster\\(", colnames(mm))
  cases[[length(cases) + 1]] <<- list(
    id = id, call = callText, file = file, formula = crampFormula, dist = dist,
    max_iterations = maxit,
    terms = I(names(fit$coefficients)), estimate = I(unname(fit$coefficients)),
    std_error = I(unname(se[1:nb])), model_std_error = I(unname(naive[1:nb])),
    z = I(unname(tab[1:nb, zcol])),
    log_scale_terms = I(if (nrow(tab) > nb) rownames(tab)[-(1:nb)] else character(0)),
    log_scale = I(if (nrow(tab) > nb) unname(tab[-(1:nb), 1]) else numeric(0)),
    log_scale_std_error = I(if (nrow(tab) > nb) unname(se[-(1:nb)]) else numeric(0)),
    log_scale_model_std_error = I(if (nrow(tab) > nb) unname(naive[-(1:nb)])
                                      else numeric(0)),
    scale = I(unname(fit$scale)), robust = robust,
    loglik = I(unname(fit$loglik)), chisq = 2 * diff(fit$loglik), df = df,
    iterations = fit$iter, n = length(fit$linear.predictors), warned = warned,
    profile_row = I(unname(mm[1, keep])), profile_stratum = stratum,
    probabilities = I(p), quantile = I(as.numeric(pr$fit)),
    quantile_std_error = I(as.numeric(pr$se.fit)),
    times = I(times), survival = I(unname(surv)))
}

dists <- c("weibull", "exponential", "lognormal", "loglogistic", "gaussian", "logistic")
for (d in dists) {
  addCase(paste0("lung_", d), lungFile, lung3, "Surv(time, status) ~ age + sex + ph_ecog", d)
  addCase(paste0("ovarian_", d), ovaFile, ova, "Surv(futime, fustat) ~ age + ecog_ps + rx", d,
          times = c(100, 500, 1000))
}
for (d in c("weibull", "exponential", "lognormal", "loglogistic")) {
  addCase(paste0("veteran_", d), vetFile, vet,
          "Surv(time, status) ~ trt + karno + age + prior + smallcell + adeno + large", d)
  addCase(paste0("teaching_", d), firstFile, first,
          "Surv(time, event) ~ age + sex + fluid_cups + on_thiazide", d, times = c(3, 10, 30))
}
addCase("lung_weibull_null", lungFile, lung3, "Surv(time, status) ~ 1", "weibull")
addCase("lung_weibull_factor", lungFile, lung3,
        "Surv(time, status) ~ age + factor(ph_ecog)", "weibull")
# cluster(): robust (sandwich) variance, R's "Robust SE" and "(Naive SE)".
for (d in c("weibull", "lognormal", "loglogistic", "exponential")) {
  addCase(paste0("lung_cluster_", d), lungFile, lung3,
          "Surv(time, status) ~ age + sex + ph_ecog + cluster(inst_group)", d)
}
addCase("veteran_cluster_weibull", vetFile, vet,
        "Surv(time, status) ~ trt + karno + age + cluster(cellcode)", "weibull")
# strata(): one scale per stratum.
addCase("lung_strata_weibull", lungFile, lung3,
        "Surv(time, status) ~ age + ph_ecog + strata(sex)", "weibull")
addCase("lung_strata_lognormal", lungFile, lung3,
        "Surv(time, status) ~ age + ph_ecog + strata(sex)", "lognormal")
addCase("veteran_strata_loglogistic", vetFile, vet,
        "Surv(time, status) ~ trt + karno + strata(cellcode)", "loglogistic")
addCase("lung_strata_cluster_weibull", lungFile, lung3,
        "Surv(time, status) ~ age + ph_ecog + strata(sex) + cluster(inst_group)", "weibull")
addCase("teaching_strata_weibull", firstFile, first,
        "Surv(time, event) ~ age + fluid_cups + strata(sex)", "weibull", times = c(3, 10, 30))
# Out of iterations: R warns "Ran out of iterations and did not converge".
addCase("lung_weibull_maxit2", lungFile, lung3, "Surv(time, status) ~ age + sex + ph_ecog",
        "weibull", maxit = 2)

meta <- list(r_version = R.version.string,
             survival_version = as.character(packageVersion("survival")),
             jsonlite_version = as.character(packageVersion("jsonlite")),
             note = paste("predict(fit, newdata = data[1, ], type = 'quantile',",
                          "p = c(0.1, 0.5, 0.9), se.fit = TRUE); survival at times is",
                          "1 - F((g(t) - lp) / scale) for the profile (the density's second column)"))
writeLines(toJSON(list(meta = meta, cases = cases), auto_unbox = TRUE, digits = I(17),
                  pretty = TRUE),
           file.path(outdir, "survreg.json"))
cat("wrote", length(cases), "cases\n")
