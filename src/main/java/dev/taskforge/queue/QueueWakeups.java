package dev.taskforge.queue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * LISTENs on {@link Enqueuer#CHANNEL} (whose payload is the queue of a new job) and wakes whoever
 * waits for jobs of that queue: a long-polling worker's claim asks the database again only then.
 * One per API verticle instance, used on its event loop only.
 */
public final class QueueWakeups {
  private final PgSubscriber subscriber;
  private final Map<String, Set<Runnable>> waiting = new HashMap<>();
  private final List<Consumer<String>> newJobObservers = new ArrayList<>();

  public QueueWakeups(Vertx vertx, PgConnectOptions options) {
    subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempts -> 1000L);
    subscriber.channel(Enqueuer.CHANNEL).handler(this::wake);
  }

  /**
   * Hands each notification on {@code channel} (its payload) to {@code observer} too: the
   * instance's one LISTEN connection also serves others who watch the queue (the console's task
   * feed), with no connection of their own. One observer per channel but {@link Enqueuer#CHANNEL};
   * call before {@link #connect()}.
   */
  public void observe(String channel, Consumer<String> observer) {
    if (Enqueuer.CHANNEL.equals(channel)) {
      newJobObservers.add(observer);
    } else {
      observe(channel, observer, () -> { });
    }
  }

  /**
   * As {@link #observe(String, Consumer)} for a channel other than {@link Enqueuer#CHANNEL}, and
   * runs {@code subscribed} each time the channel is listened to anew: at the first connection and
   * after every reconnection, when notices sent while the connection was down have been missed.
   */
  public void observe(String channel, Consumer<String> observer, Runnable subscribed) {
    if (Enqueuer.CHANNEL.equals(channel)) {
      throw new IllegalArgumentException(channel + " is this class's own channel: observe it without a callback");
    }
    subscriber.channel(channel).handler(observer::accept).subscribeHandler(v -> subscribed.run());
  }

  /** Whether the LISTEN connection is up now; while it is down (and reconnecting), notices are missed. */
  public boolean listening() {
    return subscriber.actualConnection() != null;
  }

  public Future<Void> connect() {
    return subscriber.connect();
  }

  public Future<Void> close() {
    return subscriber.close();
  }

  /** Calls {@code wake} on each new job of one of {@code queues} until the returned action is run. */
  public Runnable onNewJob(Collection<String> queues, Runnable wake) {
    for (String queue : queues) {
      waiting.computeIfAbsent(queue, q -> new LinkedHashSet<>()).add(wake);
    }
    return () -> queues.forEach(queue -> {
      Set<Runnable> set = waiting.get(queue);
      if (set != null && set.remove(wake) && set.isEmpty()) {
        waiting.remove(queue);
      }
    });
  }

  private void wake(String queue) {
    newJobObservers.forEach(observer -> observer.accept(queue));
    Set<Runnable> set = waiting.get(queue);
    if (set != null) {
      List<Runnable> toWake = new ArrayList<>(set);
      toWake.forEach(Runnable::run);
    }
  }
}
