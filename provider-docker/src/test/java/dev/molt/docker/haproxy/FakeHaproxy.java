package dev.molt.docker.haproxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake HAProxy runtime API over TCP for one backend {@code web}: applies {@code set server ...
 * weight|state} commands one by one, answers {@code show servers state} / {@code show stat} from
 * its table, and records every call (one line = one call) and, after every command, the total
 * weight of the servers in rotation.
 */
final class FakeHaproxy implements AutoCloseable {
  /** Per server: weight and admin state (0 ready, 1 maintenance). */
  final Map<String, int[]> servers = new LinkedHashMap<>();
  final List<String> calls = new ArrayList<>();
  final List<Integer> weightInRotationAfterEachCommand = new ArrayList<>();
  /** When set, every {@code set server} command is refused. */
  volatile boolean refuseChanges;
  private final ServerSocket socket;
  private final Thread acceptor;

  FakeHaproxy() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::serve, "fake-haproxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  HaproxyRuntime runtime() {
    return HaproxyRuntime.tcp("127.0.0.1", socket.getLocalPort());
  }

  synchronized void server(String name, int weight, boolean ready) {
    servers.put(name, new int[] {weight, ready ? 0 : 1});
  }

  synchronized List<String> setCalls() {
    return calls.stream().filter(c -> c.startsWith("set ")).toList();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        String line = new BufferedReader(new InputStreamReader(s.getInputStream(),
            StandardCharsets.US_ASCII)).readLine();
        OutputStream out = s.getOutputStream();
        out.write(answer(line).getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private synchronized String answer(String line) {
    calls.add(line);
    StringBuilder out = new StringBuilder();
    for (String command : line.split("; ")) {
      String[] w = command.split(" ");
      if (command.startsWith("show servers state")) {
        out.append("1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state"
            + " srv_uweight srv_port\n");
        servers.forEach((n, v) -> out.append("3 web 1 ").append(n).append(" 127.0.0.1 2 ")
            .append(v[1]).append(' ').append(v[0]).append(" 80\n"));
      } else if (command.startsWith("show stat")) {
        out.append("# pxname,svname,qcur,scur,status\n");
        servers.forEach((n, v) -> out.append("web,").append(n).append(",0,0,")
            .append(v[1] == 0 ? "UP" : "MAINT").append('\n'));
      } else if (command.startsWith("set server ") && refuseChanges) {
        out.append("Refused.\n");
      } else if (command.startsWith("set server ")) {
        int[] v = servers.get(w[2].substring("web/".length()));
        if (w[3].equals("weight")) {
          v[0] = Integer.parseInt(w[4]);
        } else {
          v[1] = w[4].equals("ready") ? 0 : 1;
        }
        weightInRotationAfterEachCommand.add(servers.values().stream()
            .filter(s -> s[1] == 0).mapToInt(s -> s[0]).sum());
      }
    }
    return out.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
