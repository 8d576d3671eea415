package io.coiommu.launcher.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Loads YAML (and JSON, which is YAML 1.2) into maps and lists, applying the YAML 1.1 merge key
 * {@code <<} that Compose files use and YAML 1.2 parsers leave as a plain key.
 */
final class YamlDocuments {

  private static final String MERGE = "<<";

  private YamlDocuments() {}

  static Object load(String text) {
    return merged(new Load(LoadSettings.builder().build()).loadFromString(text));
  }

  private static Object merged(Object node) {
    if (node instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach(
          (k, v) -> {
            if (!MERGE.equals(k)) {
              out.put(k, merged(v));
            }
          });
      // Keys written in the mapping itself win over merged ones; earlier merge sources win over
      // later.
      Object sources = m.get(MERGE);
      for (Object source :
          sources instanceof List<?> l ? l : sources == null ? List.of() : List.of(sources)) {
        if (!(source instanceof Map<?, ?> s)) {
          throw new IllegalArgumentException("merge key << needs a mapping, got " + source);
        }
        ((Map<?, ?>) merged(s)).forEach(out::putIfAbsent);
      }
      return out;
    }
    if (node instanceof List<?> l) {
      return l.stream().map(YamlDocuments::merged).toList();
    }
    return node;
  }
}
