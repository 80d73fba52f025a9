package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.AdminRole;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.HubLimits;
import dev.switchboard.hub.registry.model.HubStatus;
import dev.switchboard.hub.registry.model.ReplacePolicy;
import dev.switchboard.store.StoreConfig;
import dev.switchboard.store.registry.RegistryStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code switchboard hubs ...}, {@code switchboard admins ...} and {@code devices --hub}: what they
 * store, what they print, and their one-line refusals that change nothing.
 */
class HubsCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data-dir");
    all.add(dir.resolve("data").toString());
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private RegistryStore registry() {
    return RegistryStore.open(StoreConfig.sqlite(dir.resolve("data").resolve("switchboard.db")));
  }

  private long version() {
    try (RegistryStore r = registry()) {
      return r.version();
    }
  }

  private static void assertOneLineError(Run r, int code, String message) {
    assertThat(r.code()).as(r.err()).isEqualTo(code);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err().strip()).isEqualTo("switchboard: " + message);
  }

  @Test
  @DisplayName("add, set, disable, enable and show a hub, with its limits")
  void aHubsLife() {
    Run added = run("hubs", "add", "team3", "--display-name", "Team 3", "--max-connections", "8");
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.out()).isEqualTo("added hub 'team3'\n");
    assertThat(run("hubs", "set", "team3", "--max-retained", "100").code()).isZero();
    assertThat(run("hubs", "disable", "team3").out()).isEqualTo("hub 'team3' disabled\n");
    try (RegistryStore r = registry()) {
      Hub h = r.hub("team3").orElseThrow();
      assertThat(h.displayName()).isEqualTo("Team 3");
      assertThat(h.status()).isEqualTo(HubStatus.DISABLED);
      assertThat(h.limits()).isEqualTo(new HubLimits(0, 8, 0, 100, 0));
    }
    assertThat(run("hubs", "enable", "team3").code()).isZero();

    Run list = run("hubs", "list");
    assertThat(list.out()).contains("default").contains("team3").contains("Team 3");
    Run show = run("hubs", "show", "team3");
    assertThat(show.out())
        .contains("status:           active")
        .contains("max connections:  8")
        .contains("max devices:      no limit");
  }

  @Test
  @DisplayName(
      "bad input is one line and changes nothing: exit 2 for a bad name or value, 1 for a"
          + " refusal")
  void badInput() {
    run("hubs", "add", "team3");
    long before = version();

    assertOneLineError(
        run("hubs", "add", "Team_3"), 2, "'Team_3' is not a hub name: 1 to 32 of a-z, 0-9 and '-'");
    assertOneLineError(
        run("hubs", "add", "team4", "--max-devices", "-1"),
        2,
        "the devices limit must be 0 (none) or more, not -1");
    assertOneLineError(run("hubs", "add", "team3"), 1, "hub 'team3' exists already");
    assertOneLineError(
        run("devices", "list", "--hub", "Bad!"),
        2,
        "'Bad!' is not a hub name: 1 to 32 of a-z, 0-9 and '-'");
    assertOneLineError(run("hubs", "show", "ghost"), 1, "no hub 'ghost'");
    assertOneLineError(
        run("devices", "add", "d1", "--hub", "ghost", "--generate"),
        1,
        "hub 'ghost' does not exist");
    assertOneLineError(
        run("hubs", "remove", "default"),
        1,
        "hub 'default' cannot be removed: it is where every device without a hub is");
    assertThat(version()).isEqualTo(before);
  }

  @Test
  @DisplayName(
      "remove refuses a hub with devices and says what it would delete; --force deletes them")
  void removeNeedsForceWithDevices() {
    run("hubs", "add", "team3");
    run("devices", "add", "d1", "--hub", "team3", "--generate");
    run("devices", "add", "d1", "--generate");
    long before = version();

    assertOneLineError(
        run("hubs", "remove", "team3"),
        1,
        "hub 'team3' has 1 devices, 0 rules and 0 administrators; 'hubs remove team3 --force'"
            + " deletes them");
    assertThat(version()).isEqualTo(before);

    Run forced = run("hubs", "remove", "team3", "--force");
    assertThat(forced.out())
        .isEqualTo(
            "hub 'team3' removed with its 1 devices, 0 rules and 0 administrators; the server"
                + " discards its sessions and retained messages\n");
    try (RegistryStore r = registry()) {
      assertThat(r.hub("team3")).isEmpty();
      assertThat(r.devices()).extracting(Device::hub).containsExactly(Hub.DEFAULT);
    }
  }

  @Test
  @DisplayName(
      "--lab makes device_1..4 and app_1..4 with generated passwords, strict client ids and"
          + " replace, and prints the table once")
  void labHub() {
    Run r = run("hubs", "add", "team3", "--lab");

    assertThat(r.code()).as(r.err()).isZero();
    List<String> rows =
        r.out().lines().filter(l -> l.startsWith("device_") || l.startsWith("app_")).toList();
    assertThat(rows).hasSize(8);
    String[] first = rows.get(0).trim().split("\\s+");
    assertThat(first[0]).isEqualTo("device_1");
    assertThat(first[1]).isEqualTo("device_1");
    try (RegistryStore reg = registry()) {
      List<Device> devices = reg.devices("team3");
      assertThat(devices)
          .extracting(Device::clientId)
          .containsExactly(
              "app_1", "app_2", "app_3", "app_4", "device_1", "device_2", "device_3", "device_4");
      assertThat(devices).allMatch(Device::strictClientId);
      assertThat(devices).allMatch(d -> d.replacePolicy() == ReplacePolicy.REPLACE);
      Device d1 = reg.device("team3", "device_1").orElseThrow();
      assertThat(new PasswordHasher().verify(first[2].toCharArray(), d1.passwordHash())).isTrue();
      assertThat(r.out()).doesNotContain(d1.passwordHash());
    }
    assertThat(run("devices", "list", "--hub", "team3").out()).contains("device_4");
    assertThat(run("devices", "list").out()).doesNotContain("device_4");
  }

  @Test
  @DisplayName(
      "admins: server-wide and per hub, hashed passwords, never without a server administrator")
  void administrators() {
    run("hubs", "add", "team3");
    assertThat(run("admins", "list").out()).contains("no administrator yet");

    Run root = run("admins", "add", "root", "--password", "root-secret");
    assertThat(root.code()).as(root.err()).isZero();
    assertThat(root.out()).isEqualTo("added owner 'root' (server administrator)\n");
    Run lead = run("admins", "add", "lead", "--hub", "team3", "--role", "viewer", "--generate");
    assertThat(lead.out()).contains("password: ").contains("administrator of hub 'team3'");
    try (RegistryStore r = registry()) {
      Admin a = r.admin("root").orElseThrow();
      assertThat(a.role()).isEqualTo(AdminRole.OWNER);
      assertThat(a.passwordHash()).startsWith("$argon2id$").doesNotContain("root-secret");
      assertThat(r.admin("lead").orElseThrow().hub()).isEqualTo("team3");
    }
    assertThat(run("admins", "list", "--hub", "team3").out())
        .contains("lead")
        .doesNotContain("root");

    long before = version();
    assertOneLineError(
        run("admins", "remove", "root"),
        1,
        "'root' is the last server administrator; add another one first");
    assertOneLineError(
        run("admins", "add", "x", "--hub", "ghost", "--generate"), 1, "no hub 'ghost'");
    assertOneLineError(
        run("admins", "add", "x", "--role", "boss", "--generate"),
        2,
        "'boss' is not one of owner, admin, viewer");
    assertOneLineError(
        run("admins", "add", "root", "--generate"), 1, "administrator 'root' exists already");
    assertThat(version()).isEqualTo(before);

    assertThat(run("admins", "passwd", "lead", "--password", "new-one").code()).isZero();
    assertThat(run("admins", "remove", "lead").out()).isEqualTo("administrator 'lead' removed\n");
  }
}
