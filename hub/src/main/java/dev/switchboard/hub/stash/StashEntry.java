package dev.switchboard.hub.stash;

/**
 * One message kept in a stash, as it was published.
 *
 * @param seq its number in the stash: increasing, never reused
 * @param receivedAt when the broker received it, epoch milliseconds
 * @param clientId who published it
 * @param username the publisher's user name, or null
 * @param address the publisher's address, or null
 * @param topic the topic it was published to
 * @param qos as published
 * @param retain as published
 * @param properties its MQTT 5 properties in the broker's stored form, or null
 * @param payload the payload
 */
public record StashEntry(
    long seq,
    long receivedAt,
    String clientId,
    String username,
    String address,
    String topic,
    int qos,
    boolean retain,
    byte[] properties,
    byte[] payload) {}
