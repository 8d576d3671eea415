package io.coiommu.producer.synthetic;

/**
 * Something a synthetic VM does with its devices or memory. An activity keeps its own state, which
 * is created in {@link #start} (so a planned but not yet started VM costs almost nothing) and must
 * stay bounded however long the VM runs.
 */
public interface Activity {

  /** At VM start: emit the initial setup and schedule the first actions. */
  void start(VmSimulation vm);

  /**
   * Does what this activity scheduled with {@link VmSimulation#at}: {@code action} is one of its
   * own action codes and {@code arg} its number (a page, an iova, a request), so a scheduled action
   * is numbers, not an object.
   */
  void act(VmSimulation vm, int action, long arg);

  /** At VM stop, after the last action: emit the teardown of whatever is still mapped. */
  void stop(VmSimulation vm);
}
