package dev.molt.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.InvalidSpecException;
import dev.molt.Revision;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutEvent.Type;
import dev.molt.rollout.RolloutPhase;
import dev.molt.store.RolloutRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** The picture of four real rollouts, each run by the engine in virtual time. */
class TimelineTest {
  static SampleRollouts.Run canary;
  static SampleRollouts.Run failed;
  static SampleRollouts.Run rolling;
  static SampleRollouts.Run blueGreen;

  @BeforeAll
  static void runTheRollouts() {
    canary = SampleRollouts.canarySucceeds();
    failed = SampleRollouts.canaryFailedAnalysis();
    rolling = SampleRollouts.rolling();
    blueGreen = SampleRollouts.blueGreen();
  }

  static SvgDom draw(SampleRollouts.Run run) {
    return SvgDom.parse(Timeline.of(run.rollout()).svg());
  }

  static String target(SampleRollouts.Run run) {
    return run.rollout().to().id();
  }

  static String previous(SampleRollouts.Run run) {
    return run.rollout().from().orElseThrow().id();
  }

  @Test
  void aSuccessfulCanaryShowsEveryStepItsTrafficStepsAndPassingMeasurements() {
    assertThat(canary.rollout().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    SvgDom svg = draw(canary);

    assertThat(svg.attributes("//line[@class='step-boundary']", "data-what")).containsExactly(
        "set-weight-10%", "pause-over", "analysis-passed", "set-weight-50%", "pause-over",
        "set-weight-100%");
    Element line = trafficLine(svg, target(canary));
    assertThat(rises(line)).containsExactly(10, 50, 100);
    assertThat(line.getAttribute("data-final")).isEqualTo("100");
    assertThat(trafficLine(svg, previous(canary)).getAttribute("data-final")).isEqualTo("0");
    assertThat(svg.attributes("//g[contains(@class,'analysis')]", "data-verdict"))
        .containsExactly("PASS");
    assertThat(svg.attributes("//circle[contains(@class,'measurement')]", "data-verdict"))
        .containsExactly("PASS", "PASS", "PASS");
    assertThat(svg.all("//g[contains(@class,'pause') or contains(@class,'timed-wait')]"))
        .hasSize(2);
    assertThat(svg.all("//g[contains(@class,'rollback-marker')]")).isEmpty();
    assertThat(svg.all("//g[@class='end-marker end-SUCCEEDED']")).hasSize(1);
    assertThat(lastCount(svg, target(canary), "HEALTHY")).isEqualTo(10);
  }

  @Test
  void aCanaryWhoseAnalysisFailsShowsTheFailingMeasurementAndTheRollbackAtThatMoment() {
    assertThat(failed.rollout().phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
    SvgDom svg = draw(failed);

    List<Element> dots = svg.all("//circle[contains(@class,'measurement')]");
    assertThat(dots).extracting(d -> d.getAttribute("data-verdict"))
        .containsExactly("PASS", "PASS", "FAIL");
    Element rollback = svg.all("//g[contains(@class,'rollback-marker')]/line").get(0);
    assertThat(rollback.getAttribute("x1")).isEqualTo(dots.get(2).getAttribute("cx"));
    assertThat(svg.attributes("//g[contains(@class,'analysis')]", "data-verdict"))
        .containsExactly("FAIL");
    assertThat(svg.all("//text[@class='measurement-detail']").get(0).getTextContent())
        .isEqualTo("error_rate=3.1% above max=1.0%");
    assertThat(svg.attributes("//line[@class='step-boundary']", "data-what"))
        .containsExactly("set-weight-10%", "pause-over");
    Element line = trafficLine(svg, target(failed));
    assertThat(rises(line)).containsExactly(10);
    assertThat(line.getAttribute("data-final")).isEqualTo("0");
    assertThat(svg.all("//g[@class='end-marker end-ROLLED_BACK']")).hasSize(1);
    assertThat(svg.root().getAttribute("data-rollout")).isEqualTo(failed.rollout().id());
  }

  @Test
  void aRollingUpdateShowsInstancesMovingOverAndTheHealthyShareAsItsTraffic() {
    assertThat(rolling.rollout().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    SvgDom svg = draw(rolling);

    assertThat(svg.all("//line[@class='step-boundary']")).isEmpty();
    assertThat(svg.all("//text[@class='no-steps']")).hasSize(1);
    Element line = trafficLine(svg, target(rolling));
    assertThat(line.getAttribute("class")).isEqualTo("traffic-line derived");
    assertThat(line.getAttribute("data-final")).isEqualTo("100");
    assertThat(rises(line)).isSorted().hasSizeGreaterThan(2).last().isEqualTo(100);
    assertThat(svg.attributes("//rect[@data-state='LAUNCHING']", "data-revision"))
        .containsOnly(target(rolling));
    assertThat(svg.attributes("//rect[@data-state='DRAINING' or @data-state='DRAINED']",
        "data-revision")).isNotEmpty().containsOnly(previous(rolling));
    assertThat(lastCount(svg, target(rolling), "HEALTHY")).isEqualTo(10);
    assertThat(svg.all("//text[@class='no-analysis']")).hasSize(1);
  }

  @Test
  void aBlueGreenShowsOneSwitchAfterItsAnalysisAndTheScaleDownDelay() {
    assertThat(blueGreen.rollout().phase()).isEqualTo(RolloutPhase.SUCCEEDED);
    SvgDom svg = draw(blueGreen);

    Element line = trafficLine(svg, target(blueGreen));
    assertThat(rises(line)).containsExactly(100);
    assertThat(svg.attributes("//circle[contains(@class,'measurement')]", "data-verdict"))
        .containsExactly("PASS", "PASS", "PASS");
    assertThat(svg.attributes("//line[@class='step-boundary']", "data-what"))
        .contains("analysis-passed", "switched");
    assertThat(svg.all("//g[@class='wait timed-wait']/text").get(0).getTextContent())
        .contains("scale-down delay 5m00s");
    assertThat(lastCount(svg, target(blueGreen), "HEALTHY")).isEqualTo(10);
  }

  @Test
  void aStoredRecordDrawsWhatTheEnginesLastSnapshotDraws() {
    RolloutRecord record = failed.record();

    assertThat(record.rollout().history()).isEqualTo(failed.rollout().history());
    assertThat(Timeline.of(record).svg()).isEqualTo(Timeline.of(failed.rollout()).svg());
    assertThat(Timeline.of(RolloutRecord.fromJson(record.toJson())).svg())
        .isEqualTo(Timeline.of(failed.rollout()).svg());
  }

  @Test
  void theSameHistoryDrawsTheSameText() {
    assertThat(Timeline.of(SampleRollouts.canaryFailedAnalysis().rollout()).svg())
        .isEqualTo(Timeline.of(failed.rollout()).svg());
  }

  @Test
  void thePageHoldsThePictureAndOneRowPerEventAndLoadsNothing() {
    String html = Timeline.of(failed.rollout()).html();

    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg xmlns=")
        .doesNotContain("<?xml", "<script", " src=", " href=", "@import", "url(");
    int rows = html.split("<tr class=", -1).length - 1;
    assertThat(rows).isEqualTo(failed.rollout().history().size());
    assertThat(html).contains("<tr class=\"ABORTING\">", "<tr class=\"MEASURED\">");
  }

  @Test
  void aHistoryFromBeforeObservedAndMeasuredEventsStillDrawsWhatItHas() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Revision v1 = Revision.of("r-1111111111");
    Revision v2 = Revision.of("r-2222222222");
    String why = "analysis at step 1 (p99 <250ms & \"fast\"): verdict=FAIL";
    List<RolloutEvent> history = List.of(
        event(t0, Type.STARTED, "phase=PROGRESSING from=r-1111111111 to=r-2222222222"),
        event(t0.plusSeconds(60), Type.TRAFFIC_SHIFTED,
            "traffic: r-1111111111=80% r-2222222222=20%"),
        event(t0.plusSeconds(60), Type.STEP, "step=0 done=set-weight-20% next=1"),
        event(t0.plusSeconds(60), Type.STEP, "step=1 action=analyze gate=p99"),
        event(t0.plusSeconds(120), Type.ANALYZED, "step=1 verdict=FAIL measurements=1"
            + " last=\"p99=900ms\""),
        event(t0.plusSeconds(120), Type.ABORTING, "phase=ABORTING to=r-1111111111 reason=\""
            + why + "\""),
        event(t0.plusSeconds(130), Type.TRAFFIC_SHIFTED, "traffic: r-1111111111=100%"),
        event(t0.plusSeconds(150), Type.ROLLED_BACK, "phase=ROLLED_BACK revision=r-1111111111"));
    Rollout old = new Rollout("ro-old", "web", "canary", Optional.of(v1), v2,
        RolloutPhase.ROLLED_BACK, 1, 3, 0, history, Optional.of(why), Optional.empty(), t0,
        t0.plusSeconds(150));

    SvgDom svg = SvgDom.parse(Timeline.of(old).svg());

    assertThat(svg.all("//text[@class='no-counts']")).hasSize(1);
    assertThat(svg.attributes("//circle[contains(@class,'measurement')]", "data-verdict"))
        .containsExactly("FAIL");
    assertThat(svg.all("//g[contains(@class,'rollback-marker')]/text").get(0).getTextContent())
        .isEqualTo("\u21a9 rollback to r-1111111111");
    assertThat(svg.all("//text[@class='rollback-reason halo']").get(0).getTextContent())
        .isEqualTo(why);
    assertThat(rises(trafficLine(svg, v2.id()))).containsExactly(20);
  }

  private static RolloutEvent event(Instant at, Type type, String message) {
    return new RolloutEvent(at, type, RolloutPhase.PROGRESSING, 0, message);
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> Timeline.of((Rollout) null)).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> Timeline.of((RolloutRecord) null))
        .isInstanceOf(InvalidSpecException.class);
  }

