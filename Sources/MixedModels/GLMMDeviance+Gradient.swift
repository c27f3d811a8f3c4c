import Foundation

/// The exact gradient of the deviance, group by group (see
/// ``GLMMDeviance/evaluate(theta:beta:start:gradient:)`` for the Laplace formulas).
extension GroupView {
  /// `d a_i / d theta_k` of position `r` for `theta_k`, `k` in 0..<3.
  @inline(__always) private func loadingDerivative(_ r: Int, _ index: Int) -> (Double, Double) {
    if k == 1 { return (z[r], 0) }
    switch index {
    case 0: return (z[r], 0)
    case 1: return (z[r + n], 0)
    default: return (0, z[r + n])
    }
  }

  /// The group's gradient pieces (see ``GLMMDeviance/evaluate(theta:beta:start:gradient:)``):
  /// writes `c_i` of position `r` into `factors[r - offset]` and returns the `theta` parts.
  func gradientTerms(
    _ range: Range<Int>, mode u: (Double, Double), solution: Solution,
    factors: UnsafeMutableBufferPointer<Double>, offset: Int
  ) -> (Double, Double, Double) {
    let det = solution.m11 * solution.m22 - solution.m21 * solution.m21
    // M^-1.
    let (i11, i21, i22) = (solution.m22 / det, -solution.m21 / det, solution.m11 / det)
    // dl/du = sum w' s a.
    var dl = (0.0, 0.0)
    for r in range {
      let a = loading(r)
      let e = eta0[r] + a.0 * u.0 + a.1 * u.1
      let s = a.0 * (i11 * a.0 + i21 * a.1) + a.1 * (i21 * a.0 + i22 * a.1)
      let w1 = link.workingWeightDerivative(e)
      dl.0 += w1 * s * a.0
      dl.1 += w1 * s * a.1
    }
    let (h11, h21, h22) = solution.hessian
    let hdet = h11 * h22 - h21 * h21
    let v = ((h22 * dl.0 - h21 * dl.1) / hdet, (h11 * dl.1 - h21 * dl.0) / hdet)
    let count = k == 1 ? 1 : 3
    var theta = [0.0, 0.0, 0.0]
    for r in range {
      let a = loading(r)
      let e = eta0[r] + a.0 * u.0 + a.1 * u.1
      let s = a.0 * (i11 * a.0 + i21 * a.1) + a.1 * (i21 * a.0 + i22 * a.1)
      let w = link.workingWeight(e)
      let w1 = link.workingWeightDerivative(e)
      let (d1, d2) = link.halfDerivatives(y[r], e)
      let av = a.0 * v.0 + a.1 * v.1
      factors[r - offset] = 2 * d1 + w1 * s - d2 * av
      for index in 0..<count {
        let de = loadingDerivative(r, index)
        let eu = de.0 * u.0 + de.1 * u.1
        let ev = de.0 * v.0 + de.1 * v.1
        let aMe = a.0 * (i11 * de.0 + i21 * de.1) + a.1 * (i21 * de.0 + i22 * de.1)
        theta[index] += 2 * d1 * eu + w1 * eu * s + 2 * w * aMe - d2 * av * eu - d1 * ev
      }
    }
    return (theta[0], theta[1], theta[2])
  }

  /// Solves the groups `groups` (PIRLS, then the Laplace or AGQ term and, with `gradient`, the
  /// gradient pieces), starting each from `startModes`.
  func evaluate(
    groups: Range<Int>, starts: [Int], startModes: [Double], rule: GaussHermiteRule?,
    gradient: Bool
  ) -> ChunkResult {
    var result = ChunkResult()
    result.modes.reserveCapacity(groups.count * k)
    result.blocks.reserveCapacity(groups.count * 3)
    let first = starts[groups.lowerBound]
    if gradient {
      result.factors = [Double](repeating: 0, count: starts[groups.upperBound] - first)
    }
    for g in groups {
      let range = starts[g]..<starts[g + 1]
      var mode = (startModes[g * k], k == 2 ? startModes[g * k + 1] : 0)
      let solution = solve(range, start: &mode)
      if !solution.converged { result.unconverged += 1 }
      result.modes.append(mode.0)
      if k == 2 { result.modes.append(mode.1) }
      result.blocks += [solution.m11, solution.m21, solution.m22]
      let logDet = log(solution.m11 * solution.m22 - solution.m21 * solution.m21)
      var value = solution.objective + logDet
      if let rule {
        let scale = 1 / solution.m11.squareRoot()
        value -=
          2
          * quadratureLogSum(
            range, mode: mode.0, objective: solution.objective, scale: scale, rule: rule)
      }
      result.deviance += value
      if gradient {
        let part = result.factors.withUnsafeMutableBufferPointer { factors in
          if let rule {
            let lambda = quadratureGradient(
              range, mode: mode.0, solution: solution, rule: rule, factors: factors,
              offset: first)
            return (lambda, 0.0, 0.0)
          }
          return gradientTerms(
            range, mode: mode, solution: solution, factors: factors, offset: first)
        }
        result.theta[0] += part.0
        result.theta[1] += part.1
        result.theta[2] += part.2
      }
    }
    return result
  }

