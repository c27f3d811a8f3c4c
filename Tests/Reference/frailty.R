# Reference values for the shared-frailty Cox model (Tests/SurvivalTests/FrailtyCoxTests and
# `crampstat cox ... + frailty(id)`, `crampstat recurrent --frailty`).
#
# Run from the repository root:  Rscript Tests/Reference/frailty.R
# Writes the data it fits to Tests/Reference/data/frailty_*.csv (so the Swift tests read the
# same rows) and Tests/Reference/frailty.json. All numbers are written with
# %.17g (17 significant digits); each case stores the exact call.
#
# Cases: survival's kidney (right-censored, 38 patients), rats (right-censored, 100 litters),
# bladder2 (counting process (start, stop], 85 patients), the bundled teaching diary in
# Andersen-Gill layout (one (night, night + 1] row per observed night, event = cramp night,
# as Tests/Reference/recurrent.R builds it), a small diary with a patient observed on a single
# night, and a diary in which every patient has the same effect (no frailty: the variance
# goes to about 0). Each with gamma (method "em") and gaussian (method "reml") frailty.
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})
outdir <- "Tests/Reference"
datadir <- file.path(outdir, "data")
dir.create(datadir, showWarnings = FALSE, recursive = TRUE)

kidney_data <- survival::kidney[, c("id", "time", "status", "age", "sex")]
write.csv(kidney_data, file.path(datadir, "frailty_kidney.csv"), row.names = FALSE)
rats_data <- survival::rats[, c("litter", "rx", "time", "status")]
write.csv(rats_data, file.path(datadir, "frailty_rats.csv"), row.names = FALSE)
bladder_data <- survival::bladder2[, c("id", "rx", "number", "size", "start", "stop", "event")]
write.csv(bladder_data, file.path(datadir, "frailty_bladder2.csv"), row.names = FALSE)

# The teaching diary in AG layout (unmerged nightly rows; merging cramp-free runs with equal
# covariates leaves the partial likelihood unchanged).
nightly <- function(d, covariates) {
  d <- d[d$observed == 1 & !is.na(d$cramp), ]
  d <- d[order(d$patient_id, d$night), ]
  data.frame(patient_id = d$patient_id, start = d$night, stop = d$night + 1,
             event = as.numeric(d$cramp == 1), d[, covariates, drop = FALSE])
}
teaching <- read.csv("Datasets/teaching/diary_nights.csv", stringsAsFactors = FALSE)
teach_cov <- c("age_over_50", "sex", "dialysis_day", "mg_supp", "on_thiazide")
teaching_ag <- nightly(teaching, teach_cov)

# A small diary (seeded): 40 patients with a log-normal frailty, plus P999 observed on a
# single night (with a cramp), and a second diary in which every patient shares one effect.
make_diary <- function(seed, sd, single) {
  set.seed(seed)
  rows <- list()
  for (pid in seq_len(40)) {
    nights <- sample(20:40, 1)
    night <- 0:(nights - 1)
    age50 <- rbinom(1, 1, 0.5)
    mg <- as.numeric(night >= sample(5:30, 1))
    b <- rnorm(1, 0, sd)
    lambda <- exp(b - 1.6 + 0.6 * age50 - 0.5 * mg)
    cramp <- rbinom(nights, 1, 1 - exp(-lambda))
    rows[[pid]] <- data.frame(patient_id = sprintf("P%03d", pid), night = night,
                              observed = 1, cramp = cramp, cramp_count = cramp,
                              age_over_50 = age50, mg_supp = mg)
  }
  if (single) {
    rows[[41]] <- data.frame(patient_id = "P999", night = 0, observed = 1, cramp = 1,
                             cramp_count = 1, age_over_50 = 1, mg_supp = 0)
  }
  do.call(rbind, rows)
}
small <- make_diary(20261203, 0.8, TRUE)
write.csv(small, file.path(datadir, "frailty_diary.csv"), row.names = FALSE)
same <- make_diary(7, 0, FALSE)
write.csv(same, file.path(datadir, "frailty_same_effect.csv"), row.names = FALSE)
small_ag <- nightly(small, c("age_over_50", "mg_supp"))
same_ag <- nightly(same, c("age_over_50", "mg_supp"))

