package dev.switchboard.bench;

import java.util.Map;

/**
 * The figures of one run. Rates and latencies cover the measured window (after the warm-up); {@code
 * delivered}/{@code expected} cover the whole run, so that a message lost anywhere shows.
 *
 * @param connectRate CONNACKs per second while connecting
 * @param connectP50Ms median time from TCP connect to CONNACK
 * @param expected messages the subscribers should have received: each message sent times the
 *     subscribers whose filters match its topic
 * @param deliveredRatio received over expected; NaN when the run had no publishers of its own
 * @param latencyP50Ms publish-to-receive latencies, in milliseconds (NaN when nothing was measured)
 * @param rssBeforeKb the broker's resident memory before the clients connected (0 without a pid)
 * @param rssPerConnectionBytes the growth of the broker's resident memory per connection
 * @param brokerCpuSeconds the broker's CPU time (user and system, every thread) over the measured
 *     window; NaN without a pid or where the system does not tell
 */
public record RunResult(
    String scenario,
    String url,
    int connections,
    long connected,
    long connectFailed,
    long connectionsLost,
    double connectSeconds,
    double connectRate,
    double connectP50Ms,
    double connectP99Ms,
    double measuredSeconds,
    long sent,
    long received,
    long expected,
    double sentPerSecond,
    double receivedPerSecond,
    double deliveredRatio,
    double latencyP50Ms,
    double latencyP90Ms,
    double latencyP99Ms,
    double latencyP999Ms,
    double latencyMaxMs,
    long rssBeforeKb,
    long rssAfterKb,
    double rssPerConnectionBytes,
    double brokerCpuSeconds,
    long errors,
    Map<String, Long> errorCounts) {

  /**
   * The broker's CPU time per message delivered in the measured window, in microseconds; NaN when
   * not measured or nothing was delivered.
   */
  public double cpuMicrosPerDelivery() {
    double delivered = receivedPerSecond * measuredSeconds;
    return delivered > 0 ? brokerCpuSeconds * 1e6 / delivered : Double.NaN;
  }

  /** The lines printed at the end of a run. */
  public String summary() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("== %s against %s%n", scenario, url));
    b.append(
        String.format(
            "connections  %,d of %,d up in %.2f s (%,.0f/s), %,d failed, %,d lost; CONNACK p50 %.2f ms, p99 %.2f ms%n",
            connected,
            connections,
            connectSeconds,
            connectRate,
            connectFailed,
            connectionsLost,
            connectP50Ms,
            connectP99Ms));
    if (sent == 0 && received > 0) {
      // Only subscribers here (bench sub): what arrives comes from elsewhere, nothing is expected.
      b.append(
          String.format(
              "messages     received %,.0f/s over %.1f s; %,d received in all%n",
              receivedPerSecond, measuredSeconds, received));
    } else if (sent > 0) {
      b.append(
          String.format(
              "messages     sent %,.0f/s, received %,.0f/s over %.1f s; delivered %,d of %,d expected (%.2f%%)%n",
              sentPerSecond,
              receivedPerSecond,
              measuredSeconds,
              received,
              expected,
              deliveredRatio * 100));
    }
    if (sent > 0 || received > 0) {
      b.append(
          String.format(
              "latency ms   p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
              latencyP50Ms, latencyP90Ms, latencyP99Ms, latencyP999Ms, latencyMaxMs));
    }
    if (rssBeforeKb > 0) {
      b.append(
          String.format(
              "broker RSS   %,d kB before, %,d kB with the connections: %,.0f bytes per connection%n",
              rssBeforeKb, rssAfterKb, rssPerConnectionBytes));
    }
    if (!Double.isNaN(brokerCpuSeconds) && measuredSeconds > 0) {
      long delivered = Math.round(receivedPerSecond * measuredSeconds);
      b.append(
          String.format(
              "broker CPU   %.2f s over %.1f s (%.0f%% of a core)%s%n",
              brokerCpuSeconds,
              measuredSeconds,
              100 * brokerCpuSeconds / measuredSeconds,
              delivered > 0
                  ? String.format(", %.2f µs per delivered message", cpuMicrosPerDelivery())
                  : ""));
    }
    b.append(
        String.format(
            "errors       %,d%s%n", errors, errorCounts.isEmpty() ? "" : " " + errorCounts));
    return b.toString();
  }
}
