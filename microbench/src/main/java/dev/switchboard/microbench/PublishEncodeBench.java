package dev.switchboard.microbench;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.packet.Publish;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding of one outgoing PUBLISH, the same packets {@link PublishDecodeBench} decodes.
 *
 * <ul>
 *   <li>{@code encodeInto}: {@link MqttCodec#encodeInto}, payload included, appended to a buffer
 *       that is already there, as the broker's connection does: it encodes every packet of a burst
 *       into one buffer and writes and flushes that once. The payload is copied in (the broker does
 *       so up to 4 KB and wraps larger ones). The buffer is cleared before each operation, so its
 *       allocation (once per burst in the broker) is left out.
 *   <li>{@code encode}: {@link MqttCodec#encode(ByteBufAllocator,
 *       dev.switchboard.mqtt.packet.MqttPacket, MqttVersion)}, one new buffer per packet from
 *       Netty's default allocator, released at once; above {@link MqttCodec#WRAP_PAYLOAD_ABOVE}
 *       bytes the payload is wrapped and the result is a composite buffer. Clients and tools use
 *       this one.
 *   <li>{@code encodedSize}: {@link MqttCodec#encodedSize}, which a connection computes before
 *       every PUBLISH to a client that announced a Maximum Packet Size.
 * </ul>
 *
 * <p>Why it matters: encoding runs once per subscriber per message (a payload is shared, a packet
 * is not: packet id, DUP, Topic Alias and Subscription Identifiers differ per subscriber), so
 * fan-out multiplies it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PublishEncodeBench {

  @Param({"V3_1_1", "V5"})
  public MqttVersion version;

  @Param({"0", "1"})
  public int qos;

  @Param({"64", "1024"})
  public int payloadSize;

  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private Publish publish;

  /** The connection's burst buffer. */
  private ByteBuf burst;

  @Setup(Level.Trial)
  public void setUp() {
    publish = Fixtures.publish(version, qos, payloadSize);
    // What the broker's connection starts a burst with; it grows as needed.
    burst = alloc.ioBuffer(512);

    int expected = MqttCodec.encodedSize(publish, version);
    int viaCodec = encode();
    int appended = encodeInto();
    if (viaCodec != expected || appended != expected) {
      throw new IllegalStateException(
          "encodedSize " + expected + ", encode " + viaCodec + ", encodeInto " + appended);
    }
  }

  @Benchmark
  public int encode() {
    ByteBuf buf = MqttCodec.encode(alloc, publish, version);
    int size = buf.readableBytes();
    buf.release();
    return size;
  }

  @Benchmark
  public int encodeInto() {
    ByteBuf out = burst.clear();
    MqttCodec.encodeInto(out, publish, version);
    return out.writerIndex();
  }

  @Benchmark
  public int encodedSize() {
    return MqttCodec.encodedSize(publish, version);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    burst.release();
  }
}
