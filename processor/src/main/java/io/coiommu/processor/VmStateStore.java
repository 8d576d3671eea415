package io.coiommu.processor;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The changelogged store of each VM's emulation state (laid out by {@link VmStateLog}: the pieces
 * of each VM's {@link VmState} bytes and their manifest), and the hook that writes the state of the
 * VMs a task changed right before that task commits.
 *
 * <p>Why a hook inside the store: Kafka Streams 4.4 commits a task in paths where no processor
 * callback runs first. On a rebalance under exactly_once_v2 it commits every task of the thread
 * (they share one transaction), and it commits revoked tasks before suspending them ({@code
 * TaskManager.handleRevocation}: prepareCommit, commit, then suspend, which is when {@code
 * Processor.close()} runs); a commit requested by one task's punctuator commits the others too.
 * Every one of those commits goes through {@code StreamTask.prepareCommit()}, which flushes the
 * caches of the task's stores ({@code ProcessorStateManager.flushCache()}) before the record
 * collector is flushed and the transaction commits. Writing the snapshots there puts them in the
 * same transaction as the input offsets, so the changelog and the committed offsets always agree,
 * while a batch costs no serialization at all. Caching is off so those writes go straight to the
 * changelog.
 */
final class VmStateStore {

  static final String NAME = "vm-emulator-state";

  /**
   * Largest record of a VM's state: a state takes about 8 bytes per tracked page and scenario (16
   * MiB for the sample's page-cache-heavy disk VM, without bound in general), so its manifest (8
   * bytes per piece) and a state of the previous layout are stored in chunks that stay under
   * Kafka's default 1 MiB record limit.
   */
  static final int CHUNK_BYTES = 512 << 10;

  private VmStateStore() {}

  static StoreBuilder<KeyValueStore<String, byte[]>> builder() {
    KeyValueBytesStoreSupplier inMemory = Stores.inMemoryKeyValueStore(NAME);
    KeyValueBytesStoreSupplier hooked =
        new KeyValueBytesStoreSupplier() {
          @Override
          public String name() {
            return NAME;
          }

          @Override
          public KeyValueStore<Bytes, byte[]> get() {
            return new CommitHookStore(inMemory.get());
          }

          @Override
          public String metricsScope() {
            return inMemory.metricsScope();
          }
        };
    return Stores.keyValueStoreBuilder(hooked, Serdes.String(), Serdes.ByteArray())
        .withCachingDisabled()
        .withLoggingEnabled(Map.of());
  }

  /**
   * Registers {@code hook} to run before each commit of the task owning {@code store} (as the
   * processor sees it).
   */
  static void beforeCommit(StateStore store, Runnable hook) {
    StateStore s = store;
    while (s instanceof WrappedStateStore<?, ?, ?> w) {
      if (s instanceof CommitHookStore h) {
        h.hook = hook;
        return;
      }
      s = w.wrapped();
    }
    throw new IllegalStateException(
        "store "
            + store.name()
            + " has no commit hook layer: build it with "
            + VmStateStore.class.getSimpleName()
            + ".builder()");
  }

  /**
   * The innermost layer: plain delegation, except that flushing the caches (the start of a commit)
   * runs the hook.
   */
  private static final class CommitHookStore
      extends WrappedStateStore<KeyValueStore<Bytes, byte[]>, Bytes, byte[]>
      implements KeyValueStore<Bytes, byte[]> {

    private Runnable hook = () -> {};

    CommitHookStore(KeyValueStore<Bytes, byte[]> inner) {
      super(inner);
    }

    @Override
    public void flushCache() {
      hook.run();
      super.flushCache();
    }

    @Override
    public void put(Bytes key, byte[] value) {
      wrapped().put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
      return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
      wrapped().putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
      return wrapped().delete(key);
    }

    @Override
    public byte[] get(Bytes key) {
      return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
      return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
      return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
      return wrapped().all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
      return wrapped().reverseAll();
    }

    @Override
    public <PS extends org.apache.kafka.common.serialization.Serializer<P>, P>
        KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
      return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
      return wrapped().approximateNumEntries();
    }
  }
}
