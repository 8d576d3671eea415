package io.coiommu.launcher.deploy;

import io.coiommu.launcher.Main;
import io.coiommu.producer.Pacing;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.Topics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Checks the deployment files against the code. Each method returns the problems it found, one
 * readable line each, so a test can show them all and a negative test can expect them.
 */
final class DeploymentCheck {

  // Not inside a longer name or a path: /etc/grafana/dashboards/coiommu.json is a file, not a
  // topic.
  private static final Pattern TOPIC =
      Pattern.compile("(?<![\\w./-])coiommu\\.[a-z0-9][a-z0-9._-]*");
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

  private DeploymentCheck() {}

  /** The topics the code uses: the constants of {@link Topics}. */
  static Set<String> knownTopics() throws IllegalAccessException {
    Set<String> topics = new TreeSet<>();
    for (Field f : Topics.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        topics.add((String) f.get(null));
      }
    }
    return topics;
  }

  /**
   * Every coiommu service's command must parse as the launcher parses it (subcommand, flags, typed
   * values), and the free-form values the roles interpret must be accepted too.
   */
  static List<String> commandProblems(ComposeFile compose) {
    List<String> problems = new ArrayList<>();
    if (compose.coiommuServices().isEmpty()) {
      problems.add("no service is built from " + ComposeFile.COIOMMU_DOCKERFILE);
    }
    for (String service : compose.coiommuServices()) {
      List<String> args = compose.command(service);
      String where = "service " + service + " (coiommu " + String.join(" ", args) + "): ";
      if (args.isEmpty()) {
        problems.add(where + "no command: the image would only print its help");
        continue;
      }
      try {
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
        if (!parsed.hasSubcommand()) {
          problems.add(where + "no subcommand");
          continue;
        }
        CommandLine.ParseResult role = parsed.subcommand();
        valueProblem(role, "--workload", v -> Workloads.open(v).close())
            .ifPresent(p -> problems.add(where + p));
        valueProblem(role, "--speed", Pacing::parse).ifPresent(p -> problems.add(where + p));
      } catch (CommandLine.ParameterException e) {
        problems.add(where + e.getMessage());
      }
    }
    compose.problems().forEach(p -> problems.add("compose: " + p));
    return problems;
  }

  /**
   * Every topic the compose file names is one the code uses, and it names (creates) all of them.
   */
  static List<String> topicProblems(ComposeFile compose, Set<String> known) {
    List<String> problems = new ArrayList<>();
    Set<String> named = new TreeSet<>();
    for (String scalar : compose.scalars()) {
      Matcher m = TOPIC.matcher(scalar);
      while (m.find()) {
        named.add(m.group());
      }
    }
    for (String topic : named) {
      if (!known.contains(topic)) {
        problems.add("topic " + topic + " is not one of io.coiommu.schema.Topics " + known);
      }
    }
    for (String topic : known) {
      if (!named.contains(topic)) {
        problems.add("topic " + topic + " is never created by the compose file");
      }
    }
    return problems;
  }

  /** Every metric a dashboard query reads is one the app exports. */
  static List<String> metricProblems(Collection<String> queries, Set<String> exported) {
    List<String> problems = new ArrayList<>();
    for (String query : queries) {
      Set<String> names = PromQl.metricNames(query);
      if (names.isEmpty()) {
        problems.add("query reads no metric: " + query);
      }
      for (String name : names) {
        if (!exported.contains(name)) {
          problems.add("metric " + name + " is not exported (query: " + query + ")");
        }
      }
    }
    return problems;
  }

  /**
   * Every Prometheus target is a compose service listening on that port, reachable from another
   * container; every coiommu role with a metrics port is scraped.
   */
  static List<String> scrapeProblems(Map<?, ?> prometheus, ComposeFile compose) {
    List<String> problems = new ArrayList<>();
    Set<String> scraped = new TreeSet<>();
    for (String target : targets(prometheus)) {
      String[] hostPort = target.split(":");
      if (hostPort.length != 2) {
        problems.add("target " + target + " is not host:port");
        continue;
      }
      String service = hostPort[0];
      if (!compose.services().containsKey(service)) {
        problems.add("target " + target + ": no service " + service + " in the compose file");
        continue;
      }
      scraped.add(service);
      if (compose.coiommuServices().contains(service)) {
        Optional<String> port = compose.option(service, "--metrics-port");
        if (!port.equals(Optional.of(hostPort[1]))) {
          problems.add(
              "target "
                  + target
                  + ": service "
                  + service
                  + " serves metrics on "
                  + port.orElse("no port (no --metrics-port)"));
        }
        String bind = compose.option(service, "--bind").orElse("127.0.0.1");
        if (LOOPBACK.contains(bind)) {
          problems.add(
              "target "
                  + target
                  + ": service "
                  + service
                  + " binds "
                  + bind
                  + ", which Prometheus in another container cannot reach (give --bind 0.0.0.0)");
        }
      } else if (!containerPorts(compose.services().get(service)).contains(hostPort[1])) {
        problems.add(
            "target " + target + ": service " + service + " exposes no port " + hostPort[1]);
      }
    }
    for (String service : compose.coiommuServices()) {
      if (compose.option(service, "--metrics-port").isPresent() && !scraped.contains(service)) {
        problems.add("service " + service + " exports metrics but Prometheus does not scrape it");
      }
    }
    if (scraped.isEmpty()) {
      problems.add("Prometheus scrapes nothing");
    }
    return problems;
  }

  /** Static targets, and DNS-discovered ones (every replica of a scaled service) as name:port. */
  private static List<String> targets(Map<?, ?> prometheus) {
    List<String> targets = new ArrayList<>();
    if (prometheus.get("scrape_configs") instanceof List<?> jobs) {
      for (Object job : jobs) {
        if (job instanceof Map<?, ?> j && j.get("static_configs") instanceof List<?> configs) {
          for (Object config : configs) {
            if (config instanceof Map<?, ?> c && c.get("targets") instanceof List<?> t) {
              t.forEach(x -> targets.add(x.toString()));
            }
          }
        }
        if (job instanceof Map<?, ?> j && j.get("dns_sd_configs") instanceof List<?> configs) {
          for (Object config : configs) {
            if (config instanceof Map<?, ?> c && c.get("names") instanceof List<?> names) {
              names.forEach(n -> targets.add(n + ":" + c.get("port")));
            }
          }
        }
      }
    }
    return targets;
  }

  private static Set<String> containerPorts(Map<String, Object> service) {
    Set<String> ports = new TreeSet<>();
    for (String key : List.of("expose", "ports")) {
      if (service.get(key) instanceof List<?> list) {
        list.forEach(
            p -> {
              String[] parts = p.toString().split(":");
              ports.add(parts[parts.length - 1].replaceAll("/.*", ""));
            });
      }
    }
    return ports;
  }

  @FunctionalInterface
  private interface Validator {
    void accept(String value) throws Exception;
  }

  private static Optional<String> valueProblem(
      CommandLine.ParseResult role, String option, Validator validator) {
    String value = role.matchedOptionValue(option, null);
    if (value == null) {
      return Optional.empty();
    }
    try {
      validator.accept(value);
      return Optional.empty();
    } catch (Exception e) {
      return Optional.of(option + " " + value + ": " + e.getMessage());
    }
  }
}
