package dev.molt.store;

import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.Arguments;
import dev.molt.internal.Json;
import dev.molt.codec.RecordJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link RolloutStore} in a directory: one JSON file per rollout ({@code rollouts/<id>.json}) and
 * per fleet lease ({@code leases/<fleet>.json}). Every write goes to a temporary file in the same
 * directory, is forced to disk, and replaces the old file with an atomic rename, after which the
 * directory is forced too: a reader, or an engine started after this JVM was killed at any point,
 * sees either the previous or the new content, never a torn file. Leftover {@code .tmp} files of a
 * killed writer are ignored.
 *
 * <p>Control requests from other processes are files too ({@code controls/<rollout>/<id>.json}),
 * and so are patch-wave campaigns ({@code campaigns/<id>.json}), fenced like rollouts.
 *
 * <p>Several processes may share the directory (on a local file system): lease changes, and saves
 * with their fencing check, happen under an OS file lock on {@code leases/<fleet>.lock}. A lease
 * file keeps the fleet's newest fencing token after a release, so tokens never repeat. Finished
 * rollouts stay as an audit trail; delete their files when no longer wanted. Thread-safe.
 */
public final class FileRolloutStore implements RolloutStore {
  private static final String FORMAT = "molt-rollout-store/1";
  private static final String LEASE_FORMAT = "molt-lease/2";
  private static final Map<Path, Object> PROCESS_LOCKS = new ConcurrentHashMap<>();
  private static final java.util.concurrent.atomic.AtomicLong TEMP_SEQUENCE =
      new java.util.concurrent.atomic.AtomicLong();

  private final Path rollouts;
  private final Path leases;
  private final Path controls;
  private final Path campaigns;

  private FileRolloutStore(Path directory) {
    this.rollouts = directory.resolve("rollouts");
    this.leases = directory.resolve("leases");
    this.controls = directory.resolve("controls");
    this.campaigns = directory.resolve("campaigns");
    try {
      Files.createDirectories(rollouts);
      Files.createDirectories(leases);
      Files.createDirectories(controls);
      Files.createDirectories(campaigns);
    } catch (IOException e) {
      throw new StoreException("cannot create the store directory " + directory, e);
    }
  }

  /**
   * Opens (creating if needed) a store in {@code directory}.
   *
   * @param directory where the files live
   * @return the store
   * @throws StoreException if the directory cannot be created
   */
  public static FileRolloutStore open(Path directory) {
    return new FileRolloutStore(Arguments.required(directory, "directory").toAbsolutePath());
  }

  @Override
  public void save(Lease writer, RolloutRecord record) {
    Lease.requireFleet(writer, record);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", FORMAT);
    doc.put("record", RecordJson.toTree(record, RolloutRecord.class));
    Path file = rollouts.resolve(fileName(record.id()));
    String text = Json.write(doc);
    underLock(writer.fleet(), () -> {
      LeaseFile current = readLease(writer.fleet());
      Lease.requireCurrent(current.lease(), current.newestToken(), writer,
          "save of rollout " + record.id());
      writeAtomically(file, text);
      return null;
    });
  }

  @Override
  public Optional<RolloutRecord> load(String rolloutId) {
    return read(rollouts.resolve(fileName(rolloutId)))
        .map(doc -> (RolloutRecord) RecordJson.fromTree(doc.get("record"), RolloutRecord.class));
  }

  @Override
  public List<RolloutRecord> unfinished() {
    List<RolloutRecord> out = new ArrayList<>(all().stream().filter(r -> !r.isFinished()).toList());
    out.sort(Comparator.comparing(r -> r.rollout().startedAt()));
    return out;
  }

  @Override
  public Optional<LaunchSpec> launchSpec(Revision revision) {
    return RolloutStore.launchSpecIn(all(), revision);
  }

  @Override
  public boolean keepsCampaigns() {
    return true;
  }

  @Override
  public void saveCampaign(Lease writer, SavedCampaign campaign) {
    Arguments.required(campaign, "campaign").requireWriter(writer);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", FORMAT);
    doc.put("campaign", RecordJson.toTree(campaign, SavedCampaign.class));
    String text = Json.write(doc);
    underLock(writer.fleet(), () -> {
      LeaseFile current = readLease(writer.fleet());
      Lease.requireCurrent(current.lease(), current.newestToken(), writer,
          "save of campaign " + campaign.id());
      SavedCampaign.requireSameLease(campaign(campaign.id()), campaign);
      writeAtomically(campaigns.resolve(fileName(campaign.id())), text);
      return null;
    });
  }

  @Override
  public Optional<SavedCampaign> campaign(String campaignId) {
    return read(campaigns.resolve(fileName(campaignId))).map(FileRolloutStore::campaignOf);
  }

  @Override
  public List<SavedCampaign> unfinishedCampaigns() {
    List<SavedCampaign> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(campaigns, "*.json")) {
      for (Path file : files) {
        read(file).map(FileRolloutStore::campaignOf).filter(c -> !c.finished())
            .ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new StoreException("cannot list " + campaigns, e);
    }
    out.sort(Comparator.comparing(SavedCampaign::id));
    return out;
  }

