package dev.switchboard.hub.stash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.broker.persist.PropertiesBlob;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.UserProperty;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The download formats, the time frames and what a stash captures. */
class StashFormatTest {
  static StashEntry entry(long seq, String clientId, String topic, String payload) {
    return new StashEntry(
        seq,
        0,
        clientId,
        null,
        "10.0.0.7:5000",
        topic,
        1,
        true,
        PropertiesBlob.encode(
            MqttProperties.builder()
                .contentType("text/plain")
                .userProperties(List.of(new UserProperty("k", "v\"1")))
                .build()),
        payload.getBytes(StandardCharsets.UTF_8));
  }

  static String write(StashFormat f, StashEntry... entries) throws Exception {
    StringWriter w = new StringWriter();
    StashFormat.Output out = f.open(w);
    for (StashEntry e : entries) {
      out.accept(e);
    }
    out.finish();
    return w.toString();
  }

  @Test
  void jsonIsOneArrayWithEscapedTextBase64PayloadsAndProperties() throws Exception {
    assertThat(write(StashFormat.JSON)).isEqualTo("[]\n");
    String json = write(StashFormat.JSON, entry(1, "a\"b\n", "t", "hi"), entry(2, "c", "u", ""));
    assertThat(json)
        .startsWith(
            "[\n{\"seq\":1,\"receivedAt\":\"1970-01-01T00:00:00Z\",\"clientId\":\"a\\\"b\\n\"")
        .contains("\"userName\":null")
        .contains("\"payload\":\"aGk=\"")
        .contains(
            "\"properties\":{\"contentType\":\"text/plain\",\"userProperties\":[[\"k\",\"v\\\"1\"]]}")
        .endsWith("}\n]\n");
  }

  @Test
  void ndjsonIsOneObjectALineAndCsvQuotesWhatNeedsIt() throws Exception {
    assertThat(write(StashFormat.NDJSON, entry(1, "a", "t", "x"), entry(2, "b", "t", "y")).lines())
        .hasSize(2)
        .allMatch(l -> l.startsWith("{\"seq\":") && l.endsWith("}"));
    List<String> csv = write(StashFormat.CSV, entry(7, "a,b", "t\"q", "x")).lines().toList();
    assertThat(csv.get(0)).isEqualTo(StashFormat.CSV_HEADER);
    assertThat(csv.get(1))
        .startsWith("7,1970-01-01T00:00:00Z,\"a,b\",,10.0.0.7:5000,\"t\"\"q\",1,true,eA==,");
  }

  @Test
  void framesAndFormatsAreParsedOrRefusedWithTheReason() {
    assertThat(Frames.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Frames.parse("2D")).isEqualTo(Duration.ofDays(2));
    assertThat(Frames.parse("1w")).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(() -> Frames.parse("0h")).hasMessageContaining("not a time frame");
    assertThatThrownBy(() -> Frames.parse("1y")).hasMessageContaining("not a time frame");
    assertThat(StashFormat.parse("NDJSON")).isEqualTo(StashFormat.NDJSON);
    assertThatThrownBy(() -> StashFormat.parse("xml")).hasMessageContaining("json, ndjson or csv");
  }

  @Test
  void aStashCapturesMatchingTopicsOfItsPublishersWhileEnabled() {
    Stash s = new Stash("default", "s", "lab/+/temp", List.of("d1"), 0, 0, 0, true, 1, 1);
    assertThat(s.captures("lab/1/temp", "d1")).isTrue();
    assertThat(s.captures("lab/1/temp", "d2")).isFalse();
    assertThat(s.captures("lab/1/hum", "d1")).isFalse();
    assertThat(s.with("lab/#", List.of(), 0, 0, 0, false, 2).captures("lab/1/temp", "d1"))
        .isFalse();
    assertThatThrownBy(() -> new Stash("default", "s", "a/#/b", List.of(), 0, 0, 0, true, 1, 1))
        .hasMessage("'a/#/b' is not a valid topic filter");
    assertThatThrownBy(() -> new Stash("default", "a b", "#", List.of(), 0, 0, 0, true, 1, 1))
        .hasMessageContaining("is not a stash name");
  }
}
