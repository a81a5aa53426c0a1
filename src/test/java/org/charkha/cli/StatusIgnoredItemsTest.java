package org.charkha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.charkha.web.AppService;
import org.junit.jupiter.api.Test;

/** Items a node ignored for a feed reach {@code charkha status}, as text and as JSON (http-api.md). */
class StatusIgnoredItemsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static AppService.StatusView view() {
    AppService.Ignored ignored = new AppService.Ignored(1, 3, "seq 38 is not newer than the held seq 40",
        "push from /203.0.113.7:6881", 1_700_000_000_000L);
    return new AppService.StatusView(true, 5, 2, List.of(new AppService.FeedStatus("ab".repeat(32), "Bob", 40, 40, 0, 1.0,
        null, false, "current", ignored)));
  }

  @Test
  void statusPrintsIgnoredItemsApartFromRejections() {
    StringWriter text = new StringWriter();
    new Reads.Status().print(view(), new PrintWriter(text, true));
    String line = text.toString();
    assertTrue(line.contains("ignored: 1 bad signature, 3 not newer; last from push from /203.0.113.7:6881: "
        + "seq 38 is not newer than the held seq 40"), line);
    assertTrue(!line.contains("rejected"), line);
  }

  @Test
  void statusJsonHasTheIgnoredRecordOfHttpApiAndReadsBack() throws Exception {
    String json = JSON.writeValueAsString(view());
    JsonNode ignored = JSON.readTree(json).path("feeds").get(0).path("ignored");
    List<String> keys = new java.util.ArrayList<>();
    ignored.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("badSignature", "notNewer", "lastReason", "lastFrom", "lastAtMillis"), keys);
    assertEquals(view(), JSON.readValue(json, AppService.StatusView.class), "the CLI reads what the node writes");
  }
}
