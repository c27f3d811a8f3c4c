# Reference values for CrampStat's competing-risks cumulative incidence (Tests/SurvivalTests):
# Aalen-Johansen curves as survival's multi-state survfit and Gray's test as cmprsk::cuminc.
#
# Run from the repository root:   Rscript Tests/Reference/competing.R
# Writes Tests/Reference/data/competing_*.csv (the inputs) and Tests/Reference/competing.json.
#
# Every number is written with jsonlite::toJSON(digits = NA) (17 significant digits). In the
# data, status 0 is censored and 1, 2, ... are the causes; group is the column compared.
# survfit(Surv(time, factor(status)) ~ group) is multi-state: pstate[, 1] is the probability
# of no event yet (the overall Kaplan-Meier), pstate[, 1 + k] the cumulative incidence of
# cause k; std.err is the infinitesimal-jackknife standard error of each (survfit's only
# variance for multi-state curves); lower/upper are survfit's default log intervals.

suppressPackageStartupMessages({
  library(jsonlite)
  library(survival)
  library(cmprsk)
})

out_dir <- "Tests/Reference"
data_dir <- file.path(out_dir, "data")
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)

one_case <- function(name, d, note) {
  write.csv(d, file.path(data_dir, paste0("competing_", name, ".csv")), row.names = FALSE)
  causes <- sort(unique(d$status[d$status != 0]))
  fit <- survfit(Surv(time, factor(status, levels = c(0, causes))) ~ group, data = d)
  strata_names <- names(fit$strata)
  ends <- cumsum(fit$strata); starts <- c(1, head(ends, -1) + 1)
  curves <- lapply(seq_along(strata_names), function(s) {
    idx <- starts[s]:ends[s]
    list(group = sub("^group=", "", strata_names[s]),
         time = fit$time[idx], n_risk = fit$n.risk[idx, 1],
         pstate = unname(fit$pstate[idx, , drop = FALSE]),
         std_err = unname(fit$std.err[idx, , drop = FALSE]),
         lower = unname(fit$lower[idx, , drop = FALSE]),
         upper = unname(fit$upper[idx, , drop = FALSE]))
  })
  ci <- cuminc(d$time, d$status, d$group, cencode = 0)
  gray <- lapply(seq_len(nrow(ci$Tests)), function(k) {
    list(cause = as.integer(rownames(ci$Tests)[k]), statistic = ci$Tests[k, "stat"],
         p_value = ci$Tests[k, "pv"], df = ci$Tests[k, "df"])
  })
  list(name = name, note = note,
       call = "survfit(Surv(time, factor(status)) ~ group, data); cuminc(time, status, group, cencode = 0)",
       causes = causes, states = fit$states, curves = curves, gray = gray)
}

cases <- list()

# 1. mgus2: progression to plasma-cell malignancy (1) vs death before it (2), by sex.
m <- mgus2
m$time <- ifelse(m$pstat == 0, m$futime, m$ptime)
m$status <- ifelse(m$pstat == 0, 2 * m$death, 1)
cases[[1]] <- one_case("mgus2", data.frame(time = m$time, status = m$status, group = m$sex),
                       "survival::mgus2: etime/event as in the survival vignette, group = sex")

# 2. pbc: transplant (1) vs death (2), by treatment (randomised patients only).
p <- pbc[!is.na(pbc$trt), ]
cases[[2]] <- one_case("pbc", data.frame(time = p$time, status = p$status, group = p$trt),
                       "survival::pbc, 312 randomised patients: status 1 transplant, 2 death; group = trt")

# 3. The teaching diary: time to first cramp (1) with the diary's competing ends, delivery (2)
# and dropout (3); administrative end of follow-up is censoring. Time = nights from enrolment
# to the first cramp night (night + 1), else to the last diary night (night + 1).
nights <- read.csv("Datasets/teaching/diary_nights.csv")
patients <- read.csv("Datasets/teaching/patients.csv")
first <- do.call(rbind, lapply(split(nights, nights$patient_id), function(x) {
  x <- x[order(x$night), ]
  hit <- which(x$cramp == 1)
  if (length(hit)) data.frame(patient_id = x$patient_id[1], time = x$night[hit[1]] + 1, status = 1)
  else data.frame(patient_id = x$patient_id[1], time = max(x$night) + 1, status = NA)
}))
first <- merge(first, patients[, c("patient_id", "censor_reason", "sex")], by = "patient_id")
first$status[is.na(first$status)] <- c(admin = 0, delivery = 2, dropout = 3)[
  first$censor_reason[is.na(first$status)]]
