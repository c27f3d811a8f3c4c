#!/usr/bin/env python3
"""Fit a CrampStat model on Apache Spark through exact partial statistics.

Spark is the engine; crampstat is the math. Each pass, every partition of whole patients
runs ``crampstat partial`` on its rows (``mapInPandas``), the partial statistics are added
with Spark's ``treeReduce`` (each step ``crampstat combine``, exact and order-independent),
and the driver runs ``crampstat solve``: the next state is broadcast for the next pass until
the fit is done, which prints exactly what the single-machine command prints (up to the
order of floating-point sums: about 1e-14 relative).

    spark-submit crampstat_spark.py logit hdfs:///diary/ --format parquet \
        --formula "cramp ~ age_over_50 + factor(trimester) + dialysis_day" \
        --cluster patient_id --partitions 64 -- --format json

Arguments after ``--`` go to ``crampstat solve`` (``--format json``, ``--level``).
Statistics moved per pass are O(p^2) numbers per partition, never O(rows).
See README.md in this directory for deploying to a real cluster.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

MODELS = ["logit", "cox", "km", "logrank", "poisson", "mcf"]


def crampstat_binary(name):
    """The crampstat executable: a path, a file shipped with --files, or one on PATH."""
    if os.path.sep in name:
        return os.path.abspath(name)
    try:
        from pyspark import SparkFiles

        shipped = SparkFiles.get(name)
        if os.path.exists(shipped):
            return shipped
    except Exception:  # noqa: BLE001 - not inside a Spark worker
        pass
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"crampstat_spark: cannot find '{name}' (give --crampstat PATH)")
    return found


def run(binary, arguments, stdin=None, what="crampstat", cwd=None):
    """Runs crampstat; a failure raises with its stderr (which names file, line, rule)."""
    process = subprocess.run(
        [binary] + arguments,
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=dict(os.environ, OPENBLAS_NUM_THREADS="1"),
    )
    if process.returncode != 0:
        raise RuntimeError(
            f"{what} failed (exit {process.returncode}): "
            + process.stderr.decode("utf-8", "replace").strip()
        )
    return process.stdout


def partition_csv(columns):
    """The mapInPandas function that turns a partition's rows into one CSV text, once."""

    def convert(batches):
        import pandas as pd

        frames = list(batches)
        frame = pd.concat(frames) if frames else pd.DataFrame(columns=columns)
        yield pd.DataFrame({"csv": [frame.to_csv(index=False, na_rep="")]})

    return convert


def partial_pass(binary_name, base_arguments, state_text):
    """One pass on one partition's cached CSV text: crampstat partial -> its statistics."""

    def compute(csv):
        from pyspark import TaskContext

        partition = str(TaskContext.get().partitionId())
        binary = crampstat_binary(binary_name)
        arguments = list(base_arguments) + ["-", "--partition", partition, "-q"]
        with tempfile.TemporaryDirectory() as scratch:
            if state_text is not None:
                state = os.path.join(scratch, "state.txt")
                with open(state, "w", encoding="utf-8") as handle:
                    handle.write(state_text)
                arguments += ["--state", state]
            out = run(binary, arguments, stdin=csv.encode("utf-8"), what=f"partition {partition}")
        return out.decode("utf-8")

    return compute


def worker_failure(error):
    """The first line of crampstat's own message in a failed Spark job, else the error."""
    text = str(error)
    for line in text.splitlines():
        for marker in ("RuntimeError: ", "SystemExit: "):
            if marker in line:
                return line.split(marker, 1)[1].strip()
    return text.strip().splitlines()[0] if text.strip() else repr(error)


def combine_two(binary_name):
    def combine(a, b):
        return run(
            crampstat_binary(binary_name), ["combine", "-"], stdin=(a + b).encode("utf-8"),
            what="combine",
        ).decode("utf-8")

    return combine


