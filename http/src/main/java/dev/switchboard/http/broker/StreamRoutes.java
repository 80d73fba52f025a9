package dev.switchboard.http.broker;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.mqtt.topic.SharedSubscription;
import dev.switchboard.mqtt.topic.Topics;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * {@code GET /api/v1/hubs/{hub}/stream?filter=lab/%23}: Server-Sent Events of the messages
 * published in the hub that match the filter, from the moment the stream opens (no retained
 * messages). The caller's scope decides the hub (another hub's caller gets 404); any role may read.
 * Events: {@code ready} once subscribed, {@code message} for each message (the JSON of a retained
 * message's read), {@code dropped} with the number of messages this stream lost since the last
 * report and in all (a reader behind by more than {@code http.stream-buffer} messages), {@code end}
 * when the hub goes; a comment every 15 seconds keeps proxies from closing an idle stream.
 */
public final class StreamRoutes {
  /** How often an idle stream sends a comment (and checks that its hub is still there). */
  private static final long HEARTBEAT_SECONDS = 15;

  /**
   * How long a stream that has just written lets messages gather before it waits again: a stream
   * woken for every message of a busy topic costs a thread switch per message and per stream (a
   * million a second for 1,000 streams of a 1,000 msg/s topic); gathering for this long wakes it at
   * most 100 times a second, for a delay of at most this much.
   */
  private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** The messages' events, encoded once for all the streams that carry them. */
  private final StreamEvents events = new StreamEvents();

  private final Function<Message, byte[]> encoder = this::encode;

  private final LiveState live;
  private final ExistingHub hubs;
  private final Json json;
  private final int buffer;
  private final int maxStreams;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();

  public StreamRoutes(LiveState live, ExistingHub hubs, Json json, int buffer, int maxStreams) {
    this.live = live;
    this.hubs = hubs;
    this.json = json;
    this.buffer = buffer;
    this.maxStreams = maxStreams;
  }

  public List<ApiRoute> routes() {
    return List.of(ApiRoute.get("/api/v1/hubs/{hub}/stream", Access.READ, this::stream));
  }

  /** Streams open now, over all callers. */
  public int open() {
    return open.get();
  }

  private void stream(Context ctx, Caller caller) throws IOException {
    String hub = hubs.of(ctx);
    String filter = ctx.queryParam("filter");
    if (filter == null
        || !Topics.isValidFilter(filter)
        || SharedSubscription.parse(filter) != null) {
      throw Problem.invalid("filter", "give a topic filter (not a shared one) as ?filter=lab/%23");
    }
    if (open.incrementAndGet() > maxStreams && maxStreams > 0) {
      open.decrementAndGet();
      throw new Problem(
          503, "too-many-streams", null, "the server has " + maxStreams + " streams open already");
    }
    Broker broker = live.broker();
    TopicSpaces.Space space = broker.spaces().of(hub);
    StreamSubscriber subscriber =
        new StreamSubscriber(
            "$http-stream-" + ids.incrementAndGet(), hub, buffer, Thread.currentThread(), events);
    space.subscriptions().subscribe(subscriber, filter);
    try {
      ctx.status(200);
      ctx.contentType("text/event-stream");
      ctx.header("Cache-Control", "no-cache");
      ctx.header("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
      OutputStream out = ctx.res().getOutputStream();
      send(out, "ready", Map.of("filter", filter, "buffer", buffer));
      out.flush();
      pump(out, subscriber, space, hub);
    } catch (IOException e) {
      // the reader went away: the stream ends
    } finally {
      space.subscriptions().unsubscribe(subscriber, filter);
      open.decrementAndGet();
    }
  }

  private void pump(
      OutputStream out, StreamSubscriber subscriber, TopicSpaces.Space space, String hub)
      throws IOException {
    long reported = 0;
    while (true) {
      long dropped = subscriber.dropped();
      if (dropped > reported) {
        send(out, "dropped", Map.of("dropped", dropped - reported, "total", dropped));
        reported = dropped;
      }
      StreamEvents.Event m = subscriber.poll();
      if (m == null) {
        out.flush(); // once the queue is empty: many messages, one flush
        m = subscriber.next(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
        if (m != null) {
          LockSupport.parkNanos(GATHER_NANOS); // let the others that follow it gather
        }
      }
      if (m != null) {
        out.write(m.bytes(encoder));
      } else if (live.space(hub) != space) {
        send(out, "end", Map.of("reason", "the hub was removed"));
        out.flush();
        return;
      } else if (subscriber.dropped() == reported) {
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** A message's {@code message} event. */
  private byte[] encode(Message m) {
    return frame("message", MessageJson.view(m));
  }

  private void send(OutputStream out, String event, Object data) throws IOException {
    out.write(frame(event, data));
  }

  /** One event: its name and its data, JSON on one line (JSON has no raw new line). */
  private byte[] frame(String event, Object data) {
    byte[] head = ("event: " + event + "\ndata: ").getBytes(StandardCharsets.UTF_8);
    byte[] body = json.write(data);
    byte[] frame = new byte[head.length + body.length + 2];
    System.arraycopy(head, 0, frame, 0, head.length);
    System.arraycopy(body, 0, frame, head.length, body.length);
    frame[frame.length - 2] = '\n';
    frame[frame.length - 1] = '\n';
    return frame;
  }
}
