# Reference values for the Recurrent module (Tests/RecurrentTests) and `crampstat recurrent`.
#
# Run from the repository root:  Rscript Tests/Reference/recurrent.R
# Writes Tests/Reference/data/recur_diary.csv (a small seeded night-level diary with missing
# nights and multi-cramp nights) and Tests/Reference/recurrent.json.
#
# The layouts are built here, in R, from the night-level diary, independently of CrampStat:
#   - a night k (observed = 1 and cramp known) is the interval (k - origin, k - origin + 1],
#     origin = smallest night in the file; missing nights are gaps (no row);
#   - the event is a cramp night (cramp_count > 1 still one event), except in the
#     '--multiple split' case (splitNights() below);
#   - AG: one row per observed night, then condense() below merges cramp-free runs;
#   - PWP: enum = 1 + number of earlier events; gap time subtracts the last event time;
#   - counts: cramps = sum(cramp_count), nights = observed nights, covariates of the first
#     observed night.
suppressPackageStartupMessages({
  library(survival)
  library(MASS)
  library(sandwich)
  library(jsonlite)
})
outdir <- "Tests/Reference"
datadir <- file.path(outdir, "data")
dir.create(datadir, showWarnings = FALSE, recursive = TRUE)

# ---- a small diary -------------------------------------------------------------------------
set.seed(20240607)
npat <- 60
rows <- list()
for (pid in seq_len(npat)) {
  nights <- sample(25:50, 1)
  night <- 0:(nights - 1)
  age50 <- rbinom(1, 1, 0.5)
  sex <- sample(c("F", "M"), 1)
  group <- if (pid %% 2 == 0) "B" else "A"
  start <- if (runif(1) < 0.5) sample(5:20, 1) else Inf
  mg <- as.numeric(night >= start)
  frailty <- exp(rnorm(1, 0, 0.6))
  lambda <- frailty * exp(-2.2 + 0.7 * age50 + 0.4 * (sex == "F") - 0.5 * mg +
                            0.3 * (group == "B"))
  count <- rpois(nights, lambda)
  observed <- rbinom(nights, 1, 0.9)
  cramp <- ifelse(observed == 1, as.numeric(count > 0), NA)
  cc <- ifelse(observed == 1, count, NA)
  rows[[pid]] <- data.frame(patient_id = sprintf("R%03d", pid), night = night,
                            observed = observed, cramp = cramp, cramp_count = cc,
                            age_over_50 = age50, sex = sex, group = group, mg_supp = mg)
}
diary <- do.call(rbind, rows)
write.csv(diary, file.path(datadir, "recur_diary.csv"), row.names = FALSE, na = "")

teaching <- read.csv("Datasets/teaching/diary_nights.csv", stringsAsFactors = FALSE)

# ---- layouts built in R ------------------------------------------------------------------
nightly <- function(d, covariates) {
  d <- d[d$observed == 1 & !is.na(d$cramp), ]
  d <- d[order(d$patient_id, d$night), ]
  origin <- 0
  data.frame(patient_id = d$patient_id, start = d$night - origin, stop = d$night - origin + 1,
             event = as.numeric(d$cramp == 1), d[, covariates, drop = FALSE])
}
# Interval merging written out (survival 3.5-3's survcondense() lost events on this data): a
# row joins the open interval when the open interval is event-free, ends where the row starts
# and has the same covariates.
condense <- function(ag, covariates) {
  keep <- rep(TRUE, nrow(ag))
  open <- 1
  for (i in seq_len(nrow(ag))[-1]) {
    same <- ag$patient_id[i] == ag$patient_id[open] && ag$event[open] == 0 &&
      ag$stop[open] == ag$start[i] &&
      all(mapply(identical, ag[i, covariates], ag[open, covariates]))
    if (same) {
      ag$stop[open] <- ag$stop[i]
      ag$event[open] <- ag$event[i]
      keep[i] <- FALSE
    } else {
      open <- i
    }
  }
  ag[keep, ]
}
pwp <- function(ag, gap) {
  out <- do.call(rbind, lapply(split(ag, ag$patient_id), function(s) {
    s <- s[order(s$start), ]
    before <- c(0, cumsum(s$event)[-nrow(s)])
    s$enum <- before + 1
    last <- c(0, s$stop[s$event == 1])[before + 1]
    if (gap) { s$start <- s$start - last; s$stop <- s$stop - last }
    s
  }))
  rownames(out) <- NULL
  out
}
counts <- function(d, covariates) {
  d <- d[d$observed == 1 & !is.na(d$cramp), ]
  d <- d[order(d$patient_id, d$night), ]
  out <- do.call(rbind, lapply(split(d, d$patient_id), function(s) {
    data.frame(patient_id = s$patient_id[1], cramps = sum(s$cramp_count),
               cramp_nights = sum(s$cramp), nights = nrow(s), s[1, covariates, drop = FALSE])
  }))
  rownames(out) <- NULL
  out
}

