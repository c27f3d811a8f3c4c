#if canImport(Glibc)
  import Glibc
#endif

/// Path arithmetic for files the CLI writes references to (no Foundation needed).
enum PathResolver {
  /// `path` made absolute against the working directory and normalised lexically (`.` and
  /// `..` segments removed; symbolic links are not resolved, so a path through a link keeps
  /// the link's position).
  static func absolute(_ path: String) -> String {
    var full = path
    if !path.hasPrefix("/") {
      var buffer = [CChar](repeating: 0, count: 4096)
      if getcwd(&buffer, buffer.count) != nil {
        let cwd = String(
          decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        full = cwd + "/" + path
      }
    }
    var parts: [Substring] = []
    for part in full.split(separator: "/") {
      if part == "." || part.isEmpty { continue }
      if part == ".." {
        if !parts.isEmpty { parts.removeLast() }
      } else {
        parts.append(part)
      }
    }
    return "/" + parts.joined(separator: "/")
  }

  /// The absolute folder holding `path` (which need not exist yet).
  static func directory(of path: String) -> String {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    let folder = parts.count > 1 ? parts.dropLast().joined(separator: "/") : "."
    return absolute(folder.isEmpty ? "/" : folder)
  }

  /// The last component of a path.
  static func lastComponent(_ path: String) -> String {
    String(path.split(separator: "/").last ?? Substring(path))
  }

  /// `path` relative to the folder `base`, such as `../Datasets/x.csv`.
  static func relative(_ path: String, from base: String) -> String {
    let target = absolute(path).split(separator: "/").map(String.init)
    let origin = base.split(separator: "/").map(String.init)
    var common = 0
    while common < min(target.count, origin.count), target[common] == origin[common] {
      common += 1
    }
    let ups = Array(repeating: "..", count: origin.count - common)
    let rest = Array(target[common...])
    let joined = (ups + rest).joined(separator: "/")
    return joined.isEmpty ? "." : joined
  }
}
