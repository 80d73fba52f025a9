package dev.switchboard.broker;

import dev.switchboard.broker.auth.AnonymousAuthenticator;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.ClientControl;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.connection.ConnectionContext;
import dev.switchboard.broker.connection.ConnectionFlows;
import dev.switchboard.broker.connection.DirectClients;
import dev.switchboard.broker.connection.ServerShutdown;
import dev.switchboard.broker.intercept.PublishInterceptors;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.metrics.SysFigures;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.Persistence;
import dev.switchboard.broker.persist.StoredState;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.retained.RetainedStore;
import dev.switchboard.broker.routing.Router;
import dev.switchboard.broker.routing.Subscriber;
import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.broker.session.BrokerServices;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionOwnership;
import dev.switchboard.broker.session.SessionRegistry;
import dev.switchboard.broker.session.SessionRestorer;
import dev.switchboard.broker.session.WillKeeper;
import dev.switchboard.broker.transport.BoundListener;
import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.broker.transport.ServerCertificate;
import dev.switchboard.broker.transport.ServerTls;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT broker engine, put together: listeners, sessions, routing, retained messages, wills,
 * {@code $SYS}, and the store they are restored from. Plug-in points (authentication,
 * authorization, retained store, persistence) are constructor arguments; the seams the platform and
 * the cluster use (publish interceptors, route targets, session ownership) are reached through
 * {@link #interceptors()}, {@link #router()} and {@link #sessionOwnership(UnaryOperator)}. The app
 * module wires them.
 */
public final class Broker implements BrokerServices, ClientControl, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  /** The version {@code $SYS/broker/version} reports. */
  public static final String VERSION = versionFromManifest();

  private final BrokerConfig config;
  private final BrokerMetrics metrics = new BrokerMetrics();
  private final SubscriptionIndex<Subscriber> subscriptions = new SubscriptionIndex<>();
  private final SessionRegistry sessions = new SessionRegistry();
  private final RetainedStore retained;
  private final TopicSpaces spaces;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final Persistence persistence;
  private final Journal journal;
  private final Router router;
  private final PublishInterceptors interceptors = new PublishInterceptors();
  private final List<SysFigures> sysFigures = new java.util.concurrent.CopyOnWriteArrayList<>();
  private SessionOwnership ownership = sessions;
  private WillKeeper wills = WillKeeper.NONE;

  private EventLoopGroup group;
  private volatile DirectClients directClients;
  private Listeners listeners;
  private volatile ServerTls tls;
  private final ChannelGroup clients =
      new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
  private ScheduledFuture<?> sysTask;
  private ScheduledFuture<?> housekeepingTask;
  private volatile boolean stopping;

  public Broker(BrokerConfig config) {
    this(
        config,
        new InMemoryRetainedStore(),
        new AnonymousAuthenticator(config.allowAnonymous()),
        Authorizer.ALLOW_ALL);
  }

  public Broker(
      BrokerConfig config,
      RetainedStore retained,
      Authenticator authenticator,
      Authorizer authorizer) {
    this(config, retained, authenticator, authorizer, Persistence.NONE);
  }

  /**
   * A broker that keeps persistent sessions and retained messages in {@code persistence}'s store:
   * {@link #start()} restores them before it listens. The store stays open after {@link #close()};
   * its owner closes it.
   */
  public Broker(
      BrokerConfig config,
      RetainedStore retained,
      Authenticator authenticator,
      Authorizer authorizer,
      Persistence persistence) {
    this.config = config.validate();
    this.retained = retained;
    // the default hub's space is the one this broker had before hubs; others hold their retained
    // messages in memory as the default one does (the durable store keeps each hub's)
    this.spaces = new TopicSpaces(subscriptions, retained, InMemoryRetainedStore::new);
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.persistence = persistence;
    this.journal = persistence.enabled() ? new Journal(persistence) : null;
    this.router = new Router(this.config, metrics, spaces, journal);
    this.sessions.bind(this);
  }

  /**
   * Who owns the session of a client id: this node's registry unless {@code wrap} puts something in
   * front of it (the cluster's ownership, which claims an id across nodes before it hands the
   * connection to the local registry). Before {@link #start()} only.
   */
  public synchronized void sessionOwnership(UnaryOperator<SessionOwnership> wrap) {
    if (group != null) {
      throw new IllegalStateException("the session ownership is set before the broker starts");
    }
    this.ownership = wrap.apply(sessions);
  }

  /**
   * Who keeps the wills of this node's connections that would die with it ({@link WillKeeper}): the
   * cluster's, which publishes them from another node. Before {@link #start()} only.
   */
  public synchronized void willKeeper(WillKeeper keeper) {
    if (group != null) {
      throw new IllegalStateException("the will keeper is set before the broker starts");
    }
    this.wills = java.util.Objects.requireNonNull(keeper, "keeper");
  }

  @Override
  public WillKeeper wills() {
    return wills;
  }

  /**
   * Publishes {@code figures} with the broker's own {@code $SYS/broker/...} figures (default hub,
   * every {@code sys.interval}) from now on, until {@link #removeSysFigures}.
   */
  public void addSysFigures(SysFigures figures) {
    sysFigures.add(figures);
  }

  /** Stops publishing {@code figures}. */
  public void removeSysFigures(SysFigures figures) {
    sysFigures.remove(figures);
  }

  /**
   * Binds the listeners. Throws {@link ListenerException} naming the address when a port cannot be
   * bound (taken, no permission), after releasing everything it had started.
   */
  public synchronized void start() {
    if (group != null) {
      throw new IllegalStateException("already started");
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    // 0 is one loop per core, as documented; Netty's own default for 0 would be two per core,
    // which only adds hand-overs between loops.
    int threads =
        config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
    group = new MultiThreadIoEventLoopGroup(threads, io);
    Class<? extends ServerChannel> serverChannel =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ConnectionContext context =
        new ConnectionContext(
            config,
            metrics,
            authenticator,
            authorizer,
            ownership,
            interceptors,
            router,
            spaces,
            journal);
    ConnectionFlows flows = new ConnectionFlows(context);
    directClients = new DirectClients(context);
    listeners = new Listeners(config, metrics, flows, clients, () -> stopping);
    try {
      if (journal != null) {
        restore();
      }
      tls = openTls();
      for (ListenerConfig l : config.listeners()) {
        if (l.enabled()) {
          listeners.bind(l, group, serverChannel, tls);
        }
      }
    } catch (RuntimeException e) {
      listeners.close();
      if (tls != null) {
        tls.close();
      }
      shutdownGroup();
      if (journal != null) {
        journal.close();
      }
      throw e;
    }
    if (journal != null) {
      long every = persistence.housekeepingInterval().toMillis();
      housekeepingTask =
          group.next().scheduleAtFixedRate(this::housekeeping, every, every, TimeUnit.MILLISECONDS);
    }
    if (tls != null) {
      tls.startReloading();
    }
    if (!config.sysInterval().isZero()) {
      long every = config.sysInterval().toMillis();
      SysTopics sys = new SysTopics(metrics, sessions, spaces, router, sysFigures);
      sysTask = group.next().scheduleAtFixedRate(sys::publish, 0, every, TimeUnit.MILLISECONDS);
    }
    log.debug("broker started ({} transport)", epoll ? "epoll" : "nio");
  }

  @Override
  public void disconnect(Predicate<ClientIdentity> which, int reasonCode, String why) {
    for (Session session : sessions.all()) {
      if (session.isOnline()) {
        session.disconnectIf(which, reasonCode, why);
      }
    }
  }

  /**
   * Every hub the broker holds anything of (sessions, subscriptions, retained messages), the
   * default hub always among them.
   */
  public Set<String> hubs() {
    Set<String> hubs = new TreeSet<>();
    for (TopicSpaces.Space space : spaces.all()) {
      hubs.add(space.hub());
    }
    for (Session session : sessions.all()) {
      hubs.add(session.hub());
    }
    return hubs;
  }

  @Override
  public CompletableFuture<Void> discardHub(String hub, int reasonCode, String why) {
    return new HubDiscard(sessions, spaces, journal).discard(hub, reasonCode, why);
  }

  /**
   * The TLS contexts, when an enabled listener needs them: the certificate is read (or made, when
   * it is the self-signed one) before anything listens.
   */
  private ServerTls openTls() {
    EnumSet<ListenerConfig.ClientAuth> modes = EnumSet.noneOf(ListenerConfig.ClientAuth.class);
    for (ListenerConfig l : config.listeners()) {
      if (l.enabled() && l.kind().tls()) {
        modes.add(l.clientAuth());
      }
    }
    if (modes.isEmpty()) {
      return null;
    }
    try {
      ServerTls t = ServerTls.open(config.tls(), modes);
      ServerCertificate c = t.certificate();
      log.debug(
          "TLS ({}): certificate {}, SHA-256 fingerprint {}",
          t.provider(),
          c.file(),
          c.sha256Fingerprint());
      return t;
    } catch (IllegalArgumentException e) {
      throw new ListenerException(e.getMessage(), e);
    }
  }

  /** The addresses the listeners are bound to, by listener name, in the order they were bound. */
  public synchronized Map<String, InetSocketAddress> boundAddresses() {
    Map<String, InetSocketAddress> out = new LinkedHashMap<>();
    if (listeners != null) {
      listeners.bound().forEach((name, l) -> out.put(name, l.address()));
    }
    return out;
  }

  /** The listeners that are bound, in the order they were bound: what a start banner lists. */
  public synchronized List<BoundListener> boundListeners() {
    return listeners == null ? List.of() : List.copyOf(listeners.bound().values());
  }

  /**
   * The port listener {@code name} is bound to (useful with port 0).
   *
   * @throws IllegalArgumentException when there is no such listener, or it is off
   */
  public synchronized int port(String name) {
    BoundListener l = listeners == null ? null : listeners.bound().get(name);
    if (l == null) {
      throw new IllegalArgumentException(
          "no listener "
              + name
              + " is bound; bound: "
              + (listeners == null ? "none" : listeners.bound().keySet()));
    }
    return l.address().getPort();
  }

  /** The port the plain MQTT listener ({@code mqtt}) is bound to (useful with port 0). */
  public int mqttPort() {
    return port(BrokerConfig.MQTT_LISTENER);
  }

  /** The certificate the TLS listeners present now; empty when no TLS listener is on. */
  public Optional<ServerCertificate> tlsCertificate() {
    ServerTls t = tls;
    return t == null ? Optional.empty() : Optional.of(t.certificate());
  }

  /**
   * Checks the TLS files now instead of at the next reload interval; new connections use what they
   * hold if they changed and can be used. Returns whether a new certificate was loaded.
   */
  public boolean reloadTls() {
    ServerTls t = tls;
    return t != null && t.reloadIfChanged();
  }

  /**
   * Stops accepting, publishes the wills of connected clients (the server is ending their
   * connections), tells 5.0 clients with DISCONNECT 0x8B, and closes everything.
   */
  @Override
  public synchronized void close() {
    if (group == null || stopping) {
      return;
    }
    stopping = true;
    if (sysTask != null) {
      sysTask.cancel(false);
    }
    if (housekeepingTask != null) {
      housekeepingTask.cancel(false);
    }
    listeners.close();
    if (tls != null) {
      tls.close();
    }
    List<Future<?>> done = new ArrayList<>();
    for (Session s : sessions.all()) {
      Promise<Void> p = s.executor().newPromise();
      s.execute(
          () -> {
            s.shutdown();
            p.setSuccess(null);
          });
      done.add(p);
    }
    for (Future<?> f : done) {
      f.awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    for (Channel ch : clients) {
      ch.eventLoop()
          .execute(
              () -> {
                ServerShutdown shutdown = new ServerShutdown();
                ch.pipeline().fireUserEventTriggered(shutdown);
                if (!shutdown.wasHandled()) {
                  ch.close(); // no connection in its pipeline yet (a WebSocket upgrade, say)
                }
              });
    }
    clients.newCloseFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
    clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    shutdownGroup();
    if (journal != null) {
      journal.close(); // after the loops: what the last disconnections wrote is committed
      log.info(
          "{}: {} commits, {} changes written, {} failed commits",
          journal.store().describe(),
          journal.commits.sum(),
          journal.changesWritten.sum(),
          journal.failures.sum());
    }
  }

  private void shutdownGroup() {
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  // ---------------------------------------------------------------- routing

  /**
   * Routes a message as a client's would be (retained store, subscribers, route targets), without
   * the interceptors: the broker's own messages, wills, tools. Thread-safe; returns the number of
   * subscribers it went to.
   */
  @Override
  public int publish(Message message) {
    return router.publish(message);
  }

  @Override
  public boolean redispatchShared(Message message, String sharedFilterKey, Session leaving) {
    return router.redispatchShared(message, sharedFilterKey, leaving);
  }

  // ---------------------------------------------------------------- persistence

  /**
   * Rebuilds the stored state before the listeners open: retained messages, then every persistent
   * session on a loop of its own (offline until its client comes back), then their timers, once all
   * are back so that a will published at once finds every subscriber. What expired while the broker
   * was down is dropped from the store.
   */
  private void restore() {
    new SessionRestorer(this, group).restore();
  }

  /**
   * Rebuilds stored sessions that another cluster node held, while the broker runs (see {@link
   * SessionRestorer#takeOver}); blocks until they are back, so never on an event loop.
   *
   * @throws IllegalStateException before the broker has started, or without a store
   */
  public List<Session> takeOverStored(StoredState state) {
    if (group == null || journal == null) {
      throw new IllegalStateException("the broker has not started, or keeps nothing");
    }
    return new SessionRestorer(this, group).takeOver(state);
  }

  /** Reaps expired retained and queued messages, and lets the store compact itself. */
  private void housekeeping() {
    for (TopicSpaces.Space space : spaces.all()) {
      for (String topic : space.retained().removeExpired()) {
        journal.append(new Change.DeleteRetained(topic, space.hub()));
      }
    }
    for (Session s : sessions.all()) {
      if (!s.isOnline()) {
        s.execute(s::purgeExpired);
      }
    }
    journal.compactSoon();
  }

  // ---------------------------------------------------------------- services and seams

  @Override
  public BrokerConfig config() {
    return config;
  }

  @Override
  public BrokerMetrics metrics() {
    return metrics;
  }

  /** The default hub's subscriptions. */
  public SubscriptionIndex<Subscriber> subscriptions() {
    return subscriptions;
  }

  /** The default hub's retained messages. */
  public RetainedStore retained() {
    return retained;
  }

  /** Each hub's subscriptions and retained messages. */
  @Override
  public TopicSpaces spaces() {
    return spaces;
  }

  @Override
  public SessionRegistry sessions() {
    return sessions;
  }

  @Override
  public Journal journal() {
    return journal;
  }

  /** The publish path: add and remove {@link dev.switchboard.broker.routing.RouteTarget}s here. */
  public Router router() {
    return router;
  }

  /**
   * What clients without an MQTT socket of their own (the HTTP device API) do through the same
   * steps as a connection's packets. Once started.
   */
  public DirectClients directClients() {
    DirectClients d = directClients;
    if (d == null) {
      throw new IllegalStateException("the broker is not started");
    }
    return d;
  }

  /**
   * An event loop of the broker's, for a session whose client has no socket on one (the HTTP device
   * API): the session's work runs there as a connection's does. Once started.
   */
  public synchronized EventLoop nextLoop() {
    if (group == null) {
      throw new IllegalStateException("the broker is not started");
    }
    return group.next();
  }

  /** What decides every client's PUBLISH and SUBSCRIBE (the hub's access rules when on). */
  public Authorizer authorizer() {
    return authorizer;
  }

  /** The publish interceptors every client PUBLISH goes through before it is routed. */
  public PublishInterceptors interceptors() {
    return interceptors;
  }

  private static String versionFromManifest() {
    String v = Broker.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }
}
