package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.mqtt.packet.PubAck;
import dev.switchboard.mqtt.packet.Publish;
import dev.switchboard.mqtt.packet.SubAck;
import dev.switchboard.mqtt.packet.Subscribe;
import dev.switchboard.mqtt.packet.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console's stash pages in Chromium, on a running server: add, edit, clear and remove a stash;
 * browse its entries by time range and cursor, download them, re-send some.
 */
@DisplayName("The console's stash pages in Chromium, on a running server")
class ConsoleStashesBrowserTest extends ConsoleBrowserFixture {

  @Test
  @DisplayName(
      "add a stash (a bad filter is refused beside its field), see MQTT messages counted in it,"
          + " switch it off and change its filter, clear it and remove it, each after a"
          + " confirmation")
  void addEditClearAndRemoveAStash() {
    login(OWNER);
    addStash("bad", "lab/#/temp");
    expectedErrors.add("400"); // the refused request, as Chromium logs it
    assertThat(waitForText(By.cssSelector(".editor [data-field=filter] .field-error")))
        .contains("filter");
    click(By.xpath("//div[@class='editor']//button[normalize-space()='Cancel']"));

    addStash("temps", "lab/+/temp");
    awaitNotice("Stash temps added");
    publish("publisher", "lab/room1/temp", "21.5", "22.0");
    awaitEntries("temps", "2");

    click(By.cssSelector("button[aria-label='Edit temps']"));
    type(By.cssSelector(".editor input[name=filter]"), "lab/#");
    click(By.cssSelector(".editor input[name=enabled]"));
    click(By.cssSelector(".editor button[type=submit]"));
    awaitNotice("Stash temps saved");
    WebElement row = waitFor(By.cssSelector("tr[data-key=temps]"));
    assertThat(row.getText()).contains("lab/#").contains("off");
    screenshot("console-stashes");

    click(By.cssSelector("button[aria-label='Clear temps']"));
    assertThat(waitForText(By.cssSelector("dialog.confirm"))).contains("its 2 entries");
    click(By.cssSelector("dialog.confirm button[value=yes]"));
    awaitNotice("2 entries deleted");
    waitUntil(d -> entriesOf("temps").equals("0"));

    click(By.cssSelector("button[aria-label='Remove temps']"));
    assertThat(waitForText(By.cssSelector("dialog.confirm"))).contains("filter lab/#");
    click(By.cssSelector("dialog.confirm button[value=yes]"));
    awaitNotice("Stash temps removed");
    waitUntil(d -> d.findElements(By.cssSelector("tr[data-key=temps]")).isEmpty());
    assertThat(driver.findElement(By.cssSelector("tbody")).getText()).contains("No stashes yet");
  }

