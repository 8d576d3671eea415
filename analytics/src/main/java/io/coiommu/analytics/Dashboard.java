package io.coiommu.analytics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard: an HTTP server on 127.0.0.1 whose page polls the summary document every
 * second and redraws its charts while results arrive. It serves exactly three things: the page at
 * "/", the fixed set of {@link WebAssets} under "/static/", and the document at "/api/summary";
 * every other path is 404, so nothing outside that static root can be reached.
 *
 * <p>The summary is shared with the thread that consumes results: both hold its monitor while they
 * touch it ({@link ResultsConsumer} does).
 */
public final class Dashboard implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
  static final String TITLE = "coIOMMU pipeline: live";
  static final String STATIC = "/static/";
  static final String API = "/api/summary";

  /** Polls the document once a second; a failed poll says so in the page and retries. */
  private static final String BOOT =
      """
      <script>
      (function poll() {
        fetch('api/summary', {cache: 'no-store'})
          .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
          .then(function (doc) { CoiommuCharts.render(doc); document.body.dataset.records = doc.progress.records; })
          .catch(function (e) { document.getElementById('progress').textContent = 'dashboard unreachable: ' + e; })
          .finally(function () { setTimeout(poll, 1000); });
      })();
      </script>""";

  /** 127.0.0.1 itself, not "the loopback address", which is ::1 on a JVM that prefers IPv6. */
  public static final String LOOPBACK = "127.0.0.1";

  private final RunSummary summary;
  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] page;

  /**
   * The document is rebuilt only when results arrived since: every open page polls it each second.
   */
  private long documentVersion = -1;

  private byte[] document;

  private Dashboard(RunSummary summary, InetAddress bind, int port) throws IOException {
    this.summary = summary;
    this.page = WebAssets.page(TITLE, "static/", BOOT).getBytes(StandardCharsets.UTF_8);
    this.server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "coiommu-dashboard");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Serves the dashboard of this summary on 127.0.0.1:port (0: any free port; see {@link #uri()}).
   */
  public static Dashboard start(RunSummary summary, int port) throws IOException {
    return start(summary, LOOPBACK, port);
  }

  /**
   * Serves on another address, for a dashboard that must be reached from other hosts or containers;
   * the user names that address explicitly.
   */
  public static Dashboard start(RunSummary summary, String bindAddress, int port)
      throws IOException {
    Dashboard d = new Dashboard(summary, InetAddress.getByName(bindAddress), port);
    LOG.info("dashboard at {}", d.uri());
    return d;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public URI uri() {
    InetAddress a = server.getAddress().getAddress();
    String host = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
    return URI.create(
        "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        send(
            exchange,
            405,
            "text/plain; charset=utf-8",
            "GET only\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      // The raw path, undecoded: "%2e%2e" and the like never turn into a file name here.
      String path = exchange.getRequestURI().getRawPath();
      if (path.equals("/") || path.equals("/index.html")) {
        send(exchange, 200, WebAssets.contentType(".html"), page);
      } else if (path.equals(API)) {
        send(exchange, 200, WebAssets.contentType(".json"), document());
      } else if (path.startsWith(STATIC)) {
        String name = path.substring(STATIC.length());
        Optional<byte[]> asset = WebAssets.asset(name);
        if (asset.isPresent()) {
          send(exchange, 200, WebAssets.contentType(name), asset.get());
        } else {
          notFound(exchange);
        }
      } else {
        notFound(exchange);
      }
    } catch (RuntimeException e) {
      LOG.error("dashboard request {} failed", exchange.getRequestURI(), e);
      throw e;
    }
  }

  private byte[] document() {
    synchronized (summary) {
      if (document == null || documentVersion != summary.version()) {
        document =
            SummaryJson.toJson(summary, SummaryJson.Detail.LIVE).getBytes(StandardCharsets.UTF_8);
        documentVersion = summary.version();
      }
      return document;
    }
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    send(
        exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
