package dev.molt.store;

import dev.molt.LaunchSpec;
import dev.molt.Revision;
import dev.molt.Arguments;
import dev.molt.internal.Json;
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
 * <p>Several processes may share the directory (on a local file system): lease changes happen under
 * an OS file lock on {@code leases/<fleet>.lock}. Finished rollouts stay as an audit trail; delete
 * their files when no longer wanted. Thread-safe.
 */
public final class FileRolloutStore implements RolloutStore {
  private static final String FORMAT = "molt-rollout-store/1";
  private static final Map<Path, Object> PROCESS_LOCKS = new ConcurrentHashMap<>();
  private static final java.util.concurrent.atomic.AtomicLong TEMP_SEQUENCE =
      new java.util.concurrent.atomic.AtomicLong();

  private final Path rollouts;
  private final Path leases;

  private FileRolloutStore(Path directory) {
    this.rollouts = directory.resolve("rollouts");
    this.leases = directory.resolve("leases");
    try {
      Files.createDirectories(rollouts);
      Files.createDirectories(leases);
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
  public void save(RolloutRecord record) {
    Arguments.required(record, "record");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", FORMAT);
    doc.put("record", RecordJson.toTree(record, RolloutRecord.class));
    writeAtomically(rollouts.resolve(fileName(record.id())), Json.write(doc));
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
  public Lease acquire(String fleet, String holder, Instant now, Duration ttl) {
    return underLock(fleet, () -> {
      Lease granted = Lease.claim(readLease(fleet), fleet, holder, now, ttl);
      writeAtomically(leaseFile(fleet), Json.write(RecordJson.toTree(granted, Lease.class)));
      return granted;
    });
  }

  @Override
  public void release(String fleet, String holder) {
    underLock(fleet, () -> {
      if (readLease(fleet).filter(l -> l.holder().equals(holder)).isPresent()) {
        try {
          Files.deleteIfExists(leaseFile(fleet));
        } catch (IOException e) {
          throw new StoreException("cannot release the lease of fleet " + fleet, e);
        }
      }
      return null;
    });
  }

  @Override
  public Optional<Lease> lease(String fleet) {
    return readLease(fleet);
  }

  private Optional<Lease> readLease(String fleet) {
    return read(leaseFile(fleet)).map(tree -> (Lease) RecordJson.fromTree(tree, Lease.class));
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
