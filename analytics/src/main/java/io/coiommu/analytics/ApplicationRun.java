package io.coiommu.analytics;

import io.coiommu.schema.ResultHeaders;
import io.coiommu.schema.WindowResult;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the results of one processor application said about it so far: several what-if applications
 * may share the result topic, and the headers of a last record name the scenarios and cost model of
 * its application (see {@link ResultHeaders}). An application id of null accepts every record.
 */
final class ApplicationRun {
  final String applicationId;
  List<String> scenarios;
  long read;

  ApplicationRun(String applicationId) {
    this.applicationId = applicationId;
  }

  /**
   * Whether the record is of this application; a last record's headers name the scenarios and cost
   * model.
   */
  boolean accept(ConsumerRecord<String, WindowResult> record, RunSummary into) {
    if (applicationId == null) {
      return true;
    }
    if (!applicationId.equals(ResultHeaders.get(record.headers(), ResultHeaders.APPLICATION))) {
      return false;
    }
    read++;
    if (scenarios == null && record.value() != null && record.value().getLast()) {
      List<String> names = ResultHeaders.scenarios(record.headers());
      if (names != null) {
        scenarios = names;
        into.setScenarioOrder(names);
        String costs = ResultHeaders.get(record.headers(), ResultHeaders.COST_MODEL);
        into.setCostModel(costs == null ? "" : costs);
      }
    }
    return true;
  }
}
