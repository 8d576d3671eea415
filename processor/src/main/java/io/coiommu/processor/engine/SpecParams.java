package io.coiommu.processor.engine;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to one scenario's {@code name=value} parameters, for a policy's {@link PolicyParams}
 * parser. It remembers which names were read, so parameters the policy does not have are refused
 * with the list of those it has.
 */
final class SpecParams {

  private final Map<String, String> values;
  private final Set<String> used = new LinkedHashSet<>();
  private final String text;

  SpecParams(Map<String, String> values, String text) {
    this.values = values;
    this.text = text;
  }

  private String take(String name) {
    used.add(name);
    return values.get(name);
  }

  private IllegalArgumentException bad(String name, String value, String expected) {
    return new IllegalArgumentException(
        "scenario '" + text + "': " + name + "=" + value + " is invalid (" + expected + ")");
  }

  UnpinPolicy unpinPolicy(String name, UnpinPolicy dflt) {
    String v = take(name);
    if (v == null) {
      return dflt;
    }
    for (UnpinPolicy u : UnpinPolicy.values()) {
      if (u.name().toLowerCase(Locale.ROOT).equals(v)) {
        return u;
      }
    }
    throw bad(name, v, "expected off or lru");
  }

  long duration(String name, long dflt, long min) {
    String v = take(name);
    if (v == null) {
      return dflt;
    }
    long ns = Durations.parse(v, "scenario '" + text + "': " + name);
    if (ns < min) {
      throw bad(name, v, "must be at least " + Durations.format(min));
    }
    return ns;
  }

  /**
   * A count that may be {@code unlimited} (or {@code none}), given as {@link
   * UnpinSchedule#UNLIMITED}.
   */
  long limit(String name) {
    String v = take(name);
    if (v == null || v.equals("unlimited") || v.equals("none")) {
      return UnpinSchedule.UNLIMITED;
    }
    return integer(name, v, 0, Long.MAX_VALUE);
  }

  long integer(String name, long dflt, long min, long max) {
    String v = take(name);
    return v == null ? dflt : integer(name, v, min, max);
  }

  private long integer(String name, String v, long min, long max) {
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw bad(name, v, "expected an integer");
    }
    if (n < min || n > max) {
      throw bad(name, v, "must be between " + min + " and " + max);
    }
    return n;
  }

  boolean onOff(String name, boolean dflt) {
    String v = take(name);
    if (v == null) {
      return dflt;
    }
    if (v.equals("on")) {
      return true;
    }
    if (v.equals("off")) {
      return false;
    }
    throw bad(name, v, "expected on or off");
  }

  /** After the policy's parser has read what it knows: any other parameter is an error. */
  void rejectUnused(PolicyKind kind) {
    for (String name : values.keySet()) {
      if (!used.contains(name)) {
        throw new IllegalArgumentException(
            "scenario '"
                + text
                + "': "
                + kind.specName()
                + " has no parameter '"
                + name
                + "'"
                + (used.isEmpty() ? "" : "; it has " + String.join(", ", used)));
      }
    }
  }

  static String onOff(boolean b) {
    return b ? "on" : "off";
  }
}
