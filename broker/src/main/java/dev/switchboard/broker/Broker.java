package dev.switchboard.broker;

import dev.switchboard.broker.auth.AnonymousAuthenticator;
import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.auth.ClientControl;
import dev.switchboard.broker.auth.ClientIdentity;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.message.Message;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Change;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.persist.Persistence;
import dev.switchboard.broker.persist.QueuedMessage;
import dev.switchboard.broker.persist.Stored;
import dev.switchboard.broker.persist.StoredMessage;
import dev.switchboard.broker.retained.InMemoryRetainedStore;
import dev.switchboard.broker.retained.RetainedStore;
import dev.switchboard.broker.routing.SubscriptionIndex;
import dev.switchboard.broker.session.BrokerServices;
import dev.switchboard.broker.session.Session;
import dev.switchboard.broker.session.SessionRegistry;
import dev.switchboard.broker.session.SessionRestorer;
import dev.switchboard.broker.transport.BoundListener;
import dev.switchboard.broker.transport.ChannelInfo;
import dev.switchboard.broker.transport.ListenerConfig;
import dev.switchboard.broker.transport.ListenerTransport;
import dev.switchboard.broker.transport.ServerCertificate;
import dev.switchboard.broker.transport.ServerTls;
import dev.switchboard.mqtt.codec.MqttDecoder;
import dev.switchboard.mqtt.topic.SharedSubscription;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT broker engine: listeners, sessions, routing, retained messages, wills, {@code $SYS}.
 * Plug-in points (authentication, authorization, retained store) are constructor arguments; the app
 * module wires them.
 */
