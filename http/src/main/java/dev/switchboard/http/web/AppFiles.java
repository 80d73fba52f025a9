package dev.switchboard.http.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of one browser app, read from a folder of the class path once and kept (they are a few
 * hundred kilobytes and never change while the server runs), each with its media type and an entity
 * tag; and a fingerprint of the whole folder, which the console puts in its assets' URLs so that
 * browsers may keep them for a year.
 */
final class AppFiles {
  /** A path the apps have: no {@code ..}, no hidden files, nothing but these characters. */
  private static final Pattern SAFE_PATH =
      Pattern.compile("(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "mjs", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "json", "application/json",
          "md", "text/markdown; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "txt", "text/plain; charset=utf-8");

  /** A file: its bytes, media type and entity tag. */
  record Asset(byte[] bytes, String type, String etag) {}

  private final ClassLoader loader;
  private final String folder;
  private final Map<String, Asset> assets = new ConcurrentHashMap<>(); // found ones only
  private volatile String fingerprint;

  /**
   * @param folder a class path folder ending with {@code /}, e.g. {@code dev/switchboard/web/dash/}
   */
  AppFiles(ClassLoader loader, String folder) {
    this.loader = loader;
    this.folder = folder;
  }

  /** The file at {@code path} below the folder, or empty for anything else. */
  Optional<Asset> asset(String path) {
    if (path == null || !SAFE_PATH.matcher(path).matches() || path.length() > 200) {
      return Optional.empty();
    }
    Asset known = assets.get(path);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Asset> loaded = load(path); // a miss is not kept: anyone may ask for any name
    loaded.ifPresent(a -> assets.putIfAbsent(path, a));
    return loaded;
  }

  private Optional<Asset> load(String path) {
    int dot = path.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    if (type == null) {
      return Optional.empty(); // only the kinds of file the apps are made of
    }
    try (InputStream in = loader.getResourceAsStream(folder + path)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      return Optional.of(new Asset(bytes, type, "\"" + sha256(bytes).substring(0, 24) + "\""));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + folder + path, e);
    }
  }

  /**
   * A SHA-256 over every file of the folder (names and contents), 16 hex digits: it changes
   * whenever any file does, so a URL that carries it names one version of every file.
   */
  String fingerprint() {
    String known = fingerprint;
    if (known == null) {
      StringBuilder all = new StringBuilder();
      for (String path : list()) {
        all.append(path)
            .append('\0')
            .append(asset(path).map(a -> a.etag()).orElse(""))
            .append('\n');
      }
      known = sha256(all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      known = known.substring(0, 16);
      fingerprint = known;
    }
    return known;
  }

  /** The folder's files, relative to it, sorted; from a jar or from a directory. */
  private TreeSet<String> list() {
    TreeSet<String> paths = new TreeSet<>();
    // found by its page, a file every app has: a jar need not hold entries for its folders
    URL root = loader.getResource(folder + "index.html");
    if (root == null) {
      return paths;
    }
    try {
      if (root.getProtocol().equals("jar")) {
        JarURLConnection connection = (JarURLConnection) root.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
          jar.stream()
              .filter(e -> !e.isDirectory() && e.getName().startsWith(folder))
              .forEach(e -> paths.add(e.getName().substring(folder.length())));
        }
      } else {
        Path dir = Path.of(root.toURI()).getParent();
        try (Stream<Path> files = Files.walk(dir)) {
          files
              .filter(Files::isRegularFile)
              .forEach(p -> paths.add(dir.relativize(p).toString().replace('\\', '/')));
        }
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("cannot list the browser app's files in " + root, e);
    }
    return paths;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }
}
