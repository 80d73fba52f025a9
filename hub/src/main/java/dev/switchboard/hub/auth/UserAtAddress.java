package dev.switchboard.hub.auth;

/**
 * A user name claimed from one address (an address key of the {@link LoginThrottle}): a guesser's
 * own pair, and what a successful login makes known.
 */
record UserAtAddress(String username, String address) {}
