package dev.switchboard.broker.testing;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A broker on 127.0.0.1 and a free port, for one test class or one test. */
public final class TestBroker implements AutoCloseable {
  private final Broker broker;

  private TestBroker(BrokerConfig config) {
    this(new Broker(config));
  }

  private TestBroker(Broker broker) {
    this.broker = broker;
    broker.start();
  }

  public static BrokerConfig config() {
    return BrokerConfig.defaults()
        .withBindAddress("127.0.0.1")
        .withPort(0)
        .withSysInterval(Duration.ZERO);
  }

  public static TestBroker start() {
    return new TestBroker(config());
  }

  public static TestBroker start(UnaryOperator<BrokerConfig> customize) {
    return new TestBroker(customize.apply(config()));
  }

  /** A broker that authenticates with {@code authenticator} (e.g. a slow one) and allows all. */
  public static TestBroker start(
      UnaryOperator<BrokerConfig> customize, Authenticator authenticator) {
    return new TestBroker(
        new Broker(
            customize.apply(config()),
            new InMemoryRetainedStore(),
            authenticator,
            Authorizer.ALLOW_ALL));
  }

  /** A broker with its own authenticator and authorizer. */
  public static TestBroker start(
      UnaryOperator<BrokerConfig> customize, Authenticator authenticator, Authorizer authorizer) {
    return new TestBroker(
        new Broker(
            customize.apply(config()), new InMemoryRetainedStore(), authenticator, authorizer));
  }

  public int port() {
    return broker.mqttPort();
  }

  public Broker broker() {
    return broker;
  }

  @Override
  public void close() {
    broker.close();
  }
}