frailty_case <- function(name, csv, data_name, data, formula, swift_formula, layout) {
  call <- paste0("coxph(", formula, ", data = ", data_name, ")")
  fit <- eval(parse(text = call))
  history <- fit$history[[1]]$history
  theta <- if (is.null(history)) fit$history[[1]]$theta else history[nrow(history), 1]
  chisq_coef <- unname(coef(fit)^2 / diag(fit$var))
  nf <- length(fit$df)
  frail_chisq <- sum(fit$frail^2 / fit$fvar)
  frail_df <- fit$df[nf]
  df_total <- round(sum(fit$df), 2)
  lr <- -2 * (fit$loglik[1] - fit$loglik[2])
  # The numeric design the fit used (frailty group code, times, event, fixed-effect columns),
  # for the library tests that do not parse formulas.
  mf <- model.frame(fit)
  y <- as.matrix(mf[[1]])
  xcols <- model.matrix(fit)
  term_of_column <- attr(xcols, "assign")[!grepl("^frailty", colnames(xcols))]
  xcols <- xcols[, !grepl("^frailty", colnames(xcols)), drop = FALSE]
  group_col <- grep("^frailty", names(mf))
  design <- data.frame(group = as.integer(factor(mf[[group_col]])), y, xcols,
                       check.names = FALSE)
  strata_col <- grep("^strata", names(mf))
  if (length(strata_col)) design$stratum <- as.integer(mf[[strata_col]])
  design_csv <- paste0("data/frailty_design_", sub("_(gamma|gaussian)$", "", name), ".csv")
  write.csv(design, file.path(outdir, design_csv), row.names = FALSE)
  list(
    name = name, call = call, data = csv, design = design_csv, layout = layout,
    formula = formula,
    swift_formula = swift_formula,
    distribution = if (grepl("gaussian", formula)) "gaussian" else "gamma",
    terms = names(coef(fit)),
    term_of_column = as.integer(term_of_column),
    coefficients = unname(coef(fit)),
    std_error = unname(sqrt(diag(fit$var))),
    std_error2 = unname(sqrt(diag(fit$var2))),
    chisq = chisq_coef,
    p_value = pchisq(chisq_coef, 1, lower.tail = FALSE),
    frailty_variance = theta,
    frailty_df = frail_df,
    frailty_chisq = frail_chisq,
    frailty_p_value = pchisq(frail_chisq, max(frail_df, 0.5), lower.tail = FALSE),
    i_likelihood = if (is.null(fit$history[[1]]$c.loglik)) NULL else fit$history[[1]]$c.loglik,
    df = unname(fit$df),
    loglik = unname(fit$loglik),
    penalty = unname(fit$penalty),
    likelihood_ratio = lr,
    likelihood_ratio_p_value = pchisq(lr, df_total, lower.tail = FALSE),
    wald_test = unname(fit$wald.test),
    iterations = unname(fit$iter),
    theta_history = if (is.null(history)) theta else unname(history[, 1]),
    frail = unname(fit$frail),
    fvar = unname(fit$fvar),
    n = fit$n, n_events = fit$nevent, n_groups = length(fit$frail),
    printed = paste(capture.output(print(fit)), collapse = "\n"))
}

