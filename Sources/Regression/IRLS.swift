import Foundation
import LinearAlgebra
import Parallelism

/// The logit link and binomial deviance exactly as R's C code computes them.
enum Logit {
  /// R's `THRESH`/`MTHRESH`: beyond `|eta| > 30` the link is clamped.
  static let threshold = 30.0

  /// `linkinv`: `mu = tmp / (1 + tmp)` with `tmp = exp(eta)` clamped to
  /// `[DBL_EPSILON, 1/DBL_EPSILON]`, so `mu` never reaches 0 or 1 (R's `logit_linkinv`).
  @inline(__always) static func inverse(_ eta: Double) -> Double {
    let tmp =
      eta < -threshold ? Double.ulpOfOne : (eta > threshold ? 1 / Double.ulpOfOne : exp(eta))
    return tmp / (1 + tmp)
  }

  /// The derivative `dmu/deta` (R's `logit_mu_eta`).
  ///
  /// Equal to `mu (1 - mu)`, and `DBL_EPSILON` beyond the clamp. Computed from `mu` to save an `exp` per row; the difference from R's
  /// `exp(eta) / (1 + exp(eta))^2` is rounding.
  @inline(__always) static func derivative(eta: Double, mu: Double) -> Double {
    abs(eta) > threshold ? Double.ulpOfOne : mu * (1 - mu)
  }

  /// `mu.eta` and the working weight `mu.eta^2 / var(mu)` (unit prior weight).
  ///
  /// Inside the clamp `mu.eta = mu (1 - mu) = var(mu)`, so the weight is `mu (1 - mu)` without
  /// a division (R's value up to rounding); beyond it, `DBL_EPSILON^2 / var(mu)`.
  @inline(__always) static func working(eta: Double, mu: Double) -> (
    derivative: Double, weight: Double
  ) {
    let variance = mu * (1 - mu)
    let derivative = Self.derivative(eta: eta, mu: mu)
    return (derivative, abs(eta) > threshold ? derivative * derivative / variance : variance)
  }

  /// Unit deviance of a 0/1 response: `-2 log mu` for `y = 1`, `-2 log(1 - mu)` for `y = 0`.
  ///
  /// `log(1 - mu)` as R's `binomial_dev_resids` takes `log(1 / (1 - mu))` (not `log1p`,
  /// which is about three times slower and would differ from R by the rounding of `1 - mu`).
  @inline(__always) static func devianceResidual(y: Double, mu: Double) -> Double {
    y == 1 ? -2 * log(mu) : -2 * log(1 - mu)
  }
}

/// Iteratively reweighted least squares for the logit model, as R's `glm.fit`.
///
/// ## Contract
/// - `x`: `n` x `p` column-major, finite, full column rank (aliased columns removed by the
///   caller); `y`: `n` values in {0, 1}; `offset`: `nil` or `n` finite values; `mustart`:
///   `nil` (use `(y + 0.5) / 2`, R's binomial `initialize` with unit weights) or `n` values
///   in (0, 1).
/// - After ``run()``: `beta` (p), `eta`, `mu` (n) at the final estimate; with
///   `retainsWeights`, `weights` (n) are the working weights `mu.eta^2 / var(mu)` of the last
///   solved system, whose `X'WX` is ``information()`` (empty otherwise); `deviance` at `beta`;
///   `iterations`, `converged`.
/// - No per-row objects: two length-n buffers (four with `retainsWeights`), allocated once
///   and never zero-filled (every element is written before it is read), plus one reusable
///   block of `4096 * (p + 2)` values per chunk of the row partition (at most 8).
/// - With the default start and the design's `X'X` (`crossProduct`), the first system is
///   `(3/16) X'X` and needs no `dsyrk` pass.
///
/// ## One pass over the design per iteration
/// After each solve, ``sweep(candidate:)`` computes `eta = X beta` block by block and, while
/// the block is in cache, the deviance, the next working weights and response, and their
/// `X'WX`, `X'Wz` (the next iteration's system). The design is streamed from memory once per
/// iteration instead of twice. The arithmetic is the same as computing the two in sequence;
/// when the step is halved or iteration stops, that pending system is simply discarded or
/// left unused.
struct IRLS {
  let x: [Double]
  let n: Int
  let p: Int
  let y: [Double]
  let offset: [Double]?
  let maxIterations: Int
  let tolerance: Double
  let design: Matrix
  /// Whether the working weights of the last solve are kept (for ``scoreFactors()``).
  let retainsWeights: Bool

