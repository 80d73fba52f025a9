package dev.switchboard.broker.intercept;

import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.mqtt.LogSafe;
import dev.switchboard.mqtt.ReasonCode;
import dev.switchboard.mqtt.topic.Topics;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chain of {@link PublishInterceptor}s, in the order they were added. Interceptors may be added
 * and removed while the broker runs; a PUBLISH already on its way sees the chain as it was when it
 * started. With no interceptor the publish path does not touch it beyond {@link #isEmpty()}.
 */
public final class PublishInterceptors {
  private static final Logger log = LoggerFactory.getLogger(PublishInterceptors.class);

  private final CopyOnWriteArrayList<PublishInterceptor> chain = new CopyOnWriteArrayList<>();

  /**
   * What became of a PUBLISH: the message to route (null when refused), the copies, and the changes
   * to store with it ({@link InboundPublish#commitWith}).
   */
  public record Outcome(
      Message message, PublishVerdict.Refuse refusal, List<Message> copies, List<Change> changes) {
    public boolean refused() {
      return refusal != null;
    }
  }

  public void add(PublishInterceptor interceptor) {
    chain.add(interceptor);
  }

  public boolean remove(PublishInterceptor interceptor) {
    return chain.remove(interceptor);
  }

  public boolean isEmpty() {
    return chain.isEmpty();
  }

  /**
   * Runs the chain over {@code message}, published by {@code publisher}. The first refusal ends it
   * (copies made before it are dropped too: nothing of a refused PUBLISH is routed). A replacement
   * with an invalid topic name, or a QoS above the published one, is a fault of the interceptor and
   * refuses the message with 0x83.
   */
  public Outcome run(ClientIdentity publisher, Message message) {
    InboundPublish publish = new InboundPublish(publisher, message);
    for (PublishInterceptor interceptor : chain) {
      PublishVerdict verdict;
      try {
        verdict = interceptor.onPublish(publish);
      } catch (RuntimeException e) {
        log.warn(
            "publish interceptor {} failed on a message to '{}'; refusing it",
            interceptor,
            LogSafe.text(publish.message().topic()),
            e);
        return refused(ReasonCode.UNSPECIFIED_ERROR, "refused by the server");
      }
      switch (verdict) {
        case PublishVerdict.Pass p -> {}
        case PublishVerdict.Refuse r -> {
          return new Outcome(null, r, List.of(), List.of());
        }
        case PublishVerdict.Replace r -> {
          Message m = r.message();
          if (!Topics.isValidName(m.topic()) || m.qos() > message.qos() || m.qos() < 0) {
            log.warn(
                "publish interceptor {} replaced a message to '{}' with an invalid one (topic"
                    + " '{}', QoS {}); refusing it",
                interceptor,
                LogSafe.text(message.topic()),
                LogSafe.text(m.topic()),
                m.qos());
            return refused(ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, "refused by the server");
          }
          publish.replace(m.inHub(message.hub())); // an interceptor cannot move it to another hub
        }
      }
    }
    return new Outcome(publish.message(), null, publish.copies(), publish.changes());
  }

  private static Outcome refused(int code, String why) {
    return new Outcome(null, new PublishVerdict.Refuse(code, why), List.of(), List.of());
  }
}
