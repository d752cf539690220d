package dev.molt.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import dev.molt.Instance;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.time.Cancellable;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet's containers on the engine, seen only through Molt's owner labels: listing (filtered on
 * the engine), the ownership check before anything destructive, stop-and-remove, and the event
 * subscription behind {@link DockerProvider#watch}.
 */
final class FleetContainers {
  private static final Logger LOG = LoggerFactory.getLogger(DockerProvider.class);

  private final DockerClient client;
  private final Batches batches;

  FleetContainers(DockerClient client, Batches batches) {
    this.client = client;
    this.batches = batches;
  }

  /** One list call: every container (running or not) with the fleet's owner labels and {@code extra}. */
  List<Container> list(String operation, String fleet, Map<String, String> extra) {
    return DockerErrors.call(operation, "fleet " + fleet, () -> client.listContainersCmd()
        .withShowAll(true).withLabelFilter(ownerFilter(fleet, extra)).exec());
  }

  Map<String, ContainerView> byName(String operation, String fleet) {
    Map<String, ContainerView> out = new LinkedHashMap<>();
    for (Container c : list(operation, fleet, Map.of())) {
      ContainerView view = new ContainerView(c);
      out.put(view.name(), view);
    }
    return out;
  }

  /**
   * The containers behind {@code instances} that Molt owns for the fleet. Instances whose
   * container is gone are left out; any other container is refused before anything is touched.
   */
  List<ContainerView> requireOwned(String operation, String fleet, List<Instance> instances) {
    Map<String, ContainerView> owned = byName(operation, fleet);
    List<ContainerView> out = new ArrayList<>();
    for (Instance i : instances) {
      ContainerView view = owned.get(i.id());
      if (view != null && view.ownedBy(fleet)) {
        out.add(view);
      } else if (exists(operation, i.id())) {
        throw new ProviderException(operation, i.id(), false, "refusing to " + operation
            + " container " + i.id() + ": it does not carry Molt's owner labels for fleet "
            + fleet + " (" + OwnerLabels.MANAGED_BY + "=" + OwnerLabels.MANAGER + ", "
            + OwnerLabels.FLEET + "=" + fleet + ")");
      }
    }
    return out;
  }

  private boolean exists(String operation, String name) {
    try {
      DockerErrors.run(operation, name, () -> client.inspectContainerCmd(name).exec());
      return true;
    } catch (ProviderException e) {
      if (e.getCause() instanceof NotFoundException) {
        return false;
      }
      throw e;
    }
  }

  /** {@link #stopAndRemove} of each of {@code views}, side by side (bounded by {@link Batches}). */
  void stopAndRemoveAll(List<ContainerView> views, Duration grace) {
    batches.map(views, view -> {
      stopAndRemove(view, grace);
      return view;
    });
  }

  /**
   * SIGTERM, SIGKILL after {@code grace}, then removal. A container already gone (404), or whose
   * removal someone else already started (409 "removal of container ... is already in progress":
   * another engine, a second terminate, {@code docker rm}), is done: the end state is the same.
   */
  void stopAndRemove(ContainerView view, Duration grace) {
    int seconds = (int) Math.max(0, grace.toSeconds());
    ignoring(() -> client.stopContainerCmd(view.id()).withTimeout(seconds).exec(), view.name());
    ignoring(() -> client.removeContainerCmd(view.id()).withRemoveVolumes(true).withForce(true)
        .exec(), view.name());
  }

  private static void ignoring(Runnable call, String name) {
    try {
      DockerErrors.run("terminate", name, call);
    } catch (ProviderException e) {
      if (!goneOrGoing(e.getCause())) {
        throw e;
      }
      LOG.debug("container={} action=terminate detail=\"{}\"", name,
          e.getCause().getClass().getSimpleName());
    }
  }

  /** Stopped already (304), gone (404), or being removed by someone else (409). */
  static boolean goneOrGoing(Throwable cause) {
    return cause instanceof NotModifiedException || cause instanceof NotFoundException
        || (cause instanceof ConflictException && cause.getMessage() != null
            && cause.getMessage().contains("already in progress"));
  }

  /** Calls {@code onChange} on every engine event about the fleet's containers. */
  Cancellable watch(String fleet, Runnable onChange) {
    ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Event event) {
        onChange.run();
      }

      @Override
      public void onError(Throwable error) {
        LOG.debug("fleet={} action=watch error=\"{}\" detail=the engine polls instead", fleet,
            error.toString());
      }
    };
    try {
      client.eventsCmd().withLabelFilter(ownerFilter(fleet, Map.of())).exec(callback);
    } catch (RuntimeException e) {
      LOG.debug("fleet={} action=watch error=\"{}\"", fleet, e.toString());
      return Cancellable.none();
    }
    return () -> closeQuietly(callback);
  }

  private static Map<String, String> ownerFilter(String fleet, Map<String, String> extra) {
    Map<String, String> labels = new LinkedHashMap<>(extra);
    labels.put(OwnerLabels.MANAGED_BY, OwnerLabels.MANAGER);
    labels.put(OwnerLabels.FLEET, fleet);
    return labels;
  }

  static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      LOG.debug("action=close error=\"{}\"", e.toString());
    }
  }
}