  /// The gradient pieces of one group's AGQ deviance (scalar random effect, `a_i = L11 z_i`):
  /// writes `c_i` into `factors[r - offset]` and returns the `L11` part.
  ///
  /// With `D_j = h(u~ + s z_j)`, `s = M^-1/2` and the node shares
  /// `pi_j = w_j exp(-(D_j - D_0)/2 + z_j^2/2) / S`, the group's deviance
  /// `D_0 + log M - 2 log S` has derivative `dM/M + sum_j pi_j dD_j` (the `dD_0` terms cancel).
  /// `dD_j = dD_j/dphi|u + D_j'(u~ + s z_j) (du~ + z_j ds)` with `du~ = -H^-1 dG`,
  /// `ds = -M^-3/2 dM / 2` and `dM = dM/dphi|u + (dM/du) du~`. In `beta` every piece is
  /// `sum_i (.) x_i`, so the row factor is
  /// `c_i = m_i / M + sum_j pi_j d'(eta_ij) + A q_i - B m_i / (2 M^3/2)`, with
  /// `q_i = -(d''_i/2) a_i / H`, `m_i = w'_i a_i^2 + (dM/du) q_i`, `A = sum_j pi_j D_j'` and
  /// `B = sum_j pi_j D_j' z_j`. With one node it reduces to the Laplace gradient.
  func quadratureGradient(
    _ range: Range<Int>, mode u: Double, solution: Solution, rule: GaussHermiteRule,
    factors: UnsafeMutableBufferPointer<Double>, offset: Int
  ) -> Double {
    let l = lambda.0
    let bigM = solution.m11
    let bigH = solution.hessian.0
    let scale = 1 / bigM.squareRoot()
    // Node shares pi_j.
    var shares = [Double](repeating: 0, count: rule.nodes.count)
    for (j, node) in rule.nodes.enumerated() {
      let value = objective(range, (u + scale * node, 0))
      shares[j] = rule.weights[j] * exp(-(value - solution.objective) / 2 + node * node / 2)
    }
    let total = shares.reduce(0, +)
    for j in shares.indices { shares[j] /= total }
    // sum_j pi_j d'(eta_ij) per row, D_j', and the direct L11 part of sum_j pi_j dD_j.
    for r in range { factors[r - offset] = 0 }
    var a = 0.0
    var b = 0.0
    var lambdaDirect = 0.0
    for (j, node) in rule.nodes.enumerated() {
      let uj = u + scale * node
      var slope = 2 * uj
      for r in range {
        let ai = l * z[r]
        let (d1, _) = link.halfDerivatives(y[r], eta0[r] + ai * uj)
        slope += 2 * d1 * ai
        factors[r - offset] += shares[j] * 2 * d1
        lambdaDirect += shares[j] * 2 * d1 * z[r] * uj
      }
      a += shares[j] * slope
      b += shares[j] * slope * node
    }
    // Pieces at the mode.
    var dMdu = 0.0
    var dGdl = 0.0
    var dMdl = 0.0
    for r in range {
      let ai = l * z[r]
      let e = eta0[r] + ai * u
      let w = link.workingWeight(e)
      let w1 = link.workingWeightDerivative(e)
      let (d1, d2) = link.halfDerivatives(y[r], e)
      dMdu += w1 * ai * ai * ai
      dGdl += d2 * ai * z[r] * u + d1 * z[r]
      dMdl += w1 * z[r] * u * ai * ai + 2 * w * ai * z[r]
    }
    let factor = -0.5 / (bigM * bigM.squareRoot())
    for r in range {
      let ai = l * z[r]
      let e = eta0[r] + ai * u
      let (_, d2) = link.halfDerivatives(y[r], e)
      let q = -d2 * ai / bigH
      let m = link.workingWeightDerivative(e) * ai * ai + dMdu * q
      factors[r - offset] += m / bigM + a * q + b * factor * m
    }
    let duDl = -dGdl / bigH
    let totalDMdl = dMdl + dMdu * duDl
    return totalDMdl / bigM + lambdaDirect + a * duDl + b * factor * totalDMdl
  }
}
