# Reference values for the Survival module (Tests/SurvivalTests).
#
# Run from the repository root:  Rscript Tests/Reference/survival.R
# Writes Tests/Reference/data/surv_*.csv (the exact rows each case uses) and
# Tests/Reference/survival.json. Datasets: lung, veteran, ovarian, heart, bladder2 (shipped
# with R's survival package) and a seeded synthetic cramp diary (counting process, heavy ties).
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})
outdir <- "Tests/Reference"
datadir <- file.path(outdir, "data")
dir.create(datadir, showWarnings = FALSE, recursive = TRUE)

writeData <- function(df, name) {
  write.csv(df, file.path(datadir, paste0("surv_", name, ".csv")), row.names = FALSE)
  paste0("data/surv_", name, ".csv")
}
num <- function(x) { x <- as.numeric(x); x }
nav <- function(x) { x <- as.numeric(x); ifelse(is.na(x) & !is.nan(x), NA, x) }

# ---- datasets -------------------------------------------------------------------------------
lung2 <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog", "wt.loss")])
names(lung2) <- c("time", "status", "age", "sex", "ph_ecog", "wt_loss")
set.seed(20240611)
lung2$w <- round(runif(nrow(lung2), 0.5, 2), 2)
lung2$sex2 <- 2 * lung2$sex
lung2$inst_group <- (seq_len(nrow(lung2)) %% 5) + 1
lungFile <- writeData(lung2, "lung")

vet <- veteran
vet$smallcell <- as.numeric(vet$celltype == "smallcell")
vet$adeno <- as.numeric(vet$celltype == "adeno")
vet$large <- as.numeric(vet$celltype == "large")
vet$cellcode <- as.integer(vet$celltype)
vet <- vet[, c("time", "status", "trt", "karno", "age", "prior", "smallcell", "adeno",
               "large", "cellcode")]
vetFile <- writeData(vet, "veteran")

ova <- ovarian[, c("futime", "fustat", "age", "resid.ds", "rx", "ecog.ps")]
names(ova) <- c("futime", "fustat", "age", "resid_ds", "rx", "ecog_ps")
ovaFile <- writeData(ova, "ovarian")

hrt <- heart[, c("start", "stop", "event", "age", "year", "surgery", "transplant", "id")]
hrt$transplant <- as.numeric(as.character(hrt$transplant))
heartFile <- writeData(hrt, "heart")

bl <- bladder2[, c("start", "stop", "event", "rx", "number", "size", "id", "enum")]
bladderFile <- writeData(bl, "bladder2")

# Synthetic diary: patients followed night by night, rows (night-1, night], recurrent cramps.
set.seed(5)
npat <- 150
rows <- list()
for (pid in 1:npat) {
  nights <- sample(20:60, 1)
  age50 <- rbinom(1, 1, 0.4)
  mgStart <- if (runif(1) < 0.5) sample(5:30, 1) else Inf
  dialysis <- rbinom(1, 1, 0.15)
  night <- 1:nights
  magnesium <- as.numeric(night >= mgStart)
  fluid <- round(pmax(0, rnorm(nights, 6 + age50, 1.5)))
  lp <- -2.2 + 0.6 * age50 - 0.5 * magnesium + 0.4 * dialysis - 0.08 * (fluid - 6)
  cramp <- rbinom(nights, 1, plogis(lp))
  rows[[pid]] <- data.frame(patient_id = pid, start = night - 1, stop = night, cramp = cramp,
                            age_over_50 = age50, magnesium = magnesium, dialysis = dialysis,
                            fluid_cups = fluid, site = (pid %% 3) + 1)
}
diary <- do.call(rbind, rows)
diaryFile <- writeData(diary, "diary")
# Time to first cramp (right-censored, integer nights: heavy ties).
first <- do.call(rbind, lapply(split(diary, diary$patient_id), function(d) {
  k <- which(d$cramp == 1)
  if (length(k)) data.frame(patient_id = d$patient_id[1], time = d$stop[k[1]], status = 1,
                            age_over_50 = d$age_over_50[1], dialysis = d$dialysis[1],
                            site = d$site[1])
  else data.frame(patient_id = d$patient_id[1], time = max(d$stop), status = 0,
                  age_over_50 = d$age_over_50[1], dialysis = d$dialysis[1], site = d$site[1])
}))
firstFile <- writeData(first, "firstcramp")

