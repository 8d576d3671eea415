package io.coiommu.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

/** The column reader reads exactly Avro's zig-zag varints, as Avro's own decoder does. */
class VarintReaderTest {

  private static VarintReader reader() {
    VarintReader in = new VarintReader();
    in.name("vm1", 0L);
    return in;
  }

  @Test
  void everyLongReadsBackAsAvroWroteIt() throws Exception {
    List<Long> values =
        new ArrayList<>(
            List.of(
                0L, 1L, -1L, 63L, -64L, 64L, -65L, 8191L, 8192L, Long.MAX_VALUE, Long.MIN_VALUE));
    SplittableRandom rnd = new SplittableRandom(14);
    for (int i = 0; i < 10_000; i++) {
      // Every length from 1 to 10 bytes.
      values.add(rnd.nextLong() >> rnd.nextInt(64));
    }
    byte[] column = new byte[values.size() * 10];
    int length = 0;
    for (long v : values) {
      length += BinaryData.encodeLong(v, column, length);
    }
    VarintReader in = reader();
    in.open("f", column, 0, length);
    BinaryDecoder avro = DecoderFactory.get().binaryDecoder(column, 0, length, null);
    for (int i = 0; i < values.size(); i++) {
      long v = in.next(i);
      assertThat(v).isEqualTo(values.get(i)).isEqualTo(avro.readLong());
    }
    in.close(values.size());
  }

  @Test
  void aColumnInsideALargerArrayIsReadFromItsStartToItsEnd() {
    byte[] bytes = {(byte) 0x80, 0x02, 0x03, 0x7f};
    VarintReader in = reader();
    in.open("f", bytes, 1, 3);
    assertThat(in.next(0)).isEqualTo(1);
    assertThat(in.next(1)).isEqualTo(-2);
    in.close(2);
  }

  @Test
  void anElevenByteVarintIsRefusedAtItsEvent() {
    byte[] bytes = new byte[12];
    bytes[0] = 2;
    java.util.Arrays.fill(bytes, 1, 12, (byte) 0xff);
    VarintReader in = reader();
    in.open("callId", bytes, 0, bytes.length);
    assertThat(in.next(0)).isEqualTo(1);
    assertThatThrownBy(() -> in.next(1))
        .isInstanceOf(InvalidBatchException.class)
        .hasMessageContaining("field callId, event 1")
        .hasMessageContaining("bad varint");
  }

  @Test
  void aVarintCutShortIsRefusedAtItsEvent() {
    VarintReader in = reader();
    in.open("tsNs", new byte[] {(byte) 0x80}, 0, 1);
    assertThatThrownBy(() -> in.next(0))
        .isInstanceOf(InvalidBatchException.class)
        .hasMessageContaining("field tsNs, event 0")
        .hasMessageContaining("ends inside");
  }
}
