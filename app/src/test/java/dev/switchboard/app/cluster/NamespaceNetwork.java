package dev.switchboard.app.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts of their own on this machine, for tests of what crosses a network: one Linux network
 * namespace per host, each with a veth into a bridge in this (the root) namespace and an address on
 * a private /24, so that the test reaches every host through the bridge; made with Debian's
 * iproute2 ({@code ip}), as root.
 *
 * <p>{@link #cut} splits one host from the others the way a real partition does, silently: their
 * traffic to each other is routed through a sink, a namespace of its own that does not forward, so
 * it vanishes there with no error coming back (a {@code blackhole} route would answer the sender at
 * once with EINVAL; taking the host's link down would cut the test off from it too). The test, on
 * the bridge, still reaches the cut host, as clients on its side of the split would. The kernel
 * here has no traffic-control classifiers or netfilter tools to drop packets otherwise.
 *
 * <p>Names carry a random suffix and the /24 is chosen among those unused on this machine, so that
 * runs at the same time do not collide; {@link #close} removes everything, tolerating what is gone.
 */
final class NamespaceNetwork implements AutoCloseable {
  private static final String PREFIX = "sbp";

  private final String suffix;
  private final String subnet;
  private final int hosts;
  private final List<String> created = new ArrayList<>();

  private NamespaceNetwork(String suffix, String subnet, int hosts) {
    this.suffix = suffix;
    this.subnet = subnet;
    this.hosts = hosts;
  }

  /**
   * Why this machine cannot make network namespaces (no {@code ip}, not root, a sandbox that
   * refuses them), or null if it can: tried with a namespace made and removed at once.
   */
  static String whyUnavailable() {
    String probe = PREFIX + "-probe-" + randomSuffix();
    try {
      Result add = run("ip", "netns", "add", probe);
      if (add.code() != 0) {
        return "network namespaces are not available here ('ip netns add' failed: "
            + add.output().strip()
            + "); the partition test needs root and iproute2";
      }
      run("ip", "netns", "del", probe);
      return null;
    } catch (IOException e) {
      return "the partition test needs iproute2's 'ip' command (Debian's iproute2) and root: "
          + e.getMessage();
    }
  }

  /**
   * Makes the bridge, {@code hosts} namespaces with their veths and addresses ({@code .11}, {@code
   * .12}, ...), and the sink; on a failure it removes what it made and throws.
   */
  static NamespaceNetwork create(int hosts) throws IOException {
    NamespaceNetwork n = new NamespaceNetwork(randomSuffix(), freeSubnet(), hosts);
    try {
      n.build();
    } catch (IOException | RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  private void build() throws IOException {
    String bridge = PREFIX + "b" + suffix;
    ip("link", "add", bridge, "type", "bridge");
    created.add(bridge);
    ip("addr", "add", bridgeAddress() + "/24", "dev", bridge);
    ip("link", "set", bridge, "up");
    for (int i = 0; i <= hosts; i++) {
      boolean sink = i == hosts;
      String ns = sink ? sinkNamespace() : namespace(i);
      String veth = PREFIX + "v" + suffix + (sink ? "s" : String.valueOf(i));
      ip("netns", "add", ns);
      created.add(0, "netns:" + ns); // removed in the reverse order: a veth before its namespace
      // the peer is made inside the namespace, where its name cannot clash with anything
      ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
      created.add(0, veth);
      ip("link", "set", veth, "master", bridge);
      ip("link", "set", veth, "up");
      ip("-n", ns, "addr", "add", (sink ? sinkAddress() : address(i)) + "/24", "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
      ip("-n", ns, "link", "set", "lo", "up");
    }
    // said rather than assumed: a sink that forwarded would leave no partition
    Result off =
        run(
            "ip",
            "netns",
            "exec",
            sinkNamespace(),
            "sh",
            "-c",
            "echo 0 > /proc/sys/net/ipv4/ip_forward");
    if (off.code() != 0) {
      throw new IOException("could not turn forwarding off in the sink: " + off.output());
    }
  }

  /** Host {@code i}'s address ({@code 10.231.N.11} for host 0). */
  String address(int i) {
    return subnet + "." + (11 + i);
  }

  /** The bridge's address: this namespace's, the test's, on the hosts' network. */
  String bridgeAddress() {
    return subnet + ".1";
  }

  /** The command line's start that runs a program in host {@code i}'s namespace. */
  List<String> commandPrefix(int i) {
    return List.of("ip", "netns", "exec", namespace(i));
  }

  /**
   * Cuts host {@code i} off from the other hosts, both ways, silently (through the sink); the
   * bridge (the test) still reaches it.
   */
  void cut(int i) throws IOException {
    for (int other = 0; other < hosts; other++) {
      if (other != i) {
        ip("-n", namespace(i), "route", "add", address(other) + "/32", "via", sinkAddress());
        ip("-n", namespace(other), "route", "add", address(i) + "/32", "via", sinkAddress());
      }
    }
  }

  /** Undoes {@link #cut}: host {@code i} reaches the others again. */
  void heal(int i) throws IOException {
    for (int other = 0; other < hosts; other++) {
      if (other != i) {
        ip("-n", namespace(i), "route", "del", address(other) + "/32");
        ip("-n", namespace(other), "route", "del", address(i) + "/32");
      }
    }
  }

  /**
   * Removes the veths, the bridge and the namespaces (a namespace whose processes still run goes
   * when they end), tolerating any already gone; says what it could not remove.
   */
  @Override
  public void close() {
    for (String thing : created) {
      try {
        Result r =
            thing.startsWith("netns:")
                ? run("ip", "netns", "del", thing.substring("netns:".length()))
                : run("ip", "link", "del", thing);
        if (r.code() != 0
            && !r.output().contains("Cannot find device")
            && !r.output().contains("No such file")) {
          System.out.println("network teardown: " + thing + ": " + r.output().strip());
        }
      } catch (IOException e) {
        System.out.println("network teardown: " + thing + ": " + e.getMessage());
      }
    }
    created.clear();
  }

  private String namespace(int i) {
    return PREFIX + "-" + suffix + "-" + i;
  }

  private String sinkNamespace() {
    return PREFIX + "-" + suffix + "-sink";
  }

  private String sinkAddress() {
    return subnet + ".2";
  }

  /** Six hex digits: bridge and veth names stay within the kernel's 15 characters. */
  private static String randomSuffix() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(1 << 24)).substring(2);
  }

  /** A {@code 10.231.N} that no address or route of this machine uses yet. */
  private static String freeSubnet() throws IOException {
    String used = run("ip", "-o", "-4", "addr").output() + run("ip", "-4", "route").output();
    for (int attempt = 0; attempt < 50; attempt++) {
      String candidate = "10.231." + ThreadLocalRandom.current().nextInt(256);
      if (!used.contains(candidate + ".")) {
        return candidate;
      }
    }
    throw new IOException("no free 10.231.N.0/24 on this machine");
  }

  private static void ip(String... args) throws IOException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "ip";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Result r = run(cmd);
    if (r.code() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + r.output().strip());
    }
  }

  private record Result(int code, String output) {}

  private static Result run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not end");
      }
      return new Result(p.exitValue(), output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " interrupted", e);
    }
  }
}
