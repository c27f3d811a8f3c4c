import Survival

/// Charts of fitted results: Kaplan-Meier and MCF step charts, forest plots of ratios.
///
/// These only arrange values the estimators computed; numbers at risk are read off the
/// fitted curves' steps.
public enum ModelCharts {
  /// Kaplan-Meier curves of a fit with the numbers at risk at `atRiskTimes` (default: about
  /// six round times over the follow-up).
  public static func kaplanMeier(
    _ fit: KaplanMeierFit, title: String, xTitle: String = "Nights",
    yTitle: String = "Survival probability", band: Bool? = nil, atRiskTimes: [Double]? = nil
  ) -> StepChart {
    let horizon = fit.curves.flatMap { $0.steps.map(\.time) }.max() ?? 0
    let ticks = atRiskTimes ?? ChartAxis.linear(lower: 0, upper: max(horizon, 1)).ticks
    let showBand = band ?? (fit.curves.count == 1)
    let curves = fit.curves.map { c in
      var points = c.steps.map { (time: $0.time, value: $0.survival) }
      if let last = c.steps.last { points.append((time: last.time, value: last.survival)) }
      let low =
        showBand
        ? c.steps.map { $0.confidenceLow ?? .nan } + [c.steps.last?.confidenceLow ?? .nan] : nil
      let high =
        showBand
        ? c.steps.map { $0.confidenceHigh ?? .nan } + [c.steps.last?.confidenceHigh ?? .nan] : nil
      return StepChart.Curve(label: c.label, points: points, lower: low, upper: high)
    }
    let atRisk = fit.curves.map { c in
      StepChart.AtRiskRow(
        label: c.label, counts: ticks.map { (time: $0, count: numberAtRisk(c, at: $0)) })
    }
    return StepChart(
      curves: curves, atRisk: atRisk, xTicks: ticks, title: title, xTitle: xTitle,
      yTitle: yTitle)
  }

  /// Number at risk just before `time` on a fitted curve (R's `n.risk` at that time).
  static func numberAtRisk(_ c: KaplanMeierFit.Curve, at time: Double) -> Int {
    if time <= 0 { return c.count }
    guard let step = c.steps.first(where: { $0.time >= time }) else { return 0 }
    return Int(step.atRisk.rounded())
  }

  /// The mean cumulative function (Nelson-Aalen on recurrent-event intervals) as a rising step chart.
  public static func meanCumulativeFunction(
    _ curves: [KaplanMeierFit.Curve], title: String, xTitle: String = "Nights"
  ) -> StepChart {
    let chartCurves = curves.map { c in
      let hazard = c.cumulativeHazard(.nelsonAalen)
      let points = zip(c.steps, hazard).map { (time: $0.time, value: $1.cumulativeHazard) }
      return StepChart.Curve(label: c.label, points: points)
    }
    return StepChart.meanCumulativeFunction(
      curves: chartCurves, atRisk: [], title: title, xTitle: xTitle,
      yTitle: "Mean cumulative cramp nights per patient")
  }

  /// A forest plot of ratios with their intervals (intercept left out).
  public static func forest(
    _ rows: [CoefficientRow], title: String, axisTitle: String, header: String
  ) -> ForestPlot {
    let plotted = rows.filter { $0.term != "(Intercept)" }.map { r in
      ForestPlot.Row(label: r.term, estimate: r.ratio, lower: r.ratioLow, upper: r.ratioHigh)
    }
    return ForestPlot(rows: plotted, axisTitle: axisTitle, estimateHeader: header, title: title)
  }
}
