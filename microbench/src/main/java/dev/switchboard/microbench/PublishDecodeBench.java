package dev.switchboard.microbench;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.codec.MqttCodec;
import dev.switchboard.mqtt.codec.MqttDecoder;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttPacket;
import dev.switchboard.mqtt.packet.Publish;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * Server-side decoding of one PUBLISH by {@link MqttDecoder}: fixed header and Remaining Length,
 * the size check, topic UTF-8 validation and String, packet id, MQTT 5.0 properties (three of them)
 * and the copy of the payload into the packet's array.
 *
 * <p>Why it matters: every message a device sends goes through this once, on the event loop that
 * owns the connection, before anything else can happen to it; at 100k msg/s a broker spends its
 * ingress CPU here.
 *
 * <p>How: the decoder sits in an {@link EmbeddedChannel} (whose loop always counts as "in the event
 * loop") that has already seen a CONNECT, and each operation hands it one whole packet through
 * {@code decoder.channelRead(ctx, buf)} with its own context, exactly as the pipeline would, minus
 * the head of the pipeline. The decoded packet goes to a capturing handler. The wire bytes live in
 * one direct buffer made at setup: each operation retains it and rewinds it, and the decoder
 * releases it when it has read it all, so nothing is allocated for input and nothing leaks (checked
 * after each iteration).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PublishDecodeBench {

  @Param({"V3_1_1", "V5"})
  public MqttVersion version;

  @Param({"0", "1"})
  public int qos;

  @Param({"64", "1024"})
  public int payloadSize;

  private EmbeddedChannel channel;
  private MqttDecoder decoder;
  private ChannelHandlerContext decoderContext;
  private final Capture capture = new Capture();
  private final LongAdder bytesRead = new LongAdder();
  private ByteBuf wire;
  private int wireLength;

  /** The handler after the decoder: keeps the last packet, forwards nothing. */
  private static final class Capture extends ChannelInboundHandlerAdapter {
    MqttPacket last;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      last = (MqttPacket) msg;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    // As the broker makes it: the decoder also counts the bytes read, into a LongAdder.
    decoder = new MqttDecoder(true, MqttCodec.MAX_PACKET_SIZE, bytesRead::add);
    channel = new EmbeddedChannel(decoder, capture);
    decoderContext = channel.pipeline().context(decoder);

    channel.writeInbound(
        MqttCodec.encode(ByteBufAllocator.DEFAULT, Fixtures.connect(version), version));
    if (!(capture.last instanceof Connect) || decoder.version() != version) {
      throw new IllegalStateException("CONNECT not accepted: " + capture.last);
    }

    Publish publish = Fixtures.publish(version, qos, payloadSize);
    ByteBuf encoded = MqttCodec.encode(ByteBufAllocator.DEFAULT, publish, version);
    wireLength = encoded.readableBytes();
    // One contiguous direct buffer, as a socket read delivers it.
    wire = ByteBufAllocator.DEFAULT.directBuffer(wireLength).writeBytes(encoded);
    encoded.release();

    decode();
    if (!(capture.last instanceof Publish p)
        || p.payload().length != payloadSize
        || !p.topic().equals(Fixtures.TOPIC)) {
      throw new IllegalStateException("PUBLISH not decoded: " + capture.last);
    }
  }

  @Benchmark
  public MqttPacket decode() throws Exception {
    wire.retain().setIndex(0, wireLength);
    decoder.channelRead(decoderContext, wire);
    return capture.last;
  }

  @TearDown(Level.Iteration)
  public void checkNoLeak() {
    if (wire.refCnt() != 1) {
      throw new IllegalStateException("input buffer leaked or over-released: " + wire.refCnt());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    wire.release();
    channel.finishAndReleaseAll();
  }
}
