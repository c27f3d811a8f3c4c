// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way:
// COpenBLAS <- LinearAlgebra <- {Regression, Survival} <- Reporting <- CrampCLI <- crampstat.
// CrampData and Distributions sit low and import nothing of ours.
let package = Package(
  name: "CrampStat",
  products: [
    .executable(name: "crampstat", targets: ["crampstat"]),
    .library(name: "CrampData", targets: ["CrampData"]),
    .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
    .library(name: "Distributions", targets: ["Distributions"]),
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
    .target(name: "Reporting"),
    .target(name: "Survival", dependencies: ["LinearAlgebra", "Distributions"]),
    .target(
      name: "CrampCLI",
      dependencies: ["CrampData", "Distributions", "LinearAlgebra", "Reporting", "Survival"]
    ),
    .executableTarget(name: "crampstat", dependencies: ["CrampCLI"]),
    .executableTarget(
      name: "CrampBench",
      dependencies: ["CrampData", "CrampCLI", "LinearAlgebra"],
      path: "Benchmarks/CrampBench"
    ),
    .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
    .testTarget(name: "DistributionsTests", dependencies: ["Distributions"]),
    .testTarget(name: "CrampDataTests", dependencies: ["CrampData"]),
    .testTarget(name: "CrampCLITests", dependencies: ["CrampCLI", "CrampData", "Reporting"]),
    .testTarget(name: "ReportingTests", dependencies: ["Reporting"]),
    .testTarget(name: "SurvivalTests", dependencies: ["Survival", "LinearAlgebra"]),
  ]
)