coefs <- function(fit, robust = TRUE) {
  s <- summary(fit)$coefficients
  list(terms = rownames(s), coefficients = unname(coef(fit)),
       std_error = unname(sqrt(diag(vcov(fit)))),
       model_std_error = unname(sqrt(diag(if (robust) fit$naive.var else fit$var))),
       z = unname(s[, "z"]), p_value = unname(s[, "Pr(>|z|)"]),
       conf_low = unname(confint(fit)[, 1]), conf_high = unname(confint(fit)[, 2]))
}

coxCase <- function(name, file, data, formulaR, formulaSwift, model, diaryRows) {
  fit <- coxph(as.formula(formulaR), data = data)
  c(list(name = name, data = file, model = model, formula = formulaSwift,
         call = paste0("coxph(", formulaR, ", data = ", model, " layout)"),
         loglik = fit$loglik, n = fit$n, nevent = fit$nevent, n_rows_nightly = diaryRows,
         iterations = fit$iter), coefs(fit))
}

cases <- list(ag = list(), pwp = list(), mcf = list(), poisson = list(), negbin = list())

# Small diary.
cov1 <- c("age_over_50", "sex", "mg_supp", "group")
agN <- nightly(diary, cov1)
agM <- condense(agN, cov1)
f1 <- "Surv(start, stop, event) ~ age_over_50 + sex + mg_supp + cluster(patient_id)"
ag1 <- coxCase("small_ag", "data/recur_diary.csv", agN, f1, "~ age_over_50 + sex + mg_supp",
               "ag", nrow(agN))
fitMerged <- coxph(as.formula(f1), data = agM)
ag1$merged_rows <- nrow(agM)
ag1$merged_coefficients <- unname(coef(fitMerged))
ag1$merged_std_error <- unname(sqrt(diag(vcov(fitMerged))))
cases$ag[[1]] <- ag1
cases$ag[[2]] <- coxCase(
  "small_ag_breslow", "data/recur_diary.csv", agN,
  "Surv(start, stop, event) ~ age_over_50 + sex + mg_supp + cluster(patient_id)",
  "~ age_over_50 + sex + mg_supp", "ag", nrow(agN))
cases$ag[[2]]$call <- sub("layout\\)", "layout, ties = \"breslow\")", cases$ag[[2]]$call)
fb <- coxph(as.formula(f1), data = agN, ties = "breslow")
cases$ag[[2]] <- modifyList(cases$ag[[2]], c(coefs(fb), list(loglik = fb$loglik)))
cases$ag[[2]]$ties <- "breslow"

# '--multiple split': a night with k > 1 cramps is cut into k equal sub-intervals
# (night + (j - 1) / k, night + j / k], each ending in an event; a cramp night with k = 1 (or
# no usable count) is one interval with one event; cramp-free nights as before.
splitNights <- function(d, covariates) {
  d <- d[d$observed == 1 & !is.na(d$cramp), ]
  d <- d[order(d$patient_id, d$night), ]
  k <- ifelse(d$cramp == 1, ifelse(is.na(d$cramp_count) | d$cramp_count < 1, 1, d$cramp_count),
              1)
  idx <- rep(seq_len(nrow(d)), times = k)
  j <- sequence(k)
  kk <- k[idx]
  origin <- 0
  data.frame(patient_id = d$patient_id[idx],
             start = d$night[idx] - origin + (j - 1) / kk,
             stop = d$night[idx] - origin + j / kk,
             event = as.numeric(d$cramp[idx] == 1), d[idx, covariates, drop = FALSE])
}
agS <- splitNights(diary, cov1)
agSM <- condense(agS, cov1)
agSplit <- coxCase("small_ag_split", "data/recur_diary.csv", agS, f1,
                   "~ age_over_50 + sex + mg_supp", "ag", nrow(agS))
