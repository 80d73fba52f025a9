package dev.switchboard.http.broker;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionSnapshot;
import dev.switchboard.http.api.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The running broker's state as the API reads it: sessions inspected on their own loops (every
 * field of a session is its loop's), and each hub's topic space without making one for a hub that
 * has none yet.
 */
final class LiveState {
  /**
   * How long a listing waits for the sessions' loops to answer; a loop that does not is skipped.
   */
  private static final long INSPECT_MILLIS = 5_000;

  private final Broker broker;

  LiveState(Broker broker) {
    this.broker = broker;
  }

  Broker broker() {
    return broker;
  }

  /** The hub's topic space; null when it has none yet (nothing subscribed or retained there). */
  TopicSpaces.Space space(String hub) {
    for (TopicSpaces.Space s : broker.spaces().all()) {
      if (s.hub().equals(hub)) {
        return s;
      }
    }
    return null;
  }

  /** The hub's sessions that {@code which} picks (from fields safe to read anywhere). */
  List<Session> sessions(String hub, Predicate<Session> which) {
    List<Session> out = new ArrayList<>();
    for (Session s : broker.sessions().all()) {
      if (hub.equals(s.hub()) && which.test(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Snapshots of the hub's sessions that {@code which} picks, each taken on its own loop; sessions
   * that ended meanwhile, or whose loop did not answer in time, are left out.
   */
  List<SessionSnapshot> snapshots(String hub, Predicate<Session> which) {
    List<CompletableFuture<SessionSnapshot>> pending = new ArrayList<>();
    for (Session s : sessions(hub, which)) {
      pending.add(s.inspect());
    }
    return collect(pending);
  }

  private static List<SessionSnapshot> collect(List<CompletableFuture<SessionSnapshot>> pending) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INSPECT_MILLIS);
    List<SessionSnapshot> out = new ArrayList<>(pending.size());
    for (CompletableFuture<SessionSnapshot> f : pending) {
      SessionSnapshot snap = await(f, deadline);
      if (snap != null) {
        out.add(snap);
      }
    }
    return out;
  }

  /** Snapshots of every session of every hub, as {@link #snapshots} takes them. */
  List<SessionSnapshot> snapshotsOfAll() {
    List<CompletableFuture<SessionSnapshot>> pending = new ArrayList<>();
    for (Session s : broker.sessions().all()) {
      pending.add(s.inspect());
    }
    return collect(pending);
  }

  /** The session of {@code clientId} in {@code hub}; 404 when there is none. */
  Session session(String hub, String clientId) {
    Session s = broker.sessions().get(hub, clientId);
    if (s == null || s.isEnded()) {
      throw Problem.notFound("no session '" + clientId + "' in hub '" + hub + "'");
    }
    return s;
  }

  /** A snapshot of the session of {@code clientId} in {@code hub}; 404 when there is none. */
  SessionSnapshot snapshot(String hub, String clientId) {
    SessionSnapshot snap =
        await(
            session(hub, clientId).inspect(),
            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INSPECT_MILLIS));
    if (snap == null) {
      throw Problem.notFound("no session '" + clientId + "' in hub '" + hub + "'");
    }
    return snap;
  }

  private static SessionSnapshot await(CompletableFuture<SessionSnapshot> f, long deadline) {
    try {
      return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
