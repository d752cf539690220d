package dev.molt.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Frame;
import dev.molt.Instance;
import dev.molt.InstanceState;
import dev.molt.OwnerLabels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says why a container failed, for {@link OwnerLabels#FAILURE}: its exit code (and whether the
 * kernel killed it for memory) and its last log lines, with the value of every secret the launch
 * injected ({@link DockerLabels#SECRET_VARS} names them) replaced by {@code ***}. One inspect and
 * one bounded log read per failed container, remembered: an exited container does not change.
 *
 * <p>A container that still runs but fails its health check (a server that never listens) gets
 * {@code container still running, not healthy: <what the probe saw>} and its last log lines,
 * read again at most every {@link #RUNNING_REFRESH} (its log may grow) and its secrets' values
 * inspected once. The engine quotes it when the instance misses its healthy deadline. Best
 * effort: when the engine cannot say, there is no detail. Thread-safe.
 */
final class FailureDetails {
  private static final Logger LOG = LoggerFactory.getLogger(DockerProvider.class);
  static final int LOG_LINES = 5;
  static final Duration RUNNING_REFRESH = Duration.ofSeconds(5);
  private static final int LINE_CHARS = 160;
  private static final long LOG_WAIT_MS = 3_000;

  private record Lines(String text, Instant at) {}

  private final DockerClient client;
  private final Map<String, String> known = new ConcurrentHashMap<>();
  private final Map<String, List<String>> secrets = new ConcurrentHashMap<>();
  private final Map<String, Lines> running = new ConcurrentHashMap<>();

  FailureDetails(DockerClient client) {
    this.client = client;
  }

  /** @return {@code instance} with {@link OwnerLabels#FAILURE} when it failed and the engine says why */
  Instance annotate(Instance instance, ContainerView view) {
    if (instance.state() != InstanceState.FAILED) {
      return instance;
    }
    return describe(view).map(detail -> withFailure(instance, detail)).orElse(instance);
  }

  /**
   * @param unhealthy what its health check saw go wrong, when it is failing it
   * @return {@code instance} with {@link OwnerLabels#FAILURE} when it failed, or runs and fails
   *     its health check
   */
  Instance annotate(Instance instance, ContainerView view, Optional<String> unhealthy,
      Instant now) {
    if (instance.state() == InstanceState.RUNNING && unhealthy.isPresent()) {
      return withFailure(instance, "container still running, not healthy: " + unhealthy.get()
          + runningLines(view, now));
    }
    return annotate(instance, view);
  }

  private static Instance withFailure(Instance instance, String detail) {
    Map<String, String> labels = new LinkedHashMap<>(instance.labels());
    labels.put(OwnerLabels.FAILURE, detail);
    return new Instance(instance.id(), instance.fleet(), instance.revision(),
        instance.address(), instance.state(), instance.launchedAt(), instance.stateSince(),
        instance.healthySince(), labels);
  }

  /** {@code "; last log lines: ..."} of a running container, or {@code ""}; cached a while. */
  private String runningLines(ContainerView view, Instant now) {
    Lines cached = running.get(view.id());
    if (cached != null && now.isBefore(cached.at().plus(RUNNING_REFRESH))
        && !now.isBefore(cached.at())) {
      return cached.text();
    }
    String text = "";
    try {
      List<String> hidden = secrets.computeIfAbsent(view.id(), id -> secretValues(view,
          client.inspectContainerCmd(id).exec()));
      List<String> lines = lastLines(view.id()).stream().map(l -> redact(line(l), hidden))
          .filter(l -> !l.isBlank()).toList();
      text = lines.isEmpty() ? "" : "; last log lines: " + String.join(" | ", lines);
    } catch (RuntimeException e) {
      LOG.debug("container={} action=read-logs error=\"{}\"", view.name(), e.toString());
    }
    running.put(view.id(), new Lines(text, now));
    return text;
  }

  Optional<String> describe(ContainerView view) {
    String detail = known.get(view.id());
    if (detail == null) {
      try {
        detail = read(view);
      } catch (RuntimeException e) {
        LOG.debug("container={} action=describe-failure error=\"{}\"", view.name(), e.toString());
        return Optional.empty(); // next observation asks again
      }
      known.put(view.id(), detail);
    }
    return detail.isEmpty() ? Optional.empty() : Optional.of(detail);
  }

  void forget(String containerId) {
    known.remove(containerId);
    secrets.remove(containerId);
    running.remove(containerId);
  }

  private String read(ContainerView view) {
    InspectContainerResponse inspect = client.inspectContainerCmd(view.id()).exec();
    List<String> secrets = secretValues(view, inspect);
    StringBuilder out = new StringBuilder();
    InspectContainerResponse.ContainerState state = inspect.getState();
    if (state != null && state.getExitCodeLong() != null) {
      out.append("container exited with code ").append(state.getExitCodeLong());
      if (Boolean.TRUE.equals(state.getOOMKilled())) {
        out.append(" (killed: out of memory)");
      }
      if (state.getError() != null && !state.getError().isBlank()) {
        out.append(" (engine: ").append(redact(line(state.getError()), secrets)).append(')');
      }
    }
    List<String> lines = lastLines(view.id()).stream().map(l -> redact(line(l), secrets))
        .filter(l -> !l.isBlank()).toList();
    if (!lines.isEmpty()) {
      out.append(out.length() == 0 ? "" : "; ").append("last log lines: ")
          .append(String.join(" | ", lines));
    }
    return out.toString();
  }

  private List<String> lastLines(String id) {
    StringBuilder text = new StringBuilder();
    ResultCallback.Adapter<Frame> frames = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        synchronized (text) {
          text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
        }
      }
    };
    client.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(LOG_LINES)
        .exec(frames);
    try {
      frames.awaitCompletion(LOG_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      FleetContainers.closeQuietly(frames);
    }
    synchronized (text) {
      List<String> lines = new ArrayList<>(Arrays.asList(text.toString().split("\n")));
      return lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size());
    }
  }

  /** The values of the variables the launch resolved from secret references. */
  private static List<String> secretValues(ContainerView view, InspectContainerResponse inspect) {
    String names = view.labels().get(DockerLabels.SECRET_VARS);
    if (names == null || names.isBlank() || inspect.getConfig() == null
        || inspect.getConfig().getEnv() == null) {
      return List.of();
    }
    List<String> secretNames = List.of(names.split(","));
    List<String> values = new ArrayList<>();
    for (String entry : inspect.getConfig().getEnv()) {
      int eq = entry.indexOf('=');
      if (eq > 0 && secretNames.contains(entry.substring(0, eq)) && eq + 1 < entry.length()) {
        values.add(entry.substring(eq + 1));
      }
    }
    // longest first, so that a secret containing another is replaced whole
    values.sort((a, b) -> b.length() - a.length());
    return values;
  }

  private static String redact(String text, List<String> secrets) {
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, "***");
    }
    return out;
  }

  /** One printable line, at most {@link #LINE_CHARS} characters. */
  private static String line(String raw) {
    String printable = raw.replaceAll("\\p{Cntrl}", " ").strip();
    return printable.length() <= LINE_CHARS ? printable
        : printable.substring(0, LINE_CHARS) + "...";
  }
}