  private(set) var beta: [Double]
  private(set) var eta: [Double]
  private(set) var mu: [Double]
  private(set) var weights: [Double]
  /// Working weights at the current `eta`, of the pending system in the accumulator.
  private var pendingWeights: [Double]
  /// Whether the accumulator holds the system at the current `eta`.
  private var pending = false
  private(set) var deviance: Double
  private(set) var iterations = 0
  private(set) var converged = false
  /// Coefficients after each iteration, for separation detection.
  private(set) var history: [[Double]] = []
  private var lastFactor: Cholesky?
  /// `X'WX` and `X'Wz` of the pending system (the chunks' sums combined in order).
  private var accumulator: CrossProductAccumulator
  /// One per chunk of the row partition, reused across sweeps.
  private var workspaces: [SweepWorkspace] = []

  init(
    x: [Double], rows n: Int, columns p: Int, y: [Double], offset: [Double]?,
    mustart: [Double]?, maxIterations: Int, tolerance: Double, retainsWeights: Bool = false,
    crossProduct: Matrix? = nil
  ) throws {
    self.x = x
    self.n = n
    self.p = p
    self.y = y
    self.offset = offset
    self.maxIterations = maxIterations
    self.tolerance = tolerance
    self.retainsWeights = retainsWeights
    design = try Matrix(rows: n, columns: p, columnMajor: x)
    beta = [Double](repeating: 0, count: p)
    // Every row's weight is written by the sweep before the first solve reads it.
    weights = retainsWeights ? Self.uninitialized(count: n) : []
    pendingWeights = retainsWeights ? Self.uninitialized(count: n) : []
    accumulator = CrossProductAccumulator(columns: p)
    // eta = linkfun(mustart); mu = linkinv(eta); devold = deviance at mu (glm.fit).
    var eta = Self.uninitialized(count: n)
    var mu = Self.uninitialized(count: n)
    var deviance = 0.0
    if let mustart {
      for i in 0..<n {
        eta[i] = log(mustart[i] / (1 - mustart[i]))
        mu[i] = Logit.inverse(eta[i])
        deviance += Logit.devianceResidual(y: y[i], mu: mu[i])
      }
    } else {
      // (y + 0.5) / 2 takes two values: the logs once, not per row (same sums).
      let etas = [log(0.25 / 0.75), log(0.75 / 0.25)]
      let mus = etas.map { Logit.inverse($0) }
      let terms = [
        Logit.devianceResidual(y: 0, mu: mus[0]), Logit.devianceResidual(y: 1, mu: mus[1]),
      ]
      for i in 0..<n {
        let k = y[i] == 1 ? 1 : 0
        eta[i] = etas[k]
        mu[i] = mus[k]
        deviance += terms[k]
      }
    }
    self.eta = eta
    self.mu = mu
    self.deviance = deviance
    if mustart == nil, let crossProduct {
      try startFromCrossProduct(crossProduct)
    }
  }

  /// The working weight of every row at R's binomial start `mu = (y + 0.5) / 2`:
  /// `mu (1 - mu) = 3/16` whether `y` is 0 or 1.
  static let startingWeight = 0.1875

  /// Builds the first system from the design's `X'X`.
  ///
  /// At the default start every working weight is `3/16`, so `X'WX = (3/16) X'X`: the first
  /// iteration needs no `dsyrk` pass, only `X'Wz` (one `dgemv` per row block on the design in
  /// place). Mathematically the system the sweep would build; the rounding differs in the
  /// last bits (it avoids `sqrt(3/16)^2`).
  private mutating func startFromCrossProduct(_ crossProduct: Matrix) throws {
    guard crossProduct.rows == p, crossProduct.columns == p else {
      throw LinearAlgebraError.dimensionMismatch(
        "IRLS: X'X is \(crossProduct.rows)x\(crossProduct.columns) for \(p) columns")
    }
    let w = Self.startingWeight
    var wz = Self.uninitialized(count: n)
    for i in 0..<n {
      let muEta = Logit.derivative(eta: eta[i], mu: mu[i])
      wz[i] = w * ((eta[i] - (offset?[i] ?? 0)) + (y[i] - mu[i]) / muEta)
    }
    if retainsWeights {
      for i in 0..<n { pendingWeights[i] = w }
    }
    var system = CrossProductAccumulator(columns: p)
    try system.setSums(
      crossProduct: crossProduct.storage.map { $0 * w },
      crossResponse: try BLAS.gemv(design, wz, transpose: true), rows: n)
    accumulator = system
    pending = true
  }

