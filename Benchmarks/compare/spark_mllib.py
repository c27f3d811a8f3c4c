#!/usr/bin/env python3
"""Spark MLlib's binomial GLM on a benchmark diary (the baseline for issue 12).

Reads the CSV, one-hot encodes trimester, fits GeneralizedLinearRegression(family="binomial")
in local[2] mode and prints the coefficients, the iterations and the fit time. MLlib has no
cluster-robust variance; its SEs are model-based.
"""

import sys
import time

from pyspark.ml.feature import OneHotEncoder, VectorAssembler
from pyspark.ml.regression import GeneralizedLinearRegression
from pyspark.sql import SparkSession
from pyspark.sql.functions import col

spark = (
    SparkSession.builder.master("local[2]").appName("mllib-glm")
    .config("spark.ui.showConsoleProgress", "false").getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
start = time.time()
numeric = ["age_over_50", "magnesium_mg", "supplement", "dialysis", "diabetes",
           "alcohol_units", "fluid_cups", "trimester", "cramp"]
frame = spark.read.csv(sys.argv[1], header=True, inferSchema=False)
for name in numeric:
    frame = frame.withColumn(name, col(name).cast("double"))
frame = frame.dropna(subset=numeric)
encoded = OneHotEncoder(inputCols=["trimester"], outputCols=["trimester_v"], dropLast=True)
frame = encoded.fit(frame).transform(frame)
features = VectorAssembler(
    inputCols=["age_over_50", "trimester_v", "magnesium_mg", "supplement", "dialysis",
               "diabetes", "alcohol_units", "fluid_cups"], outputCol="features").transform(frame)
read = time.time()
model = GeneralizedLinearRegression(family="binomial", link="logit", labelCol="cramp",
                                    maxIter=25).fit(features)
fitted = time.time()
print("coefficients", list(model.coefficients), "intercept", model.intercept)
print(f"read {read - start:.1f} s, fit {fitted - read:.1f} s, iterations "
      f"{model.summary.numIterations}")
spark.stop()
