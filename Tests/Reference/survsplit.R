# Reference rows for `crampstat layout --to ag --split-at` (Tests/CrampCLITests/
# LayoutSplitCompetingTests.swift): R's survival::survSplit on (start, stop] rows.
#
# Run from the repository root:   Rscript Tests/Reference/survsplit.R
# Reads Tests/Reference/data/survsplit_example_ag.csv, the output of
#   crampstat layout Datasets/example/diary_nights.csv --to ag --covariates mg_supp
# (the Swift test checks that this file is still what the command writes), splits it with
# survSplit(cut = c(3, 7.5, 10), episode = "interval") and writes Tests/Reference/survsplit.json:
# the call, the cuts and the rows (patient_id, start, stop, event, interval, mg_supp) in R's
# order, numbers with jsonlite::toJSON(digits = NA).

suppressPackageStartupMessages({
  library(jsonlite)
  library(survival)
})

input <- "Tests/Reference/data/survsplit_example_ag.csv"
d <- read.csv(input, stringsAsFactors = FALSE)
cuts <- c(3, 7.5, 10)
s <- survSplit(Surv(start, stop, event) ~ ., data = d, cut = cuts, episode = "interval")
s <- s[, c("patient_id", "start", "stop", "event", "interval", "mg_supp")]
rownames(s) <- NULL
out <- list(
  call = "survSplit(Surv(start, stop, event) ~ ., data = d, cut = c(3, 7.5, 10), episode = \"interval\")",
  input = input,
  cuts = cuts,
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  rows = s
)
writeLines(
  toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, dataframe = "rows"),
  "Tests/Reference/survsplit.json")
