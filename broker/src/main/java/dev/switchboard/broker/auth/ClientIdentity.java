package dev.switchboard.broker.auth;

import java.net.SocketAddress;

/**
 * Who is on the other end of a connection, as far as the broker knows after CONNECT.
 *
 * @param clientId the client identifier (assigned one where the client sent none)
 * @param username the CONNECT user name, or null
 * @param remoteAddress the peer's address
 */
public record ClientIdentity(String clientId, String username, SocketAddress remoteAddress) {}