public final class Broker implements BrokerServices, ClientControl, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  /** The version {@code $SYS/broker/version} reports. */
  public static final String VERSION = versionFromManifest();

  private final BrokerConfig config;
  private final BrokerMetrics metrics = new BrokerMetrics();
  private final SubscriptionIndex<Session> subscriptions = new SubscriptionIndex<>();
  private final SessionRegistry sessions = new SessionRegistry();
  private final RetainedStore retained;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final Persistence persistence;
  private final Journal journal;
  private final long startedNanos = System.nanoTime();

  private EventLoopGroup group;

  /** Bound listeners by name, in the order they were bound. */
  private final Map<String, BoundListener> bound = new LinkedHashMap<>();

  private final List<Channel> listeners = new ArrayList<>();
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
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.persistence = persistence;
    this.journal = persistence.enabled() ? new Journal(persistence) : null;
    this.sessions.bind(this);
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
    try {
      if (journal != null) {
        restore();
      }
      tls = openTls();
      for (ListenerConfig l : config.listeners()) {
        if (l.enabled()) {
          bind(l, serverChannel);
        }
      }
    } catch (RuntimeException e) {
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
      sysTask = group.next().scheduleAtFixedRate(this::publishSys, 0, every, TimeUnit.MILLISECONDS);
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

  private void bind(ListenerConfig listener, Class<? extends ServerChannel> channelClass) {
    String host = listener.host() != null ? listener.host() : config.bindAddress();
    int port = listener.port();
    String name = listener.name();
    ListenerTransport transport =
        ListenerTransport.of(
            listener, tls, metrics, config.maxPacketSize(), config.connectTimeout());
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(64 * 1024, 256 * 1024))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (stopping
                        || (config.maxConnections() > 0
                            && clients.size() >= config.maxConnections())) {
                      ch.close();
                      return;
                    }
                    clients.add(ch);
                    ch.attr(ChannelInfo.LISTENER).set(name);
                    if (transport != null) {
                      transport.initChannel(ch); // PROXY, TLS, WebSocket: what the listener needs
                    }
                    // Two handlers: the decoder (which also counts the bytes read) and the
                    // connection, which encodes what it writes itself, into one buffer per burst.
                    ch.pipeline()
                        .addLast(
                            "decoder",
                            new MqttDecoder(
                                true, config.maxPacketSize(), metrics.bytesReceived::add))
                        .addLast("mqtt", new MqttConnection(Broker.this));
                  }
                });
    try {
      Channel ch = b.bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
      listeners.add(ch);
      bound.put(name, new BoundListener(listener, (InetSocketAddress) ch.localAddress()));
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      // Native transports say "bind(..) failed with error(-98): Address already in use"
      int cut = why.lastIndexOf("): ");
      if (cut >= 0 && e instanceof java.io.IOException) {
        why = why.substring(cut + 3);
      }
      throw new ListenerException(
          listener.kind().scheme() + "://" + host + ":" + port + ": cannot listen: " + why, e);
    }
  }

  /** The addresses the listeners are bound to, by listener name, in the order they were bound. */
  public synchronized Map<String, InetSocketAddress> boundAddresses() {
    Map<String, InetSocketAddress> out = new LinkedHashMap<>();
    bound.forEach((name, l) -> out.put(name, l.address()));
    return out;
  }

  /** The listeners that are bound, in the order they were bound: what a start banner lists. */
  public synchronized List<BoundListener> boundListeners() {
    return List.copyOf(bound.values());
  }

  /**
   * The port listener {@code name} is bound to (useful with port 0).
   *
   * @throws IllegalArgumentException when there is no such listener, or it is off
   */
  public synchronized int port(String name) {
    BoundListener l = bound.get(name);
    if (l == null) {
      throw new IllegalArgumentException(
          "no listener " + name + " is bound; bound: " + bound.keySet());
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
    for (Channel l : listeners) {
      l.close().syncUninterruptibly();
    }
    if (tls != null) {
      tls.close();
    }
    List<io.netty.util.concurrent.Future<?>> done = new ArrayList<>();
    for (Session s : sessions.all()) {
      io.netty.util.concurrent.Promise<Void> p = s.executor().newPromise();
      s.execute(
          () -> {
            s.shutdown();
            p.setSuccess(null);
          });
      done.add(p);
    }
    for (io.netty.util.concurrent.Future<?> f : done) {
      f.awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    for (Channel ch : clients) {
      ch.eventLoop()
          .execute(
              () -> {
                MqttConnection c = ch.pipeline().get(MqttConnection.class);
                if (c != null) {
                  c.shutdown();
                } else {
                  ch.close();
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
   * Routes a message: the retained store first if RETAIN is set (an empty payload clears it
   * [MQTT-3.3.1-10/11]), then one copy per matching session. Thread-safe; returns the number of
   * sessions it went to.
   */
  @Override
  public int publish(Message message) {
    metrics.messagesReceived.increment();
    return route(message, null);
  }

  /**
   * As {@link #publish(Message)}, adding to {@code unit} what must be stored before the publisher
   * is acknowledged (the copies for persistent sessions, the retained message) and appending the
   * unit, with what the caller put in it already, to the journal as one transaction. It is appended
   * before the sessions get their copies: what they write about a copy (sent, dropped,
   * acknowledged) must come after it. With a null unit those changes are appended at once.
   */
  public int publish(Message message, List<Change> unit) {
    metrics.messagesReceived.increment();
    return route(message, unit);
  }

  private int route(Message message, List<Change> unit) {
    if (message.retain() && config.retainAvailable()) {
      if (message.payload().length == 0) {
        retained.remove(message.topic());
        store(unit, () -> new Change.DeleteRetained(message.topic()));
      } else {
        retained.put(message);
        if (message.publisherId() != null) { // $SYS topics are made anew after a restart
          store(unit, () -> new Change.PutRetained(Stored.message(message)));
        }
      }
    }
    Router matches = Router.collect(subscriptions, message.topic());
    int count = 0;
    StoredMessage stored = null;
    // Copies stored in the unit go to their sessions once the unit is appended (a session on this
    // loop runs its delivery at once, and may append an update or a delete of its copy)
    List<Runnable> afterAppend = null;
    for (int i = 0, n = matches.size(); i < n; i++) {
      Session s = matches.session(i);
      List<String> keys = matches.filterKeys(i);
      long seq = 0;
      if (message.qos() > 0 && s.isPersistent()) {
        stored = stored == null ? Stored.message(message) : stored;
        seq = storeCopy(unit, s, stored, keys, false);
      }
      long storedAs = seq;
      afterAppend = hand(s, () -> s.deliver(message, keys, storedAs), seq, unit, afterAppend);
      count++;
    }
    for (SubscriptionIndex.SharedGroup<Session> g : matches.shared()) {
      Session member = pickMember(g, null);
      if (member != null) {
        String key = g.filterKey();
        long seq = 0;
        if (message.qos() > 0 && member.isPersistent()) {
          stored = stored == null ? Stored.message(message) : stored;
          seq = storeCopy(unit, member, stored, List.of(key), true);
        }
        long storedAs = seq;
        afterAppend =
            hand(
                member, () -> member.deliverShared(message, key, storedAs), seq, unit, afterAppend);
        count++;
      }
    }
    if (unit != null && journal != null) {
      journal.appendAll(unit);
    }
    if (afterAppend != null) {
      afterAppend.forEach(Runnable::run);
    }
    return count;
  }

  /**
   * Hands {@code delivery} to session {@code s}: at once, or, when its stored copy {@code seq} is
   * in {@code unit}, into {@code later}, run once the unit is appended. Returns {@code later}, made
   * on first use.
   */
  private static List<Runnable> hand(
      Session s, Runnable delivery, long seq, List<Change> unit, List<Runnable> later) {
    if (seq == 0 || unit == null) {
      s.execute(delivery);
      return later;
    }
    List<Runnable> out = later == null ? new ArrayList<>() : later;
    out.add(() -> s.execute(delivery));
    return out;
  }

  /**
   * Stores a session's copy of a message before the session gets it, so that anything the session
   * later writes about it (sent, acknowledged) comes after; returns its number.
   */
  private long storeCopy(
      List<Change> unit, Session s, StoredMessage stored, List<String> keys, boolean shared) {
    long seq = journal.nextSeq();
    Change put =
        new Change.PutMessage(QueuedMessage.queued(s.clientId(), seq, stored, keys, shared));
    if (unit != null) {
      unit.add(put);
    } else {
      journal.append(put);
    }
    return seq;
  }

  private void store(List<Change> unit, java.util.function.Supplier<Change> change) {
    if (journal == null) {
      return;
    }
    if (unit != null) {
      unit.add(change.get());
    } else {
      journal.append(change.get());
    }
  }

  @Override
  public boolean redispatchShared(Message message, String sharedFilterKey, Session leaving) {
    SharedSubscription shared = SharedSubscription.parse(sharedFilterKey);
    if (shared == null) {
      return false;
    }
    SubscriptionIndex.SharedGroup<Session> g =
        subscriptions.sharedGroup(shared.group(), shared.filter());
    if (g == null) {
      return false;
    }
    Session member = pickMember(g, leaving);
    if (member == null) {
      return false;
    }
    String key = g.filterKey();
    long seq =
        message.qos() > 0 && member.isPersistent()
            ? storeCopy(null, member, Stored.message(message), List.of(key), true)
            : 0;
    member.execute(() -> member.deliverShared(message, key, seq));
    return true;
  }

  /** Round robin over the group, preferring members that are online. */
  private static Session pickMember(SubscriptionIndex.SharedGroup<Session> g, Session excluded) {
    List<Session> members = g.members();
    int n = members.size();
    if (n == 0) {
      return null;
    }
    int start = g.nextIndex();
    Session fallback = null;
    for (int i = 0; i < n; i++) {
      Session s = members.get((start + i) % n);
      if (s == excluded) {
        continue;
      }
      if (s.isOnline()) {
        return s;
      }
      if (fallback == null) {
        fallback = s;
      }
    }
    return fallback;
  }

  // ---------------------------------------------------------------- $SYS

  private void publishSys() {
    long uptime = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
    sys("version", "switchboard version " + VERSION);
    sys("uptime", uptime + " seconds");
    long connected = metrics.clientsConnected.get();
    long total = sessions.size();
    sys("clients/connected", connected);
    sys("clients/active", connected);
    sys("clients/total", total);
    sys("clients/disconnected", Math.max(0, total - connected));
    sys("clients/maximum", metrics.clientsMaximum.get());
    sys("messages/received", metrics.messagesReceived.sum());
    sys("messages/sent", metrics.publishSent.sum());
    sys("publish/messages/received", metrics.publishReceived.sum());
    sys("publish/messages/sent", metrics.publishSent.sum());
    sys("publish/messages/dropped", metrics.publishDropped());
    sys("bytes/received", metrics.bytesReceived.sum());
    sys("bytes/sent", metrics.bytesSent.sum());
    sys("subscriptions/count", subscriptions.size());
    sys("retained messages/count", retained.size());
  }

  private void sys(String name, Object value) {
    byte[] payload = String.valueOf(value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Message m =
        new Message(
            "$SYS/broker/" + name,
            payload,
            0,
            true,
            dev.switchboard.mqtt.packet.MqttProperties.EMPTY,
            null,
            Message.NEVER);
    route(m, null); // not counted as received: the broker made it
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

  /** Reaps expired retained and queued messages, and lets the store compact itself. */
  private void housekeeping() {
    for (String topic : retained.removeExpired()) {
      journal.append(new Change.DeleteRetained(topic));
    }
    for (Session s : sessions.all()) {
      if (!s.isOnline()) {
        s.execute(s::purgeExpired);
      }
    }
    journal.compactSoon();
  }

  // ---------------------------------------------------------------- services

  @Override
  public BrokerConfig config() {
    return config;
  }

  @Override
  public BrokerMetrics metrics() {
    return metrics;
  }

  @Override
  public SubscriptionIndex<Session> subscriptions() {
    return subscriptions;
  }

  @Override
  public RetainedStore retained() {
    return retained;
  }

  @Override
  public SessionRegistry sessions() {
    return sessions;
  }

  @Override
  public Journal journal() {
    return journal;
  }

  Authenticator authenticator() {
    return authenticator;
  }

  Authorizer authorizer() {
    return authorizer;
  }

  private static String versionFromManifest() {
    String v = Broker.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }
}
