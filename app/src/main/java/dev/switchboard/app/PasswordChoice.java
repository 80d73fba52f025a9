package dev.switchboard.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

/** {@code --password P} (or {@code -} to read it from standard input) or {@code --generate}. */
final class PasswordChoice {
  @Option(
      names = "--password",
      paramLabel = "P",
      description = "The password; '-' reads it from standard input (keeps it out of ps).")
  String password;

  @Option(names = "--generate", description = "Generate a random password and print it once.")
  boolean generate;

  /** The password chosen, and whether it must be shown (a generated one). */
  char[] resolve(PrintWriter out) throws IOException {
    if (generate) {
      char[] generated = RegistryAction.generatePassword();
      out.println("password: " + new String(generated) + "   (shown once: keep it now)");
      return generated;
    }
    if ("-".equals(password)) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null || line.isEmpty()) {
        throw new IllegalArgumentException("no password on standard input");
      }
      return line.toCharArray();
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException("a password cannot be empty");
    }
    return password.toCharArray();
  }
}