# Tiny entry-time case: a row that starts exactly at an event time is not at risk then.
entry <- data.frame(start = c(0, 0, 2, 0, 1, 0, 3), stop = c(2, 4, 5, 3, 5, 6, 7),
                    event = c(1, 1, 0, 1, 1, 0, 1), x = c(1, 0, 1, 2, 0, 1, 0),
                    id = c(1, 2, 1, 3, 4, 5, 3))
entryFile <- writeData(entry, "entry")

# Monotone likelihood: group 'never' has no events.
mono <- lung2[1:80, c("time", "status", "age")]
mono$never <- as.numeric(seq_len(80) %% 4 == 0)
mono$status[mono$never == 1] <- 1
monoFile <- writeData(mono, "monotone")

# ---- helpers --------------------------------------------------------------------------------
meta <- list(r_version = R.version.string,
             survival_version = as.character(packageVersion("survival")),
             jsonlite_version = as.character(packageVersion("jsonlite")))

coxCase <- function(name, call, file, columns, residuals = FALSE, zph = TRUE, newdata = NULL,
                    terms = NULL) {
  fit <- eval(parse(text = call))
  s <- summary(fit)
  coefs <- coef(fit)
  keep <- function(v) if (length(v) == length(coefs)) v[!is.na(coefs)] else v
  se <- keep(sqrt(diag(fit$var)))
  full <- rep(NA_real_, length(coefs)); full[!is.na(coefs)] <- se
  naive <- if (!is.null(fit$naive.var)) {
    v <- rep(NA_real_, length(coefs)); v[!is.na(coefs)] <- keep(sqrt(diag(fit$naive.var))); v
  } else full
  ct <- s$coefficients
  zcol <- ct[, "z"]; pcol <- ct[, "Pr(>|z|)"]
  z <- rep(NA_real_, length(coefs)); p <- z
  z[!is.na(coefs)] <- zcol[!is.na(coefs)]; p[!is.na(coefs)] <- pcol[!is.na(coefs)]
  ci <- matrix(NA_real_, length(coefs), 2)
  ci[!is.na(coefs), ] <- log(s$conf.int[!is.na(coefs), 3:4, drop = FALSE])
  warn <- character(0)
  withCallingHandlers(eval(parse(text = call)), warning = function(w) {
    warn <<- c(warn, conditionMessage(w)); invokeRestart("muffleWarning")
  })
  conc <- concordance(fit)
  out <- list(name = name, call = call, data = file, columns = columns, term_groups = terms,
              terms = names(coefs), coefficients = nav(coefs), std_error = nav(full),
              model_std_error = nav(naive), z = nav(z), p_value = nav(p),
              conf_low = nav(ci[, 1]), conf_high = nav(ci[, 2]),
              loglik = num(fit$loglik), iterations = fit$iter, n = fit$n, nevent = fit$nevent,
              wald = list(statistic = unname(fit$wald.test), df = unname(s$waldtest["df"]),
                          p_value = unname(s$waldtest["pvalue"])),
              score = list(statistic = unname(fit$score), df = unname(s$sctest["df"]),
                           p_value = unname(s$sctest["pvalue"])),
              likelihood_ratio = list(statistic = unname(s$logtest["test"]),
                                      df = unname(s$logtest["df"]),
                                      p_value = unname(s$logtest["pvalue"])),
              concordance = list(estimate = unname(conc$concordance),
                                 std_error = sqrt(unname(conc$var))),
              variance = unname(fit$var), warnings = warn,
              means = num(fit$means),
              concordance_count = num(conc$count))
  if (!is.null(fit$rscore)) out$robust_score <- list(statistic = unname(fit$rscore),
                                                     df = sum(!is.na(coefs)))
  if (residuals) {
    out$martingale <- unname(residuals(fit, type = "martingale"))
    out$deviance <- unname(residuals(fit, type = "deviance"))
    out$score_residuals <- unname(residuals(fit, type = "score"))
    out$dfbeta <- unname(residuals(fit, type = "dfbeta"))
    sch <- residuals(fit, type = "schoenfeld")
    out$schoenfeld <- unname(as.matrix(sch))
    out$schoenfeld_time <- as.numeric(rownames(as.matrix(sch)))
  }
  if (zph) {
    z <- cox.zph(fit)
    out$zph <- list(terms = rownames(z$table), chisq = unname(z$table[, "chisq"]),
                    df = unname(z$table[, "df"]), p_value = unname(z$table[, "p"]),
                    x = unname(z$x), time = unname(z$time), y = unname(z$y))
  }
  if (!is.null(newdata)) {
    sf <- survfit(fit, newdata = newdata)
    out$newdata <- newdata
    out$predicted <- list(time = sf$time, n_risk = sf$n.risk, n_event = sf$n.event,
                          survival = as.numeric(sf$surv), std_err = as.numeric(sf$std.err),
                          lower = nav(sf$lower), upper = nav(sf$upper),
                          cumhaz = as.numeric(sf$cumhaz))
    bh <- basehaz(fit, centered = FALSE)
    out$baseline <- list(time = bh$time, hazard = bh$hazard)
    bc <- basehaz(fit, centered = TRUE)
    out$baseline_centered <- list(time = bc$time, hazard = bc$hazard)
  }
  out
}

