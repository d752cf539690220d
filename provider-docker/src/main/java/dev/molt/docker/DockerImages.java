package dev.molt.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import dev.molt.Arguments;
import dev.molt.Image;
import dev.molt.ProviderException;
import java.util.List;

/**
 * Pins container images: turns a tag a user gives ({@code molt-test/web:v1}, {@code nginx:1.27})
 * into an {@link Image} that always means the same bits, before anything is launched. Every
 * instance of a revision then runs the same image even if the tag moves later.
 *
 * <p>The image must already be on the engine (pulled, built or imported): resolving never pulls
 * (launching does: a pinned {@code repository@sha256:...} the engine lacks is pulled by digest).
 * Thread-safe.
 */
public final class DockerImages {
  private final DockerClient client;

  private DockerImages(DockerClient client) {
    this.client = client;
  }

  /**
   * Resolves through {@code client}.
   *
   * @param client a docker-java client
   * @return the resolver
   */
  public static DockerImages of(DockerClient client) {
    return new DockerImages(Arguments.required(client, "client"));
  }

  /**
   * Pins a reference, naming the version after its tag ({@code v1} for {@code web:v1}).
   *
   * @param reference a tag, digest reference or image id
   * @return the pinned image
   * @throws ProviderException if the image is not on the engine (not retryable) or the engine
   *     cannot be reached (retryable)
   */
  public Image resolve(String reference) {
    return resolve(Arguments.notBlank(reference, "reference"), tagOf(reference));
  }

  /**
   * Pins a reference: a digest reference or image id is kept as it is; a tag becomes the image's
   * repository digest when the engine knows one for that repository (it came from a registry),
   * else its image id ({@code sha256:...}, built or imported locally).
   *
   * @param reference a tag, digest reference or image id
   * @param version the human label of the image
   * @return the pinned image
   * @throws ProviderException if the image is not on the engine (not retryable) or the engine
   *     cannot be reached (retryable)
   */
  public Image resolve(String reference, String version) {
    Arguments.notBlank(reference, "reference");
    InspectImageResponse image = DockerErrors.call("resolve-image", reference,
        () -> client.inspectImageCmd(reference).exec());
    if (Image.isPinned(reference)) {
      return Image.of(reference, version);
    }
    String repository = repositoryOf(reference);
    List<String> digests = image.getRepoDigests() == null ? List.of() : image.getRepoDigests();
    for (String digest : digests) {
      if (digest.startsWith(repository + "@") && Image.isPinned(digest)) {
        return Image.of(digest, version);
      }
    }
    if (image.getId() == null || !Image.isPinned(image.getId())) {
      throw new ProviderException("resolve-image", reference, false,
          "the engine reported no image id for it");
    }
    return Image.of(image.getId(), version);
  }

  private static String repositoryOf(String reference) {
    int at = reference.indexOf('@');
    String named = at < 0 ? reference : reference.substring(0, at);
    int colon = named.lastIndexOf(':');
    return colon > named.lastIndexOf('/') ? named.substring(0, colon) : named;
  }

  private static String tagOf(String reference) {
    if (reference.contains("@") || reference.startsWith("sha256:")) {
      return reference.substring(reference.lastIndexOf(':') + 1, Math.min(reference.length(),
          reference.lastIndexOf(':') + 13));
    }
    int colon = reference.lastIndexOf(':');
    return colon > reference.lastIndexOf('/') ? reference.substring(colon + 1) : "latest";
  }
}
