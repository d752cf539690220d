package dev.molt.docker.haproxy;

import dev.molt.InvalidSpecException;
import dev.molt.ProviderException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A client of HAProxy's runtime API (the "stats socket" with {@code level admin}), over a unix
 * socket or TCP. Each call opens a connection, sends one line and reads the answer until HAProxy
 * closes it (the non-interactive mode). Several commands in one call are sent as one line separated
 * by {@code ;}: HAProxy runs them back to back, with no other CLI command in between.
 *
 * <p>Molt does not start HAProxy: point this client at one whose configuration has, for example,
 * {@code stats socket /run/haproxy/admin.sock mode 600 level admin}.
 *
 * <p>Thread-safe: calls share no state.
 */
public final class HaproxyRuntime {
  private static final Pattern SAFE = Pattern.compile("[ -~&&[^;#\\\\]]+");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final SocketAddress address;
  private final Duration timeout;

  private HaproxyRuntime(SocketAddress address, Duration timeout) {
    this.address = address;
    this.timeout = timeout;
  }

  /**
   * A client of the runtime API on a unix socket.
   *
   * @param socket the socket path from the {@code stats socket} line
   * @return the client, with a 5 s timeout per call
   */
  public static HaproxyRuntime unixSocket(Path socket) {
    if (socket == null) {
      throw new InvalidSpecException("socket", "is required but was null");
    }
    return new HaproxyRuntime(UnixDomainSocketAddress.of(socket), DEFAULT_TIMEOUT);
  }

  /**
   * A client of the runtime API on TCP ({@code stats socket ipv4@127.0.0.1:9999 level admin}).
   *
   * @param host the host
   * @param port the port
   * @return the client, with a 5 s timeout per call
   */
  public static HaproxyRuntime tcp(String host, int port) {
    if (host == null || host.isBlank()) {
      throw new InvalidSpecException("host", "must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidSpecException("port", "must be in 1..65535, was " + port);
    }
    return new HaproxyRuntime(InetSocketAddress.createUnresolved(host, port), DEFAULT_TIMEOUT);
  }

  /**
   * Returns a copy with another time limit per call.
   *
   * @param limit how long one call (connect, send, read) may take
   * @return the copy
   */
  public HaproxyRuntime withTimeout(Duration limit) {
    if (limit == null || limit.isNegative() || limit.isZero()) {
      throw new InvalidSpecException("timeout", "must be positive, was " + limit);
    }
    return new HaproxyRuntime(address, limit);
  }

  /**
   * Runs one command and returns HAProxy's answer as it printed it.
   *
   * @param command a runtime API command, such as {@code show stat}
   * @return the answer (possibly empty: most {@code set} commands answer nothing on success)
   * @throws ProviderException (retryable) when HAProxy cannot be reached or does not answer in time
   * @throws InvalidSpecException if the command holds a {@code ;}, {@code #}, backslash or a
   *     control character
   */
  public String execute(String command) {
    return executeAll(List.of(command));
  }

  /**
   * Runs commands back to back on one connection, as one line.
   *
   * @param commands the commands, in order
   * @return the concatenated answers
   * @throws ProviderException (retryable) when HAProxy cannot be reached or does not answer in time
   * @throws InvalidSpecException if a command holds a {@code ;}, {@code #}, backslash or a control
   *     character
   */
  public String executeAll(List<String> commands) {
    if (commands.isEmpty()) {
      return "";
    }
    for (int i = 0; i < commands.size(); i++) {
      if (!SAFE.matcher(commands.get(i)).matches()) {
        throw new InvalidSpecException("commands[" + i + "]",
            "must be printable ASCII without ';', '#' or '\\', was '" + commands.get(i) + "'");
      }
    }
    String line = String.join("; ", commands) + "\n";
    try {
      return exchange(line);
    } catch (IOException e) {
      throw new ProviderException("haproxy", describe(), true,
          "runtime API call failed: " + e.getMessage()
              + "; check that HAProxy runs and has 'stats socket ... level admin'", e);
    }
  }

  private String exchange(String line) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel channel = open(); Selector selector = Selector.open()) {
      channel.configureBlocking(false);
      if (!channel.connect(resolved())) {
        channel.register(selector, SelectionKey.OP_CONNECT);
        await(selector, deadline, "connect");
        channel.finishConnect();
      }
      ByteBuffer out = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
      channel.register(selector, SelectionKey.OP_WRITE);
      while (out.hasRemaining()) {
        await(selector, deadline, "send");
        channel.write(out);
      }
      return readAll(channel, selector, deadline);
    }
  }

  private String readAll(SocketChannel channel, Selector selector, long deadline)
      throws IOException {
    channel.register(selector, SelectionKey.OP_READ);
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(16_384);
    while (true) {
      await(selector, deadline, "read");
      buffer.clear();
      int n = channel.read(buffer);
      if (n < 0) {
        return answer.toString(StandardCharsets.UTF_8);
      }
      answer.write(buffer.array(), 0, n);
    }
  }

  private static void await(Selector selector, long deadline, String what) throws IOException {
    selector.selectedKeys().clear();
    long left = deadline - System.nanoTime();
    if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0) {
      throw new IOException("no answer within the time limit (" + what + ")");
    }
  }

  private SocketChannel open() throws IOException {
    return address instanceof UnixDomainSocketAddress
        ? SocketChannel.open(StandardProtocolFamily.UNIX)
        : SocketChannel.open();
  }

  private SocketAddress resolved() {
    if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
      return new InetSocketAddress(inet.getHostString(), inet.getPort());
    }
    return address;
  }

  private String describe() {
    return address instanceof UnixDomainSocketAddress unix ? "socket " + unix.getPath()
        : "tcp " + address;
  }

  @Override
  public String toString() {
    return "HaproxyRuntime[" + describe() + "]";
  }
}
