// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way:
// COpenBLAS <- LinearAlgebra <- {Regression, Survival} <- Reporting <- CrampCLI <- crampstat.
// CrampData, Formula, Distributions and DiarySimulation sit low.
let package = Package(
  name: "CrampStat",
  products: [
    .executable(name: "crampstat", targets: ["crampstat"]),
    .library(name: "CrampData", targets: ["CrampData"]),
    .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
    .library(name: "Distributions", targets: ["Distributions"]),
    .library(name: "Regression", targets: ["Regression"]),
    .library(name: "Survival", targets: ["Survival"]),
  ],
  targets: [
    .systemLibrary(
      name: "COpenBLAS",
      path: "Sources/COpenBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev", "pkg-config"])]
    ),
    .target(name: "LinearAlgebra", dependencies: ["COpenBLAS"]),
    .target(name: "Distributions"),
    .target(name: "CrampData"),
    .target(name: "Formula", dependencies: ["CrampData"]),
    .target(
      name: "Regression",
      dependencies: ["CrampData", "Distributions", "Formula", "LinearAlgebra"]
    ),
    .target(name: "Survival", dependencies: ["LinearAlgebra", "Distributions"]),
    .target(name: "Reporting", dependencies: ["Formula", "Regression", "Survival"]),
    .target(name: "DiarySimulation"),
    .target(
      name: "CrampCLI",
      dependencies: [
        "CrampData", "DiarySimulation", "Distributions", "Formula", "LinearAlgebra", "Regression",
        "Reporting", "Survival",
      ]
    ),
    .executableTarget(name: "crampstat", dependencies: ["CrampCLI"]),
    .executableTarget(
      name: "CrampBench",
      dependencies: ["CrampData", "CrampCLI", "Formula", "LinearAlgebra", "Survival"],
      path: "Benchmarks/CrampBench"
    ),
    .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
    .testTarget(name: "DistributionsTests", dependencies: ["Distributions"]),
    .testTarget(name: "CrampDataTests", dependencies: ["CrampData"]),
    .testTarget(name: "FormulaTests", dependencies: ["Formula", "CrampData"]),
    .testTarget(
      name: "RegressionTests",
      dependencies: ["Regression", "Formula", "CrampData", "LinearAlgebra"]
    ),
    .testTarget(name: "SurvivalTests", dependencies: ["Survival", "LinearAlgebra"]),
    .testTarget(name: "ReportingTests", dependencies: ["Reporting"]),
    .testTarget(name: "DiarySimulationTests", dependencies: ["DiarySimulation"]),
    .testTarget(name: "CrampCLITests", dependencies: ["CrampCLI", "CrampData", "Reporting"]),
  ]
)
