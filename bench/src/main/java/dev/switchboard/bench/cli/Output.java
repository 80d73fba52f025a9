package dev.switchboard.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --json FILE} and {@code --quiet}. */
public final class Output {
  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  @Option(
      names = {"-q", "--quiet"},
      description = "No line a second; the summary only.")
  boolean quiet;

  /** Whether the per-second (or per-run) lines are left out. */
  public boolean quiet() {
    return quiet;
  }

  /** Writes {@code value} as JSON to {@code --json}'s file, when given. */
  public void writeJson(Object value) throws IOException {
    if (json == null) {
      return;
    }
    Path parent = json.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), value);
  }
}
