package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The generator's own SSE reader: events split anywhere by the network or by chunks. */
class SseStreamReaderTest {
  private static final String EVENTS =
      "event: ready\ndata: {\"filter\":\"a/#\"}\n\n"
          + ": keep-alive\n\n"
          + "event: message\ndata: {\"payload\":\"17\"}\n\n"
          + "event: dropped\r\ndata: {\"dropped\":3}\r\n\r\n"
          + "event: message\ndata: {\"payload\":\"18\"}\n\n";

  private static final List<String> EXPECTED =
      List.of(
          "ready {\"filter\":\"a/#\"}",
          "message {\"payload\":\"17\"}",
          "dropped {\"dropped\":3}",
          "message {\"payload\":\"18\"}");

  @Test
  void eventsSplitAtEveryByteAreReadWhole() {
    byte[] bytes = EVENTS.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut++) {
      List<String> seen = new ArrayList<>();
      SseStreamReader.EventScanner scanner = new SseStreamReader.EventScanner(collect(seen));
      scanner.accept(bytes, 0, cut);
      scanner.accept(bytes, cut, bytes.length);
      assertThat(seen).as("cut at %d", cut).isEqualTo(EXPECTED);
    }
  }

  @Test
  void aChunkedAnswerIsReadThroughItsFraming() throws Exception {
    byte[] body = EVENTS.getBytes(StandardCharsets.UTF_8);
    StringBuilder chunked = new StringBuilder();
    for (int i = 0; i < body.length; i += 7) { // chunks that cut lines and events
      int n = Math.min(7, body.length - i);
      chunked.append(Integer.toHexString(n)).append("\r\n");
      chunked.append(new String(body, i, n, StandardCharsets.UTF_8)).append("\r\n");
    }
    chunked.append("0\r\n\r\n");
    String answer =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunked;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<String> request = serveOnce(server, answer);
      List<String> seen = new ArrayList<>();
      try (SseStreamReader reader =
          new SseStreamReader(
              URI.create("http://127.0.0.1:" + server.getLocalPort() + "/s?filter=a%2F%23"),
              "Bearer k")) {
        reader.run(collect(seen));
      }
      assertThat(seen).isEqualTo(EXPECTED);
      assertThat(request.get())
          .startsWith("GET /s?filter=a%2F%23 HTTP/1.1\r\n")
          .contains("Authorization: Bearer k\r\n");
    }
  }

  @Test
  void anAnswerWithoutChunksIsReadToItsEnd() throws Exception {
    String answer =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + EVENTS;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      serveOnce(server, answer); // head and events in one write: the first read holds both
      List<String> seen = new ArrayList<>();
      try (SseStreamReader reader =
          new SseStreamReader(
              URI.create("http://127.0.0.1:" + server.getLocalPort() + "/s"), "Bearer k")) {
        reader.run(collect(seen));
      }
      assertThat(seen).isEqualTo(EXPECTED);
    }
  }

  @Test
  void aRefusedStreamSaysItsStatus() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      serveOnce(server, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
      URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/s");
      assertThatThrownBy(() -> new SseStreamReader(uri, "Bearer x"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("401");
    }
  }

  private static SseStreamReader.Listener collect(List<String> seen) {
    return (name, nameLength, line, from, to) ->
        seen.add(
            new String(name, 0, nameLength, StandardCharsets.UTF_8)
                + " "
                + new String(line, from, to - from, StandardCharsets.UTF_8));
  }

  /** Answers one connection with {@code answer}; completes with the request's head. */
  private static CompletableFuture<String> serveOnce(ServerSocket server, String answer) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
              int c = in.read();
              if (c < 0) {
                break;
              }
              head.append((char) c);
            }
            OutputStream out = s.getOutputStream();
            out.write(answer.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return head.toString();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
