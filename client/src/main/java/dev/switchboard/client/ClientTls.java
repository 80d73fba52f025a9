package dev.switchboard.client;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The TLS side of {@code broker.verification} and {@code credentials.authentication}, made once at
 * init so that a bad certificate or key is refused there.
 *
 * <p>The JDK's TLS is used, not OpenSSL: its handshake errors say what failed (an unknown
 * certification path, a name that does not match), where OpenSSL's read "General OpenSslEngine
 * problem". The broker's name is checked as HTTPS does (subject alternative names, then the common
 * name), against {@code common_name} when set, else the host; {@code skip_cert_common_name_check}
 * skips that check but not the chain's.
 */
final class ClientTls {
  private final SslContext context;
  private final boolean checkName;
  private final String expectedName;

  private ClientTls(SslContext context, boolean checkName, String expectedName) {
    this.context = context;
    this.checkName = checkName;
    this.expectedName = expectedName;
  }

  static ClientTls of(MqttClientConfig config) {
    MqttClientConfig.Verification v = config.broker().verification();
    MqttClientConfig.Authentication a = config.credentials().authentication();
    SslContextBuilder b =
        SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2");
    if (v.certificate() != null) {
      try (InputStream in = pem(v.certificate())) {
        b.trustManager(in);
      } catch (Exception e) {
        throw new MqttConfigException(
            "broker.verification.certificate is not a PEM certificate: " + reason(e));
      }
    }
    if (a.certificate() != null) {
      try (InputStream cert = pem(a.certificate());
          InputStream key = pem(a.key())) {
        b.keyManager(cert, key, a.keyPassword());
      } catch (Exception e) {
        throw new MqttConfigException(
            "credentials.authentication: the client certificate and key cannot be used: "
                + reason(e));
      }
    }
    if (!v.alpnProtos().isEmpty()) {
      b.applicationProtocolConfig(
          new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              v.alpnProtos()));
    }
    b.endpointIdentificationAlgorithm(v.skipCertCommonNameCheck() ? null : "HTTPS");
    try {
      return new ClientTls(b.build(), !v.skipCertCommonNameCheck(), v.commonName());
    } catch (Exception e) {
      throw new MqttConfigException("TLS cannot be set up: " + reason(e));
    }
  }

  /** A handler for a connection to {@code host}; SNI and the name check use the expected name. */
  SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
    String name = checkName && expectedName != null ? expectedName : host;
    return context.newHandler(alloc, name, port);
  }

  private static InputStream pem(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
