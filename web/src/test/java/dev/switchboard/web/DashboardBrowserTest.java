package dev.switchboard.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import dev.switchboard.broker.testing.TestBroker;
import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.web.testing.Chromium;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;

/**
 * The dashboard in a real Chromium at phone size (375x667), standalone (from a plain static file
 * server), against a Switchboard broker over WebSocket. One browser, one broker, one file server
 * for the class; each test opens the page afresh with its own connection and dashboard.
 */
@DisplayName("Dashboard in Chromium over ws://")
class DashboardBrowserTest {
  @TempDir static Path dir;
  private static TestBroker broker;
  private static StaticFileServer files;
  private static Chromium chromium;
  private static DashPage page;
  private static Mqtt3BlockingClient device;

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.startAtPhoneSize(); // skips the class first when there is no chromium
    broker = TestBroker.start(c -> c.withListener(ListenerConfig.ws("ws", 0)));
    files = new StaticFileServer();
    page = new DashPage(chromium.driver(), files.url("/"));
    device =
        MqttClient.builder()
            .useMqttVersion3()
            .identifier("device-under-test")
            .serverHost("127.0.0.1")
            .serverPort(broker.port())
            .buildBlocking();
    device.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    if (device != null) {
      device.disconnect();
    }
    if (chromium != null) {
      chromium.close();
    }
    if (files != null) {
      files.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static int wsPort() {
    return broker.broker().port("ws");
  }

  private static void publish(String topic, String payload) {
    device
        .publishWith()
        .topic(topic)
        .payload(payload.getBytes(UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE)
        .send();
  }

  private static String fixture(String name) throws Exception {
    try (InputStream in =
        DashboardBrowserTest.class.getResourceAsStream("/dev/switchboard/web/dash-test/" + name)) {
      return new String(in.readAllBytes(), UTF_8);
    }
  }

  private static ObjectNode metric(int type, String name, String topic) {
    ObjectNode m = DashPage.JSON.createObjectNode();
    m.put("id", "id-" + name);
    m.put("type", type);
    m.put("name", name);
    m.put("topic", topic);
    return m;
  }

  private static String array(ObjectNode... metrics) {
    ArrayNode a = DashPage.JSON.createArrayNode();
    for (ObjectNode m : metrics) {
      a.add(m);
    }
    return a.toString();
  }

  @Test
  @DisplayName("the handout's tile (name app, topic app) shows what an MQTT client publishes")
  void handoutTileShowsAPublishedValue() throws Exception {
    page.open(DashPage.connection("app_1", wsPort()), array(metric(1, "app", "app")), false);

    publish("app", "23.5");

    page.waitUntil(d -> page.text("app").equals("23.5"));
    assertThat(page.state("app")).isEqualTo("ok");
    assertThat(page.tile("app").findElement(By.cssSelector(".tile-payload")).getText())
        .isEqualTo("23.5");
  }

  @Test
  @DisplayName("a switch publishes on and off, waits for the echo, and shows the echoed state")
  void switchPublishesAndWaitsForTheEcho() throws Exception {
    ObjectNode led = metric(2, "LED", "lab/led");
    led.put("topicPub", "lab/led/set");
    led.put("enablePub", true);
    led.put("updateLastPayloadOnPub", false);
    led.put("enableIntermediateState", true);
    led.put("payloadOn", "on");
    led.put("payloadOff", "off");
    try (Mqtt3BlockingClient.Mqtt3Publishes commands =
        device.publishes(MqttGlobalPublishFilter.ALL)) {
      device.subscribeWith().topicFilter("lab/led/set").qos(MqttQos.AT_LEAST_ONCE).send();
      page.open(DashPage.connection("switch", wsPort()), array(led), false);

      page.tap("LED");
      Optional<Mqtt3Publish> on = commands.receive(10, TimeUnit.SECONDS);
      assertThat(on).map(p -> new String(p.getPayloadAsBytes(), UTF_8)).contains("on");
      page.waitUntil(d -> "waiting".equals(page.state("LED")));
      assertThat(page.problem("LED")).contains("waiting for echo");

      publish("lab/led", "on"); // the device's echo
      page.waitUntil(d -> "ok".equals(page.state("LED")));
      WebElementState state = switchState();
      assertThat(state.on()).isEqualTo("true");

      page.tap("LED");
      Optional<Mqtt3Publish> off = commands.receive(10, TimeUnit.SECONDS);
      assertThat(off).map(p -> new String(p.getPayloadAsBytes(), UTF_8)).contains("off");
      publish("lab/led", "off");
      page.waitUntil(d -> "false".equals(switchState().on()) && "ok".equals(page.state("LED")));
    } finally {
      device.unsubscribeWith().topicFilter("lab/led/set").send();
    }
  }

  private record WebElementState(String on) {}

  private static WebElementState switchState() {
    return new WebElementState(
        page.tile("LED").findElement(By.cssSelector(".tile-switch")).getDomAttribute("data-on"));
  }

  @Test
  @DisplayName(
      "JSON path: $.level.value, main.humidity and weather[0].icon; a payload that is not JSON shows on its tile only")
  void jsonPathExtraction() throws Exception {
    ObjectNode level = metric(1, "Level", "tank");
    level.put("jsonPath", "$.level.value");
    ObjectNode humidity = metric(3, "Humidity", "weather/porto");
    humidity.put("jsonPath", "main.humidity");
    humidity.put("postfix", "%");
    ObjectNode icon = metric(1, "Icon", "weather/porto");
    icon.put("jsonPath", "weather[0].icon");
    page.open(DashPage.connection("json", wsPort()), array(level, humidity, icon), false);

    publish(
        "weather/porto",
        "{\"main\":{\"temp\":18.2,\"humidity\":77},\"weather\":[{\"icon\":\"10d\"}]}");
    publish("tank", "not json");

    page.waitUntil(d -> page.text("Humidity").equals("77%") && page.text("Icon").equals("10d"));
    page.waitUntil(d -> "problem".equals(page.state("Level")));
    assertThat(page.problem("Level")).contains("JSON path").contains("payload is not JSON");

    publish("tank", "{\"level\":{\"value\":3.25}}");
    page.waitUntil(d -> page.text("Level").equals("3.25") && "ok".equals(page.state("Level")));
    assertThat(page.state("Humidity")).isEqualTo("ok");
  }

  @Test
  @DisplayName("a line chart receives 100 values")
  void chartReceivesAHundredValues() throws Exception {
    ObjectNode chart = metric(101, "Temperature", "lab/temp");
    chart.put("postfix", " °C");
    page.open(DashPage.connection("chart", wsPort()), array(chart), false);

    for (int i = 0; i < 100; i++) {
      publish("lab/temp", String.valueOf(20 + Math.sin(i / 8.0) * 3));
    }

    page.waitUntil(d -> "100".equals(page.tile("Temperature").getDomAttribute("data-points")));
    assertThat(page.tile("Temperature").findElements(By.cssSelector(".tile-chart canvas")))
        .hasSize(1);
    assertThat(page.text("Temperature")).endsWith("°C");
    assertThat(page.state("Temperature")).isEqualTo("ok");
  }

  @Test
  @DisplayName("a looping script is stopped by the sandbox; its tile says so and the others go on")
  void loopingScriptIsStopped() throws Exception {
    ObjectNode looping = metric(1, "Looping", "lab/loop");
    looping.put("jsOnReceive", "while (true) {}");
    ObjectNode fine = metric(1, "Fine", "lab/fine");
    fine.put("jsOnReceive", "event.payload = event.payload + '!'");
    page.open(DashPage.connection("loop", wsPort()), array(looping, fine), true);

    publish("lab/loop", "1");
    page.waitUntil(d -> "problem".equals(page.state("Looping")));
    assertThat(page.problem("Looping")).contains("jsOnReceive").contains("was stopped");

    publish("lab/fine", "still here");
    page.waitUntil(d -> page.text("Fine").equals("still here!"));
    assertThat(page.status()).isEqualTo("connected");
  }

  @Test
  @DisplayName(
      "import of an MQTT Dash export from a file, and export back, field by field (unknown fields too)")
  void importAndExportMqttDashJson() throws Exception {
    ArrayNode original =
        (ArrayNode) DashPage.JSON.readTree(fixture("mqttdash-weather-export.json"));
    ((ObjectNode) original.get(0)).putObject("fieldOfANewerMqttDash").put("x", 1);
    Path file = dir.resolve("export.json");
    Files.writeString(file, original.toString());
    page.open(DashPage.connection("import", wsPort()), "[]", false);

    page.driver().findElement(By.cssSelector("button[aria-label='Import and export']")).click();
    page.driver().findElement(By.cssSelector("input.import-file")).sendKeys(file.toString());
    page.waitUntil(d -> d.findElements(By.cssSelector(".tile")).size() == original.size());
    assertThat(page.driver().findElement(By.cssSelector(".exchange-status")).getText())
        .contains("Imported 8 tile(s), 2 with scripts (off until allowed)");
    assertThat(page.text("app")).isEqualTo("21"); // MQTT Dash's lastPayload comes along

    JsonNode exported =
        DashPage.JSON.readTree((String) page.js("return window.switchboardDash.exportText()"));
    assertSameFields(original, exported);

    publish(
        "weather/lisbon",
        "{\"main\":{\"temp\":19,\"humidity\":95},\"weather\":[{\"icon\":\"01d\"}]}");
    page.waitUntil(d -> page.text("Temperature").equals("19°C") && page.text("Icon").equals("01d"));
    page.waitUntil(
        d -> page.tile("Humidity").getDomAttribute("class").contains("blink")); // val > 90
  }

  @Test
  @DisplayName(
      "export to metrics/exchange is a retained message; import from metrics/exchange waits for one")
  void exchangeTopic() throws Exception {
    String fixture = fixture("mqttdash-weather-export.json");
    page.open(DashPage.connection("exchange", wsPort()), "[]", false);
    page.driver().findElement(By.cssSelector("button[aria-label='Import and export']")).click();
    page.driver().findElement(By.cssSelector("button.import-exchange")).click();
    page.waitUntil(
        d -> d.findElement(By.cssSelector(".exchange-status")).getText().contains("Waiting"));

    device
        .publishWith()
        .topic("metrics/exchange")
        .payload(fixture.getBytes(UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE)
        .send();
    page.waitUntil(d -> d.findElements(By.cssSelector(".tile")).size() == 8);

    page.driver().findElement(By.cssSelector("button.export-exchange")).click();
    page.waitUntil(
        d -> d.findElement(By.cssSelector(".exchange-status")).getText().contains("retained"));
    try (Mqtt3BlockingClient.Mqtt3Publishes retained =
        device.publishes(MqttGlobalPublishFilter.ALL)) {
      device.subscribeWith().topicFilter("metrics/exchange").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt3Publish message = retained.receive(10, TimeUnit.SECONDS).orElseThrow();
      assertThat(message.isRetain()).isTrue();
      assertSameFields(
          DashPage.JSON.readTree(fixture), DashPage.JSON.readTree(message.getPayloadAsBytes()));
    } finally {
      device.unsubscribeWith().topicFilter("metrics/exchange").send();
      device.publishWith().topic("metrics/exchange").retain(true).qos(MqttQos.AT_LEAST_ONCE).send();
    }
  }

  @Test
  @DisplayName(
      "bad input: a broken import file, a number out of range, a payload a switch does not know")
  void badInputStaysOnItsTile() throws Exception {
    ObjectNode range = metric(3, "Voltage", "lab/vbat");
    range.put("maxValue", 15.0);
    ObjectNode led = metric(2, "Relay", "lab/relay");
    ObjectNode text = metric(1, "Text", "lab/text");
    page.open(DashPage.connection("bad", wsPort()), array(range, led, text), false);

    publish("lab/vbat", "42");
    publish("lab/relay", "maybe");
    publish("lab/text", "fine");
    page.waitUntil(d -> page.text("Text").equals("fine"));
    page.waitUntil(
        d -> "problem".equals(page.state("Voltage")) && "problem".equals(page.state("Relay")));
    assertThat(page.problem("Voltage")).contains("42 is outside 0…15");
    assertThat(page.problem("Relay")).contains("\"maybe\" is neither on");

    Object result =
        page.asyncJs(
            "window.switchboardDash.importText('[{\"type\":1,').then(r => arguments[arguments.length - 1](r === null))");
    assertThat(result).isEqualTo(true);
    assertThat(page.driver().findElement(By.cssSelector(".notice[data-key='import']")).getText())
        .contains("Import failed: not JSON");
    assertThat(page.driver().findElements(By.cssSelector(".tile"))).hasSize(3); // nothing lost
  }

  @Test
  @DisplayName(
      "a student builds the handout's tile through the forms (+, Text, name app, topic app) and it shows a value")
  void buildTheHandoutTileThroughTheForms() throws Exception {
    page.open(DashPage.connection("student", wsPort()), "[]", false);

    page.driver().findElement(By.cssSelector("button[aria-label='Add a tile']")).click();
    page.driver().findElement(By.cssSelector(".type-list button[data-type='text']")).click();
    page.driver().findElement(By.cssSelector("dialog.sheet input[name='name']")).sendKeys("app");
    page.driver().findElement(By.cssSelector("dialog.sheet input[name='topic']")).sendKeys("app");
    page.driver().findElement(By.cssSelector("dialog.sheet input[name='postfix']")).sendKeys(" °C");
    page.driver().findElement(By.cssSelector("dialog.sheet button.save")).click();
    page.waitUntil(d -> !d.findElements(By.cssSelector(".tile[data-name='app']")).isEmpty());

    publish("app", "24");
    page.waitUntil(d -> page.text("app").equals("24 °C"));
    JsonNode exported =
        DashPage.JSON.readTree((String) page.js("return window.switchboardDash.exportText()"));
    assertThat(exported.get(0).get("type").asInt()).isEqualTo(1);
    assertThat(exported.get(0).get("topic").asText()).isEqualTo("app");
    assertThat(exported.get(0).get("mainTextSize").asText())
        .isEqualTo("LARGE"); // MQTT Dash's fields
    String stored =
        (String) page.js("return localStorage.getItem('switchboard.dash.dashboard.student')");
    assertThat(stored).contains("\"topic\":\"app\"");
  }

  @Test
  @DisplayName(
      "in edit mode a tile is dragged by its handle to another place, and the order is saved")
  void dragToRearrange() throws Exception {
    page.open(
        DashPage.connection("drag", wsPort()),
        array(metric(1, "First", "a/1"), metric(1, "Second", "a/2"), metric(1, "Third", "a/3")),
        false);
    page.driver().findElement(By.cssSelector("button[aria-label='Edit layout']")).click();

    new org.openqa.selenium.interactions.Actions(page.driver())
        .clickAndHold(page.tile("First").findElement(By.cssSelector(".tile-drag")))
        .moveToElement(page.tile("Third"), 10, 10)
        .moveToElement(page.tile("Third"), 20, 20)
        .release()
        .perform();

    page.waitUntil(
        d ->
            page.js(
                    "return [...document.querySelectorAll('.tile')].map(t => t.dataset.name).join()")
                .equals("Second,Third,First"));
    String stored =
        (String) page.js("return localStorage.getItem('switchboard.dash.dashboard.drag')");
    assertThat(stored.indexOf("Second")).isLessThan(stored.indexOf("Third"));
    assertThat(stored.indexOf("Third")).isLessThan(stored.indexOf("First"));
  }

  @Test
  @DisplayName("no broker at the address: the header shows that it keeps reconnecting")
  void reconnectStateIsVisible() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    page.load(DashPage.connection("nowhere", closedPort), "[]", false);
    page.waitUntil(
        d ->
            page.status().equals("reconnecting")
                && d.findElement(By.cssSelector(".status"))
                    .getText()
                    .matches("reconnecting \\(\\d+\\)…"));

    page.open(DashPage.connection("somewhere", wsPort()), "[]", false); // and a good one connects
    assertThat(page.driver().findElement(By.cssSelector(".status")).getText())
        .isEqualTo("connected");
  }

  @Test
  @DisplayName("screenshots of a phone-size dashboard, portrait and landscape (docs/images)")
  void screenshots() throws Exception {
    ArrayNode metrics = (ArrayNode) DashPage.JSON.readTree(fixture("screenshot-dashboard.json"));
    page.open(DashPage.connection("app_1", wsPort()), metrics.toString(), true);
    publish("app", "21.4");
    publish(
        "weather/lisbon",
        "{\"main\":{\"temp\":19.5,\"humidity\":64},\"weather\":[{\"icon\":\"02d\"}]}");
    publish("lab/led", "1");
    for (int i = 0; i < 60; i++) {
      publish("lab/temp", String.format("%.2f", 21 + Math.sin(i / 6.0) * 2 + i / 30.0));
    }
    publish("lab/pressure", "72");
    publish("lab/door", "1");
    page.waitUntil(d -> "60".equals(page.tile("Temperature").getDomAttribute("data-points")));
    Path out =
        Path.of(System.getProperty("dash.screenshots", "target/screenshots")).toAbsolutePath();
    Files.createDirectories(out);
    Files.write(
        out.resolve("dashboard-phone-portrait.png"),
        page.driver().getScreenshotAs(OutputType.BYTES));
    page.js("window.scrollTo(0, document.body.scrollHeight)");
    Files.write(
        out.resolve("dashboard-phone-portrait-scrolled.png"),
        page.driver().getScreenshotAs(OutputType.BYTES));
    page.js("window.scrollTo(0, 0)");
    chromium.phone(667, 375);
    try {
      page.waitUntil(
          d -> (Boolean) page.js("return matchMedia('(orientation: landscape)').matches"));
      Files.write(
          out.resolve("dashboard-phone-landscape.png"),
          page.driver().getScreenshotAs(OutputType.BYTES));
    } finally {
      chromium.phone(375, 667);
    }
    assertThat(out.resolve("dashboard-phone-portrait.png")).isNotEmptyFile();
    page.driver().findElement(By.cssSelector("button[aria-label='Edit layout']")).click();
    Object small =
        page.js(
            "return [...document.querySelectorAll('button, input[type=range]')]"
                + ".filter(b => b.offsetParent !== null)"
                + ".map(b => b.getBoundingClientRect())"
                + ".filter(r => r.width < 44 || r.height < 44).length");
    assertThat(small).as("visible tap targets smaller than 44 px").isEqualTo(0L);
  }

  /**
   * Every field of every tile the same. Numbers compare by value: JavaScript has one number type,
   * so MQTT Dash's {@code 100.0} comes back as {@code 100}, the same number.
   */
  static void assertSameFields(JsonNode expected, JsonNode actual) {
    assertThat(actual.size()).isEqualTo(expected.size());
    Comparator<JsonNode> numbersByValue =
        (a, b) ->
            a.isNumber() && b.isNumber()
                ? a.decimalValue().compareTo(b.decimalValue())
                : a.equals(b) ? 0 : 1;
    for (int i = 0; i < expected.size(); i++) {
      JsonNode e = expected.get(i);
      JsonNode a = actual.get(i);
      assertThat(names(a)).as("tile %d's fields", i).isEqualTo(names(e));
      for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        assertThat(field.getValue().equals(numbersByValue, a.get(field.getKey())))
            .as(
                "tile %d (%s) field %s: %s vs %s",
                i, e.get("name"), field.getKey(), field.getValue(), a.get(field.getKey()))
            .isTrue();
      }
    }
  }

  private static java.util.List<String> names(JsonNode node) {
    java.util.List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
