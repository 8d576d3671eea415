package io.coiommu.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.WindowResult;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium while results arrive: the page must show the numbers
 * the results add up to, before and after the rest of the run lands, and draw its charts. Needs
 * Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver).
 */
class DashboardBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private static WebDriver browser;

  @BeforeAll
  static void startBrowser() {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as("this test needs a real browser: apt-get install chromium chromium-driver")
        .isTrue();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,2300");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void showsTheNumbersOfTheResultsWhileTheyArrive() throws Exception {
    RunSummary summary = new RunSummary();
    summary.setTemporalLocality(SyntheticRun.locality());
    List<WindowResult> records =
        RunSummaryTest.interleave(SyntheticRun.perVm(), new java.util.Random(1));
    List<WindowResult> firstHalf = new ArrayList<>(records.subList(0, records.size() / 2));
    try (Dashboard dashboard = Dashboard.start(summary, 0)) {
      feed(summary, firstHalf);
      browser.get(dashboard.uri().toString());
      awaitRecords(firstHalf.size());
      assertTableMatches(summary);
      assertThat(browser.findElement(By.id("progress")).getText())
          .contains(firstHalf.size() + " results");
      assertThat(browser.findElement(By.id("top-title")).getText())
          .contains("now")
          .contains("live");
      assertThat(browser.findElement(By.id("top-head")).getText())
          .contains("pinned MiB now", "state");

      feed(summary, records.subList(firstHalf.size(), records.size()));
      awaitRecords(records.size());
      assertTableMatches(summary);
      assertThat(browser.findElement(By.id("progress")).getText())
          .contains(records.size() + " results, 20 of 20 (scenario, VM) runs complete");
      // A finished run has released every page: its top VMs rank by peak, with no "now" column.
      assertThat(browser.findElement(By.id("top-title")).getText())
          .contains("by peak")
          .contains("run finished");
      assertThat(browser.findElement(By.id("top-head")).getText())
          .doesNotContain("now")
          .doesNotContain("state");
      assertThat(topPeaks()).isSortedAccordingTo(java.util.Comparator.reverseOrder()).isNotEmpty();

      // Every chart drew its lines, bars or points as SVG.
      for (String chart :
          List.of(
              "chart-fleet-pinned",
              "chart-vm-pinned",
              "chart-notifications",
              "chart-peak-distribution",
              "chart-headroom",
              "chart-tradeoff",
              "chart-locality")) {
        assertThat(browser.findElements(By.cssSelector("#" + chart + " svg path")).size())
            .as(chart)
            .isGreaterThan(10);
      }
      assertThat(browser.findElement(By.id("chart-fleet-pinned")).getText())
          .contains("trace time (s)");
      Path shot = Path.of("target", "dashboard.png");
      Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
      assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
  }

  /** The first scenario's top-VM peaks in MiB, in the order the page lists them. */
  @SuppressWarnings("unchecked")
  private static List<Double> topPeaks() {
    List<String> cells =
        (List<String>)
            ((JavascriptExecutor) browser)
                .executeScript(
                    """
        var first = document.querySelector('#top-rows tr td.label').textContent;
        return Array.from(document.querySelectorAll('#top-rows tr'))
          .filter(function (tr) { return tr.querySelector('td.label').textContent === first; })
          .map(function (tr) { return tr.querySelector('td[data-field=peak_mib]').textContent; });""");
    return cells.stream().map(c -> Double.parseDouble(c.replace(",", ""))).toList();
  }

  private static void feed(RunSummary summary, List<WindowResult> records) {
    synchronized (summary) {
      records.forEach(summary::add);
    }
  }

  private static void awaitRecords(int records) {
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(
            d ->
                String.valueOf(records)
                    .equals(
                        ((JavascriptExecutor) d)
                            .executeScript("return document.body.dataset.records;")));
  }

  /**
   * Each scenario row shows its fleet's notifications, exits and pinned peak as the summary has
   * them. The page redraws its table every second, so the rows are read in one script call: element
   * by element, a redraw in between would leave stale references.
   */
  @SuppressWarnings("unchecked")
  private static void assertTableMatches(RunSummary summary) {
    List<Map<String, String>> rows =
        (List<Map<String, String>>)
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
    assertThat(rows).hasSize(summary.scenarios().size());
    for (Map<String, String> row : rows) {
      String scenario = row.get("scenario");
      VmGroup fleet = summary.scenario(scenario).fleet();
      assertThat(row.get("notifications"))
          .as(scenario)
          .isEqualTo(Long.toString(fleet.total(WindowMetric.NOTIFICATIONS)));
      assertThat(row.get("exits"))
          .as(scenario)
          .isEqualTo(Long.toString(fleet.total(WindowMetric.EXITS)));
      assertThat(row.get("peak_pinned_mib").replace(",", ""))
          .as(scenario)
          .isEqualTo(String.format(Locale.ROOT, "%.1f", fleet.peakPinnedBytes() / Units.MIB));
      assertThat(row.get("dma_safety_violations")).isEqualTo("0");
    }
  }
}
