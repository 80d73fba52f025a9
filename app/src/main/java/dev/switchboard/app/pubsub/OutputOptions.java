package dev.switchboard.app.pubsub;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** The flags of pub and sub that say what they print (-d, --quiet) and --help. */
final class OutputOptions {
  @Option(
      names = {"-d", "--debug"},
      description = "Print what the client does (connecting, packets, events) on stderr.")
  boolean debug;

  @Option(names = "--quiet", description = "Print no runtime errors (bad usage still is).")
  boolean quiet;

  @Option(names = "--nodelay", hidden = true, description = "Accepted: Nagle is always off.")
  boolean nodelay;

  @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
  boolean help;

  /** Where the command's runtime errors and debug lines go, as these flags say. */
  Console console(PrintWriter err) {
    return new Console(err, debug, quiet);
  }
}
