package io.coiommu.processor.engine;

import io.coiommu.schema.NamedSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Host CPU nanoseconds per operation, the parameters of a policy's estimated cost. Immutable. Every
 * default is documented in docs/policies.md with its source, or marked there as an assumption;
 * {@link #describe()} names every parameter so each report can say which costs it used.
 */
public final class CostModel {

  /** Parameter names, in the order {@link #describe()} lists them. */
  public static final String EXIT_IOEVENTFD = "exit.ioeventfd";

  public static final String EXIT_USERSPACE_MMIO = "exit.mmio";
  public static final String EXIT_VIRTQUEUE_KICK = "exit.kick";
  public static final String PIN_PAGE = "pin";
  public static final String UNPIN_PAGE = "unpin";
  public static final String VFIO_MAP = "vfio.map";
  public static final String VFIO_UNMAP = "vfio.unmap";
  public static final String IOTLB_INVALIDATION = "iotlb.inv";
  public static final String IO_PAGE_FAULT = "iopf";
  public static final String LRU_SCAN_PAGE = "lru.scan";

  private static final CostModel DEFAULTS = new CostModel(defaultValues());

  private final Map<String, Long> nanos;

  private CostModel(Map<String, Long> nanos) {
    this.nanos = Map.copyOf(nanos);
  }

  public static CostModel defaults() {
    return DEFAULTS;
  }

  /**
   * Defaults overridden by {@code name=value} pairs separated by commas, values durations of the
   * one grammar of {@code Quantities} (e.g. {@code exit.mmio=12us,pin=300ns}; a bare number is
   * seconds, as everywhere). Throws IllegalArgumentException naming the bad pair.
   */
  public static CostModel parse(String overrides) {
    CostModel m = DEFAULTS;
    if (overrides == null || overrides.isBlank()) {
      return m;
    }
    for (Map.Entry<String, String> p :
        NamedSpec.params(overrides, "costs '" + overrides + "'").entrySet()) {
      m = m.with(p.getKey(), Durations.parse(p.getValue(), "cost parameter " + p.getKey()));
    }
    return m;
  }

  /** This model with one parameter changed. */
  public CostModel with(String name, long ns) {
    if (!nanos.containsKey(name)) {
      throw new IllegalArgumentException(
          "unknown cost parameter '" + name + "'; known: " + String.join(", ", order()));
    }
    if (ns < 0) {
      throw new IllegalArgumentException("cost parameter " + name + " must be >= 0, got " + ns);
    }
    Map<String, Long> copy = new LinkedHashMap<>(nanos);
    copy.put(name, ns);
    return new CostModel(copy);
  }

  public long nanos(String name) {
    Long v = nanos.get(name);
    if (v == null) {
      throw new IllegalArgumentException("unknown cost parameter '" + name + "'");
    }
    return v;
  }

  long exitNanos(ExitKind kind) {
    return switch (kind) {
      case NONE -> 0;
      case IOEVENTFD -> nanos(EXIT_IOEVENTFD);
      case USERSPACE_MMIO -> nanos(EXIT_USERSPACE_MMIO);
      case VIRTQUEUE_KICK -> nanos(EXIT_VIRTQUEUE_KICK);
    };
  }

  /** Every parameter with its value, e.g. {@code exit.ioeventfd=4000ns,exit.mmio=8000ns,...}. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    for (String name : order()) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(name).append('=').append(nanos.get(name)).append("ns");
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CostModel && ((CostModel) o).nanos.equals(nanos);
  }

  @Override
  public int hashCode() {
    return nanos.hashCode();
  }

  @Override
  public String toString() {
    return describe();
  }

  private static String[] order() {
    return new String[] {
      EXIT_IOEVENTFD,
      EXIT_USERSPACE_MMIO,
      EXIT_VIRTQUEUE_KICK,
      PIN_PAGE,
      UNPIN_PAGE,
      VFIO_MAP,
      VFIO_UNMAP,
      IOTLB_INVALIDATION,
      IO_PAGE_FAULT,
      LRU_SCAN_PAGE
    };
  }

  private static Map<String, Long> defaultValues() {
    // Sources and assumptions: docs/policies.md, section "Cost model".
    Map<String, Long> m = new LinkedHashMap<>();
    m.put(EXIT_IOEVENTFD, 4_000L);
    m.put(EXIT_USERSPACE_MMIO, 10_000L);
    m.put(EXIT_VIRTQUEUE_KICK, 6_000L);
    m.put(PIN_PAGE, 250L);
    m.put(UNPIN_PAGE, 150L);
    m.put(VFIO_MAP, 2_000L);
    m.put(VFIO_UNMAP, 2_000L);
    m.put(IOTLB_INVALIDATION, 1_000L);
    m.put(IO_PAGE_FAULT, 215_000L);
    m.put(LRU_SCAN_PAGE, 50L);
    return m;
  }
}