first$group <- first$sex
cases[[3]] <- one_case("teaching",
                       first[, c("patient_id", "time", "status", "group")],
                       "teaching diary: first cramp (1), delivery (2), dropout (3), admin end censored; group = sex")

result <- list(
  generated_by = "Tests/Reference/competing.R",
  r_version = R.version.string,
  packages = list(survival = as.character(packageVersion("survival")),
                  cmprsk = as.character(packageVersion("cmprsk"))),
  cases = cases)
writeLines(toJSON(result, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null", matrix = "columnmajor"),
           file.path(out_dir, "competing.json"))
cat("wrote", length(cases), "cases\n")

# ---- Fine-Gray: finegray() + coxph(weights = fgwt), cross-checked with cmprsk::crr ----------
# Written to competing_finegray.json: the expanded data's size and weights, coxph's
# coefficients, model and robust SEs (coxph's default variance with fractional weights), and
# crr's estimates and SEs for comparison (crr's own variance differs by construction).
fg_case <- function(name, d, cause, covariates) {
  d$fstatus <- factor(d$status, levels = c(0, sort(unique(d$status[d$status != 0]))))
  f <- as.formula(paste("Surv(time, fstatus) ~", paste(covariates, collapse = " + ")))
  fg <- finegray(f, data = d, etype = as.character(cause))
  cf <- as.formula(paste("Surv(fgstart, fgstop, fgstatus) ~", paste(covariates, collapse = " + ")))
  fit <- coxph(cf, data = fg, weights = fgwt)
  cr <- crr(d$time, d$status, as.matrix(d[, covariates, drop = FALSE]), failcode = cause,
            cencode = 0)
  list(name = name, cause = cause, covariates = covariates,
       call = sprintf("fg <- finegray(%s, data, etype = '%s'); coxph(%s, data = fg, weights = fgwt)",
                      deparse(f), cause, deparse(cf)),
       n_expanded = nrow(fg), weight_sum = sum(fg$fgwt),
       fgstart = fg$fgstart, fgstop = fg$fgstop, fgstatus = fg$fgstatus, fgwt = fg$fgwt,
       row = as.integer(rownames(fg)),
       estimate = unname(coef(fit)), std_error = unname(sqrt(diag(fit$var))),
       model_std_error = unname(sqrt(diag(fit$naive.var %||% fit$var))),
       loglik = fit$loglik,
       crr_estimate = unname(cr$coef), crr_std_error = unname(sqrt(diag(cr$var))))
}
`%||%` <- function(a, b) if (is.null(a)) b else a
mg <- mgus2[!is.na(mgus2$hgb) & !is.na(mgus2$age), ]
mg$time <- ifelse(mg$pstat == 0, mg$futime, mg$ptime)
mg$status <- ifelse(mg$pstat == 0, 2 * mg$death, 1)
mg$male <- as.integer(mg$sex == "M")
fgd <- data.frame(time = mg$time, status = mg$status, age = mg$age, male = mg$male, hgb = mg$hgb)
write.csv(fgd, file.path(data_dir, "competing_finegray_mgus2.csv"), row.names = FALSE)
fg_cases <- list(fg_case("mgus2_pcm", fgd, 1, c("age", "male", "hgb")),
                 fg_case("mgus2_death", fgd, 2, c("age", "male", "hgb")))
writeLines(toJSON(list(generated_by = "Tests/Reference/competing.R", r_version = R.version.string,
                       cases = fg_cases), digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           file.path(out_dir, "competing_finegray.json"))
cat("wrote", length(fg_cases), "Fine-Gray cases\n")