kmCase <- function(name, call, file, columns, times, rmean) {
  out <- list(name = name, call = call, data = file, columns = columns, curves = list())
  for (ct in c("log", "log-log", "plain")) {
    fit <- eval(parse(text = sub("\\)$", paste0(", conf.type = '", ct, "')"), call)))
    tab <- summary(fit, censored = TRUE)
    st <- if (is.null(tab$strata)) rep("all", length(tab$time)) else as.character(tab$strata)
    pt <- summary(fit, times = times, extend = FALSE)
    pst <- if (is.null(pt$strata)) rep("all", length(pt$time)) else as.character(pt$strata)
    tbl <- summary(fit, rmean = rmean)$table
    if (is.null(dim(tbl))) tbl <- matrix(tbl, nrow = 1, dimnames = list("all", names(tbl)))
    fit1 <- eval(parse(text = sub("\\)$", paste0(", ctype = 1)"), call)))
    fit2 <- eval(parse(text = sub("\\)$", paste0(", ctype = 2)"), call)))
    out$curves[[ct]] <- list(
      steps = list(strata = st, time = tab$time, n_risk = tab$n.risk, n_event = tab$n.event,
                   n_censor = tab$n.censor, survival = tab$surv, std_err = nav(tab$std.err),
                   lower = nav(tab$lower), upper = nav(tab$upper)),
      at_times = list(strata = pst, time = pt$time, n_risk = pt$n.risk, n_event = pt$n.event,
                      n_censor = pt$n.censor, survival = pt$surv, std_err = nav(pt$std.err),
                      lower = nav(pt$lower), upper = nav(pt$upper)),
      table = list(strata = rownames(tbl), records = unname(tbl[, "records"]),
                   events = unname(tbl[, "events"]), rmean = unname(tbl[, "rmean"]),
                   se_rmean = unname(tbl[, "se(rmean)"]), median = nav(tbl[, "median"]),
                   median_low = nav(tbl[, 8]), median_high = nav(tbl[, 9])),
      cumhaz_nelson_aalen = list(time = fit1$time, cumhaz = fit1$cumhaz, std_err = fit1$std.chaz),
      cumhaz_fleming_harrington = list(time = fit2$time, cumhaz = fit2$cumhaz,
                                       std_err = fit2$std.chaz))
  }
  out$times <- times
  out$rmean <- rmean
  out
}

diffCase <- function(name, call, file, columns, rho = 0) {
  d <- eval(parse(text = call))
  list(name = name, call = call, data = file, columns = columns, rho = rho,
       n = as.numeric(d$n), observed = as.numeric(if (is.matrix(d$obs)) rowSums(d$obs) else d$obs),
       expected = as.numeric(if (is.matrix(d$exp)) rowSums(d$exp) else d$exp),
       variance = unname(d$var), chisq = d$chisq, df = length(d$n) - 1,
       p_value = pchisq(d$chisq, length(d$n) - 1, lower.tail = FALSE))
}

