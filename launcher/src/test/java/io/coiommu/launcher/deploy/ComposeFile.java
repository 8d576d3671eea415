package io.coiommu.launcher.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A docker-compose.yml as Compose reads it: YAML merge keys applied and {@code ${VAR:-default}}
 * resolved to the default, which is what a plain {@code docker compose up} runs.
 */
final class ComposeFile {

  /**
   * The Dockerfile the coiommu roles are built from, relative to the build context (the repository
   * root).
   */
  static final String COIOMMU_DOCKERFILE = "docker/Dockerfile";

  private static final Pattern VARIABLE =
      Pattern.compile(
          "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?}" + "|\\$([A-Za-z_][A-Za-z0-9_]*)");

  private final Map<String, Map<String, Object>> services = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  private ComposeFile(Map<String, Object> root) {
    Object s = root.get("services");
    if (!(s instanceof Map<?, ?> all)) {
      throw new IllegalArgumentException("compose file has no services");
    }
    all.forEach((name, body) -> services.put((String) name, asMap(resolved(body))));
  }

  static ComposeFile read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  static ComposeFile parse(String yaml) {
    return new ComposeFile(asMap(YamlDocuments.load(yaml)));
  }

  Map<String, Map<String, Object>> services() {
    return services;
  }

  /** Services that run the coiommu image: their command is a coiommu command line. */
  List<String> coiommuServices() {
    List<String> names = new ArrayList<>();
    services.forEach(
        (name, body) -> {
          if (body.get("build") instanceof Map<?, ?> build
              && COIOMMU_DOCKERFILE.equals(build.get("dockerfile"))) {
            names.add(name);
          }
        });
    return names;
  }

  /** The service's command, resolved; a string command is split on blanks as Compose does. */
  List<String> command(String service) {
    Object c = services.get(service).get("command");
    List<String> args = new ArrayList<>();
    if (c instanceof List<?> list) {
      list.forEach(a -> args.add(String.valueOf(a)));
    } else if (c != null) {
      for (String a : c.toString().trim().split("\\s+")) {
        args.add(a);
      }
    }
    return args;
  }

  /** The value following {@code option} in the service's command, if it has one. */
  Optional<String> option(String service, String option) {
    List<String> args = command(service);
    int i = args.indexOf(option);
    return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
  }

  /** Every scalar of the file, resolved, wherever it is. */
  List<String> scalars() {
    List<String> out = new ArrayList<>();
    services.values().forEach(body -> collect(body, out));
    return out;
  }

  /**
   * The host path (relative to the compose file's folder) mounted at {@code containerPath} in the
   * service, from its short-syntax volumes.
   */
  Optional<String> hostPath(String service, String containerPath) {
    if (services.get(service).get("volumes") instanceof List<?> volumes) {
      for (Object v : volumes) {
        String[] parts = v.toString().split(":");
        if (parts.length >= 2 && parts[1].equals(containerPath) && parts[0].startsWith(".")) {
          return Optional.of(parts[0]);
        }
      }
    }
    return Optional.empty();
  }

  /** Variables that have no default, so the file means nothing definite without an environment. */
  List<String> problems() {
    return problems;
  }

  private void collect(Object node, List<String> out) {
    if (node instanceof Map<?, ?> m) {
      m.values().forEach(v -> collect(v, out));
    } else if (node instanceof List<?> l) {
      l.forEach(v -> collect(v, out));
    } else if (node != null) {
      out.add(node.toString());
    }
  }

  /**
   * Every string of the tree with its variables replaced (Compose interpolates values, not keys).
   */
  private Object resolved(Object node) {
    if (node instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, resolved(v)));
      return out;
    }
    if (node instanceof List<?> l) {
      return l.stream().map(this::resolved).toList();
    }
    return node instanceof String text ? resolve(text) : node;
  }

  private String resolve(String text) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else if (m.group(3) != null) {
        replacement = m.group(3);
      } else {
        String name = m.group(1) != null ? m.group(1) : m.group(4);
        problems.add(
            "variable "
                + name
                + " in '"
                + text
                + "' has no default (write ${"
                + name
                + ":-default})");
        replacement = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object node) {
    if (!(node instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("expected a mapping, got " + node);
    }
    return (Map<String, Object>) node;
  }
}
