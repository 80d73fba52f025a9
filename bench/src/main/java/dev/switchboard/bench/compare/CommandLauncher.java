package dev.switchboard.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A broker started by a command line: the base command, then {@code start --bind 127.0.0.1
 * --mqtt-port PORT --data-dir DIR}, with environment settings. This is how Switchboard is started:
 * the composition root supplies the java command of its own distribution.
 */
public final class CommandLauncher implements BrokerLauncher {
  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final List<String> startArguments;

  public CommandLauncher(String name, List<String> command, Map<String, String> environment) {
    this(name, command, environment, List.of());
  }

  /**
   * With {@code startArguments} after the ones every start gets ({@code --cluster ...} for a node
   * of a cluster).
   */
  public CommandLauncher(
      String name,
      List<String> command,
      Map<String, String> environment,
      List<String> startArguments) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.startArguments = List.copyOf(startArguments);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public BrokerProcess start(int port, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path log = dir.resolve(name + ".log");
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(
        List.of(
            "start",
            "--bind",
            "127.0.0.1",
            "--mqtt-port",
            Integer.toString(port),
            "--data-dir",
            dir.resolve("data").toString()));
    cmd.addAll(startArguments);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(environment);
    return BrokerProcess.start(name, pb, port, log, 60);
  }
}