agSplit$call <- sub("ag layout\\)", "ag layout with --multiple split)", agSplit$call)
agSplit$multiple <- "split"
agSplit$merged_rows <- nrow(agSM)
fitSM <- coxph(as.formula(f1), data = agSM)
agSplit$merged_coefficients <- unname(coef(fitSM))
agSplit$merged_std_error <- unname(sqrt(diag(vcov(fitSM))))
cases$ag[[length(cases$ag) + 1]] <- agSplit

# Teaching diary.
cov2 <- c("age_over_50", "sex", "trimester", "dialysis_day", "mg_supp", "on_thiazide",
          "on_laba", "footwear")
agT <- nightly(teaching, cov2)
fT <- paste("Surv(start, stop, event) ~ age_over_50 + sex + factor(trimester) + dialysis_day +",
            "mg_supp + on_thiazide + on_laba + footwear + cluster(patient_id)")
swiftT <- paste("~ age_over_50 + sex + factor(trimester) + dialysis_day + mg_supp +",
                "on_thiazide + on_laba + footwear")
cases$ag[[length(cases$ag) + 1]] <- coxCase("teaching_ag",
                                            "../../Datasets/teaching/diary_nights.csv", agT, fT,
                                            swiftT, "ag", nrow(agT))

for (gap in c(FALSE, TRUE)) {
  model <- if (gap) "pwp-gap" else "pwp-total"
  p1 <- pwp(agN, gap)
  cases$pwp[[length(cases$pwp) + 1]] <- coxCase(
    paste0("small_", model), "data/recur_diary.csv", p1,
    "Surv(start, stop, event) ~ age_over_50 + sex + mg_supp + strata(enum) + cluster(patient_id)",
    "~ age_over_50 + sex + mg_supp", model, nrow(p1))
  p2 <- pwp(nightly(teaching, c("age_over_50", "sex", "mg_supp", "on_laba")), gap)
  cases$pwp[[length(cases$pwp) + 1]] <- coxCase(
    paste0("teaching_", model), "../../Datasets/teaching/diary_nights.csv", p2,
    paste("Surv(start, stop, event) ~ age_over_50 + sex + mg_supp + on_laba + strata(enum) +",
          "cluster(patient_id)"),
    "~ age_over_50 + sex + mg_supp + on_laba", model, nrow(p2))
}

# ---- MCF ---------------------------------------------------------------------------------
# Lawless-Nadeau (1995) robust variance, written out: influence of subject i on the MCF at t
# is sum_{t_j <= t} (dN_i(t_j) - Y_i(t_j) dN(t_j) / Y(t_j)) / Y(t_j).
lawlessNadeau <- function(ag) {
  tt <- sort(unique(ag$stop[ag$event == 1]))
  Y <- sapply(tt, function(t) sum(ag$start < t & ag$stop >= t))
  dN <- sapply(tt, function(t) sum(ag$stop == t & ag$event == 1))
  ids <- split(seq_len(nrow(ag)), ag$patient_id)
  v <- numeric(length(tt))
  for (rows in ids) {
    s <- ag[rows, ]
    di <- sapply(tt, function(t) sum(s$stop == t & s$event == 1))
    yi <- sapply(tt, function(t) sum(s$start < t & s$stop >= t))
    v <- v + cumsum((di - yi * dN / Y) / Y)^2
  }
  list(time = tt, n_risk = Y, n_event = dN, mcf = cumsum(dN / Y), std_error = sqrt(v))
}
mcfCase <- function(name, file, ag, groupVar) {
  fit <- survfit(as.formula(paste("Surv(start, stop, event) ~", groupVar)), data = ag,
                 id = patient_id)
  s <- summary(fit, censored = FALSE)
  groups <- list()
  labels <- names(fit$strata)
  for (k in seq_along(labels)) {
    sel <- which(s$strata == labels[k])
    sub <- ag[ag[[groupVar]] == sub(".*=", "", labels[k]), ]
    ln <- lawlessNadeau(sub)
    groups[[k]] <- list(label = labels[k], time = s$time[sel], n_risk = s$n.risk[sel],
                        n_event = s$n.event[sel], mcf = s$cumhaz[sel],
                        std_error = s$std.chaz[sel], ln_time = ln$time,
                        ln_mcf = ln$mcf, ln_std_error = ln$std_error)
  }
  test <- coxph(as.formula(paste("Surv(start, stop, event) ~", groupVar, "+ cluster(patient_id)")),
                data = ag, ties = "breslow")
  list(name = name, data = file, formula = paste("~", groupVar),
       call = paste0("survfit(Surv(start, stop, event) ~ ", groupVar,
                     ", data = ag, id = patient_id); robust score test: coxph(Surv(start, ",
                     "stop, event) ~ ", groupVar, " + cluster(patient_id), ties = \"breslow\")$rscore"),
       groups = groups, test_statistic = as.numeric(test$rscore),
       test_df = length(coef(test)),
       test_p_value = pchisq(as.numeric(test$rscore), length(coef(test)), lower.tail = FALSE))
}
cases$mcf[[1]] <- mcfCase("small_mcf_group", "data/recur_diary.csv", agN, "group")
agT2 <- nightly(teaching, c("sex", "on_laba"))
cases$mcf[[2]] <- mcfCase("teaching_mcf_sex", "../../Datasets/teaching/diary_nights.csv",
                          agT2, "sex")

