package dev.switchboard.web.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver, both named by path so that
 * Selenium Manager never downloads a browser or a driver, with a fresh profile; its console's
 * messages are kept, so that a test can say none was an error. One per test class (starting a
 * browser costs about a second). Tests skip, saying why, where either is not installed ({@code
 * apt-get install chromium chromium-driver}; .ci/run installs them). The browser tests of the
 * dashboard (this module) and of the console ({@code app}, through this module's test-jar) use it.
 */
public final class Chromium implements AutoCloseable {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path profile;

  private Chromium(List<String> extraArguments) throws IOException {
    profile = Files.createTempDirectory("switchboard-chromium-");
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "--headless=new",
                "--no-sandbox", // root in CI, where chromium's sandbox cannot start
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                "--user-data-dir=" + profile));
    arguments.addAll(extraArguments);
    options.addArguments(arguments);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
  }

  /**
   * A browser whose page is 375x667 CSS pixels, as on a phone; skips the calling test class when
   * chromium or chromedriver is missing.
   */
  public static Chromium startAtPhoneSize(String... extraArguments) throws IOException {
    Chromium c = start("the dashboard's", extraArguments);
    c.phone(375, 667);
    return c;
  }

  /**
   * A browser whose page is 1280x800 CSS pixels, as on a desktop; skips the calling test class when
   * chromium or chromedriver is missing.
   */
  public static Chromium startAtDesktopSize(String... extraArguments) throws IOException {
    Chromium c = start("the console's", extraArguments);
    c.desktop();
    return c;
  }

  private static Chromium start(String whose, String... extraArguments) throws IOException {
    assumeTrue(
        Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER),
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver): "
            + whose
            + " browser tests are skipped");
    return new Chromium(List.of(extraArguments));
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** The page's viewport at 1280x800 CSS pixels. */
  public void desktop() {
    viewport(1280, 800, false);
  }

  /** The page's viewport at 375x667, as on a phone. */
  public void phone() {
    phone(375, 667);
  }

  /**
   * The page's viewport exactly {@code width} x {@code height} CSS pixels as on a phone (the window
   * size alone would include the browser's own frame).
   */
  public void phone(int width, int height) {
    viewport(width, height, true);
  }

  private void viewport(int width, int height, boolean mobile) {
    driver.manage().window().setSize(new Dimension(width, height + 100));
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
  }

  /** The console's messages since the last call, errors and warnings included. */
  public List<LogEntry> log() {
    return driver.manage().logs().get(LogType.BROWSER).getAll();
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
