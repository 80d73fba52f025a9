package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The {@code switchboard} command line as {@link Main} wires it: the subcommands of other packages
 * keep their own behaviour once registered (pub and sub's are tested in full in {@code
 * dev.switchboard.app.pubsub.PubSubCommandTest}).
 */
class MainTest {

  @Test
  @DisplayName("through Main: pub and sub keep mosquitto's usage errors; --help lists the flags")
  void throughMain() {
    CommandLine cmd = Main.commandLine();
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    cmd.setErr(new PrintWriter(err, true));
    cmd.setOut(new PrintWriter(out, true));

    assertThat(cmd.execute("pub", "-q", "x")).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "Error: Invalid value for option '--qos': 'x' is not an int\n"
                + "Use 'switchboard pub --help' to see usage.\n");

    assertThat(cmd.execute("sub", "--help")).isZero();
    assertThat(out.toString()).contains("-W=SECONDS").contains("--retained-only").contains("-F");
  }
}
