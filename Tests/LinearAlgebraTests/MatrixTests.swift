import LinearAlgebra
import Testing

@Suite("Matrix storage and helpers")
struct MatrixTests {
  @Test("row literal is stored column-major")
  func rowLiteralLayout() throws {
    let a = try Matrix(rows: [[1, 2, 3], [4, 5, 6]])
    #expect(a.rows == 2)
    #expect(a.columns == 3)
    #expect(a.storage == [1, 4, 2, 5, 3, 6])
    #expect(a[1, 2] == 6)
    #expect(a.column(1) == [2, 5])
    #expect(a.diagonal == [1, 5])
    #expect(a.transposed() == (try Matrix(rows: [[1, 4], [2, 5], [3, 6]])))
  }

  @Test("subscript setter and identity")
  func setterAndIdentity() throws {
    var a = Matrix(rows: 2, columns: 2, repeating: 0)
    a[0, 0] = 1
    a[1, 1] = 1
    #expect(a == Matrix.identity(2))
    #expect(try Matrix(rows: 1, columns: 2, columnMajor: [3, 4])[0, 1] == 4)
  }

  @Test("selectingColumns copies columns in the requested order and checks indices")
  func selectingColumns() throws {
    let a = try Matrix(rows: [[1, 2, 3], [4, 5, 6]])
    #expect(try a.selectingColumns([2, 0]) == (try Matrix(rows: [[3, 1], [6, 4]])))
    #expect(
      throws: LinearAlgebraError.dimensionMismatch("selectingColumns: index 3 outside 0..<3")
    ) {
      try a.selectingColumns([3])
    }
  }

  @Test("ragged rows are a dimension mismatch")
  func raggedRows() {
    #expect(
      throws: LinearAlgebraError.dimensionMismatch(
        "Matrix(rows:): row 1 has 1 values, row 0 has 2")
    ) {
      try Matrix(rows: [[1, 2], [3]])
    }
  }

  @Test("column-major count is checked")
  func columnMajorCount() {
    #expect(
      throws: LinearAlgebraError.dimensionMismatch("Matrix(rows: 2, columns: 2): got 3 values")
    ) {
      try Matrix(rows: 2, columns: 2, columnMajor: [1, 2, 3])
    }
  }

  @Test("symmetrized copies the chosen triangle")
  func symmetrized() throws {
    let a = try Matrix(rows: [[1, 2, 3], [9, 4, 5], [9, 9, 6]])
    let fromUpper = try a.symmetrized(fromUpper: true)
    #expect(fromUpper == (try Matrix(rows: [[1, 2, 3], [2, 4, 5], [3, 5, 6]])))
    #expect(fromUpper.isSymmetric())
    let fromLower = try a.symmetrized(fromUpper: false)
    #expect(fromLower == (try Matrix(rows: [[1, 9, 9], [9, 4, 9], [9, 9, 6]])))
    #expect(throws: LinearAlgebraError.self) {
      try Matrix(rows: 2, columns: 3).symmetrized()
    }
  }

  @Test("error messages are readable")
  func errorDescriptions() {
    #expect(
      LinearAlgebraError.notPositiveDefinite(minor: 2).description
        == "matrix is not positive definite: leading minor of order 2 is not positive")
    #expect(
      LinearAlgebraError.invalidArgument(routine: "dpotrf", position: 4).description
        == "internal error: dpotrf rejected argument 4 (please report this bug)")
    #expect(
      LinearAlgebraError.workspaceAllocation(routine: "dsyev").description
        == "dsyev could not allocate its workspace")
  }
}
