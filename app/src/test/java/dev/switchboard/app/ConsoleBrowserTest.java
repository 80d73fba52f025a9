package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web console in a real Chromium against a real server (broker, registry, HTTP API): what the
 * issue asks of it, from logging in to the lab's device set-up on a phone. One server and one
 * browser for the class; every test starts logged out, and ends with no error in the browser's
 * console other than the ones it expects (a refused change shows as a failed request there).
 *
 * <p>Screenshots of the main pages go to {@code target/console-screenshots}, and to the folder
 * named by {@code -Dconsole.screenshots=DIR} (e.g. {@code $PWD/docs/images} to remake the
 * README's).
 */
@DisplayName("The web console in Chromium, on a running server")
class ConsoleBrowserTest extends ConsoleBrowserFixture {
  @Test
  @DisplayName(
      "log in, add a device (password generated and shown once), connect with it over MQTT and"
          + " watch it appear among the connected clients")
  void addDeviceConnectAndSeeItAmongClients() throws IOException {
    login(OWNER);
    screenshot("console-overview");
    go("devices");
    click(By.xpath("//button[normalize-space()='Add a device']"));
    type(By.cssSelector(".editor input[name=clientId]"), "sensor_1");
    click(By.cssSelector(".editor button[type=submit]"));
    String password = waitFor(By.cssSelector(".secret-value[data-name=sensor_1]")).getText();
    assertThat(password).isNotBlank();
    waitFor(By.cssSelector("tr[data-key=sensor_1]"));

    // the page showed the password: the broker lets the device in already
    RawClient device = mqtt("sensor_1", "sensor_1", password);
    device.send(new Subscribe(1, List.of(new Subscription("lab/#", 1)), MqttProperties.EMPTY));
    device.expect(SubAck.class);

    go("clients");
    waitFor(By.cssSelector("tr[data-key=sensor_1]"));
    click(By.xpath("//tr[@data-key='sensor_1']//button[normalize-space()='sensor_1']"));
    assertThat(waitFor(By.cssSelector(".details .subscriptions")).getText()).contains("lab/#");
    screenshot("console-clients");
  }

  @Test
  @DisplayName("publish from the page (QoS 1, a JSON payload) and receive it on an MQTT subscriber")
  void publishFromThePage() {
    RawClient watcher = mqtt("watcher", "watcher", "pw");
    watcher.send(new Subscribe(1, List.of(new Subscription("lab/#", 1)), MqttProperties.EMPTY));
    watcher.expect(SubAck.class);
    login(OWNER);
    go("publish");
    type(By.cssSelector("input[name=topic]"), "lab/device_4/led/set");
    driver.findElement(By.cssSelector("select[name=qos] option[value='1']")).click();
    driver.findElement(By.cssSelector("select[name=format] option[value=json]")).click();
    type(By.cssSelector("textarea[name=payload]"), "{\"led\": \"on\"}");
    click(By.cssSelector("button[type=submit]"));
    assertThat(waitForText(By.cssSelector(".notice.ok")))
        .contains("Published to lab/device_4/led/set");
    Publish received = watcher.expect(Publish.class);
    assertThat(received.topic()).isEqualTo("lab/device_4/led/set");
    assertThat(new String(received.payload(), StandardCharsets.UTF_8))
        .isEqualTo("{\"led\": \"on\"}");
    screenshot("console-publish");

    // a payload that is not what its format says is shown beside the payload, and nothing goes
    driver.findElement(By.cssSelector("select[name=format] option[value=hex]")).click();
    type(By.cssSelector("textarea[name=payload]"), "zz");
    click(By.cssSelector("button[type=submit]"));
    assertThat(waitForText(By.cssSelector("[data-field=payload] .field-error"))).contains("hex");
  }

  @Test
  @DisplayName("an MQTT publish arrives in live messages and in the topic tree, with its history")
  void mqttPublishInLiveMessagesAndTopicTree() {
    login(OWNER);
    go("live?filter=lab/%23");
    waitFor(By.cssSelector(".stream-state.ok"));
    RawClient device = mqtt("publisher", "publisher", "pw");
    device.send(
        new Publish(
            "lab/room1/temp",
            "{\"celsius\":21.5}".getBytes(StandardCharsets.UTF_8),
            0,
            false,
            false,
            0,
            MqttProperties.EMPTY));
    WebElement row = waitFor(By.cssSelector("li.message[data-topic='lab/room1/temp']"));
    assertThat(row.getText()).contains("21.5");
    driver.findElement(By.cssSelector("select[name=view] option[value=hex]")).click();
    click(By.xpath("//form[@role='search']//button[normalize-space()='Filter']"));
    waitFor(By.cssSelector(".stream-state.ok"));
    screenshot("console-live");

    go("topics?topic=lab/room1/temp&field=celsius");
    waitFor(By.cssSelector("[role=treeitem][data-topic='lab/room1/temp']"));
    for (String value : List.of("22.0", "22.5")) {
      device.send(
          new Publish(
              "lab/room1/temp",
              ("{\"celsius\":" + value + "}").getBytes(StandardCharsets.UTF_8),
              0,
              false,
              false,
              0,
              MqttProperties.EMPTY));
      waitUntil(d -> d.findElement(By.cssSelector(".topic-history")).getText().contains(value));
    }
    screenshot("console-topics");
  }

  @Test
  @DisplayName(
      "add a deny rule on the rules page; the tester says a publish under it is refused and one"
          + " beside it allowed, as the broker decides")
  void ruleTester() {
    login(OWNER);
    go("rules");
    String addForm = "//form[.//button[normalize-space()='Add rule']]";
    type(By.xpath(addForm + "//input[@name='priority']"), "5");
    driver
        .findElement(By.xpath(addForm + "//select[@name='action']/option[@value='deny']"))
        .click();
    driver
        .findElement(By.xpath(addForm + "//select[@name='operation']/option[@value='publish']"))
        .click();
    type(By.xpath(addForm + "//input[@name='filter']"), "lab/secret/#");
    click(By.xpath(addForm + "//button[@type='submit']"));
    waitUntil(d -> d.getPageSource().contains("lab/secret/#"));

    String tester = "//form[.//button[normalize-space()='Check']]";
    type(By.xpath(tester + "//input[@name='topic']"), "lab/secret/plans");
    // the broker reads rules from its registry view, polled every 100 ms here
    waitUntil(
        d -> {
          click(By.xpath(tester + "//button[@type='submit']"));
          return d.findElements(By.cssSelector(".notice.error")).stream()
              .anyMatch(e -> e.getText().contains("lab/secret/plans: refused"));
        });
    type(By.xpath(tester + "//input[@name='topic']"), "lab/open/plans");
    click(By.xpath(tester + "//button[@type='submit']"));
    assertThat(waitForText(By.cssSelector(".notice.ok"))).contains("lab/open/plans: allowed");
    screenshot("console-rules");
  }

  @Test
  @DisplayName("the overview shows the MQTT logins refused, by reason")
  void overviewShowsRefusedLoginsByReason() {
    RawClient wrong = RawClient.open(server.broker.mqttPort(), MqttVersion.V5);
    clients.add(wrong);
    wrong.send(
        new Connect(
            MqttVersion.V5,
            "late",
            true,
            60,
            "late",
            "not the password".getBytes(StandardCharsets.UTF_8),
            null,
            MqttProperties.EMPTY));
    assertThat(wrong.expect(ConnAck.class).reasonCode()).isEqualTo(0x86);
    login(OWNER);
    go("overview");
    waitUntil(d -> d.findElement(By.cssSelector(".refusals")).getText().contains("wrong password"));
  }

  @Test
  @DisplayName("delete a retained message from the topic tree, after a confirmation")
  void deleteRetainedMessage() {
    RawClient device = mqtt("retainer", "retainer", "pw");
    device.send(
        new Publish(
            "lab/room2/name",
            "Room two".getBytes(StandardCharsets.UTF_8),
            0,
            true,
            false,
            0,
            MqttProperties.EMPTY));
    login(OWNER);
    waitUntil(
        d -> {
          go("topics?topic=lab/room2/name");
          return !d.findElements(By.cssSelector(".retained")).isEmpty();
        });
    assertThat(driver.findElement(By.cssSelector(".retained")).getText()).contains("Room two");
    click(By.xpath("//button[normalize-space()='Delete retained message']"));
    assertThat(waitForText(By.cssSelector("dialog.confirm"))).contains("lab/room2/name");
    click(By.cssSelector("dialog.confirm button[value=yes]"));
    waitFor(By.cssSelector(".no-retained"));

    // a new subscriber gets no retained message, and a message published now still arrives
    RawClient later = mqtt("late", "late", "pw");
    later.send(new Subscribe(1, List.of(new Subscription("lab/room2/#", 0)), MqttProperties.EMPTY));
    later.expect(SubAck.class);
    device.send(
        new Publish(
            "lab/room2/temp",
            "19".getBytes(StandardCharsets.UTF_8),
            0,
            false,
            false,
            0,
            MqttProperties.EMPTY));
    Publish first = later.expect(Publish.class);
    assertThat(first.topic()).isEqualTo("lab/room2/temp");
  }

  @Test
  @DisplayName("a viewer reads the devices but is refused a change, and the page says so")
  void viewerIsRefusedAChange() {
    login(VIEWER);
    go("devices");
    waitFor(By.cssSelector("table caption"));
    expectedErrors.add("403"); // the refused request, as Chromium logs it
    click(By.xpath("//button[normalize-space()='Add a device']"));
    type(By.cssSelector(".editor input[name=clientId]"), "intruder");
    click(By.cssSelector(".editor button[type=submit]"));
    assertThat(waitForText(By.cssSelector(".editor .form-error"))).containsIgnoringCase("role");
    go("devices?x=1");
    waitFor(By.cssSelector("table caption"));
    assertThat(driver.findElements(By.cssSelector("tr[data-key=intruder]"))).isEmpty();
    assertThat(driver.findElements(By.cssSelector("tr[data-key=watcher]"))).hasSize(1);
  }

  @Test
  @DisplayName(
      "on a phone (375x667): add the lab set, see the device table as cards, passwords shown once")
  void phoneSizedDeviceTable() {
    chromium.phone();
    login(OWNER);
    go("devices");
    click(By.xpath("//button[normalize-space()='Add the lab set']"));
    waitFor(By.cssSelector(".secret-value[data-name=app_4]"));
    waitFor(By.cssSelector("tr[data-key=device_1]"));
    for (String name : List.of("device_1", "device_4", "app_1", "app_4")) {
      assertThat(driver.findElements(By.cssSelector("tr[data-key=" + name + "]"))).hasSize(1);
    }
    Number overflow =
        (Number)
            driver.executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assertThat(overflow.intValue()).as("horizontal overflow at 375 px").isLessThanOrEqualTo(0);
    screenshot("console-devices-phone");
    chromium.desktop();
    driver.navigate().refresh();
    waitFor(By.cssSelector("tr[data-key=device_1]"));
    screenshot("console-devices");

    // the server filters the list: only the apps
    type(By.cssSelector("form[role=search] input[name=clientIdPrefix]"), "app_");
    click(By.xpath("//form[@role='search']//button[normalize-space()='Filter']"));
    // the table is emptied before the filtered page comes: wait for rows, and no device_1 among
    // them
    waitUntil(
        d ->
            d.findElements(By.cssSelector("tr[data-key=device_1]")).isEmpty()
                && !d.findElements(By.cssSelector("tbody tr[data-key]")).isEmpty());
    assertThat(driver.findElements(By.cssSelector("tbody tr[data-key]")))
        .extracting(e -> e.getAttribute("data-key"))
        .containsExactly("app_1", "app_2", "app_3", "app_4");
    assertThat(driver.getCurrentUrl())
        .as("the URL keeps the filter")
        .contains("clientIdPrefix=app_");
  }

  @Test
  @DisplayName(
      "after logging in through the console, the dashboard at /dash?hub= saves a dashboard on the"
          + " server")
  void dashboardSavesOnTheServer() {
    login(OWNER);
    driver.get(base + "/dash/?hub=default");
    // a connection, as the dashboard's form saves one: its name is its dashboard's
    driver.executeScript(
        "localStorage.setItem('switchboard.dash.connections', JSON.stringify([{id: 'lab',"
            + " name: 'lab', host: '127.0.0.1', port: 8083, path: '/mqtt', autoConnect: false}]));"
            + "localStorage.setItem('switchboard.dash.connections.current', 'lab');");
    driver.navigate().refresh();
    waitUntil(d -> d.executeScript("return !!window.switchboardDash") == Boolean.TRUE);
    Object saved =
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "window.switchboardDash.importText(arguments[0], null)"
                + ".then(() => fetch('/api/v1/hubs/default/dashboards'))"
                + ".then(r => r.json()).then(b => done(JSON.stringify(b)))"
                + ".catch(e => done('failed: ' + e.message));",
            "[{\"type\":1,\"name\":\"temperature\",\"topic\":\"lab/room1/temp\"}]");
    assertThat(String.valueOf(saved)).contains("\"name\":\"lab\"").doesNotContain("failed");
  }

  @Test
  @DisplayName(
      "the quota inspector: save the hub's defaults, watch a device's usage grow live against its"
          + " limit, sort by a window")
  void quotaInspector() {
    login(OWNER);
    go("quotas");
    waitFor(By.cssSelector(".stream-state.ok"));
    waitFor(By.cssSelector("table.quota-usage tr[data-key=late]"));
    type(By.cssSelector("input[name=perDay]"), "1000");
    click(By.xpath("//button[normalize-space()=\"Save the hub's defaults\"]"));
    assertThat(waitForText(By.cssSelector("main .notice.ok"))).startsWith("Saved");

    RawClient device = mqtt("late", "late", "pw"); // connects after the limit: metered
    device.send(new Publish("lab/q", new byte[3], 0, false, false, 0, MqttProperties.EMPTY));
    waitUntil(
        d ->
            d.findElement(By.cssSelector("tr[data-key=late] td[data-window=day]"))
                .getText()
                .matches("1 / 1[,. ]?000"));

    click(By.cssSelector("a.sort[data-sort=day]"));
    waitUntil(
        d ->
            "descending"
                .equals(
                    d.findElement(By.xpath("//th[.//a[@data-sort='day']]"))
                        .getAttribute("aria-sort")));
    waitUntil(
        d ->
            d.findElements(By.cssSelector("table.quota-usage tbody tr"))
                .get(0)
                .getAttribute("data-key")
                .equals("late"));
    screenshot("console-quotas");
  }
}
