package dev.molt.postgres;

import dev.molt.Arguments;
import dev.molt.store.Lease;
import dev.molt.store.SavedCampaign;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code campaigns} table: one row per patch-wave campaign, its snapshot kept verbatim as the
 * text {@code dev.molt.campaign} writes. A save is one statement that writes only if the writer's
 * lease is the newest of the campaign's lease name, under a share lock on the lease row, as a
 * rollout record's save is.
 */
final class CampaignTable {
  private static final String SAVE = "WITH writer AS ("
      + " SELECT token FROM %1$s.leases WHERE fleet = ? AND holder = ? AND token = ? FOR SHARE)"
      + " INSERT INTO %1$s.campaigns AS c (id, name, lease, finished, token, state, saved_at)"
      + " SELECT ?, ?, ?, ?, writer.token, ?, now() FROM writer"
      + " ON CONFLICT (id) DO UPDATE SET finished = EXCLUDED.finished, token = EXCLUDED.token,"
      + " state = EXCLUDED.state, saved_at = EXCLUDED.saved_at"
      + " WHERE c.lease = EXCLUDED.lease AND c.token <= EXCLUDED.token";
  private static final String COLUMNS = "SELECT id, name, lease, finished, state FROM %s.campaigns";

  private final Jdbc jdbc;
  private final String schema;
  private final LeaseTable leases;

  CampaignTable(Jdbc jdbc, String schema, LeaseTable leases) {
    this.jdbc = jdbc;
    this.schema = schema;
    this.leases = leases;
  }

  void save(Lease writer, SavedCampaign campaign) {
    Arguments.required(campaign, "campaign").requireWriter(writer);
    jdbc.call("save campaign " + campaign.id(), c -> {
      try (PreparedStatement st = jdbc.prepare(c, String.format(SAVE, schema))) {
        st.setString(1, writer.fleet());
        st.setString(2, writer.holder());
        st.setLong(3, writer.token());
        st.setString(4, campaign.id());
        st.setString(5, campaign.name());
        st.setString(6, campaign.lease());
        st.setBoolean(7, campaign.finished());
        st.setString(8, campaign.state());
        if (st.executeUpdate() == 1) {
          return null;
        }
      }
      throw leases.refused(c, writer, "save of campaign " + campaign.id(), "campaign "
          + campaign.id() + " is stored under another lease than " + campaign.lease());
    });
  }

  Optional<SavedCampaign> load(String id) {
    Arguments.notBlank(id, "campaignId");
    return rows("load campaign " + id, " WHERE id = ?", id).stream().findFirst();
  }

  List<SavedCampaign> unfinished() {
    return rows("list unfinished campaigns", " WHERE NOT finished ORDER BY id");
  }

  private List<SavedCampaign> rows(String what, String where, String... params) {
    return jdbc.call(what, c -> read(c, String.format(COLUMNS, schema) + where, params));
  }

  private List<SavedCampaign> read(Connection c, String sql, String... params)
      throws SQLException {
    try (PreparedStatement st = jdbc.prepare(c, sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setString(i + 1, params[i]);
      }
      List<SavedCampaign> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(new SavedCampaign(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getBoolean(4), rs.getString(5)));
        }
      }
      return out;
    }
  }
}
