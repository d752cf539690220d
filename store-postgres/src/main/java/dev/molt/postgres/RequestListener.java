package dev.molt.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL's {@code NOTIFY} channel of control requests, on one connection of its
 * own and one daemon thread, and tells the engine the rollout id of each request stored in its
 * schema. A lost connection is opened again with a doubling back-off (0.1 s to 10 s, cut short by
 * {@link #stop}); a notification sent while it was down is not seen (the engines' polls find the
 * request). {@code request} sends the notification in the statement that stores the request, so
 * it is delivered only if the request was stored.
 */
final class RequestListener implements Runnable {
  /** The channel every store's requests go to; the payload is {@code <schema>:<rollout id>}. */
  static final String CHANNEL = "molt_control_requests";
  private static final Logger LOG = LoggerFactory.getLogger(RequestListener.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  /** Quiet one-second waits between probes of the connection. */
  private static final int PROBE_EVERY = 30;

  private final DataSource dataSource;
  private final String schema;
  private final Consumer<String> onRequest;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread thread;

  RequestListener(DataSource dataSource, String schema, Consumer<String> onRequest) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.onRequest = onRequest;
    this.thread = new Thread(this, "molt-pg-listen-" + schema);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Stops listening; the connection is closed within about a second. */
  void stop() {
    stopped.countDown();
  }

  private boolean isStopped() {
    return stopped.getCount() == 0;
  }

  @Override
  public void run() {
    Duration backoff = FIRST_BACKOFF;
    while (!isStopped()) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        backoff = FIRST_BACKOFF;
        LOG.debug("schema={} action=listen channel={}", schema, CHANNEL);
        try {
          listen(c, pg);
        } finally {
          // a pooled connection goes back to the pool: it must not keep listening
          try (Statement st = c.createStatement()) {
            st.execute("UNLISTEN *");
          } catch (SQLException e) {
            // the connection is gone anyway
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (isStopped()) {
          return;
        }
        LOG.warn("schema={} action=listen-failed retryIn={} error={}", schema, backoff,
            e.toString());
        if (waitOrStop(backoff)) {
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
            : backoff.multipliedBy(2);
      }
    }
  }

  /**
   * Delivers notifications until stopped. Every {@link #PROBE_EVERY} quiet waits it sends {@code
   * SELECT 1}: a connection that died without a reset (a half-open TCP connection) would
   * otherwise just stay silent, and the probe's failure makes the loop connect again.
   */
  private void listen(Connection c, PGConnection pg) throws SQLException {
    int quiet = 0;
    while (!isStopped()) {
      // waits on the socket for at most a second, so that stop() is seen soon
      PGNotification[] notes = pg.getNotifications(1000);
      if (notes == null || notes.length == 0) {
        if (++quiet >= PROBE_EVERY) {
          quiet = 0;
          try (Statement st = c.createStatement()) {
            st.setQueryTimeout(10);
            st.execute("SELECT 1");
          }
        }
        continue;
      }
      quiet = 0;
      for (PGNotification n : notes) {
        deliver(n.getParameter());
      }
    }
  }

  private void deliver(String payload) {
    String prefix = schema + ":";
    if (payload == null || !payload.startsWith(prefix)) {
      return; // another schema's store
    }
    try {
      onRequest.accept(payload.substring(prefix.length()));
    } catch (RuntimeException e) {
      LOG.warn("schema={} action=notify-failed error={}", schema, e.toString());
    }
  }

  /** @return true if stopped while waiting out the back-off */
  private boolean waitOrStop(Duration backoff) {
    try {
      return stopped.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
