package dev.switchboard.broker.intercept;

/**
 * A step of the publish path between authorization and routing, for every PUBLISH a client sends
 * (not for wills and not for {@code $SYS} messages, which the broker publishes itself): it may let
 * the message pass, change it, refuse it with a reason code, or copy it elsewhere. Quotas, stashes,
 * topic rewriting and live message streams are interceptors; HiveMQ's publish inbound interceptors
 * are the model.
 *
 * <p>Runs on the publisher's event loop, in the order the interceptors were added: it must not
 * block. Work that waits for a disk or a network (a stash written to a database, say) is queued by
 * the interceptor and done elsewhere. An interceptor that throws refuses the message (0x80
 * unspecified error); the exception is logged.
 */
@FunctionalInterface
public interface PublishInterceptor {
  /**
   * Decides what becomes of {@code publish}: {@link PublishVerdict#pass()}, {@link
   * PublishVerdict#replace}, {@link PublishVerdict#refuse}. To copy the message to other topics of
   * this broker, call {@link InboundPublish#copy}; to copy it out of the broker, hand it to your
   * own queue.
   */
  PublishVerdict onPublish(InboundPublish publish);
}