  /// `count` doubles whose every element the caller writes before reading: no zero fill on
  /// top of the kernel's page zeroing.
  static func uninitialized(count: Int) -> [Double] {
    [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
  }

  /// Runs IRLS to convergence or the iteration limit.
  mutating func run() throws {
    var devianceOld = deviance
    var betaOld: [Double]?
    for iteration in 1...max(1, maxIterations) {
      iterations = iteration
      // The system at the current eta: left by the last sweep, or built now.
      if !pending { try sweep(candidate: nil) }
      if retainsWeights { swap(&weights, &pendingWeights) }
      pending = false
      let factor: Cholesky
      do {
        factor = try Cholesky(accumulator.crossProduct())
      } catch {
        throw RegressionError.singularInformation(iteration: iterations)
      }
      lastFactor = factor
      var candidate = try factor.solve(accumulator.crossResponse())
      try update(to: candidate)
      // Step-halving when the deviance is not finite or rises. Never on iteration 1: there
      // is no previous estimate to go back towards (glm.fit's coefold is NULL there).
      if let old = betaOld {
        var halvings = 0
        while !deviance.isFinite || deviance > devianceOld, halvings < 30 {
          for j in 0..<p { candidate[j] = (candidate[j] + old[j]) / 2 }
          try update(to: candidate)
          halvings += 1
        }
      }
      history.append(beta)
      if abs(deviance - devianceOld) / (abs(deviance) + 0.1) < tolerance {
        converged = true
        return
      }
      devianceOld = deviance
      betaOld = beta
    }
  }

  /// The deviance and the system `X'WX`, `X'Wz` at `beta`, or at the start
  /// `mu = (y + 0.5) / 2` when `beta` is `nil`: one pass of a distributed fit over this
  /// partition's rows (the same sweep as ``run()``).
  mutating func evaluate(at beta: [Double]?) throws -> (
    deviance: Double, system: CrossProductAccumulator
  ) {
    if let beta {
      try update(to: beta)
      if !pending { try sweep(candidate: nil) }
    } else {
      try sweep(candidate: nil)
    }
    return (deviance, accumulator)
  }

  /// Sets `beta`, then `eta = X beta + offset`, `mu`, the deviance and the pending system.
  private mutating func update(to candidate: [Double]) throws {
    guard candidate.allSatisfy(\.isFinite) else {
      throw RegressionError.singularInformation(iteration: iterations)
    }
    try sweep(candidate: candidate)
  }

  /// One pass over the design in row blocks.
  ///
  /// With a `candidate`: sets `beta`, computes `eta = X beta + offset` (a column-by-column
  /// axpy in place: the design was checked finite when built), `mu` and the deviance. Then,
  /// in both cases, the working weights `w` (into `pendingWeights`) and response `z` at the
  /// current `eta`, and `X'WX`, `X'Wz` into the reset accumulator: each block is scaled once
  /// into a reusable buffer (rows and response times `sqrt(w_i)`, the products R's QR of
  /// `sqrt(W) X` sees) and handed over unweighted, so the accumulator runs `dsyrk`/`dgemv`
  /// on it directly. If the accumulation fails (a non-finite value) while computing a
  /// candidate's deviance, the pending system is dropped and the next iteration rebuilds it
  /// (and reports the error).
  ///
  /// The rows are split by a ``RowPartition`` (fixed by `n` alone); each chunk is swept by
  /// one worker into its own accumulator and deviance, and the chunks are combined in order,
  /// so the result does not depend on the number of threads.
  private mutating func sweep(candidate: [Double]?) throws {
    let n = self.n
    let p = self.p
    let partition = RowPartition(rows: n, alignment: LogisticModel.blockRows)
    // Take the buffers out of self so they stay uniquely referenced while self's arrays are
    // borrowed below.
    var workspaces = self.workspaces
    self.workspaces = []
    var eta = self.eta
    self.eta = []
    var mu = self.mu
    self.mu = []
    var target = self.pendingWeights
    self.pendingWeights = []
    defer {
      self.workspaces = workspaces
      self.eta = eta
      self.mu = mu
      self.pendingWeights = target
    }
    let blockRows = min(LogisticModel.blockRows, max(n, 1))
    if workspaces.count != partition.chunks.count {
      workspaces = partition.chunks.map { _ in
        SweepWorkspace(columns: p, blockValues: blockRows * (p + 2))
      }
    }
    let keep = retainsWeights
    x.withUnsafeBufferPointer { xs in
      eta.withUnsafeMutableBufferPointer { etas in
        mu.withUnsafeMutableBufferPointer { mus in
          target.withUnsafeMutableBufferPointer { ws in
            workspaces.withUnsafeMutableBufferPointer { spaces in
              guard let xBase = xs.baseAddress else { return }
              let rows = RowPointers(
                x: xBase, n: n, p: p, eta: etas, mu: mus, weights: keep ? ws : nil)
              partition.forEachChunk { k, range in
                Self.sweepChunk(
                  range, rows: rows, blockRows: blockRows, y: y, offset: offset,
                  candidate: candidate, workspace: &spaces[k])
              }
            }
          }
        }
      }
    }
    // Combine the chunks in order.
    var accumulator = workspaces[0].accumulator
    workspaces[0].accumulator = CrossProductAccumulator(columns: 0)
    var total = workspaces[0].deviance
    var failure = workspaces[0].failure
    for k in workspaces.indices.dropFirst() {
      total += workspaces[k].deviance
      if failure == nil { failure = workspaces[k].failure }
      if failure == nil { try accumulator.merge(workspaces[k].accumulator) }
    }
    // Hand the combined sums over and give chunk 0 back its (old) storage for the next sweep.
    workspaces[0].accumulator = self.accumulator
    self.accumulator = accumulator
    if let candidate {
      beta = candidate
      deviance = total
      pending = failure == nil
    } else if let failure {
      throw failure
    } else {
      pending = true
    }
  }

  /// `log 2`, for the binary exponents of the deviance product.
  static let ln2 = 0.693_147_180_559_945_309_417_232_121_458

  /// Moves the binary exponent of `product` (positive, normal) into `exponent`, leaving the
  /// product in `[1, 2)`; exact (only the exponent bits change).
  @inline(__always)
  static func renormalize(_ product: inout Double, exponent: inout Int) {
    let bits = product.bitPattern
    exponent += Int((bits >> 52) & 0x7FF) - 1023
    product = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
  }

  /// Per-row arrays of one sweep, shared read/write by the chunks (each writes its own rows).
  private struct RowPointers {
    let x: UnsafePointer<Double>
    let n: Int
    let p: Int
    let eta: UnsafeMutableBufferPointer<Double>
    let mu: UnsafeMutableBufferPointer<Double>
    let weights: UnsafeMutableBufferPointer<Double>?
  }

  /// Sweeps rows `range` (see ``sweep(candidate:)``) into `workspace`, block by block.
  private static func sweepChunk(
    _ range: Range<Int>, rows: RowPointers, blockRows: Int, y: [Double], offset: [Double]?,
    candidate: [Double]?, workspace: inout SweepWorkspace
  ) {
    let (n, p) = (rows.n, rows.p)
    let (etas, mus) = (rows.eta, rows.mu)
    // Moved out (and back at the end) so each stays uniquely referenced: no copy on write.
    var accumulator = workspace.accumulator
    var scaled = workspace.scaled
    workspace.accumulator = CrossProductAccumulator(columns: 0)
    workspace.scaled = []
    accumulator.reset()
    var total = 0.0
    var failure: Error?
    scaled.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      // Layout: p columns of the block, then the scaled response, then sqrt(w).
      let response = base + blockRows * p
      let roots = base + blockRows * (p + 1)
      var start = range.lowerBound
      while start < range.upperBound {
        let r = min(blockRows, range.upperBound - start)
        if let candidate {
          for i in 0..<r { etas[start + i] = offset?[start + i] ?? 0 }
          for j in 0..<p {
            let b = candidate[j]
            let column = rows.x + j * n + start
            for i in 0..<r { etas[start + i] += b * column[i] }
          }
          // Deviance -2 sum log(p_i), p_i = mu_i or 1 - mu_i: the p_i are multiplied together
          // and the product's binary exponent moved into an integer every 16 rows (p_i >=
          // DBL_EPSILON / 2 keeps 16 factors far from underflow), so a block costs one log
          // instead of one per row. The product's rounding (about sqrt(r) ulps) is below
          // that of summing r logs.
          var product = 1.0
          var exponent = 0
          for i in start..<(start + r) {
            let m = Logit.inverse(etas[i])
            mus[i] = m
            product *= y[i] == 1 ? m : 1 - m
            if (i - start) & 15 == 15 { Self.renormalize(&product, exponent: &exponent) }
          }
          total -= 2 * (log(product) + Double(exponent) * Self.ln2)
        }
        if failure == nil {
          for i in 0..<r {
            let row = start + i
            let m = mus[row]
            let e = etas[row]
            let (muEta, w) = Logit.working(eta: e, mu: m)
            rows.weights?[row] = w
            let z = (e - (offset?[row] ?? 0)) + (y[row] - m) / muEta
            let root = w.squareRoot()
            roots[i] = root
            response[i] = root * z
          }
          for j in 0..<p {
            let source = rows.x + j * n + start
            let column = base + j * r
            for i in 0..<r { column[i] = roots[i] * source[i] }
          }
          do {
            try accumulator.add(
              block: UnsafeBufferPointer(start: base, count: r * p), rows: r,
              leadingDimension: r, weights: nil,
              response: UnsafeBufferPointer(start: response, count: r),
              // The design was checked when it was built; a non-finite weight would surface
              // in the Cholesky factorization's own check.
              checkFinite: false)
          } catch {
            failure = error
          }
        }
        start += r
      }
    }
    workspace.accumulator = accumulator
    workspace.scaled = scaled
    workspace.deviance = total
    workspace.failure = failure
  }

