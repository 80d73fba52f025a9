package dev.switchboard.http.myqtthub;

import dev.switchboard.broker.message.Message;
import dev.switchboard.mqtt.packet.MqttProperties;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A pulled message as the device API shows it: topic, base64 payload, QoS, retain, dup. */
final class PulledJson {
  private PulledJson() {}

  static Map<String, Object> view(DeviceSession.Pulled p) {
    Message m = p.message();
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("topic", m.topic());
    v.put("payload", Base64.getEncoder().encodeToString(m.payload()));
    v.put("qos", p.qos());
    v.put("retain", p.retain());
    v.put("dup", p.dup());
    MqttProperties props = m.properties();
    if (props != null && !props.isEmpty()) {
      if (props.contentType() != null) {
        v.put("contentType", props.contentType());
      }
      if (props.responseTopic() != null) {
        v.put("responseTopic", props.responseTopic());
      }
      if (!props.userProperties().isEmpty()) {
        v.put("userProperties", props.userProperties());
      }
    }
    return v;
  }
}
