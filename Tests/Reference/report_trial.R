#!/usr/bin/env Rscript
# Reference values for the report's trial and competing sections (Tests/CrampCLITests/
# ReportTrialSectionTests.swift) on Tests/Fixtures/diary/trial_small_{nights,patients}.csv.
#
# Regenerate from the repository root with
#   Rscript Tests/Reference/report_trial.R
# which rewrites Tests/Reference/report_trial.json. Needs R (>= 4.2), MASS, survival, jsonlite.
#
# The layouts are written here from the report's conventions, independently of CrampStat:
# - trial nights: rows whose period is not "screen"; a night counts when observed == 1 and
#   cramp is recorded; per patient cramp_nights = sum(cramp), nights = observed nights;
# - first cramp (all nights, origin = the smallest night 0): time = first cramp night + 1,
#   else the last observed night + 1 (censored); event_type 1 = cramp, else censor_reason
#   coded admin 0, delivery_end 2, dropout 3.
suppressPackageStartupMessages({
  library(MASS)
  library(survival)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grepl("^--file=", args)])
out_dir <- if (length(script) == 1) dirname(normalizePath(script)) else "Tests/Reference"
root <- normalizePath(file.path(out_dir, "..", ".."))
nights <- read.csv(file.path(root, "Tests/Fixtures/diary/trial_small_nights.csv"))
patients <- read.csv(file.path(root, "Tests/Fixtures/diary/trial_small_patients.csv"))

num <- function(v) {
  for (d in 15:17) {
    s <- trimws(formatC(v, digits = d, format = "g"))
    if (as.numeric(s) == v) return(s)
  }
  stop("cannot format ", v)
}

recorded <- nights$observed == 1 & !is.na(nights$cramp)
treat <- nights[nights$period != "screen" & recorded, ]
treat$one <- 1
counts <- aggregate(cbind(cramp_nights = cramp, nights = one) ~ patient_id, data = treat,
  FUN = sum)
counts <- merge(counts, patients[, c("patient_id", "rct_arm")])
counts$rct_arm <- factor(counts$rct_arm, levels = c("placebo", "mg"))
nb_call <- "glm.nb(cramp_nights ~ rct_arm + offset(log(nights)), data = counts)"
nb <- eval(parse(text = nb_call))

sev <- treat[treat$cramp == 1 & !is.na(treat$severity), ]
sev <- merge(sev, patients[, c("patient_id", "rct_arm")])
sev$rct_arm <- factor(sev$rct_arm, levels = c("placebo", "mg"))
polr_call <- paste0("polr(factor(severity) ~ rct_arm, data = sev, Hess = TRUE, ",
  "control = list(reltol = 1e-15, maxit = 10000))")
po <- eval(parse(text = polr_call))

obs <- nights[recorded, ]
first <- do.call(rbind, lapply(split(obs, obs$patient_id), function(p) {
  p <- p[order(p$night), ]
  hit <- which(p$cramp == 1)
  if (length(hit) > 0) {
    data.frame(patient_id = p$patient_id[1], time = p$night[hit[1]] + 1, event = 1)
  } else {
    data.frame(patient_id = p$patient_id[1], time = max(p$night) + 1, event = 0)
  }
}))
first <- merge(first, patients[, c("patient_id", "censor_reason")])
code <- c(admin = 0, delivery_end = 2, dropout = 3)
first$event_type <- ifelse(first$event == 1, 1, code[first$censor_reason])
cif_call <- "survfit(Surv(time, factor(event_type, levels = 0:3)) ~ 1, data = first)"
cif <- eval(parse(text = cif_call))
times <- c(1, 2, 3, 5, 8, 12)
s <- summary(cif, times = times)
# pstate columns: no event yet (level 0, the censoring level), then causes 1, 2, 3.
states <- c("0", "1", "2", "3")
pstate <- s$pstate
stderr <- s$std.err

cif_rows <- character(0)
for (i in seq_along(times)) {
  for (k in 2:4) {
    cif_rows <- c(cif_rows, sprintf(
      "    {\"time\": %s, \"cause\": %s, \"estimate\": %s, \"std_error\": %s}",
      num(s$time[i]), states[k], num(pstate[i, k]), num(stderr[i, k])))
  }
}

text <- paste0(
  "{\n",
  "  \"generated_by\": \"Tests/Reference/report_trial.R\",\n",
  "  \"r_version\": ", toJSON(R.version.string, auto_unbox = TRUE), ",\n",
  "  \"packages\": ", toJSON(list(MASS = as.character(packageVersion("MASS")),
    survival = as.character(packageVersion("survival"))), auto_unbox = TRUE), ",\n",
  "  \"negbin\": {\"call\": ", toJSON(nb_call, auto_unbox = TRUE),
  ", \"estimate\": ", num(coef(nb)[["rct_armmg"]]),
  ", \"std_error\": ", num(sqrt(vcov(nb)["rct_armmg", "rct_armmg"])),
  ", \"theta\": ", num(nb$theta), ", \"n_patients\": ", nrow(counts), "},\n",
  "  \"polr\": {\"call\": ", toJSON(polr_call, auto_unbox = TRUE),
  ", \"estimate\": ", num(coef(po)[["rct_armmg"]]),
  ", \"model_std_error\": ", num(sqrt(vcov(po)["rct_armmg", "rct_armmg"])),
  ", \"log_likelihood\": ", num(as.numeric(logLik(po))), ", \"n\": ", nrow(sev), "},\n",
  "  \"cif\": {\"call\": ", toJSON(cif_call, auto_unbox = TRUE), ", \"rows\": [\n",
  paste(cif_rows, collapse = ",\n"), "\n  ]}\n}\n")
writeLines(text, file.path(out_dir, "report_trial.json"), sep = "")
cat("wrote", file.path(out_dir, "report_trial.json"), "\n")
