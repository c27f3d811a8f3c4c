/// A Jupyter notebook in nbformat 4.5, serialized canonically.
///
/// The text equals what `nbformat.writes` produces for the same content: one-space indent,
/// sorted keys, non-ASCII kept as is, multi-line sources split into lists of lines that keep
/// their `\n`, a final newline. Cell ids are deterministic (`cell-01`, `cell-02`, ...), code
/// cells carry `"execution_count": null` and no outputs, so a notebook regenerated from the
/// same data is byte-identical.
public struct Notebook: Sendable, Equatable {
  /// One cell of a notebook.
  public enum Cell: Sendable, Equatable {
    /// Markdown text.
    case markdown(String)
    /// Python source, not executed.
    case code(String)
  }

  /// Cells in order.
  public var cells: [Cell]

  /// Creates a notebook from cells.
  public init(cells: [Cell] = []) { self.cells = cells }

  /// The canonical nbformat 4.5 JSON text.
  public func serialized() -> String {
    let width = max(2, String(cells.count).count)
    var items: [JSONValue] = []
    for (index, cell) in cells.enumerated() {
      let number = String(index + 1)
      let id = "cell-" + String(repeating: "0", count: width - number.count) + number
      switch cell {
      case .markdown(let text):
        items.append(
          .object([
            "cell_type": .string("markdown"), "id": .string(id), "metadata": .object([:]),
            "source": Notebook.sourceLines(text),
          ]))
      case .code(let text):
        items.append(
          .object([
            "cell_type": .string("code"), "execution_count": .null, "id": .string(id),
            "metadata": .object([:]), "outputs": .array([]), "source": Notebook.sourceLines(text),
          ]))
      }
    }
    let document = JSONValue.object([
      "cells": .array(items),
      "metadata": .object([
        "kernelspec": .object([
          "display_name": .string("Python 3"), "language": .string("python"),
          "name": .string("python3"),
        ]),
        "language_info": .object(["name": .string("python")]),
      ]),
      "nbformat": .int(4),
      "nbformat_minor": .int(5),
    ])
    return document.rendered(indentWidth: 1)
  }

  /// Splits text into lines that keep their newline, as nbformat stores multi-line strings.
  static func sourceLines(_ text: String) -> JSONValue {
    var lines: [JSONValue] = []
    var current = ""
    for ch in text {
      current.append(ch)
      if ch == "\n" {
        lines.append(.string(current))
        current = ""
      }
    }
    if !current.isEmpty { lines.append(.string(current)) }
    return .array(lines)
  }
}
