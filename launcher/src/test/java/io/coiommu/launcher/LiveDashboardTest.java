package io.coiommu.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.analytics.Dashboard;
import io.coiommu.analytics.ResultsConsumer;
import io.coiommu.analytics.RunSummary;
import io.coiommu.analytics.VmGroup;
import io.coiommu.analytics.WindowMetric;
import io.coiommu.launcher.kafka.KafkaFixture;
import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.producer.Pacing;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.Workloads;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live dashboard in a real headless Chromium while a trace replays through the real pipeline:
 * the page updates during the replay, and at the end shows the numbers the result topic holds.
 */
class LiveDashboardTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  @Test
  void thePageFollowsTheReplayAndEndsWithTheResultTopicsNumbers() throws Exception {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as("this test needs a real browser: apt-get install chromium chromium-driver")
        .isTrue();
    ProcessorConfig config =
        new ProcessorConfig(
            ScenarioSpec.parse("static,viommu-strict,coiommu:unpin=lru,interval=1s,oracle"),
            EngineConfig.defaults());
    RunSummary live = new RunSummary();
    WebDriver browser = browser();
    try (Dashboard dashboard = Dashboard.start(live, 0)) {
      // 20 s of trace at 4x: about 5 s of replay, long enough to see the page move.
      CompletableFuture<Pipeline.Result> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Pipeline.run(
                      new Pipeline.Options(
                          kafka.clientProperties(),
                          () -> Workloads.open("nic:duration=20s"),
                          config,
                          2,
                          Pacing.parse("4x"),
                          Duration.ofMinutes(2),
                          ProgressListener.NONE,
                          live),
                      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      browser.get(dashboard.uri().toString());
      long seenDuringReplay = awaitRecords(browser, n -> n > 0);
      Pipeline.Result result = run.get();
      long total;
      synchronized (live) {
        total = live.records();
      }
      assertThat(seenDuringReplay)
          .as("the page showed results before the replay ended")
          .isLessThan(total);
      awaitRecords(browser, n -> n == total);

      RunSummary fromTopic =
          ResultsConsumer.consumeUntilComplete(
              kafka.clientProperties(),
              result.vms(),
              config.scenarios().size(),
              Duration.ofMinutes(1));
      List<Map<String, String>> rows = rows(browser);
      assertThat(rows).hasSize(config.scenarios().size());
      for (Map<String, String> row : rows) {
        String scenario = row.get("scenario");
        VmGroup fleet = fromTopic.scenario(scenario).fleet();
        assertThat(row.get("notifications"))
            .as(scenario)
            .isEqualTo(Long.toString(fleet.total(WindowMetric.NOTIFICATIONS)));
        assertThat(row.get("exits"))
            .as(scenario)
            .isEqualTo(Long.toString(fleet.total(WindowMetric.EXITS)));
        assertThat(row.get("peak_pinned_mib").replace(",", ""))
            .as(scenario)
            .isEqualTo(
                String.format(Locale.ROOT, "%.1f", fleet.peakPinnedBytes() / (1024.0 * 1024.0)));
        assertThat(row.get("dma_safety_violations")).as(scenario).isEqualTo("0");
      }
    } finally {
      browser.quit();
    }
  }

  private static WebDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1400,2000");
    return new ChromeDriver(
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build(),
        options);
  }

  /**
   * Waits until the number of results the page last drew satisfies the condition, and returns it.
   */
  private static long awaitRecords(WebDriver browser, java.util.function.LongPredicate condition) {
    return new WebDriverWait(browser, Duration.ofSeconds(90))
        .until(
            d -> {
              Object drawn =
                  ((JavascriptExecutor) d).executeScript("return document.body.dataset.records;");
              if (drawn == null) {
                return null;
              }
              long n = Long.parseLong(drawn.toString());
              return condition.test(n) ? n : null;
            });
  }

  /** The scenario table in one script call: the page redraws it every second. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, String>> rows(WebDriver browser) {
    return (List<Map<String, String>>)
        ((JavascriptExecutor) browser)
            .executeScript(
                """
        return Array.from(document.querySelectorAll('#scenario-rows tr')).map(function (tr) {
          var row = {scenario: tr.getAttribute('data-scenario')};
          tr.querySelectorAll('td[data-field]').forEach(function (td) {
            row[td.getAttribute('data-field')] = td.textContent.trim();
          });
          return row;
        });""");
  }
}
