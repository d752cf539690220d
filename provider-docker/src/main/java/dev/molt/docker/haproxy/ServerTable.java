package dev.molt.docker.haproxy;

import dev.molt.ProviderException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code show servers state <backend>} (administrative state, weight, address) and {@code
 * show stat -1 4 -1} (sessions, status) into {@link HaproxyServer}s. Columns are found by
 * their header names, so added columns in later HAProxy versions do not matter.
 */
final class ServerTable {
  // srv_admin_state bits (HAProxy's SRV_ADMF_*): forced, inherited, configured, resolver maint;
  // forced, inherited drain
  private static final int MAINT_BITS = 0x01 | 0x02 | 0x04 | 0x20;
  private static final int DRAIN_BITS = 0x08 | 0x10;

  private ServerTable() {}

  static List<HaproxyServer> parse(String backend, String state, String stat) {
    Map<String, String[]> stats = rows(backend, stat, ",");
    List<HaproxyServer> out = new ArrayList<>();
    String[] header = null;
    for (String line : state.split("\n")) {
      if (line.startsWith("# ")) {
        header = line.substring(2).trim().split(" ");
      } else if (header != null && !line.isBlank()) {
        out.add(server(backend, header, line.trim().split(" "), stats));
      }
    }
    if (header == null) {
      throw new ProviderException("route", "backend " + backend, false,
          "HAProxy did not list the backend's servers: " + state.strip()
              + "; does backend '" + backend + "' exist in its configuration?");
    }
    return out;
  }

  private static HaproxyServer server(
      String backend, String[] header, String[] row, Map<String, String[]> stats) {
    Map<String, String> f = zip(header, row);
    String name = f.getOrDefault("srv_name", "");
    int admin = Integer.parseInt(f.getOrDefault("srv_admin_state", "0"));
    String[] statRow = stats.get(name);
    Map<String, String> s = statRow == null ? Map.of() : zip(stats.get("#header"), statRow);
    return new HaproxyServer(name, f.get("srv_addr") + ":" + f.get("srv_port"),
        Integer.parseInt(f.getOrDefault("srv_uweight", "0")),
        s.getOrDefault("status", "UNKNOWN"),
        (admin & MAINT_BITS) != 0, (admin & DRAIN_BITS) != 0,
        number(s.get("scur")), number(s.get("qcur")));
  }

  private static Map<String, String[]> rows(String backend, String csv, String separator) {
    Map<String, String[]> out = new HashMap<>();
    for (String line : csv.split("\n")) {
      if (line.startsWith("# ")) {
        out.put("#header", line.substring(2).split(separator, -1));
      } else if (!line.isBlank()) {
        String[] cells = line.split(separator, -1);
        if (cells.length > 1 && cells[0].equals(backend)) {
          out.put(cells[1], cells);
        }
      }
    }
    return out;
  }

  private static Map<String, String> zip(String[] header, String[] row) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < Math.min(header.length, row.length); i++) {
      out.put(header[i], row[i]);
    }
    return out;
  }

  private static int number(String text) {
    return text == null || text.isBlank() ? 0 : Integer.parseInt(text.trim());
  }
}
