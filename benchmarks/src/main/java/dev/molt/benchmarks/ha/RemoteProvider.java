package dev.molt.benchmarks.ha;

import dev.molt.Instance;
import dev.molt.ProviderException;
import dev.molt.spi.Health;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.Provider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The shared platform as an engine process sees it: every SPI call is one HTTP request to the
 * {@link HaPlatform} on loopback, naming this engine. A failed request is a retryable {@link
 * ProviderException}, as a platform that is briefly unreachable is.
 */
final class RemoteProvider implements Provider {
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final URI base;
  private final String engine;

  RemoteProvider(URI base, String engine) {
    this.base = base;
    this.engine = engine;
  }

  @Override
  public String name() {
    return "ha-loopback";
  }

  @Override
  public List<Instance> launch(LaunchRequest r) {
    return HaWire.instances(call("launch", r.fleet(), HaWire.line(r.fleet(),
        Integer.toString(HaWire.version(r.revision(), HaPlatform.VERSIONS)),
        Integer.toString(r.count()), r.rolloutId(), r.requestKey(),
        Boolean.toString(r.holdTraffic()))));
  }

  @Override
  public List<Instance> observe(String fleet) {
    return HaWire.instances(call("observe", fleet, HaWire.line(fleet)));
  }

  @Override
  public Map<String, Health> health(String fleet, List<Instance> instances) {
    return HaWire.health(call("health", fleet, HaWire.line(fleet) + HaWire.instances(instances)));
  }

  @Override
  public void drain(String fleet, List<Instance> instances) {
    call("drain", fleet, HaWire.line(fleet) + HaWire.instances(instances));
  }

  @Override
  public void terminate(String fleet, List<Instance> instances) {
    call("terminate", fleet, HaWire.line(fleet) + HaWire.instances(instances));
  }

  /** Drains nothing of its own: the platform's drain is immediate. */
  private String call(String operation, String fleet, String body) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/" + operation))
        .timeout(Duration.ofSeconds(5)).header(HaWire.ENGINE, engine)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new ProviderException(operation, fleet, response.statusCode() >= 500,
            "platform answered " + response.statusCode() + ": " + response.body().strip());
      }
      return response.body();
    } catch (IOException e) {
      throw new ProviderException(operation, fleet, true, "platform unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(operation, fleet, true, "interrupted", e);
    }
  }
}
