/// Entry point of the command-line program (placeholder until the CLI lands).
public enum CLI {
  /// Runs the process's arguments and returns the exit status.
  public static func main() -> Int32 { 0 }
}
