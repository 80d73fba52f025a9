package dev.switchboard.app;

import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.RegistryRepository;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.hub.registry.model.ReplacePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lab handout's accounts, {@code device_1}..{@code device_4} and {@code app_1}..{@code app_4},
 * each its own user name, with a strict client id and replace policy {@code replace} ({@link
 * #account}, as {@code hubs add --lab} makes them too). {@code switchboard lab} is one team's lab
 * on one machine, so they live in hub {@code default}: its clients log in with the plain names the
 * handout's table shows; a class server gives each team a hub of its own with {@code hubs add TEAM
 * --lab} instead. The generated passwords are kept in {@code lab-credentials} in the data directory
 * (owner-only), so that a second run reuses them. An account whose password the file does not have
 * (or whose password was changed with {@code devices passwd}) gets the file's, or a new one.
 */
final class LabAccounts {
  static final List<String> DEVICES = List.of("device_1", "device_2", "device_3", "device_4");
  static final List<String> APPS = List.of("app_1", "app_2", "app_3", "app_4");
  static final String FILE_NAME = "lab-credentials";

  private LabAccounts() {}

  /** Makes sure every account exists with the password the file has; returns name to password. */
  static Map<String, String> ensure(
      RegistryRepository registry, PasswordHasher hasher, Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    Map<String, String> kept = read(file);
    Map<String, String> out = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(DEVICES);
    all.addAll(APPS);
    long now = System.currentTimeMillis();
    for (String name : all) {
      String password = kept.get(name);
      Optional<Device> existing = registry.device(Hub.DEFAULT, name);
      if (password == null
          || existing.isEmpty()
          || existing.get().passwordHash() == null
          || !hasher.verify(
              password.getBytes(java.nio.charset.StandardCharsets.UTF_8),
              existing.get().passwordHash())) {
        password = password != null ? password : new String(DevicesCommand.generate());
        String hash = hasher.hash(password.toCharArray());
        if (existing.isPresent()) {
          registry.update(existing.get().withPasswordHash(hash));
        } else {
          registry.add(account(Hub.DEFAULT, name, hash, now));
        }
      }
      out.put(name, password);
    }
    write(file, out);
    return out;
  }

  /** One of the handout's accounts: strict client id, a second connection replaces the first. */
  static Device account(String hub, String id, String hash, long now) {
    Device d = Device.create(hub, id, id, hash, now);
    return new Device(
        d.hub(),
        d.clientId(),
        d.username(),
        d.passwordHash(),
        true,
        ReplacePolicy.REPLACE,
        true,
        false,
        List.of(),
        List.of(),
        now,
        now);
  }

  private static Map<String, String> read(Path file) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return m;
    }
    for (String line : Files.readAllLines(file)) {
      int colon = line.indexOf(':');
      if (!line.startsWith("#") && colon > 0) {
        m.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return m;
  }

  private static void write(Path file, Map<String, String> credentials) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(
        "# switchboard lab: client id:password (user name = client id); kept for the next run");
    credentials.forEach((name, password) -> lines.add(name + ":" + password));
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.write(tmp, lines);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the data directory's own permissions protect it
    }
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