# ---- cases ----------------------------------------------------------------------------------
cox <- list(
  coxCase("lung_efron", "coxph(Surv(time, status) ~ age + sex + ph_ecog, data = lung2)", lungFile,
          list(time = "time", status = "status", x = c("age", "sex", "ph_ecog")),
          residuals = TRUE, newdata = data.frame(age = 60, sex = 2, ph_ecog = 1)),
  coxCase("lung_breslow",
          "coxph(Surv(time, status) ~ age + sex + ph_ecog, data = lung2, ties = 'breslow')",
          lungFile, list(time = "time", status = "status", x = c("age", "sex", "ph_ecog")),
          residuals = TRUE, newdata = data.frame(age = 70, sex = 1, ph_ecog = 2)),
  coxCase("lung_strata", "coxph(Surv(time, status) ~ age + ph_ecog + strata(sex), data = lung2)",
          lungFile, list(time = "time", status = "status", x = c("age", "ph_ecog"),
                         strata = "sex"), residuals = TRUE),
  coxCase("lung_weights",
          "coxph(Surv(time, status) ~ age + sex + wt_loss, data = lung2, weights = w)",
          lungFile, list(time = "time", status = "status", x = c("age", "sex", "wt_loss"),
                         weights = "w"), residuals = TRUE, zph = FALSE),
  coxCase("lung_offset",
          "coxph(Surv(time, status) ~ sex + ph_ecog + offset(0.01 * age), data = lung2)",
          lungFile, list(time = "time", status = "status", x = c("sex", "ph_ecog"),
                         offset = "age", offset_scale = 0.01), residuals = TRUE, zph = FALSE),
  coxCase("lung_cluster",
          "coxph(Surv(time, status) ~ age + sex + ph_ecog + cluster(inst_group), data = lung2)",
          lungFile, list(time = "time", status = "status", x = c("age", "sex", "ph_ecog"),
                         cluster = "inst_group"), zph = FALSE),
  coxCase("lung_aliased", "coxph(Surv(time, status) ~ age + sex + sex2 + ph_ecog, data = lung2)",
          lungFile, list(time = "time", status = "status", x = c("age", "sex", "sex2", "ph_ecog")),
          zph = FALSE),
  coxCase("veteran_efron",
          "coxph(Surv(time, status) ~ trt + karno + age + prior + smallcell + adeno + large, data = vet)",
          vetFile, list(time = "time", status = "status",
                        x = c("trt", "karno", "age", "prior", "smallcell", "adeno", "large")),
          residuals = TRUE),
  coxCase("veteran_celltype",
          "coxph(Surv(time, status) ~ trt + karno + factor(cellcode), data = vet)",
          vetFile, list(time = "time", status = "status",
                        x = c("trt", "karno", "smallcell", "adeno", "large")),
          terms = list(trt = 1, karno = 2, "factor(cellcode)" = 3:5),
          newdata = data.frame(trt = 1, karno = 60, cellcode = 3)),
  coxCase("heart_predict",
          "coxph(Surv(start, stop, event) ~ age + surgery + transplant, data = hrt)",
          heartFile, list(start = "start", time = "stop", status = "event",
                          x = c("age", "surgery", "transplant")),
          newdata = data.frame(age = -5, surgery = 1, transplant = 1)),
  coxCase("lung_cluster_predict",
          "coxph(Surv(time, status) ~ age + sex + cluster(inst_group), data = lung2, ties = 'breslow')",
          lungFile, list(time = "time", status = "status", x = c("age", "sex"),
                         cluster = "inst_group"),
          newdata = data.frame(age = 65, sex = 1)),
  coxCase("veteran_breslow",
          "coxph(Surv(time, status) ~ trt + karno + smallcell + adeno + large, data = vet, ties = 'breslow')",
          vetFile, list(time = "time", status = "status",
                        x = c("trt", "karno", "smallcell", "adeno", "large"))),
  coxCase("ovarian", "coxph(Surv(futime, fustat) ~ age + resid_ds + rx + ecog_ps, data = ova)",
          ovaFile, list(time = "futime", status = "fustat",
                        x = c("age", "resid_ds", "rx", "ecog_ps")), residuals = TRUE,
          newdata = data.frame(age = 55, resid_ds = 1, rx = 2, ecog_ps = 1)),
  coxCase("heart_efron",
          "coxph(Surv(start, stop, event) ~ age + year + surgery + transplant + cluster(id), data = hrt)",
          heartFile, list(start = "start", time = "stop", status = "event",
                          x = c("age", "year", "surgery", "transplant"), cluster = "id"),
          residuals = TRUE),
  coxCase("heart_breslow",
          "coxph(Surv(start, stop, event) ~ age + year + surgery + transplant, data = hrt, ties = 'breslow')",
          heartFile, list(start = "start", time = "stop", status = "event",
                          x = c("age", "year", "surgery", "transplant")), residuals = TRUE),
  coxCase("bladder2",
          "coxph(Surv(start, stop, event) ~ rx + number + size + strata(enum) + cluster(id), data = bl)",
          bladderFile, list(start = "start", time = "stop", status = "event",
                            x = c("rx", "number", "size"), strata = "enum", cluster = "id")),
  coxCase("diary_efron",
          "coxph(Surv(start, stop, cramp) ~ age_over_50 + magnesium + dialysis + fluid_cups + cluster(patient_id), data = diary)",
          diaryFile, list(start = "start", time = "stop", status = "cramp",
                          x = c("age_over_50", "magnesium", "dialysis", "fluid_cups"),
                          cluster = "patient_id")),
  coxCase("diary_breslow_strata",
          "coxph(Surv(start, stop, cramp) ~ age_over_50 + magnesium + fluid_cups + strata(site), data = diary, ties = 'breslow')",
          diaryFile, list(start = "start", time = "stop", status = "cramp",
                          x = c("age_over_50", "magnesium", "fluid_cups"), strata = "site")),
  coxCase("firstcramp",
          "coxph(Surv(time, status) ~ age_over_50 + dialysis, data = first)",
          firstFile, list(time = "time", status = "status", x = c("age_over_50", "dialysis")),
          residuals = TRUE, newdata = data.frame(age_over_50 = 1, dialysis = 0)),
  coxCase("entry", "coxph(Surv(start, stop, event) ~ x, data = entry)", entryFile,
          list(start = "start", time = "stop", status = "event", x = c("x")), residuals = TRUE,
          zph = FALSE),
  coxCase("monotone", "coxph(Surv(time, status) ~ age + never, data = mono)", monoFile,
          list(time = "time", status = "status", x = c("age", "never")), zph = FALSE)
)

