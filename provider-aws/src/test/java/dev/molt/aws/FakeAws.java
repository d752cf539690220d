package dev.molt.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process EC2 + ELBv2 that speaks the wire protocol the SDK marshals: form-encoded query
 * requests ({@code Action=RunInstances&...}), XML answers, EC2's and ELBv2's error documents.
 * Instances live in memory: {@code pending} for {@link #pendingFor}, then {@code running}; status
 * checks {@code ok} {@link #checksAfter} later; a registered target {@code initial}, then {@code
 * healthy} {@link #checksAfter} after it runs; a deregistered one {@code draining} for the
 * deregistration delay. Client tokens, tag filters, pagination (MaxResults/NextToken) and the
 * errors for unknown ids behave as EC2's do. Counts calls per action and can answer the next calls
 * of an action with an error. Thread-safe (one lock).
 */
final class FakeAws implements AutoCloseable {
  static final String EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
  static final String ELB_NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
  static final String ELB_VERSION = "2015-12-01";
  static final String ASG_NS = "http://autoscaling.amazonaws.com/doc/2011-01-01/";
  static final String ASG_VERSION = "2011-01-01";

  private final HttpServer server;
  private final Clock clock;
  private final Duration pendingFor;
  private final Duration checksAfter;
  private final Map<String, Vm> vms = new TreeMap<>();
  private final Map<String, Token> tokens = new LinkedHashMap<>();
  /** The ELBv2 half: target groups and listeners, under this object's lock. */
  final FakeElb elb;
  /** The EC2 Auto Scaling half: groups launching from these launch templates. */
  final FakeLaunchTemplates templates = new FakeLaunchTemplates();
  final FakeAutoScaling autoScaling;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, Deque<Fault>> faults = new LinkedHashMap<>();
  private int nextId = 0x1000;
  private final List<String> terminatedWhileDraining = new ArrayList<>();
  private final Map<String, String> rootDevices = new LinkedHashMap<>();
  private final Map<String, String> zones = new LinkedHashMap<>();
  private final java.util.Set<String> full = new java.util.HashSet<>();

  /** One EC2 instance. */
  private static final class Vm {
    final String id;
    final String imageId;
    final String type;
    final String clientToken;
    final Instant launchTime;
    final String ip;
    final Map<String, String> tags = new LinkedHashMap<>();
    Optional<String> userData = Optional.empty();
    /** The RunInstances request as it arrived on the wire, empty if started directly. */
    Map<String, String> request = Map.of();
    String zone = "us-east-1a";
    Optional<Instant> terminatedAt = Optional.empty();
    boolean impaired;

    Vm(String id, String imageId, String type, String clientToken, Instant launchTime, String ip) {
      this.id = id;
      this.imageId = imageId;
      this.type = type;
      this.clientToken = clientToken;
      this.launchTime = launchTime;
      this.ip = ip;
    }
  }

  private record Token(String parameters, String reservationId, List<String> ids) {}

  private record Fault(int status, String code) {}

  FakeAws(Clock clock, Duration pendingFor, Duration checksAfter, Duration deregistrationDelay) {
    this.clock = clock;
    this.pendingFor = pendingFor;
    this.checksAfter = checksAfter;
    this.elb = new FakeElb(this, deregistrationDelay);
    this.autoScaling = new FakeAutoScaling(this);
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind the fake AWS endpoint", e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "fake-aws");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }




  /** Starts an instance directly (not through RunInstances), with these tags. @return its id */
  synchronized String startInstance(String imageId, Map<String, String> tags) {
    Vm vm = newVm(imageId, "t3.micro", "");
    vm.tags.putAll(tags);
    return vm.id;
  }

  /**
   * Starts an instance for an Auto Scaling group, from launch template data. Caller holds the lock.
   *
   * @param data the template's data, as its request carried it without the {@code
   *     LaunchTemplateData.} prefix
   * @return its id
   */
  String launchForGroup(Map<String, String> data, String subnet, Map<String, String> tags) {
    Vm vm = newVm(data.getOrDefault("ImageId", ""), data.getOrDefault("InstanceType",
        "m1.small"), "asg-" + tags.getOrDefault("aws:autoscaling:groupName", ""));
    vm.tags.putAll(tags);
    vm.userData = Optional.ofNullable(data.get("UserData"));
    vm.request = Map.copyOf(data);
    vm.zone = zones.getOrDefault(subnet, "us-east-1a");
    return vm.id;
  }

  /** Terminates an instance for its Auto Scaling group, as TerminateInstances would. Caller holds the lock. */
  void terminateForGroup(String id) {
    Vm vm = vms.get(id);
    Instant now = clock.instant();
    if (vm != null && vm.terminatedAt.isEmpty()) {
      if (elb.draining(id, now)) {
        terminatedWhileDraining.add(id);
      }
      vm.terminatedAt = Optional.of(now);
      elb.forget(id);
    }
  }

  /** Terminates an instance outside EC2's API, as its owner would. */
  synchronized void terminateDirectly(String id) {
    Vm vm = vms.get(id);
    if (vm != null && vm.terminatedAt.isEmpty()) {
      vm.terminatedAt = Optional.of(clock.instant());
      elb.forget(id);
    }
  }

  /** @return the ids of every instance not terminated, Molt's or not */
  synchronized List<String> liveIds() {
    return vms.values().stream().filter(v -> v.terminatedAt.isEmpty()).map(v -> v.id).toList();
  }

  /** @return whether the instance is in the {@code running} state (ELBv2 registers no other) */
  synchronized boolean running(String id) {
    Vm vm = vms.get(id);
    return vm != null && vm.terminatedAt.isEmpty() && "running".equals(state(vm, clock.instant()));
  }

  /** @return whether the instance exists and is neither shutting down nor terminated */
  synchronized boolean alive(String id) {
    Vm vm = vms.get(id);
    return vm != null && vm.terminatedAt.isEmpty();
  }

  /** @return when the instance runs (or ran) from; empty if unknown. Caller holds the lock. */
  Optional<Instant> runsFrom(String id) {
    Vm vm = vms.get(id);
    return vm == null ? Optional.empty() : Optional.of(vm.launchTime.plus(pendingFor));
  }

  /** @return whether checks report the instance impaired. Caller holds the lock. */
  boolean impaired(String id) {
    Vm vm = vms.get(id);
    return vm != null && vm.impaired;
  }

  Instant now() {
    return clock.instant();
  }

  Duration checksAfter() {
    return checksAfter;
  }

  /** @return the instance's tags as EC2 has them */
  synchronized Map<String, String> tags(String id) {
    return Map.copyOf(vms.get(id).tags);
  }

  /** @return the form parameters of the RunInstances request that launched the instance */
  synchronized Map<String, String> runRequest(String id) {
    return vms.get(id).request;
  }

  /**
   * Creates a subnet in an availability zone, as DescribeSubnets then reports it. RunInstances
   * puts a subnet not named here in us-east-1a (DescribeSubnets does not know it), and a
   * request without a subnet in its {@code Placement.AvailabilityZone}, else us-east-1a.
   */
  synchronized void subnet(String subnetId, String zone) {
    zones.put(subnetId, zone);
  }

  /** Makes RunInstances in this subnet answer InsufficientInstanceCapacity (500), as EC2 does. */
  synchronized void noCapacityIn(String subnetId) {
    full.add(subnetId);
  }

  /** Undoes {@link #noCapacityIn}: every subnet has capacity again. */
  synchronized void recoverCapacity() {
    full.clear();
  }

  /** Makes DescribeImages report this root device for the AMI (default {@code /dev/xvda}). */
  synchronized void rootDevice(String imageId, String device) {
    rootDevices.put(imageId, device);
  }

  /** @return the base64 user data the instance was launched with */
  synchronized Optional<String> userData(String id) {
    return vms.get(id).userData;
  }

  /** @return the instances terminated while a target group still reported them draining */
  synchronized List<String> terminatedWhileDraining() {
    return List.copyOf(terminatedWhileDraining);
  }

  /** @return how many instances RunInstances ever created */
  synchronized int launchedCount() {
    return (int) vms.values().stream().filter(v -> !v.clientToken.isEmpty()).count();
  }


  /** Makes EC2's status checks (and target health) report the instance impaired. */
  synchronized void impair(String id) {
    vms.get(id).impaired = true;
  }

  /** Undoes {@link #impair}: checks pass again. */
  synchronized void recover(String id) {
    vms.get(id).impaired = false;
  }

  /** Answers the next {@code times} calls of {@code action} with an error. */
  synchronized void failNext(String action, int status, String code, int times) {
    Deque<Fault> queue = faults.computeIfAbsent(action, k -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(new Fault(status, code));
    }
  }

  /** @return how many requests of {@code action} arrived (answered or failed) */
  int calls(String action) {
    AtomicInteger n = calls.get(action);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  // ---------------------------------------------------------------- wire

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> p = form(new String(exchange.getRequestBody().readAllBytes(),
          StandardCharsets.UTF_8));
      String action = p.getOrDefault("Action", "");
      calls.computeIfAbsent(action, k -> new AtomicInteger()).incrementAndGet();
      String version = p.getOrDefault("Version", "");
      Optional<String> ns = ELB_VERSION.equals(version) ? Optional.of(ELB_NS)
          : ASG_VERSION.equals(version) ? Optional.of(ASG_NS) : Optional.empty();
      Answer answer;
      synchronized (this) {
        autoScaling.runActivities();
        Deque<Fault> queue = faults.get(action);
        Fault fault = queue == null ? null : queue.poll();
        if (fault != null) {
          answer = error(ns, fault.status(), fault.code(), "injected fault");
        } else {
          try {
            answer = ns.isEmpty() ? ec2(action, p) : ns.get().equals(ELB_NS)
                ? this.elb.handle(action, p) : autoScaling.handle(action, p);
          } catch (Refusal r) {
            answer = error(ns, r.status, r.code, r.getMessage());
          }
        }
      }
      byte[] body = answer.xml.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
      exchange.sendResponseHeaders(answer.status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  record Answer(int status, String xml) {}

  static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    Refusal(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** An error document: ELBv2's and Auto Scaling's ({@code ns}) or EC2's. */
  private static Answer error(Optional<String> ns, int status, String code, String message) {
    String xml = ns.isPresent()
        ? "<ErrorResponse xmlns=\"" + ns.get() + "\"><Error><Type>Sender</Type><Code>" + esc(code)
            + "</Code><Message>" + esc(message) + "</Message></Error><RequestId>req-1</RequestId>"
            + "</ErrorResponse>"
        : "<Response><Errors><Error><Code>" + esc(code) + "</Code><Message>" + esc(message)
            + "</Message></Error></Errors><RequestID>req-1</RequestID></Response>";
    return new Answer(status, xml);
  }

  static Map<String, String> form(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** @return {@code prefix.1}, {@code prefix.2}... until one is missing */
  static List<String> list(Map<String, String> p, String prefix) {
    List<String> out = new ArrayList<>();
    for (int i = 1; p.containsKey(prefix + "." + i); i++) {
      out.add(p.get(prefix + "." + i));
    }
    return out;
  }

  /** @return {@code prefix.N.Key}/{@code prefix.N.Value} pairs */
  static Map<String, String> tagList(Map<String, String> p, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 1; p.containsKey(prefix + "." + i + ".Key"); i++) {
      out.put(p.get(prefix + "." + i + ".Key"), p.getOrDefault(prefix + "." + i + ".Value", ""));
    }
    return out;
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  // ---------------------------------------------------------------- EC2

  private Answer ec2(String action, Map<String, String> p) {
    return switch (action) {
      case "RunInstances" -> runInstances(p);
      case "DescribeInstances" -> describeInstances(p);
      case "TerminateInstances" -> terminateInstances(p);
      case "CreateTags" -> createTags(p);
      case "DescribeInstanceStatus" -> describeInstanceStatus(p);
      case "DescribeImages" -> describeImages(p);
      case "DescribeSubnets" -> describeSubnets(p);
      case "CreateLaunchTemplate", "DescribeLaunchTemplates", "DeleteLaunchTemplate" ->
          templates.handle(action, p, clock.instant());
      default -> throw new Refusal(400, "InvalidAction", "the fake does not do " + action);
    };
  }

  private String state(Vm vm, Instant now) {
    if (vm.terminatedAt.isPresent()) {
      return "terminated";
    }
    return now.isBefore(vm.launchTime.plus(pendingFor)) ? "pending" : "running";
  }

  private static int code(String state) {
    return switch (state) {
      case "pending" -> 0;
      case "running" -> 16;
      case "shutting-down" -> 32;
      case "terminated" -> 48;
      case "stopping" -> 64;
      default -> 80;
    };
  }

  private Vm newVm(String imageId, String type, String token) {
    String id = String.format("i-%017x", nextId++);
    int n = nextId;
    Vm vm = new Vm(id, imageId, type, token, clock.instant(),
        "10.0." + ((n >> 8) & 0xff) + "." + (n & 0xff));
    vms.put(id, vm);
    return vm;
  }

  private Answer runInstances(Map<String, String> p) {
    String image = p.getOrDefault("ImageId", "");
    if (!image.startsWith("ami-")) {
      throw new Refusal(400, "InvalidAMIID.Malformed", "Invalid id: \"" + image + "\"");
    }
    String subnet = p.getOrDefault("SubnetId", "");
    if (full.contains(subnet)) {
      throw new Refusal(500, "InsufficientInstanceCapacity", "We currently do not have"
          + " sufficient capacity in the Availability Zone you requested ("
          + zones.getOrDefault(subnet, "us-east-1a") + "). Our system will be working on"
          + " provisioning additional capacity.");
    }
    int min = Integer.parseInt(p.getOrDefault("MinCount", "1"));
    int max = Integer.parseInt(p.getOrDefault("MaxCount", "1"));
    String type = p.getOrDefault("InstanceType", "m1.small");
    String token = p.getOrDefault("ClientToken", "");
    Map<String, String> tags = "instance".equals(p.get("TagSpecification.1.ResourceType"))
        ? tagList(p, "TagSpecification.1.Tag") : Map.of();
    String parameters = image + "|" + min + "|" + max + "|" + type + "|" + tags;
    if (!token.isEmpty() && tokens.containsKey(token)) {
      Token seen = tokens.get(token);
      if (!seen.parameters().equals(parameters)) {
        throw new Refusal(400, "IdempotentParameterMismatch",
            "client token " + token + " was used with other parameters");
      }
      return reservation("RunInstancesResponse", seen.reservationId(),
          seen.ids().stream().map(vms::get).toList());
    }
    List<Vm> made = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      Vm vm = newVm(image, type, token.isEmpty() ? "untokened" : token);
      vm.tags.putAll(tags);
      vm.userData = Optional.ofNullable(p.get("UserData"));
      vm.request = Map.copyOf(p);
      vm.zone = p.containsKey("SubnetId") ? zones.getOrDefault(p.get("SubnetId"), "us-east-1a")
          : p.getOrDefault("Placement.AvailabilityZone", "us-east-1a");
      made.add(vm);
    }
    String reservationId = String.format("r-%017x", nextId++);
    if (!token.isEmpty()) {
      tokens.put(token, new Token(parameters, reservationId, made.stream().map(v -> v.id)
          .toList()));
    }
    return reservation("RunInstancesResponse", reservationId, made);
  }

  private Answer reservation(String root, String reservationId, List<Vm> made) {
    StringBuilder x = new StringBuilder("<" + root + " xmlns=\"" + EC2_NS + "\">")
        .append("<requestId>req-1</requestId><reservationId>").append(reservationId)
        .append("</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>");
    Instant now = clock.instant();
    made.forEach(vm -> x.append(instanceXml(vm, now)));
    return new Answer(200, x.append("</instancesSet></").append(root).append(">").toString());
  }

  private String instanceXml(Vm vm, Instant now) {
    String state = state(vm, now);
    StringBuilder x = new StringBuilder("<item><instanceId>").append(vm.id)
        .append("</instanceId><imageId>").append(esc(vm.imageId))
        .append("</imageId><instanceState><code>").append(code(state)).append("</code><name>")
        .append(state).append("</name></instanceState><instanceType>").append(esc(vm.type))
        .append("</instanceType><placement><availabilityZone>").append(esc(vm.zone))
        .append("</availabilityZone></placement><launchTime>").append(vm.launchTime)
        .append("</launchTime><privateIpAddress>").append(vm.ip)
        .append("</privateIpAddress><clientToken>").append(esc(vm.clientToken))
        .append("</clientToken><tagSet>");
    vm.tags.forEach((k, v) -> x.append("<item><key>").append(esc(k)).append("</key><value>")
        .append(esc(v)).append("</value></item>"));
    return x.append("</tagSet></item>").toString();
  }

  private boolean matches(Vm vm, Map<String, String> p, Instant now) {
    List<String> ids = list(p, "InstanceId");
    if (!ids.isEmpty() && !ids.contains(vm.id)) {
      return false;
    }
    for (int i = 1; p.containsKey("Filter." + i + ".Name"); i++) {
      String name = p.get("Filter." + i + ".Name");
      List<String> values = list(p, "Filter." + i + ".Value");
      String actual;
      if (name.startsWith("tag:")) {
        actual = vm.tags.get(name.substring(4));
      } else if (name.equals("instance-state-name")) {
        actual = state(vm, now);
      } else if (name.equals("instance-id")) {
        actual = vm.id;
      } else if (name.equals("client-token")) {
        actual = vm.clientToken;
      } else {
        throw new Refusal(400, "InvalidParameterValue", "The filter '" + name + "' is invalid");
      }
      if (actual == null || !values.contains(actual)) {
        return false;
      }
    }
    return true;
  }

  private Answer describeInstances(Map<String, String> p) {
    List<String> ids = list(p, "InstanceId");
    if (!ids.isEmpty() && p.containsKey("MaxResults")) {
      throw new Refusal(400, "InvalidParameterCombination",
          "The parameter instancesSet cannot be used with the parameter maxResults");
    }
    requireKnown(ids);
    Instant now = clock.instant();
    List<Vm> all = vms.values().stream().filter(vm -> matches(vm, p, now)).toList();
    int max = Integer.parseInt(p.getOrDefault("MaxResults", "100000"));
    if (p.containsKey("MaxResults") && (max < 5 || max > 1000)) {
      throw new Refusal(400, "InvalidParameterValue", "MaxResults must be 5..1000, was " + max);
    }
    int from = Integer.parseInt(p.getOrDefault("NextToken", "0"));
    List<Vm> page = all.subList(Math.min(from, all.size()), Math.min(all.size(), from + max));
    StringBuilder x = new StringBuilder("<DescribeInstancesResponse xmlns=\"" + EC2_NS + "\">")
        .append("<requestId>req-1</requestId><reservationSet>");
    for (Vm vm : page) { // one reservation per instance: what paginators must cope with anyway
      x.append("<item><reservationId>r-").append(vm.id.substring(2))
          .append("</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>")
          .append(instanceXml(vm, now)).append("</instancesSet></item>");
    }
    x.append("</reservationSet>");
    if (from + max < all.size()) {
      x.append("<nextToken>").append(from + max).append("</nextToken>");
    }
    return new Answer(200, x.append("</DescribeInstancesResponse>").toString());
  }

  private void requireKnown(List<String> ids) {
    for (String id : ids) {
      if (!vms.containsKey(id)) {
        throw new Refusal(400, "InvalidInstanceID.NotFound",
            "The instance ID '" + id + "' does not exist");
      }
    }
  }

  private Answer terminateInstances(Map<String, String> p) {
    List<String> ids = list(p, "InstanceId");
    requireKnown(ids);
    Instant now = clock.instant();
    StringBuilder x = new StringBuilder("<TerminateInstancesResponse xmlns=\"" + EC2_NS + "\">")
        .append("<requestId>req-1</requestId><instancesSet>");
    for (String id : ids) {
      Vm vm = vms.get(id);
      String before = state(vm, now);
      if (vm.terminatedAt.isEmpty() && elb.draining(id, now)) {
        terminatedWhileDraining.add(id);
      }
      vm.terminatedAt = Optional.of(vm.terminatedAt.orElse(now));
      elb.forget(id);
      x.append("<item><instanceId>").append(id).append("</instanceId><currentState><code>48")
          .append("</code><name>terminated</name></currentState><previousState><code>")
          .append(code(before)).append("</code><name>").append(before)
          .append("</name></previousState></item>");
    }
    return new Answer(200, x.append("</instancesSet></TerminateInstancesResponse>").toString());
  }

  private Answer createTags(Map<String, String> p) {
    List<String> ids = list(p, "ResourceId");
    requireKnown(ids);
    Map<String, String> tags = tagList(p, "Tag");
    ids.forEach(id -> vms.get(id).tags.putAll(tags));
    return new Answer(200, "<CreateTagsResponse xmlns=\"" + EC2_NS + "\"><requestId>req-1"
        + "</requestId><return>true</return></CreateTagsResponse>");
  }

  private Answer describeImages(Map<String, String> p) {
    StringBuilder x = new StringBuilder("<DescribeImagesResponse xmlns=\"" + EC2_NS
        + "\"><requestId>req-1</requestId><imagesSet>");
    for (String id : list(p, "ImageId")) {
      if (!id.startsWith("ami-")) {
        throw new Refusal(400, "InvalidAMIID.Malformed", "Invalid id: \"" + id + "\"");
      }
      x.append("<item><imageId>").append(esc(id)).append("</imageId><imageState>available")
          .append("</imageState><rootDeviceType>ebs</rootDeviceType><rootDeviceName>")
          .append(esc(rootDevices.getOrDefault(id, "/dev/xvda"))).append("</rootDeviceName>")
          .append("</item>");
    }
    return new Answer(200, x.append("</imagesSet></DescribeImagesResponse>").toString());
  }

  /**
   * DescribeSubnets by {@code SubnetId.N}, as EC2 answers it: a {@code subnetSet} of items with
   * {@code subnetId}, {@code state} and {@code availabilityZone}; only the subnets {@link #subnet}
   * made exist, and naming another is {@code InvalidSubnetID.NotFound} (400) for the whole call.
   * Without ids, every subnet.
   */
  private Answer describeSubnets(Map<String, String> p) {
    List<String> ids = list(p, "SubnetId");
    for (String id : ids) {
      if (!zones.containsKey(id)) {
        throw new Refusal(400, "InvalidSubnetID.NotFound", "The subnet ID '" + id
            + "' does not exist");
      }
    }
    StringBuilder x = new StringBuilder("<DescribeSubnetsResponse xmlns=\"" + EC2_NS
        + "\"><requestId>req-1</requestId><subnetSet>");
    for (String id : ids.isEmpty() ? List.copyOf(zones.keySet()) : ids) {
      x.append("<item><subnetId>").append(esc(id)).append("</subnetId><state>available</state>")
          .append("<vpcId>vpc-0fake</vpcId><availabilityZone>").append(esc(zones.get(id)))
          .append("</availabilityZone><defaultForAz>false</defaultForAz></item>");
    }
    return new Answer(200, x.append("</subnetSet></DescribeSubnetsResponse>").toString());
  }

  private String checks(Vm vm, Instant now) {
    if (!"running".equals(state(vm, now))) {
      return "not-applicable";
    }
    if (vm.impaired) {
      return "impaired";
    }
    return now.isBefore(vm.launchTime.plus(pendingFor).plus(checksAfter)) ? "initializing" : "ok";
  }

  private Answer describeInstanceStatus(Map<String, String> p) {
    List<String> ids = list(p, "InstanceId");
    requireKnown(ids);
    boolean all = "true".equals(p.get("IncludeAllInstances"));
    Instant now = clock.instant();
    StringBuilder x = new StringBuilder("<DescribeInstanceStatusResponse xmlns=\"" + EC2_NS
        + "\"><requestId>req-1</requestId><instanceStatusSet>");
    for (Vm vm : vms.values()) {
      String state = state(vm, now);
      if ((!ids.isEmpty() && !ids.contains(vm.id)) || (!all && !state.equals("running"))) {
        continue;
      }
      String checks = checks(vm, now);
      x.append("<item><instanceId>").append(vm.id).append("</instanceId><availabilityZone>")
          .append("us-east-1a</availabilityZone><instanceState><code>").append(code(state))
          .append("</code><name>").append(state).append("</name></instanceState><systemStatus>")
          .append("<status>").append(checks).append("</status></systemStatus><instanceStatus>")
          .append("<status>").append(checks).append("</status></instanceStatus></item>");
    }
    return new Answer(200, x.append("</instanceStatusSet></DescribeInstanceStatusResponse>")
        .toString());
  }
}
