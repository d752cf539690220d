package dev.molt.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The picture in a real browser: Debian's headless Chromium (installed and checked before the
 * integration tests by scripts/chromium-env.sh, which names it in the env file) renders the SVG
 * and the HTML page of a canary whose analysis failed. The screenshots must not be blank and must
 * show the revisions' and the rollback's colours; the DOM Chromium built from the page must hold
 * the step boundaries, the traffic step lines, the verdict markers and the rollback marker. If the
 * browser is missing or cannot start, the test fails.
 */
class TimelineBrowserIT {
  private static final long BROWSER_TIMEOUT_SECONDS = 120;
  static Path chromium;
  static Path out;
  static SampleRollouts.Run failed;

  @BeforeAll
  static void findTheBrowser() throws IOException {
    String envFile = System.getProperty("molt.chromium.env.file");
    assertThat(envFile).as("system property molt.chromium.env.file (set by the module's pom)")
        .isNotBlank();
    Path env = Path.of(envFile);
    assertThat(env).as("the env file scripts/chromium-env.sh up writes: did it run?").exists();
    String binary = Files.readAllLines(env).stream()
        .filter(l -> l.startsWith("export MOLT_CHROMIUM="))
        .map(l -> l.substring("export MOLT_CHROMIUM=".length())).findFirst()
        .orElseThrow(() -> new AssertionError(env + " names no MOLT_CHROMIUM"));
    chromium = Path.of(binary);
    assertThat(chromium).as("the browser named in " + env).isExecutable();
    out = Path.of(System.getProperty("molt.timeline.out", "target/timeline-it"));
    Files.createDirectories(out);
    failed = SampleRollouts.canaryFailedAnalysis();
  }

  @Test
  void theSvgRendersAsAPictureWithTheRevisionsAndTheRollbackInColour() throws Exception {
    Path svg = out.resolve("canary-failed-analysis.svg");
    Files.writeString(svg, Timeline.of(failed.rollout()).svg(), StandardCharsets.UTF_8);
    Path png = out.resolve("canary-failed-analysis.png");

    browser("--screenshot=" + png.toAbsolutePath(), "--window-size=1200,700",
        svg.toUri().toString());

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("a PNG at " + png).isNotNull();
    assertThat(image.getWidth()).isEqualTo(1200);
    Pixels p = Pixels.of(image);
    assertThat(p.nonWhiteShare()).as("share of non-white pixels in " + png).isGreaterThan(0.15);
    assertThat(p.distinct()).as("distinct colours in " + png).isGreaterThan(50);
    assertThat(p.near(0x1f77b4)).as("pixels of the previous revision's blue").isGreaterThan(5000);
    assertThat(p.near(0xe8710a)).as("pixels of the new revision's orange").isGreaterThan(1000);
    assertThat(p.near(0xd62728)).as("pixels of the rollback's red").isGreaterThan(200);
  }

  @Test
  void thePageRendersAndItsDomHoldsEveryPartOfThePicture() throws Exception {
    Path html = out.resolve("canary-failed-analysis.html");
    Files.writeString(html, Timeline.of(failed.rollout()).html(), StandardCharsets.UTF_8);
    Path png = out.resolve("canary-failed-analysis-page.png");

    browser("--screenshot=" + png.toAbsolutePath(), "--window-size=1280,1400",
        html.toUri().toString());
    String dom = browser("--dump-dom", html.toUri().toString());

    Pixels p = Pixels.of(ImageIO.read(png.toFile()));
    assertThat(p.nonWhiteShare()).as("share of non-white pixels in " + png).isGreaterThan(0.05);
    assertThat(p.near(0xd62728)).as("pixels of the rollback's red").isGreaterThan(100);
    assertThat(count(dom, "class=\"step-boundary\"")).as("step boundaries in the DOM")
        .isEqualTo(2);
    assertThat(count(dom, "class=\"traffic-line\"")).as("traffic step lines").isEqualTo(2);
    assertThat(count(dom, "class=\"measurement verdict-PASS\"")).isEqualTo(2);
    assertThat(count(dom, "class=\"measurement verdict-FAIL\"")).isEqualTo(1);
    assertThat(count(dom, "class=\"rollback-marker\"")).isEqualTo(1);
    assertThat(count(dom, "class=\"end-marker end-ROLLED_BACK\"")).isEqualTo(1);
    assertThat(count(dom, "<tr class=")).as("event rows")
        .isEqualTo(failed.rollout().history().size());
  }

  /**
   * Runs the browser headless on its own throw-away profile and waits for it, within a deadline.
   *
   * @return what it printed on stdout
   */
  private static String browser(String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(out, "profile-");
    Path stdout = Files.createTempFile(out, "chromium-", ".out");
    Path stderr = Files.createTempFile(out, "chromium-", ".err");
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless",
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
        "--no-first-run", "--user-data-dir=" + profile.toAbsolutePath()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile()).start();
    if (!process.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(chromium + " did not finish within " + BROWSER_TIMEOUT_SECONDS
          + "s: " + command + "\n" + tail(stderr));
    }
    assertThat(process.exitValue()).as("%s exit code; stderr:%n%s", command, tail(stderr))
        .isZero();
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  /** Counts of a screenshot's pixels. */
  private record Pixels(int[] rgb) {
    static Pixels of(BufferedImage image) {
      assertThat(image).as("a decodable PNG").isNotNull();
      return new Pixels(image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0,
          image.getWidth()));
    }

    double nonWhiteShare() {
      long n = Arrays.stream(rgb).filter(c -> (c & 0xffffff) != 0xffffff).count();
      return (double) n / rgb.length;
    }

    int distinct() {
      Set<Integer> colours = new HashSet<>();
      for (int c : rgb) {
        colours.add(c & 0xffffff);
      }
      return colours.size();
    }

    /** @return pixels within a small distance of {@code colour} (antialiasing and blending) */
    long near(int colour) {
      int r = colour >> 16 & 0xff;
      int g = colour >> 8 & 0xff;
      int b = colour & 0xff;
      return Arrays.stream(rgb).filter(c -> Math.abs((c >> 16 & 0xff) - r)
          + Math.abs((c >> 8 & 0xff) - g) + Math.abs((c & 0xff) - b) < 40).count();
    }
  }
}
