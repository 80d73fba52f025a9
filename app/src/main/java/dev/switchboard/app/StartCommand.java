package dev.switchboard.app;

import dev.switchboard.broker.ListenerException;
import dev.switchboard.broker.persist.StoreException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code switchboard start}: runs the hub until SIGTERM or SIGINT. */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = "Run the hub. Prints one line per listener when it is ready.")
public final class StartCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(StartCommand.class);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ServerOptions serverOptions;

  @Mixin ClusterOptions clusterOptions;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "Address to listen on (default 0.0.0.0, all interfaces).")
  String bind;

  @Option(
      names = "--dev",
      description =
          "Development mode: listen on 127.0.0.1 only and let anonymous clients in (no registry"
              + " needed).")
  boolean dev;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HubServer server;
    try {
      server =
          HubServer.start(
              SwitchboardConfig.load(serverOptions.configFile, System.getenv(), overrides()));
    } catch (ConfigError | ListenerException | StoreException e) {
      // A damaged store is named with the commands that check and repair it (StoreException's
      // message); the broker never starts empty in its place.
      err.println("switchboard: " + e.getMessage());
      err.flush();
      return Main.EXIT_CONFIG;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    server.printListeners(out);
    if (!server.auth.allowAnonymous() && server.access.directory().deviceCount() == 0) {
      out.println(
          "the registry has no devices yet: add one with './switchboard devices add ID --generate'"
              + " (it may run while the hub runs), or start with --dev to let anonymous clients in"
              + " on 127.0.0.1");
    }
    if (server.access.hasNoAdministrator()) {
      out.println(AdminsCommand.HOW_TO_ADD.replace("switchboard admins", "./switchboard admins"));
    }
    out.flush();
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopping");
    server.close();
    log.info("stopped");
    return 0;
  }

  private Map<String, Object> overrides() {
    Map<String, Object> o = serverOptions.overrides();
    clusterOptions.addTo(o);
    if (bind != null) {
      o.put("listeners.bind", bind);
    }
    if (dev) {
      o.put("listeners.bind", "127.0.0.1");
      o.put("auth.allow-anonymous", true);
    }
    return o;
  }
}
