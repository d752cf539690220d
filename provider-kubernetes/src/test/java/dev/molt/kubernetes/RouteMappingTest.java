package dev.molt.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.molt.InvalidSpecException;
import dev.molt.OwnerLabels;
import dev.molt.ProviderException;
import dev.molt.Revision;
import dev.molt.spi.LaunchRequest;
import dev.molt.spi.TrafficRouter;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The router's objects both ways: Services, the HTTPRoute for a split, the split of a route. */
class RouteMappingTest {
  private static final Revision A = Revision.of("r-aaaaaaaaaa");
  private static final Revision B = Revision.of("r-bbbbbbbbbb");
  private static final GatewayRoute CONFIG = GatewayRoute.of("public", 8080);

  @Test
  void theSharedServiceSelectsTheFleetsServingPodsThatAreNotHeld() {
    Service s = RouteMapping.service("ns", "web", Optional.empty(), 8080);

    assertThat(s.getMetadata().getName()).isEqualTo("web-shared");
    assertThat(s.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(s.getMetadata().getLabels()).isEqualTo(Map.of(OwnerLabels.MANAGED_BY, "molt",
        OwnerLabels.FLEET, "web"));
    assertThat(s.getSpec().getSelector()).isEqualTo(Map.of(OwnerLabels.MANAGED_BY, "molt",
        OwnerLabels.FLEET, "web", PodTemplates.SERVING, "true", RouteMapping.HELD, "false"));
    assertThat(s.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getPort()).isEqualTo(8080);
      assertThat(p.getTargetPort().getIntVal()).isEqualTo(8080);
    });
  }

  @Test
  void aRevisionServiceSelectsThatRevisionsServingPodsHeldOrNot() {
    Service s = RouteMapping.service("ns", "web", Optional.of(A), 9090);

    assertThat(s.getMetadata().getName()).isEqualTo("web-" + A.id());
    assertThat(s.getMetadata().getLabels()).containsEntry(OwnerLabels.MANAGED_BY, "molt")
        .containsEntry(OwnerLabels.FLEET, "web").containsEntry(OwnerLabels.REVISION, A.id());
    assertThat(s.getSpec().getSelector()).isEqualTo(Map.of(OwnerLabels.MANAGED_BY, "molt",
        OwnerLabels.FLEET, "web", OwnerLabels.REVISION, A.id(), PodTemplates.SERVING, "true"));
    assertThat(s.getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(9090);
  }

  @Test
  void aNewRouteCarriesOwnerLabelsAttachesToTheGatewayAndSendsToTheSharedServiceWithoutSplit() {
    HTTPRoute route = RouteMapping.route(Optional.empty(),
        CONFIG.inGatewayNamespace("infra").withRouteName("web", "web-route"), "ns", "web",
        Map.of());

    assertThat(route.getMetadata().getName()).isEqualTo("web-route");
    assertThat(route.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(route.getMetadata().getLabels()).isEqualTo(Map.of(OwnerLabels.MANAGED_BY, "molt",
        OwnerLabels.FLEET, "web"));
    assertThat(route.getSpec().getParentRefs()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("public");
      assertThat(p.getNamespace()).isEqualTo("infra");
      assertThat(p.getKind()).isEqualTo("Gateway");
    });
    assertThat(route.getSpec().getRules()).singleElement().satisfies(rule ->
        assertThat(rule.getBackendRefs()).singleElement().satisfies(ref -> {
          assertThat(ref.getName()).isEqualTo("web-shared");
          assertThat(ref.getKind()).isEqualTo("Service");
          assertThat(ref.getPort()).isEqualTo(8080);
        }));
    assertThat(RouteMapping.weights(route, "web")).as("no split").isEmpty();
  }

  @Test
  void aSplitBecomesOneRuleOverTheRevisionServicesKeepingZeroWeightsAndReadsBackExactly() {
    Map<Revision, Integer> split = Map.of(A, 90, B, 10);
    HTTPRoute route = RouteMapping.route(Optional.empty(), CONFIG, "ns", "web", split);

    assertThat(route.getSpec().getRules()).hasSize(1);
    assertThat(route.getSpec().getRules().get(0).getBackendRefs())
        .extracting(HTTPBackendRef::getName, HTTPBackendRef::getWeight, HTTPBackendRef::getPort)
        .containsExactly(tuple("web-" + A.id(), 90, 8080),
            tuple("web-" + B.id(), 10, 8080));
    assertThat(RouteMapping.weights(route, "web")).isEqualTo(split);

    HTTPRoute zero = RouteMapping.route(Optional.of(route), CONFIG, "ns", "web",
        Map.of(A, 0, B, 100));
    assertThat(RouteMapping.weights(zero, "web")).isEqualTo(Map.of(A, 0, B, 100));
  }

  @Test
  void anUpdateKeepsTheReadRoutesMetadataParentsAndMatchesAndReplacesOnlyTheBackends() {
    HTTPRoute read = new HTTPRouteBuilder(RouteMapping.route(Optional.empty(), CONFIG, "ns",
        "web", Map.of(A, 100)))
        .editMetadata().withResourceVersion("42").endMetadata()
        .editSpec().editFirstRule().addNewMatch().withNewPath().withType("PathPrefix")
        .withValue("/shop").endPath().endMatch().endRule().endSpec()
        .build();

    HTTPRoute written = RouteMapping.route(Optional.of(read), CONFIG, "ns", "web", Map.of());

    assertThat(written.getMetadata().getResourceVersion()).as("the guard").isEqualTo("42");
    assertThat(written.getSpec().getParentRefs()).isEqualTo(read.getSpec().getParentRefs());
    assertThat(written.getSpec().getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getMatches()).isEqualTo(read.getSpec().getRules().get(0).getMatches());
      assertThat(rule.getBackendRefs()).extracting(HTTPBackendRef::getName)
          .containsExactly("web-shared");
    });
    assertThat(read.getSpec().getRules().get(0).getBackendRefs()).as("the read is not changed")
        .extracting(HTTPBackendRef::getName).containsExactly("web-" + A.id());
  }

  @Test
  void readingASplitIgnoresBackendsThatAreNotTheFleetsRevisionServices() {
    HTTPRoute route = RouteMapping.route(Optional.empty(), CONFIG, "ns", "web", Map.of(A, 100));
    route.getSpec().getRules().get(0).getBackendRefs().addAll(List.of(
        new HTTPBackendRefBuilder().withName("other-" + B.id()).withWeight(5).build(),
        new HTTPBackendRefBuilder().withName("web-shared").withWeight(5).build(),
        new HTTPBackendRefBuilder().withName("web-legacy").withWeight(5).build(),
        new HTTPBackendRefBuilder().withName("web-" + B.id()).build()));

    Map<Revision, Integer> expected = new LinkedHashMap<>();
    expected.put(A, 100);
    expected.put(B, 1); // Gateway API's default weight
    assertThat(RouteMapping.weights(route, "web")).isEqualTo(expected);
  }

  @Test
  void aSplitThatIsNotWholeIsRefusedNonRetryably() {
    for (Map<Revision, Integer> bad : List.of(Map.of(A, 80, B, 30), Map.of(A, 110, B, -10),
        Map.of(A, 90))) {
      assertThatThrownBy(() -> TrafficRouter.checkSplit("web", bad)).as("%s", bad)
          .isInstanceOfSatisfying(ProviderException.class,
              e -> assertThat(e.retryable()).isFalse())
          .hasMessageContaining("unchanged");
    }
    TrafficRouter.checkSplit("web", Map.of());
    TrafficRouter.checkSplit("web", Map.of(A, 0, B, 100));
  }

  @Test
  void aRoutedFleetMustStartWithALetterToNameItsServices() {
    assertThatThrownBy(() -> RouteMapping.checkFleet("1web"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("letter");
    assertThat(RouteMapping.checkFleet("web1")).isEqualTo("web1");
  }

  @Test
  void aHeldLaunchsTemplateIsLabelledHeldAndAnyOtherIsNot() {
    LaunchRequest request = new LaunchRequest("web",
        KubernetesProviderContractTest.spec(KubernetesProviderContractTest.V1), 1, "ro", "k",
        true);

    assertThat(PodTemplates.template(request, true).getMetadata().getLabels())
        .containsEntry(RouteMapping.HELD, "true");
    assertThat(PodTemplates.template(request, false).getMetadata().getLabels())
        .containsEntry(RouteMapping.HELD, "false");
  }

  @Test
  void gatewayRouteNamesRoutesAfterTheFleetUnlessToldAndRefusesBadNames() {
    GatewayRoute config = CONFIG.withRouteName("web", "web-route");
    assertThat(config.routeName("web")).isEqualTo("web-route");
    assertThat(config.routeName("api")).isEqualTo("api");
    assertThatThrownBy(() -> GatewayRoute.of("Public_GW", 8080))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("gateway");
    assertThatThrownBy(() -> GatewayRoute.of("public", 0))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("port");
  }
}
