package dev.switchboard.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import javax.net.ssl.SSLSocketFactory;

/**
 * One Server-Sent Events stream read straight off a socket, for the generator of {@code bench
 * http}: a thousand streams of a busy topic are a million events a second, which the JDK's HTTP
 * client (one selector thread, a reactive pipeline and a decoded {@code String} a line) could not
 * read on the cores it shares with the server under test. This reads the bytes of an HTTP/1.1
 * response (chunked or not) and hands each event's name and data line to a {@link Listener} without
 * making a string of it.
 */
final class SseStreamReader implements AutoCloseable {
  /** What a stream's events are given to; called on the reading thread. */
  interface Listener {
    /**
     * One event's data line: the event's name is {@code name[0..nameLength)}, its data {@code
     * line[dataStart..dataEnd)}; both arrays are reused after the call.
     */
    void event(byte[] name, int nameLength, byte[] line, int dataStart, int dataEnd);
  }

  private final Socket socket;
  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private boolean chunked;

  /**
   * Opens {@code uri} (http or https) with {@code authorization} as its Authorization header and
   * reads the answer's head.
   *
   * @throws IOException when the connection fails or the answer is not 200 (its status line in the
   *     message)
   */
  SseStreamReader(URI uri, String authorization) throws IOException {
    boolean tls = "https".equals(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    Socket s =
        tls ? SSLSocketFactory.getDefault().createSocket() : new Socket(); // default trust store
    s.connect(new InetSocketAddress(uri.getHost(), port), 10_000);
    s.setTcpNoDelay(true);
    this.socket = s;
    this.in = s.getInputStream();
    String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + uri.getHost()
            + ":"
            + port
            + "\r\nAccept: text/event-stream\r\nAuthorization: "
            + authorization
            + "\r\n\r\n";
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String status = line();
    if (status == null || !status.startsWith("HTTP/1.1 200")) {
      s.close();
      throw new IOException("the stream was refused: " + status);
    }
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      if (h.regionMatches(true, 0, "transfer-encoding:", 0, 18)
          && h.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      }
    }
  }

  /**
   * Reads every event until the stream ends or is closed.
   *
   * @throws IOException when the connection fails
   */
  void run(Listener listener) throws IOException {
    EventScanner scanner = new EventScanner(listener);
    if (!chunked) {
      do { // what came with the head first
        scanner.accept(buf, pos, limit);
        pos = limit;
      } while (fill());
      return;
    }
    while (true) {
      String size = line();
      if (size == null) {
        return;
      }
      int semi = size.indexOf(';');
      long remaining = Long.parseLong(semi < 0 ? size.trim() : size.substring(0, semi).trim(), 16);
      if (remaining == 0) {
        return;
      }
      while (remaining > 0) {
        if (pos == limit && !fill()) {
          return;
        }
        int n = (int) Math.min(remaining, limit - pos);
        scanner.accept(buf, pos, pos + n);
        pos += n;
        remaining -= n;
      }
      line(); // the CRLF after the chunk
    }
  }

  /** One CRLF- or LF-ended line of the head or the chunk framing; null at the end. */
  private String line() throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos == limit && !fill()) {
        return b.isEmpty() ? null : b.toString();
      }
      byte c = buf[pos++];
      if (c == '\n') {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
      }
      b.append((char) (c & 0xff));
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(buf);
    if (n <= 0) {
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Splits the body into lines and pairs each {@code data:} line with the event name before it. */
  static final class EventScanner {
    private final Listener listener;
    private byte[] line = new byte[1024];
    private int length;
    private byte[] name = new byte[64];
    private int nameLength;

    EventScanner(Listener listener) {
      this.listener = listener;
    }

    void accept(byte[] bytes, int from, int to) {
      for (int i = from; i < to; i++) {
        byte c = bytes[i];
        if (c != '\n') {
          if (length == line.length) {
            line = Arrays.copyOf(line, length * 2);
          }
          line[length++] = c;
          continue;
        }
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        if (startsWith("event: ")) {
          nameLength = end - 7;
          if (nameLength > name.length) {
            name = new byte[nameLength];
          }
          System.arraycopy(line, 7, name, 0, nameLength);
        } else if (startsWith("data: ")) {
          listener.event(name, nameLength, line, 6, end);
        } else if (end == 0) {
          nameLength = 0; // an event ends at a blank line
        }
        length = 0;
      }
    }

    private boolean startsWith(String prefix) {
      if (length < prefix.length()) {
        return false;
      }
      for (int i = 0; i < prefix.length(); i++) {
        if (line[i] != prefix.charAt(i)) {
          return false;
        }
      }
      return true;
    }
  }
}
