// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way:
// COpenBLAS <- LinearAlgebra <- {Regression, Survival} <- Reporting <- CrampCLI <- crampstat;
// MixedModels (glmer) sits on Regression beside Survival; Ordinal (polr) on LinearAlgebra.
// Parallelism (fixed row partitions, two-way fork) sits at the bottom; CrampData, Formula,
// Distributions and DiarySimulation sit low; TrialDesign (power formulas) on Distributions.
let package = Package(
  name: "CrampStat",
  products: [
    .executable(name: "crampstat", targets: ["crampstat"]),
    .library(name: "CrampData", targets: ["CrampData"]),
    .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
    .library(name: "Parallelism", targets: ["Parallelism"]),
    .library(name: "Partials", targets: ["Partials"]),
    .library(name: "Distributions", targets: ["Distributions"]),
    .library(name: "Regression", targets: ["Regression"]),
    .library(name: "Survival", targets: ["Survival"]),
    .library(name: "MixedModels", targets: ["MixedModels"]),
    .library(name: "Ordinal", targets: ["Ordinal"]),
    .library(name: "TrialDesign", targets: ["TrialDesign"]),
  ],
  targets: [
    .systemLibrary(
      name: "COpenBLAS",
      path: "Sources/COpenBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev", "pkg-config"])]
    ),
    .target(name: "Parallelism"),
    .target(name: "LinearAlgebra", dependencies: ["COpenBLAS", "Parallelism"]),
    .target(name: "Distributions"),
    .target(name: "Partials", dependencies: ["CrampData", "Formula"]),
    .target(name: "CrampData"),
    .target(name: "Formula", dependencies: ["CrampData", "LinearAlgebra"]),
    .target(
      name: "Regression",
      dependencies: [
        "CrampData", "Distributions", "Formula", "LinearAlgebra", "Parallelism", "Partials",
      ]
    ),
    .target(
      name: "Survival",
      dependencies: ["LinearAlgebra", "Distributions", "Parallelism", "Partials"]),
    .target(
      name: "MixedModels",
      dependencies: [
        "CrampData", "Distributions", "Formula", "LinearAlgebra", "Parallelism", "Regression",
      ]
    ),
    .target(
      name: "Ordinal", dependencies: ["Distributions", "Formula", "LinearAlgebra"]),
    .target(
      name: "Recurrent",
      dependencies: [
        "CrampData", "Distributions", "Formula", "LinearAlgebra", "Parallelism", "Partials",
        "Survival",
      ]
    ),
    .target(
      name: "Analysis",
      dependencies: [
        "CrampData", "Distributions", "Formula", "LinearAlgebra", "MixedModels", "Ordinal",
        "Parallelism", "Partials", "Recurrent", "Regression", "Survival",
      ]
    ),
    .target(
      name: "Reporting",
      dependencies: [
        "Analysis", "Formula", "MixedModels", "Ordinal", "Recurrent", "Regression", "Survival",
      ]
    ),
    .target(name: "DiarySimulation"),
    .target(name: "TrialDesign", dependencies: ["Distributions"]),
    .target(
      name: "TrialSimulation",
      dependencies: [
        "CrampData", "DiarySimulation", "Formula", "MixedModels", "Parallelism", "Recurrent",
      ]),
    .target(
      name: "CrampCLI",
      dependencies: [
        "Analysis", "CrampData", "DiarySimulation", "Distributions", "Formula", "LinearAlgebra",
        "MixedModels", "Ordinal", "Parallelism", "Partials", "Recurrent", "Regression",
        "Reporting", "Survival", "TrialDesign", "TrialSimulation",
      ]
    ),
    .executableTarget(name: "crampstat", dependencies: ["CrampCLI", "LinearAlgebra"]),
    .executableTarget(
      name: "CrampBench",
      dependencies: [
        "Analysis", "CrampCLI", "CrampData", "Formula", "LinearAlgebra", "MixedModels",
        "Ordinal",
        "Regression", "Survival",
      ],
      path: "Benchmarks/CrampBench"
    ),
    // Shared by the test targets (not a product): the one Tolerance table and the reference
    // fixture loader that fails a suite whose fixture is missing, unparseable or empty.
    .target(name: "_TestSupport", dependencies: ["CrampData"], path: "Tests/_TestSupport"),
    .testTarget(name: "ParallelismTests", dependencies: ["Parallelism"]),
    .testTarget(
      name: "PartialsTests",
      dependencies: [
        "Partials", "Regression", "Formula", "CrampData", "DiarySimulation", "_TestSupport",
      ]),
    .testTarget(
      name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "Parallelism", "_TestSupport"]),
    .testTarget(name: "DistributionsTests", dependencies: ["Distributions", "_TestSupport"]),
    .testTarget(name: "CrampDataTests", dependencies: ["CrampData"]),
    .testTarget(
      name: "FormulaTests",
      dependencies: ["Formula", "CrampData", "DiarySimulation", "_TestSupport"]),
    .testTarget(
      name: "RegressionTests",
      dependencies: ["Regression", "Formula", "CrampData", "LinearAlgebra", "_TestSupport"]
    ),
    .testTarget(
      name: "SurvivalTests",
      dependencies: [
        "Survival", "LinearAlgebra", "Analysis", "CrampData", "Formula", "Partials",
        "_TestSupport",
      ]),
    .testTarget(
      name: "ReportingTests", dependencies: ["Reporting", "_TestSupport"], exclude: ["Snapshots"]),
    .testTarget(
      name: "RecurrentTests",
      dependencies: ["Recurrent", "CrampData", "Survival", "LinearAlgebra", "_TestSupport"]
    ),
    .testTarget(
      name: "MixedModelsTests",
      dependencies: ["MixedModels", "Formula", "CrampData", "_TestSupport"]),
    .testTarget(
      name: "AnalysisTests",
      dependencies: [
        "Analysis", "CrampData", "Formula", "Partials", "Recurrent", "Survival", "_TestSupport",
      ]),
    .testTarget(name: "DiarySimulationTests", dependencies: ["DiarySimulation"]),
    .testTarget(name: "TrialDesignTests", dependencies: ["TrialDesign", "_TestSupport"]),
    .testTarget(
      name: "TrialSimulationTests",
      dependencies: [
        "TrialSimulation", "TrialDesign", "DiarySimulation", "Distributions", "_TestSupport",
      ]),
    .testTarget(
      name: "OrdinalTests",
      dependencies: ["Ordinal", "Formula", "CrampData", "LinearAlgebra", "_TestSupport"]),
    .testTarget(
      name: "CrampCLITests",
      dependencies: [
        "CrampCLI", "CrampData", "DiarySimulation", "Reporting", "_TestSupport",
      ],
      exclude: ["Snapshots"]),
  ]
)
