package dev.switchboard.web;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium, headless, at phone size (375x667), driven through Debian's chromedriver: both
 * are named by path, so Selenium Manager never downloads a browser or a driver. One per test class
 * (starting a browser costs about a second). Tests skip, saying why, where either is not installed
 * ({@code apt-get install chromium chromium-driver}; .ci/run installs them).
 */
final class Chromium implements AutoCloseable {
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
                "--user-data-dir=" + profile,
                "--window-size=375,667"));
    arguments.addAll(extraArguments);
    options.addArguments(arguments);
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    driver.manage().window().setSize(new Dimension(375, 667));
    phone(375, 667);
  }

  /**
   * The page's viewport exactly {@code width} x {@code height} CSS pixels as on a phone (the window
   * size alone would include the browser's own frame).
   */
  void phone(int width, int height) {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        java.util.Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
  }

  /** A browser; skips the calling test class when chromium or chromedriver is missing. */
  static Chromium start(String... extraArguments) throws IOException {
    assumeTrue(
        Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER),
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver):"
            + " the browser tests of the dashboard are skipped");
    return new Chromium(List.of(extraArguments));
  }

  ChromeDriver driver() {
    return driver;
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (var files = Files.walk(profile)) {
        files
            .sorted((a, b) -> b.getNameCount() - a.getNameCount())
            .forEach(p -> p.toFile().delete());
      }
    }
  }
}