  @Test
  @DisplayName(
      "browse a stash's entries page by page and by time range, download them as CSV and NDJSON,"
          + " and re-send two selected ones to another topic, where an MQTT subscriber gets them")
  void browseDownloadAndResend() {
    RawClient watcher = mqtt("watcher", "watcher", "pw");
    watcher.send(new Subscribe(1, List.of(new Subscription("replay/#", 1)), MqttProperties.EMPTY));
    watcher.expect(SubAck.class);
    login(OWNER);
    addStash("log", "lab/+/temp");
    waitFor(By.cssSelector("tr[data-key=log]"));
    publish("retainer", "lab/room2/temp", "a1", "a2", "a3");
    awaitEntries("log", "3");

    go("stash?hub=default&name=log&limit=2");
    assertThat(rowKeys()).containsExactly("1", "2");
    assertThat(driver.findElement(By.cssSelector("nav.side a[aria-current=page]")).getText())
        .isEqualTo("Stashes");
    screenshot("console-stash");
    assertThat(driver.findElement(By.cssSelector("tr[data-key='1'] .payload")).getText())
        .isEqualTo("a1");
    click(By.cssSelector("a[rel=next]"));
    waitUntil(d -> rowKeys().equals(List.of("3")));
    assertThat(driver.getCurrentUrl()).as("the cursor is in the URL").contains("cursor=");

    type(By.cssSelector("form[role=search] input[name=from]"), "2999-01-01T00:00:00Z");
    click(By.xpath("//form[@role='search']//button[normalize-space()='Filter']"));
    waitForText(By.xpath("//td[normalize-space()='No entries in this range.']"));
    assertThat(driver.getCurrentUrl()).contains("from=2999-01-01T00");

    go("stash?hub=default&name=log");
    driver
        .findElement(By.cssSelector(".download-form select[name=format] option[value=csv]"))
        .click();
    driver
        .findElement(By.cssSelector(".download-form select[name=frame] option[value='1h']"))
        .click();
    String csv = fetch(waitFor(By.cssSelector("a.download")).getAttribute("href"));
    assertThat(csv.lines().toList()).hasSize(4);
    assertThat(csv).startsWith("seq,receivedAt,clientId");
    driver
        .findElement(By.cssSelector(".download-form select[name=format] option[value=ndjson]"))
        .click();
    String ndjson = fetch(driver.findElement(By.cssSelector("a.download")).getAttribute("href"));
    assertThat(ndjson.lines().toList()).hasSize(3).allMatch(l -> l.contains("\"topic\""));

    click(By.cssSelector("input[aria-label='Select entry 1']"));
    click(By.cssSelector("input[aria-label='Select entry 3']"));
    type(By.cssSelector("input[name=topic]"), "replay/temps");
    click(By.xpath("//button[normalize-space()='Re-send']"));
    awaitNotice("Re-sent 2 messages");
    Publish first = watcher.expect(Publish.class);
    Publish second = watcher.expect(Publish.class);
    assertThat(List.of(first, second)).allMatch(p -> p.topic().equals("replay/temps"));
    assertThat(List.of(text(first), text(second))).containsExactly("a1", "a3");

    // every entry, with no range given, each to another topic
    driver.findElement(By.cssSelector("select[name=which] option[value=range]")).click();
    type(By.cssSelector("input[name=topic]"), "replay/all");
    click(By.xpath("//button[normalize-space()='Re-send']"));
    awaitNotice("Re-sent 3 messages");
    List<String> all =
        List.of(
                watcher.expect(Publish.class),
                watcher.expect(Publish.class),
                watcher.expect(Publish.class))
            .stream()
            .map(ConsoleStashesBrowserTest::text)
            .toList();
    assertThat(all).containsExactly("a1", "a2", "a3");
  }

  // ------------------------------------------------------------------ helpers

  private void addStash(String name, String filter) {
    go("stashes");
    click(By.xpath("//button[normalize-space()='Add a stash']"));
    type(By.cssSelector(".editor input[name=name]"), name);
    type(By.cssSelector(".editor input[name=filter]"), filter);
    click(By.cssSelector(".editor button[type=submit]"));
  }

  /** Publishes each payload at QoS 1 as {@code device}, each acknowledged before the next. */
  private void publish(String device, String topic, String... payloads) {
    RawClient c = mqtt(device, device, "pw");
    int id = 1;
    for (String payload : payloads) {
      c.send(
          new Publish(
              topic,
              payload.getBytes(StandardCharsets.UTF_8),
              1,
              false,
              false,
              id++,
              MqttProperties.EMPTY));
      c.expect(PubAck.class);
    }
  }

  /**
   * Waits for the page's notice to say {@code text} (it says what the action before did till then).
   */
  private void awaitNotice(String text) {
    waitUntil(d -> d.findElement(By.cssSelector(".notice.ok")).getText().contains(text));
  }

  /** Reloads the list until {@code stash} counts {@code entries} (the writer commits in groups). */
  private void awaitEntries(String stash, String entries) {
    go("stashes");
    waitUntil(
        d -> {
          if (entriesOf(stash).equals(entries)) {
            return true;
          }
          d.navigate().refresh();
          waitFor(By.cssSelector("tr[data-key='" + stash + "']"));
          return false;
        });
  }

  private String entriesOf(String stash) {
    return driver
        .findElement(By.cssSelector("tr[data-key='" + stash + "'] td.entries"))
        .getText()
        .strip();
  }

  private List<String> rowKeys() {
    return driver.findElements(By.cssSelector("table.entries tbody tr[data-key]")).stream()
        .map(e -> e.getAttribute("data-key"))
        .toList();
  }

  /** The body of a GET the page could make, with its session. */
  private String fetch(String url) {
    return String.valueOf(
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0]).then(r => r.text()).then(done)"
                + ".catch(e => done('failed: ' + e.message));",
            url));
  }

  private static String text(Publish p) {
    return new String(p.payload(), StandardCharsets.UTF_8);
  }
}
