package dev.switchboard.http;

import dev.switchboard.broker.transport.PemFiles;
import dev.switchboard.broker.transport.SelfSignedCertificate;
import dev.switchboard.broker.transport.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener's certificate: the MQTTS listeners' own (the same PEM files, or the same
 * generated self-signed certificate), loaded into Jetty and loaded again when the files change, as
 * the MQTT side does at its {@code tls.reload-interval}. A change that cannot be used (half
 * written, a key that is not the certificate's) is logged and the loaded certificate kept.
 */
final class HttpsCertificate implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpsCertificate.class);
  private static final char[] STORE_PASSWORD = "switchboard".toCharArray();

  private final Path certificate;
  private final Path key;
  private final String keyPassword;
  private final SslContextFactory.Server factory = new SslContextFactory.Server();
  private ScheduledExecutorService reloader;
  private String stamps;

  private HttpsCertificate(Path certificate, Path key, String keyPassword) {
    this.certificate = certificate;
    this.key = key;
    this.keyPassword = keyPassword;
  }

  /**
   * The certificate {@code tls} names, making the self-signed one when it is configured and does
   * not exist yet.
   *
   * @throws IllegalArgumentException naming the file that cannot be used
   */
  static HttpsCertificate open(TlsConfig tls) {
    Path cert = tls.certificate();
    Path key = tls.key();
    if (tls.selfSigned()) {
      if (tls.generatedDirectory() == null) {
        throw new IllegalArgumentException(
            "https needs tls.certificate and tls.key, or a data directory for a self-signed one");
      }
      try {
        SelfSignedCertificate.loadOrCreate(tls.generatedDirectory());
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot make the self-signed certificate in " + tls.generatedDirectory(), e);
      }
      cert = tls.generatedDirectory().resolve(SelfSignedCertificate.CERTIFICATE_FILE);
      key = tls.generatedDirectory().resolve(SelfSignedCertificate.KEY_FILE);
    }
    HttpsCertificate c = new HttpsCertificate(cert, key, tls.keyPassword());
    c.stamps = c.stamps();
    c.factory.setKeyStore(c.load());
    c.factory.setKeyStorePassword(new String(STORE_PASSWORD));
    c.factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    long every = tls.reloadInterval().toMillis();
    if (every > 0) {
      c.reloader =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "switchboard-https-reload");
                t.setDaemon(true);
                return t;
              });
      c.reloader.scheduleWithFixedDelay(c::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }
    return c;
  }

  SslContextFactory.Server factory() {
    return factory;
  }

  /** Loads the files again if they changed; whether a new certificate is in use. */
  synchronized boolean reloadIfChanged() {
    String now = stamps();
    if (Objects.equals(now, stamps)) {
      return false;
    }
    stamps = now;
    try {
      KeyStore store = load();
      factory.reload(f -> f.setKeyStore(store));
      log.info("HTTPS certificate {} reloaded; new connections use it", certificate);
      return true;
    } catch (Exception e) {
      log.warn(
          "HTTPS certificate files changed but cannot be used, keeping the loaded ones: {}",
          e.getMessage());
      return false;
    }
  }

  private KeyStore load() {
    try {
      List<X509Certificate> chain = PemFiles.readCertificates(certificate);
      PrivateKey privateKey = PemFiles.readPrivateKey(key, keyPassword);
      if (!PemFiles.matches(privateKey, chain.get(0))) {
        throw new IllegalArgumentException(key + " is not the key of " + certificate);
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "switchboard", privateKey, STORE_PASSWORD, chain.toArray(new X509Certificate[0]));
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "https certificate " + certificate + ": " + e.getMessage(), e);
    }
  }

  private String stamps() {
    StringBuilder b = new StringBuilder();
    for (Path p : List.of(certificate, key)) {
      try {
        b.append(Files.getLastModifiedTime(p).toMillis())
            .append('/')
            .append(Files.size(p))
            .append(';');
      } catch (IOException e) {
        b.append("missing;");
      }
    }
    return b.toString();
  }

  @Override
  public synchronized void close() {
    if (reloader != null) {
      reloader.shutdownNow();
    }
  }
}
