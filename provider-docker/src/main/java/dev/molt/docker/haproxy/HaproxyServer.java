package dev.molt.docker.haproxy;

/**
 * One server of an HAProxy backend as the runtime API reports it now.
 *
 * @param name the server name
 * @param address where HAProxy sends its traffic ({@code host:port})
 * @param weight the weight set by the user or Molt (0..256)
 * @param status HAProxy's status text: {@code UP}, {@code DOWN}, {@code MAINT}, {@code DRAIN},
 *     {@code no check}...
 * @param maintenance true when the server is administratively in maintenance (gets no traffic)
 * @param draining true when the server is administratively draining (gets no new traffic)
 * @param currentSessions sessions in flight on it
 * @param queued requests waiting for it
 */
public record HaproxyServer(
    String name,
    String address,
    int weight,
    String status,
    boolean maintenance,
    boolean draining,
    int currentSessions,
    int queued) {

  /** @return true when it takes new requests: neither in maintenance nor draining, and not down */
  public boolean inRotation() {
    return !maintenance && !draining && !status.startsWith("DOWN") && !status.startsWith("MAINT");
  }

  /** @return true when nothing is in flight or queued on it */
  public boolean idle() {
    return currentSessions == 0 && queued == 0;
  }
}
