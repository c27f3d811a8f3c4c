#if canImport(Glibc)
  import Glibc
#endif

/// Refuses a command whose output would overwrite one of its inputs, before anything is
/// read or written.
///
/// Paths are compared as files, not as strings: two paths are the same file when `stat(2)`
/// (which follows symbolic links) gives the same device and inode, so `-o ./diary.csv`, a
/// symbolic link to the diary and a hard link to it are all caught. An output that does not
/// exist yet cannot be an input. Devices (`/dev/null`, `/dev/stdout`) are never refused:
/// writing to them replaces nothing. Two file outputs naming the same file are refused too,
/// since the second write would replace the first.
enum PathGuard {
  /// The identity of an existing file.
  struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64
  }

  /// The identity of the regular file at `path`, or `nil` when it does not exist, is `-`,
  /// or is not a regular file.
  static func identity(of path: String) -> FileIdentity? {
    guard path != "-" else { return nil }
    var status = stat()
    guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
    return FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
  }

  /// Whether `path` exists and is not a regular file or a directory (a device, a pipe, a
  /// socket), so several outputs may share it.
  static func isSpecialFile(_ path: String) -> Bool {
    var status = stat()
    guard stat(path, &status) == 0 else { return false }
    let type = status.st_mode & S_IFMT
    return type != S_IFREG && type != S_IFDIR
  }

  /// Checks the parsed paths of `spec`.
  /// - Throws: ``CLIError/usage(_:command:)`` naming both options when an output is an input
  ///   or two outputs are one file.
  static func check(_ parsed: ParsedArguments, spec: CommandSpec) throws(CLIError) {
    var inputs: [(label: String, path: String)] = []
    var outputs: [(label: String, path: String)] = []
    for argument in spec.arguments {
      guard let role = argument.pathRole else { continue }
      for path in parsed.variadicArguments(argument.name) {
        let entry = (label: "<\(argument.name)>", path: path)
        if role == .input { inputs.append(entry) } else { outputs.append(entry) }
      }
    }
    for option in spec.options {
      guard let role = option.pathRole else { continue }
      for path in parsed.allValues(option.name) {
        let entry = (label: "--\(option.name)", path: path)
        if role == .input { inputs.append(entry) } else { outputs.append(entry) }
      }
    }
    let inputIdentities = inputs.map { (entry: $0, identity: identity(of: $0.path)) }
    // Outputs that do not exist yet are told apart by their absolute path.
    var seenOutputs: [(label: String, path: String, identity: FileIdentity?, absolute: String)] =
      []
    for output in outputs where output.path != "-" {
      let id = identity(of: output.path)
      if let id, let input = inputIdentities.first(where: { $0.identity == id }) {
        throw .usage(
          "\(output.label) '\(output.path)' is the input \(input.entry.label) "
            + "'\(input.entry.path)': refusing to overwrite an input; write to another file.",
          command: spec.name)
      }
      let absolute = PathResolver.absolute(output.path)
      let isDevice = id == nil && isSpecialFile(output.path)
      if !isDevice,
        let earlier = seenOutputs.first(where: {
          (id != nil && $0.identity == id) || $0.absolute == absolute
        })
      {
        throw .usage(
          "\(output.label) '\(output.path)' and \(earlier.label) '\(earlier.path)' are the same "
            + "file; give each output its own path.", command: spec.name)
      }
      seenOutputs.append((output.label, output.path, id, absolute))
    }
  }
}
