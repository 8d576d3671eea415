package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The synthetic generators produce exactly the events they always did (VM names, types, times,
 * addresses, sizes, call ids, order): the digests were taken from the generators before they were
 * made faster, so any optimisation that changes one event fails here. A deliberate change to a
 * generator's behaviour updates these digests in the same commit and says why.
 */
class GeneratedEventsDigestTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "sample | 3206889 | da8fa987a29424cb983d9516c2f6a589ba876552fc4078b819e520de05d41b5e",
        "fleet:hosts=5,vms=40,duration=5s,seed=3 | 647075 | 8074036e757f21fa661920aa4a1e93e367ca34ba47a258c935ba7c732ede4770",
        "nic:duration=10s,seed=2 | 408159 | aa44b55b3ba877c407467dbc4aad61323e73c729e100fef468b15f3e90c5dbf1",
        "storage:duration=10s,seed=4 | 117105 | 144df88bfdd4e1dafa6be7f2a1f7ac7ad822289a92a8e2ba8c05581a27be59c4",
        "nvme:duration=5s,iops=20000,reuse=0.5 | 1403766 | 682d1a5c93fea4559f8ff9b5e96503e6c07a1481169e26559a635d9436abf486",
        "gpu:duration=20s,buffers=2 | 68738 | fc68f431f4c977740a949d89aa1fa4c076de1306b551f12c3a014fc52aeda520",
        "balloon:duration=10s | 5459 | ef1439352b83fd33e5570fc709b601729440094af1826cc6d17ca4ddfa8dabb6",
        "idle:duration=20s,balloon=1g,pps=200 | 19952 | ea52621cfeb4f012c558e3fed9f3b421ae4b71e3a22706c4373230aba9c31a6c",
      })
  void workloadsGenerateExactlyThePinnedEvents(String spec, long events, String digest) {
    EventDigest d = EventDigest.of(Workloads.open(spec));
    assertThat(d.events()).as("events of %s", spec).isEqualTo(events);
    assertThat(d.hex()).as("digest of %s", spec).isEqualTo(digest);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "vms=10,hosts=3,window=1d,duration=4s,load=0.5 | 21768 | 6bd09dbcfd69973bab46e3e82efd313ba2bd8e56f8045ecb4ebedb889f2df4a5"
      })
  void anAzureFleetGeneratesExactlyThePinnedEvents(String plan, long events, String digest)
      throws IOException {
    Path table =
        new TraceFilesFixture(dir)
            .write(
                "vmtable.csv",
                io.coiommu.producer.trace.AzureVmTableTest.ROWS.toArray(String[]::new));
    EventDigest d = EventDigest.of(Workloads.open("azure:file=" + table + "," + plan));
    assertThat(d.events()).as("events of azure %s", plan).isEqualTo(events);
    assertThat(d.hex()).as("digest of azure %s", plan).isEqualTo(digest);
  }
}