# ---- rate models -------------------------------------------------------------------------
rateCase <- function(name, file, cnt, rhs, family) {
  fml <- as.formula(paste("cramps ~", rhs, "+ offset(log(nights))"))
  if (family == "poisson") {
    fit <- glm(fml, family = poisson, data = cnt)
    V <- vcovCL(fit, cluster = ~patient_id, type = "HC0", cadjust = FALSE)
    call <- paste0("glm(cramps ~ ", rhs, " + offset(log(nights)), family = poisson); ",
                   "sandwich::vcovCL(fit, cluster = ~patient_id, type = \"HC0\", cadjust = FALSE)")
  } else {
    fit <- glm.nb(fml, data = cnt)
    V <- vcov(fit)
    call <- paste0("MASS::glm.nb(cramps ~ ", rhs, " + offset(log(nights)))")
  }
  se <- sqrt(diag(V))
  out <- list(name = name, data = file, formula = paste("~", rhs), call = call,
              terms = names(coef(fit)), coefficients = unname(coef(fit)),
              std_error = unname(se), model_std_error = unname(sqrt(diag(vcov(fit)))),
              z = unname(coef(fit) / se),
              p_value = unname(2 * pnorm(-abs(coef(fit) / se))),
              deviance = fit$deviance, null_deviance = fit$null.deviance,
              df_residual = fit$df.residual, aic = fit$aic, iterations = fit$iter,
              n = nrow(cnt), total_cramps = sum(cnt$cramps), total_nights = sum(cnt$nights))
  if (family == "negbin") {
    out$theta <- fit$theta
    out$theta_se <- fit$SE.theta
    out$twologlik <- fit$twologlik
  } else {
    out$loglik <- as.numeric(logLik(fit))
  }
  out
}
cntS <- counts(diary, c("age_over_50", "sex", "group"))
cntT <- counts(teaching, c("age_over_50", "sex", "on_laba", "footwear"))
cases$poisson[[1]] <- rateCase("small_poisson", "data/recur_diary.csv", cntS,
                               "age_over_50 + sex + group", "poisson")
cases$poisson[[2]] <- rateCase("teaching_poisson", "../../Datasets/teaching/diary_nights.csv",
                               cntT, "age_over_50 + sex + on_laba + footwear", "poisson")
cases$negbin[[1]] <- rateCase("small_negbin", "data/recur_diary.csv", cntS,
                              "age_over_50 + sex + group", "negbin")
cases$negbin[[2]] <- rateCase("teaching_negbin", "../../Datasets/teaching/diary_nights.csv",
                              cntT, "age_over_50 + sex + on_laba + footwear", "negbin")

meta <- list(r_version = R.version.string,
             packages = list(survival = as.character(packageVersion("survival")),
                             MASS = as.character(packageVersion("MASS")),
                             sandwich = as.character(packageVersion("sandwich"))),
             generated_by = "Tests/Reference/recurrent.R")
writeLines(toJSON(c(meta, cases), auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           file.path(outdir, "recurrent.json"))
