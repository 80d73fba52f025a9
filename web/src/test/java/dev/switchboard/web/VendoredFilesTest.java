package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each vendored file is the one VENDORED.md records (its SHA-256), with its licence beside it. */
@DisplayName("Vendored libraries: versions, SHA-256 and licences recorded")
class VendoredFilesTest {
  private static final String VENDOR = "dev/switchboard/web/dash/vendor/";

  private static byte[] resource(String path) throws Exception {
    try (InputStream in = VendoredFilesTest.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  @DisplayName(
      "every file in VENDORED.md's table has the SHA-256 written there, and a licence file")
  void checksumsMatch() throws Exception {
    String table = new String(resource(VENDOR + "VENDORED.md"), StandardCharsets.UTF_8);
    Matcher row =
        Pattern.compile(
                "^\\| `([^`]+)` \\|.*\\| `([0-9a-f]{64})` \\| MIT, `([^`]+)`", Pattern.MULTILINE)
            .matcher(table);
    int rows = 0;
    while (row.find()) {
      rows++;
      byte[] file = resource(VENDOR + row.group(1));
      String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
      assertThat(sha256).as(row.group(1)).isEqualTo(row.group(2));
      assertThat(resource(VENDOR + row.group(3))).as("licence of " + row.group(1)).isNotEmpty();
    }
    assertThat(rows).isEqualTo(3);
  }
}
