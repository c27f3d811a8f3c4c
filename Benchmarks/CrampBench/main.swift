// CrampBench: release-build timings of CrampStat against the tools users would
// otherwise pick. Build and run:
//
//   swift build -c release --product CrampBench
//   .build/release/CrampBench csv /tmp/crampbench/m_nights.csv --runs 5
//
// Each benchmark is one `BenchCommand` in `BenchCommand.all`; add model benchmarks
// (logit, cox) there.

import Glibc

exit(BenchCommand.main(Array(CommandLine.arguments.dropFirst())))
