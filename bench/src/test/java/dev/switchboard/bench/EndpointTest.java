package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --url} as ESP-MQTT writes it: mqtt, mqtts, ws, wss. */
class EndpointTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // url,                              host,      port,  tls,   ws,    path
    "mqtt://broker.local:1884,           broker.local, 1884, false, false, /mqtt",
    "mqtt://broker.local,                broker.local, 1883, false, false, /mqtt",
    "tcp://10.0.0.5,                     10.0.0.5,  1883,  false, false, /mqtt",
    "mqtts://broker.local:9883,          broker.local, 9883, true,  false, /mqtt",
    "mqtts://broker.local,               broker.local, 8883, true,  false, /mqtt",
    "ssl://broker.local,                 broker.local, 8883, true,  false, /mqtt",
    "ws://127.0.0.1:9001/ws/mqtt,        127.0.0.1, 9001,  false, true,  /ws/mqtt",
    "ws://127.0.0.1,                     127.0.0.1, 8083,  false, true,  /mqtt",
    "wss://broker.local:443/custom,      broker.local, 443, true,  true,  /custom",
    "wss://broker.local,                 broker.local, 8084, true,  true,  /mqtt",
    "MQTT://Broker.Local:1885,           Broker.Local, 1885, false, false, /mqtt",
  })
  void parsesSchemeHostPortAndPath(
      String url, String host, int port, boolean tls, boolean ws, String path) {
    Endpoint e = Endpoint.parse(url);

    assertThat(e).isEqualTo(new Endpoint(host, port, tls, ws, path));
  }

  @Test
  void urlNamesTheTransportAndParsesBackToTheSameEndpoint() {
    Endpoint wss = Endpoint.parse("wss://h:8443/p");
    Endpoint mqtts = Endpoint.parse("ssl://h");

    assertThat(wss.url()).isEqualTo("wss://h:8443/p");
    assertThat(mqtts.url()).isEqualTo("mqtts://h:8883");
    assertThat(Endpoint.parse(wss.url())).isEqualTo(wss);
    assertThat(Endpoint.parse(mqtts.url())).isEqualTo(mqtts);
    assertThat(Endpoint.tcp("localhost", 1883).url()).isEqualTo("mqtt://localhost:1883");
  }

  @Test
  void anUnknownSchemeIsRefusedNamingTheSchemesAccepted() {
    assertThatThrownBy(() -> Endpoint.parse("http://broker:80"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad url 'http://broker:80': the scheme must be mqtt, mqtts, ws or wss");
    assertThatThrownBy(() -> Endpoint.parse("broker.local"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the scheme must be mqtt, mqtts, ws or wss");
  }

  @Test
  void aUrlWithoutHostIsRefused() {
    assertThatThrownBy(() -> Endpoint.parse("mqtt:///path"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad url 'mqtt:///path': no host");
    assertThatThrownBy(() -> Endpoint.parse("mqtt://:1883"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bad url 'mqtt://:1883': ")
        .hasMessageContaining("hostname");
  }

  @Test
  void aPortThatIsNotANumberIsRefusedAsSuch() {
    assertThatThrownBy(() -> Endpoint.parse("mqtt://broker:abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bad url 'mqtt://broker:abc': ")
        .hasMessageContaining("port");
  }

  @Test
  void aPortOutOfRangeIsRefusedNamingTheUrlAndTheRange() {
    assertThatThrownBy(() -> Endpoint.parse("mqtt://broker:99999"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad url 'mqtt://broker:99999': port 99999 is not between 1 and 65535");
    assertThatThrownBy(() -> Endpoint.parse("ws://broker:0/mqtt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port 0 is not between 1 and 65535");
  }

  @Test
  void aMalformedUrlIsRefusedNamingIt() {
    assertThatThrownBy(() -> Endpoint.parse("mqtt ://broker"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bad url 'mqtt ://broker': ");
  }

  @Test
  void theConstructorChecksHostAndPort() {
    assertThatThrownBy(() -> Endpoint.tcp(" ", 1883))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the host is empty");
    assertThatThrownBy(() -> Endpoint.tcp("h", 65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port 65536 is not between 1 and 65535");
  }
}
