#!/usr/bin/env python3
"""End-to-end check of the Spark driver in local mode (run by .ci/run).

Fits the teaching diary with crampstat_spark.py on Spark local[2] from CSV (7 partitions
by patient hash: uneven, some possibly empty) and from Parquet (3 partitions), without and
with the cluster-robust variance, and compares every estimate, SE, z and interval of the
JSON with `crampstat logit --format json` on the same file: relative difference <= 1e-10
(only the order of floating-point sums differs; measured about 5e-14). Then Kaplan-Meier,
Andersen-Gill Cox, Poisson and the MCF against their single-machine commands, a partition
with a bad value (the fit fails naming it) and a worker killed once (Spark retries it).

    python check_local.py CRAMPSTAT_BINARY
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DIARY = os.path.join(ROOT, "Datasets", "teaching", "diary_nights.csv")
FORMULA = "cramp ~ age_over_50 + factor(trimester) + dialysis_day + mg_supp + fluid_cups + footwear"
TOLERANCE = 1e-10


def single_machine(binary, cluster):
    arguments = [binary, "logit", DIARY, "--formula", FORMULA, "--format", "json", "-q"]
    if cluster:
        arguments += ["--cluster", "patient_id"]
    return json.loads(subprocess.run(arguments, check=True, capture_output=True).stdout)


def spark(binary, path, partitions, cluster, kind):
    arguments = [
        sys.executable, os.path.join(HERE, "crampstat_spark.py"), "logit", path,
        "--formula", FORMULA, "--partitions", str(partitions), "--master", "local[2]",
        "--crampstat", binary, "--format", kind,
    ]
    if cluster:
        arguments += ["--cluster", "patient_id"]
    arguments += ["--", "--format", "json"]
    process = subprocess.run(arguments, capture_output=True)
    if process.returncode != 0:
        sys.stderr.write(process.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"spark driver failed on {path}")
    return json.loads(process.stdout)


def compare(label, ours, theirs):
    worst = 0.0
    assert [c["term"] for c in ours["coefficients"]] == [c["term"] for c in theirs["coefficients"]]
    for a, b in zip(ours["coefficients"], theirs["coefficients"]):
        for key in ["estimate", "std_error", "model_std_error", "z", "conf_low", "conf_high"]:
            difference = abs(a[key] - b[key]) / max(abs(b[key]), 1e-300)
            worst = max(worst, difference)
            if difference > TOLERANCE:
                raise SystemExit(f"{label}: {a['term']} {key} {a[key]} vs {b[key]}")
    for key in ["deviance", "null_deviance", "n", "iterations", "clusters"]:
        if ours.get(key) != theirs.get(key) and not (
            isinstance(theirs.get(key), float)
            and abs(ours[key] - theirs[key]) <= TOLERANCE * abs(theirs[key])
        ):
            raise SystemExit(f"{label}: {key} {ours.get(key)} vs {theirs.get(key)}")
    print(f"{label}: max relative difference {worst:.2e} (tolerance {TOLERANCE:g})")


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as scratch:
        parquet = os.path.join(scratch, "diary.parquet")
        import pandas as pd

        pd.read_csv(DIARY, dtype=str, keep_default_na=False).to_parquet(parquet)
        for cluster in [False, True]:
            reference = single_machine(binary, cluster)
            variance = "robust" if cluster else "model"
            compare(f"csv, 7 partitions, {variance} SE",
                    spark(binary, DIARY, 7, cluster, "csv"), reference)
        compare("parquet, 3 partitions, robust SE",
                spark(binary, parquet, 3, True, "parquet"), single_machine(binary, True))
        # Kaplan-Meier of the first cramp: the driver's text equals crampstat km's.
        first = os.path.join(scratch, "first.csv")
        with open(first, "wb") as handle:
            handle.write(subprocess.run(
                [binary, "layout", DIARY, "--to", "first", "-q"], check=True,
                capture_output=True).stdout)
        formula = "Surv(time, event) ~ 1"
        ours = subprocess.run(
            [sys.executable, os.path.join(HERE, "crampstat_spark.py"), "km", first,
             "--formula", formula, "--partitions", "4", "--master", "local[2]",
             "--crampstat", binary, "--", "--times", "7,30"],
            check=True, capture_output=True).stdout
        theirs = subprocess.run(
            [binary, "km", first, "--formula", formula, "--times", "7,30", "--no-charts"],
            check=True, capture_output=True).stdout
        if ours != theirs:
            raise SystemExit("km: the Spark driver's output differs from crampstat km's")
        print("km, 4 partitions: output identical to crampstat km")
        # Andersen-Gill Cox with robust SE by patient on the diary's (start, stop] layout.
        ag = os.path.join(scratch, "ag.csv")
        with open(ag, "wb") as handle:
            handle.write(subprocess.run(
                [binary, "layout", DIARY, "--to", "ag", "-q"], check=True,
                capture_output=True).stdout)
        patients = pd.read_csv(os.path.join(os.path.dirname(DIARY), "patients.csv"), dtype=str)
        joined = pd.read_csv(ag, dtype=str).merge(
            patients[["patient_id", "age_over_50", "sex"]], on="patient_id")
        joined.to_csv(ag, index=False)
        formula = "Surv(start, stop, event) ~ age_over_50 + sex + cluster(patient_id)"
        ours = json.loads(subprocess.run(
            [sys.executable, os.path.join(HERE, "crampstat_spark.py"), "cox", ag,
             "--formula", formula, "--partitions", "5", "--master", "local[2]",
             "--crampstat", binary, "--", "--format", "json"],
            check=True, capture_output=True).stdout)
        theirs = json.loads(subprocess.run(
            [binary, "cox", ag, "--formula", formula, "--format", "json", "-q"],
            check=True, capture_output=True).stdout)
        worst = 0.0
        for a, b in zip(ours["coefficients"], theirs["coefficients"]):
            for key in ["estimate", "std_error", "model_std_error", "z"]:
                difference = abs(a[key] - b[key]) / abs(b[key])
                worst = max(worst, difference)
                if difference > TOLERANCE:
                    raise SystemExit(f"cox: {a['term']} {key} {a[key]} vs {b[key]}")
        print(f"cox (AG, robust SE), 5 partitions: max relative difference {worst:.2e}")
        check_poisson(binary, scratch)
        check_mcf(binary)
        check_failures(binary, scratch)


def driver(binary, model, path, formula, partitions, master="local[2]", extra=()):
    return subprocess.run(
        [sys.executable, os.path.join(HERE, "crampstat_spark.py"), model, path,
         "--formula", formula, "--partitions", str(partitions), "--master", master,
         "--crampstat", binary, *extra, "--", "--format", "json"],
        capture_output=True)


def check_poisson(binary, scratch):
    """Poisson rate model on the night-level diary, robust SE by patient."""
    formula = "~ age_over_50 + sex + dialysis_day + factor(trimester)"
    process = driver(binary, "poisson", DIARY, formula, 6)
    if process.returncode != 0:
        sys.stderr.write(process.stderr.decode("utf-8", "replace"))
        raise SystemExit("poisson: the Spark driver failed")
    ours = json.loads(process.stdout)
    theirs = json.loads(subprocess.run(
        [binary, "recurrent", DIARY, "--model", "poisson", "--formula", formula,
         "--format", "json", "-q"], check=True, capture_output=True).stdout)
    worst = 0.0
    assert len(ours["coefficients"]) == len(theirs["coefficients"]) == 7
    for a, b in zip(ours["coefficients"], theirs["coefficients"]):
        for key in ["estimate", "std_error", "model_std_error", "z"]:
            difference = abs(a[key] - b[key]) / abs(b[key])
            worst = max(worst, difference)
            if difference > TOLERANCE:
                raise SystemExit(f"poisson: {a['term']} {key} {a[key]} vs {b[key]}")
    for key in ["deviance", "null_deviance", "log_likelihood", "aic"]:
        if abs(ours[key] - theirs[key]) > TOLERANCE * abs(theirs[key]):
            raise SystemExit(f"poisson: {key} {ours[key]} vs {theirs[key]}")
    print(f"poisson (robust SE), 6 partitions: max relative difference {worst:.2e}")


def check_mcf(binary):
    """Mean cumulative function by sex: the driver's text equals crampstat recurrent's."""
    ours = subprocess.run(
        [sys.executable, os.path.join(HERE, "crampstat_spark.py"), "mcf", DIARY,
         "--formula", "~ sex", "--partitions", "5", "--master", "local[2]",
         "--crampstat", binary], check=True, capture_output=True).stdout
    theirs = subprocess.run(
        [binary, "recurrent", DIARY, "--model", "mcf", "--formula", "~ sex", "-q"],
        check=True, capture_output=True).stdout
    if ours != theirs:
        raise SystemExit("mcf: the Spark driver's output differs from crampstat recurrent's")
    print("mcf, 5 partitions: output identical to crampstat recurrent --model mcf")


def check_failures(binary, scratch):
    """A partition with bad data fails the fit naming the partition and the rule; a worker
    killed once is retried by Spark and the fit is unchanged."""
    with open(DIARY, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    header = lines[0].split(",")
    cramp = header.index("cramp")
    fields = lines[500].split(",")
    fields[cramp] = "yes"
    bad = os.path.join(scratch, "bad.csv")
    with open(bad, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines[:500] + [",".join(fields)] + lines[501:]) + "\n")
    process = driver(binary, "logit", bad, FORMULA, 4)
    message = process.stderr.decode("utf-8", "replace")
    if process.returncode == 0 or "partition" not in message or "cramp" not in message:
        raise SystemExit(f"bad partition: expected a failure naming it, got: {message[-500:]}")
    print("bad partition: " + message.strip().splitlines()[-1][:160])
    # A worker killed (SIGKILL) on its first attempt at partition 1: local[2,2] retries it.
    marker = os.path.join(scratch, "killed-once")
    flaky = os.path.join(scratch, "flaky-crampstat")
    with open(flaky, "w", encoding="utf-8") as handle:
        handle.write(
            "#!/bin/sh\n"
            f"if [ ! -e '{marker}' ] && echo \"$*\" | grep -q -- '--partition 1 '; then\n"
            f"  touch '{marker}'; kill -9 $$\n"
            "fi\n"
            f"exec '{binary}' \"$@\"\n")
    os.chmod(flaky, 0o755)
    process = driver(flaky, "logit", DIARY, FORMULA, 4, master="local[2,2]",
                     extra=["--cluster", "patient_id"])
    if process.returncode != 0 or not os.path.exists(marker):
        sys.stderr.write(process.stderr.decode("utf-8", "replace"))
        raise SystemExit("killed worker: the retried fit failed")
    compare("killed worker retried, 4 partitions", json.loads(process.stdout),
            single_machine(binary, True))


if __name__ == "__main__":
    main()
