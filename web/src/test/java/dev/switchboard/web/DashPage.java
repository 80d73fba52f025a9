package dev.switchboard.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard page in a browser: opened with a connection and a dashboard put in its localStorage
 * (as a user's earlier visit would have left them), and read through the DOM the way a person reads
 * it (a tile's name, text, state and status line).
 */
final class DashPage {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ChromeDriver driver;
  private final URI base;

  DashPage(ChromeDriver driver, URI base) {
    this.driver = driver;
    this.base = base;
  }

  ChromeDriver driver() {
    return driver;
  }

  /** A connection to 127.0.0.1 on {@code port} (ws), with the dashboard's defaults. */
  static ObjectNode connection(String name, int port) {
    ObjectNode c = JSON.createObjectNode();
    c.put("id", name);
    c.put("name", name);
    c.put("host", "127.0.0.1");
    c.put("port", port);
    c.put("path", "/mqtt");
    c.put("tls", false);
    c.put("clientId", "dash-" + name);
    c.put("autoConnect", true);
    c.put("allowManagement", true);
    return c;
  }

  /** Opens the page with one connection and its dashboard, and waits until it is connected. */
  void open(ObjectNode connection, String metricsJson, boolean scriptsAllowed) throws Exception {
    load(connection, metricsJson, scriptsAllowed);
    waitUntil(d -> "connected".equals(status()));
  }

  /** Opens the page with one connection and its dashboard, without waiting for anything. */
  void load(ObjectNode connection, String metricsJson, boolean scriptsAllowed) throws Exception {
    driver.get(base.resolve("/dash/").toString());
    String dashboard =
        "{\"name\":"
            + JSON.writeValueAsString(connection.get("name").asText())
            + ",\"scriptsAllowed\":"
            + scriptsAllowed
            + ",\"metrics\":"
            + metricsJson
            + "}";
    js(
        "localStorage.clear();"
            + "localStorage.setItem('switchboard.dash.connections', JSON.stringify([arguments[0]]));"
            + "localStorage.setItem('switchboard.dash.connections.current', arguments[0].id);"
            + "localStorage.setItem('switchboard.dash.dashboard.' + arguments[0].name, arguments[1]);",
        JSON.convertValue(connection, Map.class),
        dashboard);
    driver.navigate().refresh();
  }

  String status() {
    List<WebElement> pills = driver.findElements(By.cssSelector(".status"));
    return pills.isEmpty() ? "" : pills.get(0).getDomAttribute("data-state");
  }

  WebElement tile(String name) {
    return driver.findElement(By.cssSelector(".tile[data-name=\"" + name + "\"]"));
  }

  String text(String name) {
    return tile(name).findElement(By.cssSelector(".tile-text")).getText();
  }

  String state(String name) {
    return tile(name).getDomAttribute("data-state");
  }

  String problem(String name) {
    return tile(name).findElement(By.cssSelector(".tile-status")).getText();
  }

  void tap(String name) {
    tile(name).findElement(By.cssSelector(".tile-body")).click();
  }

  Object js(String script, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(script, arguments);
  }

  Object asyncJs(String script, Object... arguments) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
  }

  <T> T waitUntil(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT)
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }
}
