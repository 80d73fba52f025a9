package dev.switchboard.hub.stash;

import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.intercept.InboundPublish;
import dev.switchboard.broker.intercept.PublishInterceptor;
import dev.switchboard.broker.intercept.PublishVerdict;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.LogEntry;
import dev.switchboard.broker.persist.PropertiesBlob;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.List;

/**
 * Appends every authorized PUBLISH that a stash of its hub captures to that stash: as a message log
 * entry the broker commits with the publisher's unit ({@link InboundPublish#commitWith}), so that a
 * QoS 1/2 message acknowledged with strict durability is in the stash; a QoS 0 entry is appended on
 * its own. Runs on the publisher's event loop: a lookup in a map and a filter match per stash of
 * the hub, no I/O. Never refuses or changes a message.
 */
public final class StashInterceptor implements PublishInterceptor {
  private final StashDirectory stashes;
  private final Clock clock;

  public StashInterceptor(StashDirectory stashes, Clock clock) {
    this.stashes = stashes;
    this.clock = clock;
  }

  @Override
  public PublishVerdict onPublish(InboundPublish publish) {
    Message m = publish.message();
    List<Stash> ofHub = stashes.of(m.hub());
    if (ofHub.isEmpty()) {
      return PublishVerdict.pass();
    }
    ClientIdentity who = publish.publisher();
    long now = 0;
    byte[] properties = null;
    for (int i = 0, n = ofHub.size(); i < n; i++) {
      Stash s = ofHub.get(i);
      if (!s.captures(m.topic(), who.clientId())) {
        continue;
      }
      if (now == 0) {
        now = clock.millis();
        properties = m.properties().isEmpty() ? null : PropertiesBlob.encode(m.properties());
      }
      publish.commitWith(
          new Change.AppendToLog(
              new LogEntry(
                  m.hub(),
                  s.name(),
                  now,
                  who.clientId(),
                  who.username(),
                  address(who.remoteAddress()),
                  m.topic(),
                  m.qos(),
                  m.retain(),
                  properties,
                  m.payload(),
                  new LogEntry.Limits(s.maxEntries(), s.maxBytes(), s.maxAgeSeconds() * 1000L))));
    }
    return PublishVerdict.pass();
  }

  /** {@code 10.0.0.7:51234}, without the host name lookup {@code toString} may show. */
  static String address(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      String host =
          inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return address == null ? null : address.toString();
  }

  @Override
  public String toString() {
    return "stashes";
  }
}
