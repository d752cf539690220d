package dev.molt.docker.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.ProviderException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parses answers recorded from HAProxy 2.6.12. */
class ServerTableTest {
  private static final String STATE = """
      1
      # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight \
      srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health \
      srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord \
      srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
      3 web 1 s1 127.0.0.1 2 0 256 100 2 15 3 1 6 0 0 0 - 32785 - 0 0 - - 0
      3 web 2 s2 127.0.0.1 2 8 64 100 2 15 3 1 6 0 0 0 - 32786 - 0 0 - - 0
      3 web 3 s3 127.0.0.1 0 1 100 100 2 15 3 1 6 0 0 0 - 32787 - 0 0 - - 0

      """;
  private static final String STAT = """
      # pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,\
      wredis,status,weight
      fe,FRONTEND,,,3,5,,,,,,,,,,,,OPEN,
      web,s1,0,0,2,3,,,,,,,,,,,,UP,256
      web,s2,1,1,4,4,,,,,,,,,,,,DRAIN,0
      web,s3,0,0,0,0,,,,,,,,,,,,MAINT,1
      other,s1,0,0,9,9,,,,,,,,,,,,UP,1

      """;

  @Test
  void readsAdministrativeStateWeightsAndSessionsOfTheBackendOnly() {
    List<HaproxyServer> servers = ServerTable.parse("web", STATE, STAT);

    assertThat(servers).containsExactly(
        new HaproxyServer("s1", "127.0.0.1:32785", 256, "UP", false, false, 2, 0),
        new HaproxyServer("s2", "127.0.0.1:32786", 64, "DRAIN", false, true, 4, 1),
        new HaproxyServer("s3", "127.0.0.1:32787", 100, "MAINT", true, false, 0, 0));
    assertThat(servers.get(0).inRotation()).isTrue();
    assertThat(servers.get(1).inRotation()).isFalse();
    assertThat(servers.get(1).idle()).isFalse();
    assertThat(servers.get(2).inRotation()).isFalse();
  }

  @Test
  void anUnknownBackendIsANonRetryableErrorNamingIt() {
    assertThatThrownBy(() -> ServerTable.parse("nope", "Can't find backend.\n", STAT))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains("nope", "Can't find backend");
        });
  }
}