  static Element trafficLine(SvgDom svg, String revision) {
    List<Element> lines = svg.all("//path[starts-with(@class,'traffic-line')][@data-revision='"
        + revision + "']");
    assertThat(lines).as("traffic line of %s", revision).hasSize(1);
    return lines.get(0);
  }

  /**
   * The weights a step line steps up to, in order, read back from its path: the picture's y of a
   * weight is linear, so each {@code V} that goes up is one rise.
   */
  static List<Integer> rises(Element path) {
    String[] parts = path.getAttribute("d").split(" ");
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].startsWith("M")) {
        ys.add(Double.parseDouble(parts[i + 1]));
      } else if (parts[i].startsWith("V")) {
        ys.add(Double.parseDouble(parts[i].substring(1)));
      }
    }
    double zero = yOf(0);
    double full = yOf(100);
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i < ys.size(); i++) {
      if (ys.get(i) < ys.get(i - 1)) {
        out.add((int) Math.round((zero - ys.get(i)) / (zero - full) * 100));
      }
    }
    return out;
  }

  private static double yOf(int pct) {
    return Double.parseDouble(Svg.num(TimelineSvg.trafficY(pct)));
  }

  /** @return the count of {@code revision} in {@code state} in the last column drawn */
  static int lastCount(SvgDom svg, String revision, String state) {
    List<Element> rects = svg.all("//rect[@data-revision='" + revision + "'][@data-state='"
        + state + "']");
    assertThat(rects).as("%s %s columns", revision, state).isNotEmpty();
    return Integer.parseInt(rects.get(rects.size() - 1).getAttribute("data-count"));
  }
}
