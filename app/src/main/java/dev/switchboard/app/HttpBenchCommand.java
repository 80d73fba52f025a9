package dev.switchboard.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard bench http}: N live message streams ({@code GET .../stream}) on a running
 * server, fed by REST publishes at a rate ({@code POST .../publish}, or by another generator with
 * {@code --rate 0}); counts what every stream got and what the server reported dropped, and the
 * latency from the publish request to the event read. The REST publish's own throughput is measured
 * with {@code wrk} (see docs/http-api.md).
 */
@Command(
    name = "http",
    mixinStandardHelpOptions = true,
    description =
        "Open N Server-Sent Events streams on a running server, publish to them over REST at a"
            + " rate, and count what each stream received and what was reported dropped.")
final class HttpBenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", description = "The server (default http://127.0.0.1:8080).")
  String url = "http://127.0.0.1:8080";

  @Option(
      names = "--token",
      description = "An API key (id.secret) with the admin role; default $SB_TOKEN.")
  String token = System.getenv("SB_TOKEN");

  @Option(names = "--hub", description = "The hub (default: default).")
  String hub = "default";

  @Option(names = "--streams", description = "Streams to open (default 100).")
  int streams = 100;

  @Option(names = "--topic", description = "The topic published and streamed (default bench/sse).")
  String topic = "bench/sse";

  @Option(
      names = "--rate",
      description = "REST publishes per second; 0 publishes nothing (default 1000).")
  int rate = 1000;

  @Option(names = "--size", description = "Payload bytes, at least 20 (default 64).")
  int size = 64;

  @Option(
      names = {"-d", "--duration"},
      description = "Seconds of publishing (default 30).")
  int duration = 30;

  /** What the streams and the publisher counted. */
  private final LongAdder received = new LongAdder();

  private final AtomicLong droppedReported = new AtomicLong();
  private final LongAdder published = new LongAdder();
  private final LongAdder publishErrors = new LongAdder();
  private final LongAdder publishing = new LongAdder();
  private final LongAdder opened = new LongAdder();
  private final ConcurrentHistogram latency = new ConcurrentHistogram(3);

  /** The event names and JSON keys the streams' events are read by. */
  private static final byte[] READY = "ready".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DROPPED = "dropped".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PAYLOAD_KEY = "\"payload\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DROPPED_KEY = "\"dropped\":".getBytes(StandardCharsets.US_ASCII);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (token == null || token.isBlank()) {
      return Main.fail(err, "give an API key with --token or $SB_TOKEN", Main.EXIT_CONFIG);
    }
    if (streams < 0 || rate < 0 || size < 20 || duration < 1) {
      return Main.fail(
          err, "--streams and --rate at least 0, --size at least 20, --duration at least 1", 2);
    }
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    String base = url.replaceAll("/+$", "") + "/api/v1/hubs/" + hub;
    List<SseStreamReader> readers = new ArrayList<>();
    URI streamUri =
        URI.create(base + "/stream?filter=" + URLEncoder.encode(topic, StandardCharsets.UTF_8));
    for (int i = 0; i < streams; i++) {
      SseStreamReader reader;
      try {
        reader = new SseStreamReader(streamUri, "Bearer " + token);
      } catch (IOException e) {
        readers.forEach(HttpBenchCommand::closeQuietly);
        return Main.fail(err, "stream " + i + ": " + e.getMessage(), 1);
      }
      readers.add(reader);
      Thread.ofVirtual().start(() -> read(reader));
    }
    awaitOpen(out);
    long start = System.nanoTime();
    Thread publisher = Thread.ofVirtual().start(() -> publish(client, base, start));
    long lastReceived = 0;
    long lastPublished = 0;
    for (int s = 1; s <= duration; s++) {
      LockSupport.parkNanos(start + TimeUnit.SECONDS.toNanos(s) - System.nanoTime());
      long r = received.sum();
      long p = published.sum();
      out.printf(
          "%3ds published %d/s, received %d/s, dropped %d in all, publish errors %d%n",
          s, p - lastPublished, r - lastReceived, droppedReported.get(), publishErrors.sum());
      out.flush();
      lastReceived = r;
      lastPublished = p;
    }
    publisher.interrupt();
    publisher.join();
    // the publishes still answering, then a few seconds for the streams to catch up
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (publishing.sum() > 0 && System.nanoTime() < waitUntil) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    long sent = published.sum();
    long expected = sent * streams;
    waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (received.sum() + droppedReported.get() < expected && System.nanoTime() < waitUntil) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    readers.forEach(HttpBenchCommand::closeQuietly);
    long got = received.sum();
    long dropped = droppedReported.get();
    out.printf(
        "streams %d, published %d (%d errors), expected deliveries %d, received %d, reported"
            + " dropped %d, unaccounted %d%n",
        streams,
        sent,
        publishErrors.sum(),
        expected,
        got,
        dropped,
        Math.max(0, expected - got - dropped));
    if (latency.getTotalCount() > 0) {
      out.printf(
          "latency publish request -> event read: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          latency.getValueAtPercentile(50) / 1e6,
          latency.getValueAtPercentile(99) / 1e6,
          latency.getMaxValue() / 1e6);
    }
    out.flush();
    return 0;
  }

  private void awaitOpen(PrintWriter out) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (opened.sum() < streams && System.nanoTime() < until) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    out.printf("%d streams open on %s%n", opened.sum(), topic);
    out.flush();
  }

  /** One stream: counts its messages and the server's drop reports. */
  private void read(SseStreamReader reader) {
    try {
      reader.run(this::event);
    } catch (IOException e) {
      // closed at the end
    }
  }

  private void event(byte[] name, int nameLength, byte[] line, int from, int to) {
    if (is(name, nameLength, MESSAGE)) {
      received.increment();
      long sent = number(line, from, to, PAYLOAD_KEY);
      if (sent > 0) {
        latency.recordValue(Math.max(0, System.nanoTime() - sent));
      }
    } else if (is(name, nameLength, READY)) {
      opened.increment();
    } else if (is(name, nameLength, DROPPED)) {
      droppedReported.addAndGet(number(line, from, to, DROPPED_KEY));
    }
  }

  private static boolean is(byte[] name, int length, byte[] expected) {
    return Arrays.equals(name, 0, length, expected, 0, expected.length);
  }

  /** The digits after {@code key} in {@code line[from..to)}; 0 when there are none. */
  static long number(byte[] line, int from, int to, byte[] key) {
    int i = indexOf(line, from, to, key);
    if (i < 0) {
      return 0;
    }
    long n = 0;
    for (int j = i + key.length; j < to; j++) {
      byte c = line[j];
      if (c < '0' || c > '9') {
        break;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static int indexOf(byte[] line, int from, int to, byte[] key) {
    outer:
    for (int i = from; i <= to - key.length; i++) {
      for (int k = 0; k < key.length; k++) {
        if (line[i + k] != key[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Publishes at the rate until interrupted; the payload starts with the send time. */
  private void publish(HttpClient client, String base, long start) {
    if (rate == 0) {
      return;
    }
    URI uri = URI.create(base + "/publish");
    String pad = "x".repeat(size - 19);
    long period = TimeUnit.SECONDS.toNanos(1) / rate;
    for (long i = 0; !Thread.currentThread().isInterrupted(); i++) {
      long due = start + i * period;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
      String payload = String.format("%019d", System.nanoTime()) + pad;
      String body = "{\"topic\":\"" + topic + "\",\"payload\":\"" + payload + "\",\"qos\":0}";
      publishing.increment();
      client
          .sendAsync(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (r, e) -> {
                if (e == null && r.statusCode() == 200) {
                  published.increment();
                } else {
                  publishErrors.increment();
                }
                publishing.decrement(); // after the count: the summary waits for this
              });
    }
  }

  private static void closeQuietly(SseStreamReader in) {
    try {
      in.close();
    } catch (IOException e) {
      // going anyway
    }
  }
}
