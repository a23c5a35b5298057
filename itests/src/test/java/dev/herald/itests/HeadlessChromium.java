package dev.herald.itests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.opentest4j.AssertionFailedError;

/**
 * Debian's Chromium, headless, driven by Selenium through Debian's chromedriver. Both paths are
 * given explicitly, so Selenium Manager never runs (it would try to download a driver or a
 * browser, and the test machines reach neither). The system properties {@code herald.chromium} and
 * {@code herald.chromedriver} point elsewhere on other systems.
 *
 * <p>Each instance has a fresh profile, and Chromium's own traffic (updates, sync, safe browsing
 * lists, QUIC probes) is switched off: a test's only traffic is to the loopback servers it names.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path BROWSER = Path.of(System.getProperty("herald.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("herald.chromedriver", "/usr/bin/chromedriver"));

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /**
     * Runs a test class only where Chromium and chromedriver are both installed. Where either is
     * missing it fails the class in CI ({@code CI=true}), whose {@code .ci/run} installs them so
     * that the browser test always runs there, and skips it on a developer's machine, saying what
     * to install.
     */
    static final class Installed implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            List<String> missing = new ArrayList<>();
            for (Path p : List.of(BROWSER, DRIVER)) {
                if (!Files.isExecutable(p)) {
                    missing.add(p.toString());
                }
            }
            if (missing.isEmpty()) {
                return ConditionEvaluationResult.enabled("Chromium and chromedriver are installed");
            }
            String what = "no executable " + String.join(" or ", missing) + "; install them with: apt-get install chromium chromium-driver";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionFailedError("CI runs the browser test, but there is " + what
                        + " (.ci/run installs them when either is missing)");
            }
            return ConditionEvaluationResult.disabled("browser test skipped on this machine: " + what);
        }
    }

    /** Starts chromedriver and a headless Chromium with a fresh profile in {@code profileDir}. */
    static HeadlessChromium start(Path profileDir) {
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profileDir);
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new HeadlessChromium(service, driver);
    }

    /** Loads {@code url} in the one tab, leaving whatever page was there (and its connections). */
    void open(String url) {
        driver.get(url);
    }

    /** Runs {@code script} (a function body; {@code arguments} holds {@code args}) and returns what it returns. */
    Object run(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Runs {@code script} and waits for it to call its callback, the last of {@code arguments};
     * returns what it passed. Fails after 30 s.
     */
    Object runAsync(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            if (service.isRunning()) {
                service.stop();
            }
        }
    }
}
