package dev.switchboard.broker.transport;

import dev.switchboard.broker.transport.ListenerConfig.ClientAuth;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of the TLS listeners: the certificate, key and client CA loaded from their PEM files
 * (or the self-signed certificate), one {@link SslContext} per client-auth mode the listeners use,
 * and their reload when the files change. New connections get their handler from the contexts of
 * the moment; connections already open keep theirs.
 *
 * <p>Everything that reads files runs at start or on its own reload thread, never on an event loop.
 * Problems are IllegalArgumentExceptions whose message names the setting ({@code tls.certificate},
 * {@code tls.key}, {@code tls.client-ca}, {@code tls.provider}) and says what is wrong, in one
 * line.
 */
public final class ServerTls implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

  /** TLS 1.2 and 1.3 only: older versions have no cipher suites worth offering. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final TlsConfig config;
  private final Set<ClientAuth> modes;
  private final SslProvider provider;
  private volatile Loaded current;

  /** The files' stamps when a reload last failed: not tried again until they change. */
  private FileStamps failedStamps;

  private ScheduledExecutorService reloader;

  /** What was loaded from one state of the files. */
  private record Loaded(
      Map<ClientAuth, SslContext> contexts, ServerCertificate certificate, FileStamps stamps) {}

  /** The material read from the files. */
  private record Material(
      Path certificateFile,
      List<X509Certificate> chain,
      PrivateKey key,
      List<X509Certificate> clientCa,
      boolean selfSigned) {}

  private ServerTls(TlsConfig config, Set<ClientAuth> modes, SslProvider provider) {
    this.config = config;
    this.modes = modes.isEmpty() ? EnumSet.of(ClientAuth.NONE) : EnumSet.copyOf(modes);
    this.provider = provider;
  }

  /**
   * Loads the certificate (making the self-signed one first when none is configured and there is
   * none yet) and builds a context for each of {@code modes}.
   */
  public static ServerTls open(TlsConfig config, Collection<ClientAuth> modes) {
    config.validate();
    ServerTls tls =
        new ServerTls(
            config,
            modes.isEmpty() ? EnumSet.noneOf(ClientAuth.class) : EnumSet.copyOf(modes),
            provider(config.provider()));
    if (config.selfSigned()) {
      if (config.generatedDirectory() == null) {
        throw new IllegalArgumentException(
            "tls.certificate is not set, and there is no directory for a self-signed one");
      }
      try {
        SelfSignedCertificate.loadOrCreate(config.generatedDirectory());
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot make the self-signed certificate in "
                + config.generatedDirectory()
                + ": "
                + e.getMessage(),
            e);
      }
    }
    // stamps before reading: a change while the files are read is seen by the first check
    FileStamps stamps = FileStamps.of(tls.files());
    tls.current = tls.build(tls.read(), stamps);
    log.info("TLS listeners use {}", tls.providerDescription());
    return tls;
  }

  /**
   * Checks that the configured files can be read, that the key is the certificate's and the
   * provider is there, without building anything or making a self-signed certificate: for a
   * configuration check before start.
   */
  public static void check(TlsConfig config) {
    config.validate();
    provider(config.provider());
    ServerTls tls = new ServerTls(config, EnumSet.of(ClientAuth.NONE), SslProvider.JDK);
    if (!config.selfSigned()) {
      tls.read();
    } else if (config.clientCa() != null) {
      readCertificates(config.clientCa(), "tls.client-ca");
    }
  }

  private static SslProvider provider(TlsConfig.Provider wanted) {
    return switch (wanted) {
      case JDK -> SslProvider.JDK;
      case OPENSSL -> {
        if (!OpenSsl.isAvailable()) {
          throw new IllegalArgumentException(
              "tls.provider is openssl, but OpenSSL cannot be loaded here ("
                  + OpenSsl.unavailabilityCause()
                  + "); use auto or jdk");
        }
        yield SslProvider.OPENSSL;
      }
      case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    };
  }

  private String providerDescription() {
    return provider == SslProvider.OPENSSL
        ? "OpenSSL (" + OpenSsl.versionString() + ")"
        : config.provider() == TlsConfig.Provider.AUTO
            ? "the JDK's TLS (OpenSSL cannot be loaded here: " + OpenSsl.unavailabilityCause() + ")"
            : "the JDK's TLS";
  }

  /** A handler for a new connection on a listener with client-auth {@code mode}. */
  public SslHandler newHandler(ByteBufAllocator alloc, ClientAuth mode) {
    SslContext context = current.contexts().get(mode);
    if (context == null) {
      throw new IllegalArgumentException("no TLS context for client-auth " + mode);
    }
    SslHandler handler = context.newHandler(alloc);
    handler.setHandshakeTimeoutMillis(config.handshakeTimeout().toMillis());
    return handler;
  }

  /** The certificate new connections are served with. */
  public ServerCertificate certificate() {
    return current.certificate();
  }

  /** {@code openssl} or {@code jdk}: the implementation in use. */
  public String provider() {
    return provider == SslProvider.OPENSSL ? "openssl" : "jdk";
  }

  public TlsConfig config() {
    return config;
  }

  /** Checks the files every {@code tls.reload-interval} on a thread of its own (if not zero). */
  public synchronized void startReloading() {
    long every = config.reloadInterval().toMillis();
    if (every <= 0 || reloader != null) {
      return;
    }
    reloader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "switchboard-tls-reload");
              t.setDaemon(true);
              return t;
            });
    reloader.scheduleWithFixedDelay(
        () -> {
          try {
            reloadIfChanged();
          } catch (RuntimeException e) {
            log.warn("TLS reload check failed", e);
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Loads the files again if their modification times or sizes changed since they were loaded. A
   * new certificate that cannot be used (unreadable, half written, a key that is not its own) is
   * logged and the one loaded before is kept. Returns whether new contexts were loaded.
   */
  public synchronized boolean reloadIfChanged() {
    // stamps first: a change while the files are read is seen by the next check
    FileStamps stamps = FileStamps.of(files());
    if (stamps.equals(current.stamps()) || stamps.equals(failedStamps)) {
      return false;
    }
    try {
      Loaded loaded = build(read(), stamps);
      current = loaded;
      failedStamps = null;
      log.info(
          "TLS certificate {} reloaded (SHA-256 fingerprint {}); new connections use it",
          loaded.certificate().file(),
          loaded.certificate().sha256Fingerprint());
      return true;
    } catch (IllegalArgumentException e) {
      failedStamps = stamps;
      log.warn("TLS files changed but cannot be used, keeping the loaded ones: {}", e.getMessage());
      return false;
    }
  }

  @Override
  public synchronized void close() {
    if (reloader != null) {
      reloader.shutdownNow();
      reloader = null;
    }
  }

  // ---------------------------------------------------------------- loading

  private List<Path> files() {
    List<Path> files = new ArrayList<>(3);
    files.add(certificateFile());
    files.add(keyFile());
    if (config.clientCa() != null) {
      files.add(config.clientCa());
    }
    return files;
  }

  private Path certificateFile() {
    return config.selfSigned()
        ? config.generatedDirectory().resolve(SelfSignedCertificate.CERTIFICATE_FILE)
        : config.certificate();
  }

  private Path keyFile() {
    return config.selfSigned()
        ? config.generatedDirectory().resolve(SelfSignedCertificate.KEY_FILE)
        : config.key();
  }

  private Material read() {
    Path certFile = certificateFile();
    Path keyFile = keyFile();
    String certSetting = config.selfSigned() ? "self-signed certificate" : "tls.certificate";
    String keySetting = config.selfSigned() ? "self-signed key" : "tls.key";
    List<X509Certificate> chain = readCertificates(certFile, certSetting);
    PrivateKey key;
    try {
      key = PemFiles.readPrivateKey(keyFile, config.keyPassword());
    } catch (IOException e) {
      throw new IllegalArgumentException(keySetting + " " + keyFile + ": " + e.getMessage(), e);
    }
    if (!PemFiles.matches(key, chain.get(0))) {
      throw new IllegalArgumentException(
          keySetting + " " + keyFile + " is not the key of " + certSetting + " " + certFile);
    }
    Instant notAfter = chain.get(0).getNotAfter().toInstant();
    if (notAfter.isBefore(Instant.now())) {
      log.warn("{} {} expired on {}: clients will refuse it", certSetting, certFile, notAfter);
    }
    List<X509Certificate> clientCa =
        config.clientCa() == null
            ? List.of()
            : readCertificates(config.clientCa(), "tls.client-ca");
    return new Material(certFile, chain, key, clientCa, config.selfSigned());
  }

  private static List<X509Certificate> readCertificates(Path file, String setting) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(setting + " " + file + " is a directory, not a file");
    }
    try {
      return PemFiles.readCertificates(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(setting + " " + file + ": " + e.getMessage(), e);
    }
  }

  private Loaded build(Material m, FileStamps stamps) {
    Map<ClientAuth, SslContext> contexts = new EnumMap<>(ClientAuth.class);
    for (ClientAuth mode : modes) {
      SslContextBuilder b =
          SslContextBuilder.forServer(m.key(), m.chain())
              .sslProvider(provider)
              .protocols(PROTOCOLS)
              .clientAuth(
                  switch (mode) {
                    case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
                    case OPTIONAL -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
                    case REQUIRE -> io.netty.handler.ssl.ClientAuth.REQUIRE;
                  });
      if (mode != ClientAuth.NONE) {
        if (m.clientCa().isEmpty()) {
          throw new IllegalArgumentException(
              "client-auth "
                  + mode.name().toLowerCase(java.util.Locale.ROOT)
                  + " needs tls.client-ca");
        }
        b.trustManager(m.clientCa());
      }
      try {
        contexts.put(mode, b.build());
      } catch (SSLException | RuntimeException e) {
        throw new IllegalArgumentException(
            "tls.certificate "
                + m.certificateFile()
                + " cannot be used: "
                + (e.getMessage() == null ? e.toString() : e.getMessage()),
            e);
      }
    }
    X509Certificate leaf = m.chain().get(0);
    return new Loaded(
        contexts,
        new ServerCertificate(
            m.certificateFile(), leaf, PemFiles.sha256Fingerprint(leaf), m.selfSigned()),
        stamps);
  }

  /**
   * Modification times, sizes and file keys (inodes: a file moved into place is another file) of
   * files; a missing file has its own stamp.
   */
  private record FileStamps(List<String> stamps) {
    static FileStamps of(List<Path> files) {
      List<String> out = new ArrayList<>(files.size());
      for (Path f : files) {
        try {
          var a = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class);
          out.add(a.lastModifiedTime().toInstant() + "/" + a.size() + "/" + a.fileKey());
        } catch (IOException e) {
          out.add("missing");
        }
      }
      return new FileStamps(out);
    }
  }
}
