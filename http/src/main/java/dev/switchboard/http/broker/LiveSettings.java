package dev.switchboard.http.broker;

/**
 * What the broker's resources are given of the HTTP settings.
 *
 * @param streamBuffer messages a live stream holds for its reader
 * @param maxStreams live streams open at once; 0 for no limit
 * @param topicSampleRing entries of each loop's ring of published topics; 0 for no topic activity
 * @param metricsForAnyone whether anyone may read {@code /metrics}
 * @param metricsForLoopback whether requests from this machine may, without credentials
 */
public record LiveSettings(
    int streamBuffer,
    int maxStreams,
    int topicSampleRing,
    boolean metricsForAnyone,
    boolean metricsForLoopback) {}
