package dev.molt.testkit.faults;

import dev.molt.rollout.IllegalControlException;
import dev.molt.rollout.Rollout;
import dev.molt.rollout.RolloutEvent;
import dev.molt.rollout.RolloutPhase;
import dev.molt.engine.RolloutHandle;
import dev.molt.engine.RolloutListener;
import dev.molt.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A seeded person at the controls of a rollout: issues each drawn {@link Control} once, at its
 * moment, on the handle of the run going on then, and answers every pause: whenever the rollout
 * pauses (the person's own pause, a hold, a failure under a pausing policy) it resumes it, or
 * promotes it where a resume is refused, {@code pauseLength} later, so every schedule can end. An
 * {@link IllegalControlException} is an expected answer (the control has no meaning in that
 * phase) and is only noted; any other exception is {@linkplain #unexpected() unexpected}. An undo
 * or a retry that starts a new run moves the person to that run: {@link #current()} is the handle
 * to drive to its end. Register it as an engine listener; call {@link #attach} right after {@code
 * start()}. Thread-safe; meant for virtual time, where every task runs on the driving thread.
 */
public final class Person implements RolloutListener {
  private final Scheduler scheduler;
  private final List<Control> controls;
  private final Duration pauseLength;
  private final List<String> answers = new ArrayList<>();
  private final List<String> unexpected = new ArrayList<>();
  private final boolean[] issued;
  private RolloutHandle handle;
  private int events;
  private int pending;
  private boolean away;

  /**
   * @param scheduler the engine's scheduler (virtual time)
   * @param controls what to do, each once
   * @param pauseLength how long any pause lasts before the person resumes it
   */
  public Person(Scheduler scheduler, List<Control> controls, Duration pauseLength) {
    this.scheduler = scheduler;
    this.controls = List.copyOf(controls);
    this.pauseLength = pauseLength;
    this.issued = new boolean[this.controls.size()];
  }

  /**
   * Takes the controls of a run just started (or resumed after a crash): issues the controls due
   * at the start now, before the first tick, and schedules those due at a time (once only); a run
   * resumed paused is released {@code pauseLength} later, as any pause is.
   *
   * @param started the run's handle
   */
  public synchronized void attach(RolloutHandle started) {
    boolean first = handle == null;
    handle = started;
    away = false;
    if (!first) {
      if (started.current().phase() == RolloutPhase.PAUSED) {
        later(pauseLength, this::release); // a resumed rollout stays paused: answer it again
      }
      return;
    }
    for (int n = 0; n < controls.size(); n++) {
      Control c = controls.get(n);
      int index = n;
      if (c.when() == Control.When.AT_START) {
        issue(index);
      } else if (c.when() == Control.When.AT_TIME) {
        pending++;
        scheduler.schedule(() -> {
          synchronized (this) {
            pending--;
            issue(index);
          }
        }, c.at());
      }
    }
  }

  /** The engine crashed: the person does nothing until {@link #attach} gives a resumed run. */
  public synchronized void away() {
    away = true;
  }

  /** @return the handle of the run to drive to its end: the latest the person started or got */
  public synchronized RolloutHandle current() {
    return handle;
  }

  /** @return true while a timed control or a pause's resume is still to come */
  public synchronized boolean busy() {
    return pending > 0;
  }

  /** @return each control issued and its answer ({@code ok}, or the refusal), in order */
  public synchronized List<String> answers() {
    return List.copyOf(answers);
  }

  /** @return every exception other than an {@link IllegalControlException} a control threw */
  public synchronized List<String> unexpected() {
    return List.copyOf(unexpected);
  }

  @Override
  public synchronized void onEvent(Rollout rollout, RolloutEvent event) {
    if (handle == null || !rollout.id().equals(handle.id())) {
      return;
    }
    events++;
    for (int n = 0; n < controls.size(); n++) {
      Control c = controls.get(n);
      if (c.when() == Control.When.AFTER_EVENT && c.afterEvents() == events && !issued[n]) {
        int index = n;
        later(Duration.ZERO, () -> issue(index)); // not from inside the engine's event
      }
    }
    if (event.type() == RolloutEvent.Type.PAUSED) {
      later(pauseLength, this::release);
    }
  }

  private void later(Duration delay, Runnable task) {
    pending++;
    scheduler.schedule(() -> {
      synchronized (this) {
        pending--;
        task.run();
      }
    }, delay);
  }

  private void issue(int index) {
    if (issued[index] || away) {
      return;
    }
    issued[index] = true;
    Control c = controls.get(index);
    answers.add(c + ": " + act(c.kind()));
  }

  /** Resumes a paused run, or promotes it where resuming is refused (a hold at a step). */
  private void release() {
    if (away || handle.current().phase() != RolloutPhase.PAUSED) {
      return;
    }
    String answer = act(Control.Kind.RESUME);
    if (!answer.equals("ok")) {
      answer = act(Control.Kind.PROMOTE);
    }
    answers.add("release: " + answer);
  }

  private String act(Control.Kind kind) {
    try {
      Optional<RolloutHandle> next = switch (kind) {
        case PAUSE -> run(handle::pause);
        case RESUME -> run(handle::resume);
        case ABORT -> run(() -> handle.abort("a person aborted it"));
        case PROMOTE -> run(handle::promote);
        case UNDO -> Optional.of(handle.undo());
        case RETRY -> Optional.of(handle.retry());
      };
      next.filter(h -> h != handle).ifPresent(h -> handle = h);
      return "ok";
    } catch (IllegalControlException e) {
      return "refused (" + e.getMessage() + ")";
    } catch (RuntimeException e) {
      unexpected.add(kind + " threw " + e);
      return "threw " + e;
    }
  }

  private static Optional<RolloutHandle> run(Runnable control) {
    control.run();
    return Optional.empty();
  }
}
