package dev.molt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --platform kubernetes} drives the cluster of the kubeconfig ({@code KUBECONFIG}), in its
 * context's namespace: a real process against fabric8's mock API server on loopback.
 */
class MoltKubernetesTest {
  final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
      new HashMap<>(), new KubernetesCrudDispatcher(), false);
  @TempDir Path dir;

  @AfterEach
  void stop() {
    server.destroy();
  }

  @Test
  void planReadsTheFleetFromTheKubeconfigsClusterAndNamespace() throws Exception {
    server.init();
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster:
              server: %s
        contexts:
          - name: mock
            context:
              cluster: mock
              namespace: shop
              user: tester
        current-context: mock
        users:
          - name: tester
            user:
              token: not-a-secret
        """.formatted(server.url("/").replaceFirst("/$", "")));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Molt.class.getName(),
        "plan", "-f", "examples/rollouts/canary.yaml", "--platform", "kubernetes"));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("HOME", dir.toString());
    Process p = pb.start();
    try {
      assertThat(p.waitFor(MoltTwoProcessTest.DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }

    assertThat(p.exitValue()).as(Files.readString(dir.resolve("err"))).isZero();
    assertThat(Files.readString(dir.resolve("out")))
        .startsWith("plan: canary of fleet web").contains("peak ");
    List<String> paths = new ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
      if (r != null) {
        paths.add(r.getMethod() + " " + r.getPath());
      }
    }
    assertThat(paths).isNotEmpty()
        .allMatch(r -> r.startsWith("GET "), "a plan only reads")
        .anyMatch(r -> r.startsWith("GET /api/v1/namespaces/shop/pods"));
  }
}
