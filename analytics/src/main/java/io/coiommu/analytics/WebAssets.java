package io.coiommu.analytics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The files the report and the dashboard serve besides their data: the page, its script, its style
 * and the ECharts library from its webjar. Only these names exist: a request for anything else
 * finds nothing.
 */
final class WebAssets {

  private static final String WEB = "/io/coiommu/analytics/web/";
  private static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/";

  /** Served name -> classpath resource. */
  static final Map<String, String> FILES =
      Map.of(
          "charts.js", WEB + "charts.js",
          "style.css", WEB + "style.css",
          "echarts.min.js", ECHARTS + "dist/echarts.min.js",
          "echarts-LICENSE.txt", ECHARTS + "LICENSE");

  private WebAssets() {}

  static Optional<byte[]> asset(String name) {
    String resource = FILES.get(name);
    return resource == null ? Optional.empty() : Optional.of(read(resource));
  }

  static String contentType(String name) {
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (name.endsWith(".json")) {
      return "application/json; charset=utf-8";
    }
    return "text/plain; charset=utf-8";
  }

  /**
   * The page with its title, the prefix its assets are found under, and the script that feeds it
   * data.
   */
  static String page(String title, String assetPrefix, String boot) {
    return new String(read(WEB + "page.html"), StandardCharsets.UTF_8)
        .replace("@TITLE@", title)
        .replace("@ASSETS@", assetPrefix)
        .replace("@BOOT@", boot);
  }

  static void copyAll(Path dir) throws IOException {
    for (String name : FILES.keySet()) {
      Files.write(dir.resolve(name), read(FILES.get(name)));
    }
  }

  private static byte[] read(String resource) {
    try (InputStream in = WebAssets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing from the jar: " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
