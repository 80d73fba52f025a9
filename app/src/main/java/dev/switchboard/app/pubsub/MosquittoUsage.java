package dev.switchboard.app.pubsub;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Bad usage of pub and sub answered as mosquitto's tools (2.0) answer it: one line, "Error: ...",
 * where the usage is, exit 1; a flag given twice takes the last value; a mosquitto flag this client
 * does not have is refused by name, with why, instead of "unknown".
 */
public final class MosquittoUsage {
  /** mosquitto flags this client does not have, with why; refused by name instead of "unknown". */
  private static final Map<String, String> UNSUPPORTED =
      Map.ofEntries(
          Map.entry("-A", "binding to a local address is not supported"),
          Map.entry("-S", "SRV lookups are not supported"),
          Map.entry("--unix", "unix domain sockets are not supported"),
          Map.entry("--psk", "TLS-PSK is not supported"),
          Map.entry("--psk-identity", "TLS-PSK is not supported"),
          Map.entry("--proxy", "SOCKS proxies are not supported"),
          Map.entry("--ciphers", "the TLS ciphers are the JDK's defaults"),
          Map.entry("--tls-version", "TLS 1.3 and 1.2 are offered, always"),
          Map.entry("--keyform", "keys are PEM files"),
          Map.entry("--tls-engine", "TLS engines are not supported"),
          Map.entry("--tls-engine-kpass-sha1", "TLS engines are not supported"),
          Map.entry("-U", "unsubscribing is not supported"),
          Map.entry("--unsubscribe", "unsubscribing is not supported"),
          Map.entry("--remove-retained", "removing retained messages is not supported"),
          Map.entry("--pretty", "JSON output (-F %j) is not supported"),
          Map.entry("-o", "options files are not supported"));

  private MosquittoUsage() {}

  /** Makes {@code cmd} answer bad usage as mosquitto's tools do: "Error: ...", exit 1. */
  static CommandLine forCommand(CommandLine cmd) {
    // As in mosquitto, a flag given twice takes the last value.
    cmd.setOverwrittenOptionsAllowed(true);
    cmd.setParameterExceptionHandler(MosquittoUsage::handle);
    return cmd;
  }

  /**
   * Makes the subcommands {@code names} of {@code root} answer bad usage as mosquitto's tools do;
   * the others keep the root's handler. (picocli asks the handler of the command line that runs
   * {@code execute}, the root, whichever subcommand the error is in.)
   */
  public static void forSubcommands(CommandLine root, String... names) {
    CommandLine.IParameterExceptionHandler others = root.getParameterExceptionHandler();
    Set<CommandLine> ours = new HashSet<>();
    for (String name : names) {
      CommandLine sub = root.getSubcommands().get(name);
      sub.setOverwrittenOptionsAllowed(true);
      ours.add(sub);
    }
    root.setParameterExceptionHandler(
        (ex, args) ->
            ours.contains(ex.getCommandLine())
                ? handle(ex, args)
                : others.handleParseException(ex, args));
  }

  private static int handle(ParameterException ex, String[] args) {
    String message = ex.getMessage();
    if (ex instanceof CommandLine.UnmatchedArgumentException u
        && !u.getUnmatched().isEmpty()
        && UNSUPPORTED.containsKey(u.getUnmatched().get(0))) {
      String flag = u.getUnmatched().get(0);
      message = flag + " is not supported: " + UNSUPPORTED.get(flag) + ".";
    }
    return error(ex.getCommandLine(), message);
  }

  /** One line saying what is wrong and where the usage is; exit 1. */
  static int error(CommandLine cmd, String message) {
    PrintWriter err = cmd.getErr();
    err.println("Error: " + message);
    err.println("Use '" + cmd.getCommandSpec().qualifiedName() + " --help' to see usage.");
    err.flush();
    return ExitCodes.FAILED;
  }
}
