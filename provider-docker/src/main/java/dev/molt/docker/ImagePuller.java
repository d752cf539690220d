package dev.molt.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import dev.molt.Image;
import dev.molt.ProviderException;
import dev.molt.spi.PlatformErrors;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a pinned image is on the engine before containers are created from it: an image the
 * engine lacks is pulled by its digest (with the registry's {@link RegistryCredentials} when some
 * were configured, else whatever the client's Docker config holds), once per launch request.
 *
 * <p>A pull the engine answers with an error (the registry lacks the digest, refuses the login, or
 * cannot be reached) is a non-retryable {@link ProviderException} naming the image: retrying the
 * same pull at once would only repeat the answer, and the engine's back-off on refused actions
 * decides when to try again. Only an engine that cannot be reached, or a pull that does not finish
 * within the pull timeout, is retryable.
 */
final class ImagePuller {
  private static final Logger LOG = LoggerFactory.getLogger(DockerProvider.class);
  private static final String DOCKER_HUB = "docker.io";

  private final DockerClient client;
  private final Map<String, RegistryCredentials> credentials;
  private final Duration timeout;

  ImagePuller(DockerClient client, Map<String, RegistryCredentials> credentials,
      Duration timeout) {
    this.client = client;
    this.credentials = Map.copyOf(credentials);
    this.timeout = timeout;
  }

  /**
   * @return the image as the engine has it, pulled first if it was missing
   * @throws ProviderException naming the image if it is missing and cannot be pulled
   */
  InspectImageResponse ensure(Image image, String fleet) {
    String ref = image.reference();
    Optional<InspectImageResponse> present = inspect(ref);
    if (present.isPresent()) {
      return present.get();
    }
    int at = ref.indexOf('@');
    if (at < 0) {
      throw new ProviderException("launch", "image " + ref, false, "the engine does not have image "
          + ref + " and an image id cannot be pulled: push it to a registry and pin it as"
          + " repository@sha256:..., or load it on the engine first");
    }
    pull(ref, ref.substring(0, at), ref.substring(at + 1), fleet);
    return inspect(ref).orElseThrow(() -> new ProviderException("launch", "image " + ref, false,
        "the engine pulled " + ref + " but then did not list it"));
  }

  private Optional<InspectImageResponse> inspect(String ref) {
    try {
      return Optional.of(DockerErrors.call("launch", "image " + ref,
          () -> client.inspectImageCmd(ref).exec()));
    } catch (ProviderException e) {
      if (e.getCause() instanceof NotFoundException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private void pull(String ref, String repository, String digest, String fleet) {
    String registry = registryOf(repository);
    PullImageCmd cmd = client.pullImageCmd(repository).withTag(digest);
    RegistryCredentials login = credentials.get(registry);
    if (login != null) {
      cmd.withAuthConfig(new AuthConfig()
          .withRegistryAddress(registry.equals(DOCKER_HUB) ? "https://index.docker.io/v1/" : registry)
          .withUsername(login.username()).withPassword(login.password()));
    }
    LOG.info("fleet={} action=pull image={} registry={} login={}", fleet, ref, registry,
        login == null ? "docker-config" : login.username());
    PullCallback callback = cmd.exec(new PullCallback());
    boolean done;
    try {
      done = callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
      callback.rethrow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException("launch", "image " + ref, true, "interrupted while pulling "
          + ref, e);
    } catch (RuntimeException e) {
      throw refused(ref, login, e);
    } finally {
      FleetContainers.closeQuietly(callback);
    }
    if (!done) {
      throw new ProviderException("launch", "image " + ref, true, "pulling " + ref
          + " did not finish within " + timeout + "; raise DockerProvider.Builder.pullTimeout");
    }
  }

  private static ProviderException refused(String ref, RegistryCredentials login,
      RuntimeException e) {
    if (!(e instanceof DockerException) && !(e instanceof DockerClientException)) {
      ProviderException translated = DockerErrors.translate("launch", "image " + ref, e);
      if (translated.retryable()) {
        return translated; // the engine itself could not be reached
      }
    }
    String said = PlatformErrors.firstLine(e);
    String hint = said.contains("unauthorized") || said.contains("denied")
        || said.contains("authentication")
        ? (login == null ? "; configure DockerProvider.Builder.registryCredentials for its registry"
            : "; check the credentials of user " + login.username())
        : said.contains("manifest unknown") || said.contains("not found")
            ? "; the registry has no image with that digest: push it, or pin an existing one"
            : "";
    return new ProviderException("launch", "image " + ref, false, "the engine does not have image "
        + ref + " and could not pull it: " + said + hint, e);
  }

  /**
   * docker-java's pull callback, minus its ERROR log line of every failed pull: the failure is
   * thrown (as a {@link ProviderException} naming the image), and an error that is thrown is not
   * also logged.
   */
  private static final class PullCallback extends PullImageResultCallback {
    private volatile RuntimeException failure;

    @Override
    public void onError(Throwable error) {
      failure = error instanceof RuntimeException re ? re : new DockerClientException(
          PlatformErrors.firstLine(error), error);
      FleetContainers.closeQuietly(this); // completes awaitCompletion
    }

    void rethrow() {
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** The registry host of a repository: its first component when that names a host. */
  static String registryOf(String repository) {
    int slash = repository.indexOf('/');
    if (slash < 0) {
      return DOCKER_HUB;
    }
    String first = repository.substring(0, slash);
    boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
    return host ? first : DOCKER_HUB;
  }
}