  /// The Cholesky factor of the last `X'WX` solved (R's `summary.glm` covariance source).
  func information() throws -> Cholesky {
    guard let lastFactor else { throw RegressionError.singularInformation(iteration: 0) }
    return lastFactor
  }

  /// Per-row factor of the score contribution `x_i * f_i` as sandwich's `estfun.glm` computes
  /// it: working residual at the final fit times the working weight of the last solve.
  ///
  /// Requires `retainsWeights`.
  func scoreFactors() -> [Double] {
    precondition(retainsWeights, "IRLS.scoreFactors needs retainsWeights")
    return (0..<n).map { i in
      let muEta = Logit.derivative(eta: eta[i], mu: mu[i])
      return (y[i] - mu[i]) / muEta * weights[i]
    }
  }

  /// Coefficients still moving steadily away from zero over the last three iterations.
  ///
  /// Newton steps shrink quadratically near a finite optimum; under separation the
  /// separating coefficients instead grow by a roughly constant amount per iteration (the
  /// likelihood keeps improving as they go to infinity). A coefficient is flagged when each
  /// of its last three steps moved the linear predictor by more than 0.1 (step times the
  /// column's largest absolute value) in the direction of its sign.
  func divergingCoefficients() -> [Int] {
    Self.divergingCoefficients(history: history) { j in
      x[(j * n)..<((j + 1) * n)].reduce(0) { max($0, abs($1)) }
    }
  }