km <- list(
  kmCase("lung_sex", "survfit(Surv(time, status) ~ sex, data = lung2)", lungFile,
         list(time = "time", status = "status", group = "sex"), c(100, 200, 365, 500), 600),
  kmCase("ovarian_all", "survfit(Surv(futime, fustat) ~ 1, data = ova)", ovaFile,
         list(time = "futime", status = "fustat"), c(200, 400, 800), 1000),
  kmCase("lung_weighted", "survfit(Surv(time, status) ~ 1, data = lung2, weights = w)", lungFile,
         list(time = "time", status = "status", weights = "w"), c(90, 180, 360), 700),
  kmCase("heart_entry", "survfit(Surv(start, stop, event) ~ 1, data = hrt)", heartFile,
         list(start = "start", time = "stop", status = "event"), c(50, 100, 500), 1000),
  kmCase("firstcramp_dialysis", "survfit(Surv(time, status) ~ dialysis, data = first)", firstFile,
         list(time = "time", status = "status", group = "dialysis"), c(7, 14, 30), 40)
)

diffs <- list(
  diffCase("lung_sex", "survdiff(Surv(time, status) ~ sex, data = lung2)", lungFile,
           list(time = "time", status = "status", group = "sex")),
  diffCase("lung_sex_rho1", "survdiff(Surv(time, status) ~ sex, data = lung2, rho = 1)",
           lungFile, list(time = "time", status = "status", group = "sex"), rho = 1),
  diffCase("veteran_cell", "survdiff(Surv(time, status) ~ cellcode, data = vet)", vetFile,
           list(time = "time", status = "status", group = "cellcode")),
  diffCase("veteran_cell_strata",
           "survdiff(Surv(time, status) ~ cellcode + strata(trt), data = vet)", vetFile,
           list(time = "time", status = "status", group = "cellcode", strata = "trt")),
  diffCase("firstcramp_site", "survdiff(Surv(time, status) ~ site, data = first, rho = 0.5)",
           firstFile, list(time = "time", status = "status", group = "site"), rho = 0.5)
)

out <- list(meta = meta, cox = cox, km = km, logrank = diffs)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           file.path(outdir, "survival.json"))
cat("wrote", file.path(outdir, "survival.json"), "\n")