cases <- list()
for (dist in c("gamma", "gaussian")) {
  fr <- function(id) if (dist == "gamma") paste0("frailty(", id, ")") else
    paste0("frailty(", id, ", distribution = \"gaussian\")")
  cases[[length(cases) + 1]] <- frailty_case(
    paste0("kidney_", dist), "data/frailty_kidney.csv", "kidney", kidney_data,
    paste("Surv(time, status) ~ age + sex +", fr("id")),
    paste("Surv(time, status) ~ age + sex +", fr("id")), "subjects")
  cases[[length(cases) + 1]] <- frailty_case(
    paste0("rats_", dist), "data/frailty_rats.csv", "rats", rats_data,
    paste("Surv(time, status) ~ rx +", fr("litter")),
    paste("Surv(time, status) ~ rx +", fr("litter")), "subjects")
  cases[[length(cases) + 1]] <- frailty_case(
    paste0("bladder2_", dist), "data/frailty_bladder2.csv", "bladder2", bladder_data,
    paste("Surv(start, stop, event) ~ rx + size + number +", fr("id")),
    paste("Surv(start, stop, event) ~ rx + size + number +", fr("id")), "counting")
  cases[[length(cases) + 1]] <- frailty_case(
    paste0("teaching_ag_", dist), "../../Datasets/teaching/diary_nights.csv",
    "teaching_ag", teaching_ag,
    paste("Surv(start, stop, event) ~ age_over_50 + sex + dialysis_day + mg_supp +",
          "on_thiazide +", fr("patient_id")),
    "~ age_over_50 + sex + dialysis_day + mg_supp + on_thiazide", "ag")
  cases[[length(cases) + 1]] <- frailty_case(
    paste0("single_night_", dist), "data/frailty_diary.csv", "small_ag", small_ag,
    paste("Surv(start, stop, event) ~ age_over_50 + mg_supp +", fr("patient_id")),
    "~ age_over_50 + mg_supp", "ag")
  cases[[length(cases) + 1]] <- frailty_case(
    paste0("same_effect_", dist), "data/frailty_same_effect.csv", "same_ag", same_ag,
    paste("Surv(start, stop, event) ~ age_over_50 + mg_supp +", fr("patient_id")),
    "~ age_over_50 + mg_supp", "ag")
}

# Strata (separate baseline hazards) with a frailty.
for (dist in c("gamma", "gaussian")) {
  term <- if (dist == "gamma") "frailty(id)" else "frailty(id, distribution = \"gaussian\")"
  cases[[length(cases) + 1]] <- frailty_case(
    paste0("kidney_strata_", dist), "data/frailty_kidney.csv", "kidney", kidney_data,
    paste("Surv(time, status) ~ age + strata(sex) +", term),
    paste("Surv(time, status) ~ age + strata(sex) +", term), "subjects")
}

# A factor (three dummy columns, one df entry).
teaching_fac <- nightly(teaching, c("age_over_50", "trimester"))
cases[[length(cases) + 1]] <- frailty_case(
  "teaching_factor_gamma", "../../Datasets/teaching/diary_nights.csv", "teaching_fac",
  teaching_fac,
  "Surv(start, stop, event) ~ age_over_50 + factor(trimester) + frailty(patient_id)",
  "~ age_over_50 + factor(trimester)", "ag")

# A fixed variance (method = "fixed"): one penalized fit at theta.
for (dist in c("gamma", "gaussian")) {
  term <- if (dist == "gamma") "frailty(id, theta = 0.5)" else
    "frailty(id, distribution = \"gaussian\", theta = 0.5)"
  cases[[length(cases) + 1]] <- frailty_case(
    paste0("kidney_fixed_", dist), "data/frailty_kidney.csv", "kidney", kidney_data,
    paste("Surv(time, status) ~ age + sex +", term),
    paste("Surv(time, status) ~ age + sex +", term), "subjects")
}

json <- list(
  r_version = R.version.string,
  packages = list(survival = as.character(packageVersion("survival")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  generated_by = "Rscript Tests/Reference/frailty.R",
  cases = cases)
# jsonlite prints at most 15 significant digits: numbers go in as verbatim %.17g text.
full_precision <- function(x) {
  if (is.list(x)) return(lapply(x, full_precision))
  if (!is.double(x)) return(x)
  text <- ifelse(is.finite(x), sprintf("%.17g", x), "null")
  structure(if (length(x) == 1) text else paste0("[", paste(text, collapse = ", "), "]"),
            class = "json")
}
writeLines(toJSON(full_precision(json), auto_unbox = TRUE, pretty = TRUE, null = "null",
                  json_verbatim = TRUE),
           file.path(outdir, "frailty.json"))
print(warnings())
cat("wrote", length(cases), "cases\n")