  /// The rule of ``divergingCoefficients()`` on an iterate history, with `scale(j)` the
  /// largest absolute value of column `j` (asked only for candidates).
  static func divergingCoefficients(history: [[Double]], scale: (Int) -> Double) -> [Int] {
    guard history.count >= 4, let p = history.last?.count else { return [] }
    let last = history.count - 1
    var flagged: [Int] = []
    for j in 0..<p {
      let sign = history[last][j] >= 0 ? 1.0 : -1.0
      let steps = (0..<3).map { k in (history[last - k][j] - history[last - k - 1][j]) * sign }
      // The column scan only for coefficients whose last three steps share the sign and are
      // not collapsing (a converging Newton step shrinks by orders of magnitude each time).
      guard steps.allSatisfy({ $0 > 0 }), steps[0] > 1e-3 * steps[2] else { continue }
      let scale = scale(j)
      if steps.allSatisfy({ $0 * scale > 0.1 }) { flagged.append(j) }
    }
    return flagged
  }
}

/// What one chunk of an ``IRLS`` sweep owns: its sums, its scratch block and its deviance.
private struct SweepWorkspace {
  var accumulator: CrossProductAccumulator
  /// Reusable `sqrt(w)`-scaled block, response and root weights (`blockRows * (p + 2)`).
  var scaled: [Double]
  var deviance = 0.0
  var failure: Error?

  init(columns p: Int, blockValues: Int) {
    accumulator = CrossProductAccumulator(columns: p)
    scaled = [Double](repeating: 0, count: blockValues)
  }
}
