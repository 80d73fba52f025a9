package dev.switchboard.bench.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h}/{@code --help} alone, for the commands whose {@code -V} is the protocol version
 * (picocli's standard help options would take {@code -V} for the version of the program).
 */
public final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;
}
