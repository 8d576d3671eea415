package io.coiommu.launcher.kafka;

/**
 * A JVM that starts a cluster and exits without closing it, as a run interrupted with Ctrl-C does.
 */
final class ExitWithoutClosing {

  static final String DIRECTORY_PREFIX = "directory=";

  private ExitWithoutClosing() {}

  public static void main(String[] args) throws Exception {
    EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(1);
    System.out.println(DIRECTORY_PREFIX + cluster.directory());
    System.out.flush();
    System.exit(0);
  }
}
