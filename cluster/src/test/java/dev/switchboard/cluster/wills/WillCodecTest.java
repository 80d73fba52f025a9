package dev.switchboard.cluster.wills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.session.PendingWill;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("WillCodec: a will in the replicated map's bytes")
class WillCodecTest {
  @Test
  @DisplayName("topic, payload, QoS, retain, 5.0 properties, publisher, delay and expiry come back")
  void roundTrip() throws IOException {
    Message m =
        new Message(
            "status/dev1",
            "offline".getBytes(StandardCharsets.UTF_8),
            1,
            true,
            MqttProperties.builder().contentType("text/plain").build(),
            "dev1",
            Message.NEVER,
            "team3");
    PendingWill back = WillCodec.decode(WillCodec.encode(new PendingWill(m, 5, 60)));
    assertThat(back.delaySeconds()).isEqualTo(5);
    assertThat(back.messageExpirySeconds()).isEqualTo(60);
    Message b = back.message();
    assertThat(b.topic()).isEqualTo("status/dev1");
    assertThat(new String(b.payload(), StandardCharsets.UTF_8)).isEqualTo("offline");
    assertThat(b.qos()).isEqualTo(1);
    assertThat(b.retain()).isTrue();
    assertThat(b.properties().contentType()).isEqualTo("text/plain");
    assertThat(b.publisherId()).isEqualTo("dev1");
    assertThat(b.hub()).isEqualTo("team3");
    assertThat(b.expiresAtNanos()).isEqualTo(Message.NEVER);
  }

  @Test
  @DisplayName(
      "an empty payload, no properties, no publisher; bytes cut short or of another version are refused")
  void edges() throws IOException {
    Message m = new Message("t", new byte[0], 0, false, MqttProperties.EMPTY, null, Message.NEVER);
    byte[] bytes = WillCodec.encode(new PendingWill(m, 0));
    PendingWill back = WillCodec.decode(bytes);
    assertThat(back.message().payload()).isEmpty();
    assertThat(back.message().properties().isEmpty()).isTrue();
    assertThat(back.message().publisherId()).isNull();
    assertThat(back.messageExpirySeconds()).isEqualTo(-1);
    assertThatThrownBy(() -> WillCodec.decode(Arrays.copyOf(bytes, bytes.length - 9)))
        .isInstanceOf(IOException.class);
    byte[] other = bytes.clone();
    other[0] = 9;
    assertThatThrownBy(() -> WillCodec.decode(other)).hasMessage("a will of version 9, not 1");
  }
}
