package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.model.Cidr;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.ReplacePolicy;
import dev.switchboard.hub.registry.model.RuleAction;
import dev.switchboard.hub.registry.model.RuleOperation;
import dev.switchboard.mqtt.packet.Subscription;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.registry.RegistryStore;
import dev.switchboard.store.testing.PostgresServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code switchboard devices ...}: what it stores, what it prints, its one-line errors. */
class DevicesCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data-dir");
    all.add(dir.resolve("data").toString());
    return runPlain(all.toArray(String[]::new));
  }

  private static Run runPlain(String... args) {
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private RegistryStore registry() {
    return RegistryStore.open(StoreConfig.sqlite(dir.resolve("data").resolve("switchboard.db")));
  }

  private static void assertOneLineError(Run r, int code, String contains) {
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("switchboard: ").contains(contains).doesNotContain("\tat ");
  }

  @Test
  @DisplayName(
      "add stores a device with its flags and a hash of its password, never the password itself")
  void addStoresAHash() {
    Run r =
        run(
            "devices",
            "add",
            "esp32-1",
            "--username",
            "lab-esp",
            "--password",
            "s3cret-pass",
            "--strict-client-id",
            "--replace-policy",
            "reject",
            "--frozen",
            "--subscribe",
            "cmd/esp32-1:1",
            "--subscribe",
            "broadcast/#",
            "--allow-from",
            "10.0.0.0/8",
            "--allow-from",
            "2001:db8::/32");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("added device 'esp32-1'").doesNotContain("s3cret-pass");
    try (RegistryStore reg = registry()) {
      Device d = reg.device(Hub.DEFAULT, "esp32-1").orElseThrow();
      assertThat(d.username()).isEqualTo("lab-esp");
      assertThat(d.passwordHash()).startsWith("$argon2id$").doesNotContain("s3cret-pass");
      assertThat(new PasswordHasher().verify("s3cret-pass".toCharArray(), d.passwordHash()))
          .isTrue();
      assertThat(d.strictClientId()).isTrue();
      assertThat(d.replacePolicy()).isEqualTo(ReplacePolicy.REJECT);
      assertThat(d.subscriptionsFrozen()).isTrue();
      assertThat(d.subscriptions())
          .containsExactly(new Subscription("cmd/esp32-1", 1), new Subscription("broadcast/#", 0));
      assertThat(d.allowedSources())
          .containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32"));
      assertThat(d.enabled()).isTrue();
    }
  }

  @Test
  @DisplayName(
      "--generate prints a password once, which verifies; --password - reads it from standard"
          + " input")
  void generatedAndStdinPasswords() {
    Run r = run("devices", "add", "gen", "--generate");
    assertThat(r.code()).isZero();
    Matcher m = Pattern.compile("password: (\\S+)").matcher(r.out());
    assertThat(m.find()).isTrue();
    String generated = m.group(1);
    assertThat(generated).hasSize(24);

    InputStream before = System.in;
    System.setIn(new ByteArrayInputStream("from-stdin\n".getBytes(StandardCharsets.UTF_8)));
    try {
      assertThat(run("devices", "passwd", "gen", "--password", "-").code()).isZero();
    } finally {
      System.setIn(before);
    }
    try (RegistryStore reg = registry()) {
      String hash = reg.device(Hub.DEFAULT, "gen").orElseThrow().passwordHash();
      PasswordHasher hasher = new PasswordHasher();
      assertThat(hasher.verify("from-stdin".toCharArray(), hash)).isTrue();
      assertThat(hasher.verify(generated.toCharArray(), hash)).isFalse();
    }
  }

  @Test
  @DisplayName("list, show, set, disable, enable, remove: each does what it says")
  void lifecycle() {
    assertThat(run("devices", "list").out()).contains("no devices");
    assertThat(run("devices", "add", "a1", "--password", "pw-a1").code()).isZero();
    assertThat(run("devices", "add", "b2").code()).isZero();

    String list = run("devices", "list").out();
    assertThat(list).contains("a1").contains("b2").contains("no-password");

    Run show = run("devices", "show", "a1");
    assertThat(show.out()).contains("password:         set (argon2id)").doesNotContain("pw-a1");

    assertThat(
            run("devices", "set", "a1", "--username", "alpha", "--frozen", "--subscribe", "t/1:2")
                .code())
        .isZero();
    assertThat(run("devices", "disable", "a1").code()).isZero();
    try (RegistryStore reg = registry()) {
      Device a1 = reg.device(Hub.DEFAULT, "a1").orElseThrow();
      assertThat(a1.username()).isEqualTo("alpha");
      assertThat(a1.subscriptionsFrozen()).isTrue();
      assertThat(a1.subscriptions()).containsExactly(new Subscription("t/1", 2));
      assertThat(a1.enabled()).isFalse();
      assertThat(a1.passwordHash()).as("set keeps the password").isNotNull();
    }
    assertThat(run("devices", "list").out()).contains("disabled");
    assertThat(run("devices", "enable", "a1").code()).isZero();
    assertThat(run("devices", "set", "a1", "--frozen=false").code()).isZero();
    try (RegistryStore reg = registry()) {
      assertThat(reg.device(Hub.DEFAULT, "a1").orElseThrow().enabled()).isTrue();
      assertThat(reg.device(Hub.DEFAULT, "a1").orElseThrow().subscriptionsFrozen()).isFalse();
    }
    assertThat(run("devices", "remove", "a1").code()).isZero();
    try (RegistryStore reg = registry()) {
      assertThat(reg.device(Hub.DEFAULT, "a1")).isEmpty();
      assertThat(reg.device(Hub.DEFAULT, "b2")).isPresent();
    }
  }

  @Test
  @DisplayName("rules add, list and remove, per device and global, in priority order")
  void rules() {
    run("devices", "add", "esp");
    Run added =
        run(
            "devices",
            "rules",
            "add",
            "--device",
            "esp",
            "--action",
            "allow",
            "--operation",
            "publish",
            "--filter",
            "lab/%c/#",
            "--priority",
            "10",
            "--label",
            "own subtree");
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(
            run(
                    "devices",
                    "rules",
                    "add",
                    "--global",
                    "--action",
                    "deny",
                    "--filter",
                    "#",
                    "--priority",
                    "1000")
                .code())
        .isZero();
    String all = run("devices", "rules", "list").out();
    assertThat(all.indexOf("lab/%c/#")).isLessThan(all.indexOf("deny all #"));
    assertThat(run("devices", "rules", "list", "--global").out())
        .contains("(global)")
        .doesNotContain("lab/%c/#");
    assertThat(run("devices", "show", "esp").out()).contains("lab/%c/#").contains("own subtree");
    try (RegistryStore reg = registry()) {
      var rule = reg.rules(Hub.DEFAULT, "esp").get(0);
      assertThat(rule.action()).isEqualTo(RuleAction.ALLOW);
      assertThat(rule.operation()).isEqualTo(RuleOperation.PUBLISH);
      assertThat(run("devices", "rules", "remove", Long.toString(rule.id())).code()).isZero();
      assertThat(reg.rules(Hub.DEFAULT, "esp")).isEmpty();
    }
  }

  @Test
  @DisplayName(
      "bad input: one line each, exit 2 for a bad value, 1 for what the registry refuses, and"
          + " nothing stored")
  void badInput() {
    assertOneLineError(run("devices", "add", "x", "--allow-from", "10.0.0.0/33"), 2, "prefix");
    assertOneLineError(run("devices", "add", "x", "--frozen", "--subscribe", "a/#/b"), 2, "a/#/b");
    assertOneLineError(run("devices", "add", "x", "--replace-policy", "maybe"), 2, "maybe");
    assertOneLineError(run("devices", "add", "x", "--password", ""), 2, "empty");
    assertOneLineError(
        run("devices", "rules", "add", "--global", "--action", "perhaps", "--filter", "#"),
        2,
        "perhaps");
    assertOneLineError(
        run("devices", "rules", "add", "--global", "--action", "allow", "--filter", "a/#/b"),
        2,
        "a/#/b");
    assertThat(run("devices", "list").out()).contains("no devices");

    assertThat(run("devices", "add", "x").code()).isZero();
    assertOneLineError(run("devices", "add", "x"), 1, "x");
    assertOneLineError(run("devices", "add", "y", "--username", "x"), 1, "taken");
    assertOneLineError(run("devices", "show", "nope"), 1, "no device 'nope'");
    assertOneLineError(run("devices", "remove", "nope"), 1, "nope");
    assertOneLineError(run("devices", "rules", "remove", "99"), 1, "99");
    assertOneLineError(
        run("devices", "rules", "add", "--device", "ghost", "--action", "allow", "--filter", "#"),
        1,
        "ghost");
    Run usage = run("devices", "passwd", "x");
    assertThat(usage.code()).isEqualTo(2);
  }

  @Test
  @DisplayName("the registry on PostgreSQL, as the configuration names it")
  void onPostgresql() throws Exception {
    try (PostgresServer pg = PostgresServer.startOrSkip()) {
      String url = pg.newDatabase();
      Path conf = dir.resolve("pg.conf");
      Files.writeString(
          conf,
          "switchboard.store { type = postgresql, postgresql { url = \""
              + url
              + "\", user = \""
              + pg.user()
              + "\", password = \""
              + pg.password()
              + "\" } }\n");
      assertThat(
              runPlain("devices", "add", "pg-dev", "--password", "pw", "--config", conf.toString())
                  .code())
          .isZero();
      assertThat(runPlain("devices", "list", "--config", conf.toString()).out()).contains("pg-dev");
      try (RegistryStore reg =
          RegistryStore.open(StoreConfig.postgresql(url, pg.user(), pg.password(), 1))) {
        assertThat(reg.device(Hub.DEFAULT, "pg-dev")).isPresent();
      }
      assertThat(Files.exists(dir.resolve("data").resolve("registry.db"))).isFalse();
    }
  }
}
