package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.broker.testing.RawClient;
import dev.switchboard.hub.auth.PasswordHasher;
import dev.switchboard.hub.registry.model.Admin;
import dev.switchboard.hub.registry.model.AdminRole;
import dev.switchboard.hub.registry.model.Device;
import dev.switchboard.hub.registry.model.Hub;
import dev.switchboard.mqtt.MqttVersion;
import dev.switchboard.mqtt.packet.ConnAck;
import dev.switchboard.mqtt.packet.Connect;
import dev.switchboard.mqtt.packet.MqttProperties;
import dev.switchboard.store.registry.RegistryStore;
import dev.switchboard.web.testing.Chromium;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the console's browser tests share: one server (broker, registry, HTTP API on free ports,
 * administrators {@value #OWNER} and {@value #VIEWER}, devices {@code watcher}, {@code publisher},
 * {@code retainer} and {@code late} with password {@code pw}) and one Chromium per test class;
 * every test starts logged out and ends with no error in the browser's console other than the ones
 * it expects; and the steps the tests are written in (log in, go to a page, click, type, wait).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsoleBrowserFixture {
  static final String OWNER = "teacher";
  static final String VIEWER = "assistant";
  static final String PASSWORD = "correct horse battery";
  static final Duration WAIT = Duration.ofSeconds(15);

  Path dir;
  HubServer server;
  Chromium chromium;
  ChromeDriver driver;
  String base;
  final List<RawClient> clients = new ArrayList<>();
  final List<String> expectedErrors = new ArrayList<>();

  @BeforeAll
  void start() throws IOException {
    chromium = Chromium.startAtDesktopSize(); // skips the class first when there is no browser
    driver = chromium.driver();
    dir = Files.createTempDirectory("switchboard-console");
    SwitchboardConfig config =
        TestServerConfig.write(
            dir,
            "console",
            """
            http.port = 0
            """);
    PasswordHasher hasher = config.authSettings().hasher();
    try (RegistryStore registry = RegistryStore.open(config.storeConfig())) {
      long now = System.currentTimeMillis();
      String hash = hasher.hash(PASSWORD.toCharArray());
      registry.addAdmin(new Admin(OWNER, null, AdminRole.OWNER, hash, now, now));
      registry.addAdmin(new Admin(VIEWER, null, AdminRole.VIEWER, hash, now, now));
      for (String id : List.of("watcher", "publisher", "retainer", "late")) {
        registry.add(Device.create(Hub.DEFAULT, id, id, hasher.hash("pw".toCharArray()), now));
      }
    }
    server = HubServer.start(config);
    base = "http://127.0.0.1:" + server.http.httpPort();
  }

  @AfterAll
  void stop() throws IOException {
    if (chromium != null) {
      chromium.close();
    }
    if (server != null) {
      server.close();
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @BeforeEach
  void loggedOut() {
    chromium.desktop();
    driver.get(base + "/");
    driver.executeScript("sessionStorage.clear()");
    driver.get(base + "/");
    waitFor(By.cssSelector("input[name=username]"));
    chromium.log(); // what came before this test is not its own
    expectedErrors.clear();
  }

  @AfterEach
  void noErrorsInTheBrowserConsole() {
    clients.forEach(RawClient::close);
    clients.clear();
    List<String> errors =
        chromium.log().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .map(LogEntry::getMessage)
            .filter(m -> expectedErrors.stream().noneMatch(m::contains))
            .toList();
    assertThat(errors).as("errors in the browser's console").isEmpty();
  }

  void login(String user) {
    type(By.cssSelector("input[name=username]"), user);
    type(By.cssSelector("input[name=password]"), PASSWORD);
    click(By.cssSelector("button[type=submit]"));
    waitFor(By.cssSelector("nav.side"));
    waitFor(By.cssSelector("main h1"));
  }

  void go(String route) {
    driver.get(base + "/#/" + route);
    waitFor(By.cssSelector("main h1"));
  }

  RawClient mqtt(String clientId, String user, String password) {
    RawClient c = RawClient.open(server.broker.mqttPort(), MqttVersion.V5);
    clients.add(c);
    c.send(
        new Connect(
            MqttVersion.V5,
            clientId,
            true,
            60,
            user,
            password.getBytes(StandardCharsets.UTF_8),
            null,
            MqttProperties.EMPTY));
    ConnAck ack = c.expect(ConnAck.class);
    assertThat(ack.reasonCode()).as("CONNACK of %s", clientId).isZero();
    return c;
  }

  WebElement waitFor(By by) {
    return new WebDriverWait(driver, WAIT)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(
            d ->
                d.findElements(by).stream()
                    .filter(WebElement::isDisplayed)
                    .findFirst()
                    .orElse(null));
  }

  String waitForText(By by) {
    return new WebDriverWait(driver, WAIT)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(
            d -> {
              String text =
                  d.findElements(by).stream()
                      .map(WebElement::getText)
                      .filter(t -> !t.isBlank())
                      .findFirst()
                      .orElse(null);
              return text;
            });
  }

  void waitUntil(Function<ChromeDriver, Boolean> condition) {
    new WebDriverWait(driver, WAIT)
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until((WebDriver d) -> condition.apply(driver));
  }

  void click(By by) {
    waitFor(by).click();
  }

  void type(By by, String text) {
    WebElement input = waitFor(by);
    input.clear();
    input.sendKeys(text);
  }

  void screenshot(String name) {
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    try {
      Path target = Path.of("target", "console-screenshots");
      Files.createDirectories(target);
      Files.write(target.resolve(name + ".png"), png);
      String docs = System.getProperty("console.screenshots");
      if (docs != null && !docs.isBlank()) {
        Files.createDirectories(Path.of(docs));
        Files.write(Path.of(docs, name + ".png"), png);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
