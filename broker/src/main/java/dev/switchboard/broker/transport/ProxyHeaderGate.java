package dev.switchboard.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The first handler of a PROXY protocol listener: refuses a connection as soon as its first bytes
 * cannot be the start of a v1 ({@code PROXY }) or v2 header, and otherwise hands its bytes over to
 * the {@link io.netty.handler.codec.haproxy.HAProxyMessageDecoder} behind it. Without it, a client
 * that connects straight to the listener with a short MQTT CONNECT would wait for its connect
 * timeout, as the decoder waits for the end of a v1 line.
 */
final class ProxyHeaderGate extends ByteToMessageDecoder {
  private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] V2 = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  private final ProxyHeaderHandler failures;
  private boolean failed;

  ProxyHeaderGate(ProxyHeaderHandler failures) {
    this.failures = failures;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int n = in.readableBytes();
    boolean v1 = startsLike(in, V1);
    boolean v2 = startsLike(in, V2);
    if (!v1 && !v2) {
      failed = true;
      in.skipBytes(n);
      failures.refuse(ctx, "no PROXY protocol header");
      return;
    }
    if ((v1 && n >= V1.length) || (v2 && n >= V2.length)) {
      // what was read so far goes on to the decoder when this handler leaves
      ctx.pipeline().remove(this);
    }
  }

  /** Whether the readable bytes, as far as they go, agree with {@code signature}. */
  private static boolean startsLike(ByteBuf in, byte[] signature) {
    int n = Math.min(in.readableBytes(), signature.length);
    int at = in.readerIndex();
    for (int i = 0; i < n; i++) {
      if (in.getByte(at + i) != signature[i]) {
        return false;
      }
    }
    return true;
  }
}
