package dev.molt.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.molt.InvalidSpecException;
import java.time.Duration;

/**
 * Makes docker-java clients. The API version is left unset on purpose: docker-java does not
 * negotiate it, and an unset version lets the engine speak its own (Debian 12's speaks 1.41).
 */
final class DockerClients {
  private DockerClients() {}

  /** A client for {@code DOCKER_HOST} (and {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}). */
  static DockerClient fromEnvironment() {
    return build(DefaultDockerClientConfig.createDefaultConfigBuilder().build());
  }

  static DockerClient forHost(String dockerHost) {
    if (dockerHost == null || dockerHost.isBlank()) {
      throw new InvalidSpecException("dockerHost", "must not be blank");
    }
    return build(DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(dockerHost).build());
  }

  private static DockerClient build(DockerClientConfig config) {
    DockerHttpClient http = new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .maxConnections(32)
        .connectionTimeout(Duration.ofSeconds(5))
        .responseTimeout(Duration.ofSeconds(90)) // a stop waits up to its grace period
        .build();
    return DockerClientImpl.getInstance(config, http);
  }
}
