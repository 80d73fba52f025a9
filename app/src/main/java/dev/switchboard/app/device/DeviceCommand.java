package dev.switchboard.app.device;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code switchboard device}: simulated ESP32 devices. */
@Command(
    name = "device",
    mixinStandardHelpOptions = true,
    description = "Simulated ESP32 devices (NVS, event loop, Wi-Fi, ESP-MQTT) running a firmware.",
    subcommands = {DeviceRunCommand.class})
public final class DeviceCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
