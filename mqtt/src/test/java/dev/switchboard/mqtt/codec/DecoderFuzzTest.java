package dev.switchboard.mqtt.codec;

import static dev.switchboard.mqtt.codec.CodecTestSupport.buffer;
import static dev.switchboard.mqtt.codec.CodecTestSupport.client;
import static dev.switchboard.mqtt.codec.CodecTestSupport.concat;
import static dev.switchboard.mqtt.codec.CodecTestSupport.drain;
import static dev.switchboard.mqtt.codec.CodecTestSupport.encode;
import static dev.switchboard.mqtt.codec.CodecTestSupport.server;
import static dev.switchboard.mqtt.codec.CodecTestSupport.variableByteInteger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttPacket;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Random and mutated input, with fixed seeds so that a failure reproduces: the decoder must never
 * throw into the pipeline, must emit only packets and at most one error (and nothing after it), and
 * must not leak (the leak extension checks after the class).
 */
class DecoderFuzzTest {
  private static final int ITERATIONS = 3000;
  private static final MqttVersion[] VERSIONS = {
    MqttVersion.V3_1, MqttVersion.V3_1_1, MqttVersion.V5, MqttVersion.V5
  };

  /** Valid encodings of every packet type in every version, with who receives them. */
  private static final List<Sample> SAMPLES =
      RoundTripTest.cases()
          .map(Arguments::get)
          .map(
              a ->
                  new Sample(
                      (MqttVersion) a[1],
                      a[2] == RoundTripTest.To.SERVER,
                      encode((MqttPacket) a[3], (MqttVersion) a[1]),
                      a[3] instanceof Connect))
          .toList();

  record Sample(MqttVersion version, boolean toServer, byte[] bytes, boolean isConnect) {}

  @Test
  @DisplayName("random bytes after a valid CONNECT never throw and end in at most one DecodeError")
  void randomBytesAfterConnect() {
    Random random = new Random(0x5EED_0001L);
    for (int i = 0; i < ITERATIONS; i++) {
      MqttVersion version = VERSIONS[random.nextInt(VERSIONS.length)];
      byte[] input = randomBytes(random, 1 + random.nextInt(300));
      run(i, server(version), input, random);
    }
  }

  @Test
  @DisplayName("valid fixed headers with random bodies never throw, on either side")
  void validHeadersRandomBodies() {
    Random random = new Random(0x5EED_0002L);
    for (int i = 0; i < ITERATIONS; i++) {
      MqttVersion version = VERSIONS[random.nextInt(VERSIONS.length)];
      boolean serverSide = random.nextBoolean();
      int type = 1 + random.nextInt(15);
      int flags = type == 3 ? random.nextInt(6) : (type == 6 || type == 8 || type == 10) ? 2 : 0;
      byte[] body = randomBytes(random, random.nextInt(120));
      // Mostly small, well-formed-looking property lengths and string lengths make it deeper.
      if (body.length > 3 && random.nextBoolean()) {
        body[0] = 0;
        body[1] = (byte) random.nextInt(Math.min(body.length, 8));
      }
      byte[] packet =
          concat(new byte[] {(byte) (type << 4 | flags)}, variableByteInteger(body.length), body);
      EmbeddedChannel channel = serverSide ? server(version) : client(version);
      run(i, channel, packet, random);
    }
  }

  @Test
  @DisplayName("valid packets with bytes flipped, cut or appended never throw")
  void mutatedValidPackets() {
    Random random = new Random(0x5EED_0003L);
    for (int i = 0; i < ITERATIONS; i++) {
      Sample sample = SAMPLES.get(random.nextInt(SAMPLES.size()));
      byte[] input = mutate(random, sample.bytes());
      EmbeddedChannel channel =
          !sample.toServer()
              ? client(sample.version())
              : sample.isConnect() ? server() : server(sample.version());
      run(i, channel, input, random);
    }
  }

  private static void run(int iteration, EmbeddedChannel channel, byte[] input, Random random) {
    try {
      // Random split points: the same input in pieces of random size; past the first 512 bytes
      // (headers and fields) the pieces get larger, as each one costs a PARANOID leak record.
      int offset = 0;
      while (offset < input.length) {
        int maxPiece = offset < 512 ? 64 : 8192;
        int n = 1 + random.nextInt(Math.min(maxPiece, input.length - offset));
        channel.writeInbound(buffer(Arrays.copyOfRange(input, offset, offset + n)));
        offset += n;
      }
      List<Object> out = drain(channel);
      for (int k = 0; k < out.size(); k++) {
        Object message = out.get(k);
        assertThat(message).isInstanceOfAny(MqttPacket.class, DecodeError.class);
        if (message instanceof DecodeError) {
          assertThat(k).as("a DecodeError is the last message").isEqualTo(out.size() - 1);
        }
      }
    } catch (AssertionError | RuntimeException e) {
      fail("iteration " + iteration + " with input " + hex(input), e);
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static byte[] mutate(Random random, byte[] valid) {
    byte[] bytes = valid.clone();
    switch (random.nextInt(4)) {
      case 0 -> {
        int flips = 1 + random.nextInt(3);
        for (int f = 0; f < flips; f++) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
      default -> bytes = concat(bytes, randomBytes(random, 1 + random.nextInt(40)));
    }
    return bytes;
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static String hex(byte[] bytes) {
    return io.netty.buffer.ByteBufUtil.hexDump(bytes, 0, Math.min(bytes.length, 400));
  }
}