  private static SavedCampaign campaignOf(Map<String, Object> doc) {
    return (SavedCampaign) RecordJson.fromTree(doc.get("campaign"), SavedCampaign.class);
  }

  private List<RolloutRecord> all() {
    List<RolloutRecord> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(rollouts, "*.json")) {
      for (Path file : files) {
        read(file).map(doc -> (RolloutRecord) RecordJson.fromTree(doc.get("record"),
            RolloutRecord.class)).ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new StoreException("cannot list " + rollouts, e);
    }
    return out;
  }

  @Override
  public void request(ControlRequest request) {
    Arguments.required(request, "request");
    Path dir = controls.resolve(fileName(request.rolloutId()).replace(".json", ""));
    Path file = dir.resolve(fileName(request.id()));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreException("cannot create " + dir, e);
    }
    if (Files.exists(file)) {
      return; // sent before: requests are idempotent by id
    }
    writeAtomically(file, Json.write(RecordJson.toTree(request, ControlRequest.class)));
  }

  @Override
  public List<ControlRequest> requests(String rolloutId) {
    Path dir = controls.resolve(fileName(rolloutId).replace(".json", ""));
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<ControlRequest> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path file : files) {
        read(file).map(t -> (ControlRequest) RecordJson.fromTree(t, ControlRequest.class))
            .ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir, e);
    }
    return RolloutStore.oldestFirst(out);
  }

  @Override
  public Lease acquire(String fleet, String holder, Instant now, Duration ttl) {
    fileName(Arguments.notBlank(fleet, "fleet"));
    return underLock(fleet, () -> {
      LeaseFile current = readLease(fleet);
      Lease granted = Lease.claim(current.lease(), current.newestToken(), fleet, holder, now, ttl);
      writeLease(fleet, Optional.of(granted), granted.token());
      return granted;
    });
  }

  @Override
  public Lease renew(Lease lease, Instant now, Duration ttl) {
    Arguments.required(lease, "lease");
    return underLock(lease.fleet(), () -> {
      LeaseFile current = readLease(lease.fleet());
      Lease renewed = Lease.extend(current.lease(), current.newestToken(), lease, now, ttl);
      writeLease(lease.fleet(), Optional.of(renewed), current.newestToken());
      return renewed;
    });
  }

  @Override
  public void release(Lease lease) {
    Arguments.required(lease, "lease");
    underLock(lease.fleet(), () -> {
      LeaseFile current = readLease(lease.fleet());
      if (current.lease().filter(l -> l.token() == lease.token()
          && l.holder().equals(lease.holder())).isPresent()) {
        writeLease(lease.fleet(), Optional.empty(), current.newestToken());
      }
      return null;
    });
  }

  @Override
  public Optional<Lease> lease(String fleet) {
    return readLease(fleet).lease();
  }

  /** A fleet's lease file: the current lease, if any, and the newest token ever issued. */
  private record LeaseFile(Optional<Lease> lease, long newestToken) {}

  private LeaseFile readLease(String fleet) {
    Optional<Map<String, Object>> doc = read(leaseFile(fleet));
    if (doc.isEmpty()) {
      return new LeaseFile(Optional.empty(), 0);
    }
    if (!doc.get().containsKey("format")) { // written before fencing tokens: a bare lease
      Lease legacy = (Lease) RecordJson.fromTree(doc.get(), Lease.class);
      return new LeaseFile(Optional.of(legacy), legacy.token());
    }
    Object lease = doc.get().get("lease");
    return new LeaseFile(Optional.ofNullable(lease).map(t -> (Lease) RecordJson.fromTree(t,
        Lease.class)), ((Number) doc.get().get("newestToken")).longValue());
  }

  private void writeLease(String fleet, Optional<Lease> lease, long newestToken) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", LEASE_FORMAT);
    doc.put("newestToken", newestToken);
    doc.put("lease", lease.map(l -> RecordJson.toTree(l, Lease.class)).orElse(null));
    writeAtomically(leaseFile(fleet), Json.write(doc));
  }

  private Path leaseFile(String fleet) {
    return leases.resolve(fileName(fleet));
  }

  private static String fileName(String id) {
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new dev.molt.InvalidSpecException("id", "'" + id + "' cannot name a store file");
    }
    return id + ".json";
  }

  private <T> T underLock(String fleet, java.util.function.Supplier<T> body) {
    Path lockFile = leases.resolve(fleet + ".lock");
    // FileLock excludes other processes; this JVM's own threads queue on the monitor first
    synchronized (PROCESS_LOCKS.computeIfAbsent(lockFile, p -> new Object())) {
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        FileLock lock = channel.lock();
        try {
          return body.get();
        } finally {
          lock.release();
        }
      } catch (IOException e) {
        throw new StoreException("cannot lock " + lockFile, e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, Object>> read(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return Optional.of((Map<String, Object>) Json.parse(text));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void writeAtomically(Path target, String content) {
    Path dir = target.getParent();
    Path temp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
        + TEMP_SEQUENCE.incrementAndGet() + ".tmp");
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      forceDirectory(dir);
    } catch (IOException e) {
      throw new StoreException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the rename happened or the write failed; a stray temp file is ignored by readers
      }
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // some platforms cannot open a directory; the rename is still atomic there
    }
  }
}