def main(argv):
    if "--" in argv:
        split = argv.index("--")
        argv, solve_extra = argv[:split], argv[split + 1 :]
    else:
        solve_extra = []
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", choices=MODELS)
    parser.add_argument("input", help="CSV or Parquet path (file, directory, hdfs://, s3a://)")
    parser.add_argument("--formula", required=True)
    parser.add_argument("--cluster", help="cluster-robust SEs by this column (patient_id)")
    parser.add_argument("--ref", action="append", default=[], help="var=level (repeatable)")
    parser.add_argument("--count", choices=["cramps", "cramp-nights"], help="poisson: outcome")
    parser.add_argument("--variance", choices=["robust", "model"], help="poisson: variance")
    parser.add_argument("--id", default="patient_id", help="patient column to partition by")
    parser.add_argument("--format", choices=["csv", "parquet"], default=None)
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--crampstat", default="crampstat", help="crampstat binary")
    parser.add_argument("--master", default=None, help="e.g. local[2] (else spark-submit's)")
    options = parser.parse_args(argv)

    # Workers run the driver's Python (with pandas and pyarrow) unless told otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import col

    started = time.time()
    builder = SparkSession.builder.appName("crampstat-" + options.model).config(
        "spark.ui.showConsoleProgress", "false"
    )
    if options.master:
        builder = builder.master(options.master)
        if options.master.startswith("local"):
            # Local mode runs the executors inside the driver's JVM: each cached partition
            # text is one string there (Spark's default 1 GB heap is too small from ~50 MB).
            builder = builder.config("spark.driver.memory", "3g")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    kind = options.format or ("parquet" if options.input.endswith(".parquet") else "csv")
    if kind == "csv":
        # Every column as text: crampstat parses the numbers itself, exactly as from a file.
        frame = spark.read.csv(options.input, header=True, inferSchema=False)
    else:
        frame = spark.read.parquet(options.input)
    # A partition travels as one CSV text: by default four per input split (Spark splits
    # input files at 128 MB), so each is about 32 MB, and at least one per core.
    partitions = options.partitions or max(
        spark.sparkContext.defaultParallelism, 4 * frame.rdd.getNumPartitions()
    )
    frame = frame.repartition(partitions, col(options.id))
    # Each partition's rows as one CSV text, converted once and cached: a pass then only
    # pipes that text through crampstat (O(p^2) numbers come back).
    texts = (
        frame.mapInPandas(partition_csv(frame.columns), "csv string")
        .rdd.map(lambda row: row.csv)
        .cache()
    )
    binary = crampstat_binary(options.crampstat)
    first = ["partial", options.model, "--formula", options.formula]
    if options.cluster:
        first += ["--cluster", options.cluster]
    for item in options.ref:
        first += ["--ref", item]
    for name in ["count", "variance"]:
        if getattr(options, name):
            first += ["--" + name, getattr(options, name)]
    combine = combine_two(options.crampstat)

    texts.count()  # read, partition and cache before the first pass
    print(f"crampstat_spark: start-up and read {time.time() - started:.1f} s", file=sys.stderr)
    state_text = None
    with tempfile.TemporaryDirectory() as scratch:
        for iteration in range(100):
            pass_started = time.time()
            arguments = first if state_text is None else ["partial", options.model]
            try:
                merged = texts.map(
                    partial_pass(options.crampstat, arguments, state_text)
                ).treeReduce(combine)
            except Exception as error:  # noqa: BLE001 - Spark wraps the worker's exception
                spark.stop()
                raise SystemExit(f"crampstat_spark: {worker_failure(error)}") from None
            # Fixed names in the scratch directory, so the printed parameters are the same
            # in every run (no temporary paths in the output).
            with open(os.path.join(scratch, "merged.txt"), "w", encoding="utf-8") as handle:
                handle.write(merged)
            solve = ["solve", "merged.txt", "--next", "next.txt", "-q",
                     "--data-name", options.input] + solve_extra
            if state_text is not None:
                solve += ["--state", "state.txt"]
            out = run(binary, solve, what="solve", cwd=scratch)
            next_path = os.path.join(scratch, "next.txt")
            if not os.path.exists(next_path):
                sys.stdout.write(out.decode("utf-8"))
                spark.stop()
                return 0
            with open(next_path, encoding="utf-8") as handle:
                state_text = handle.read()
            os.replace(next_path, os.path.join(scratch, "state.txt"))
            print(
                f"crampstat_spark: pass {iteration + 1} {time.time() - pass_started:.2f} s, "
                f"{len(merged)} bytes merged",
                file=sys.stderr,
            )
    spark.stop()
    raise SystemExit("crampstat_spark: no fit after 100 passes")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
