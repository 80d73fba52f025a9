package dev.switchboard.hub.registry.model;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address block such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address
 * is a block of one.
 */
public record Cidr(byte[] network, int prefixLength) {

  public Cidr {
    network = network.clone();
    if (prefixLength < 0 || prefixLength > network.length * 8) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
    }
    // keep only the network part, so 10.1.2.3/8 and 10.0.0.0/8 are one block
    for (int bit = prefixLength; bit < network.length * 8; bit++) {
      network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
  }

  /**
   * Parses {@code address[/prefix]}. Only literal addresses: a host name here would mean a DNS
   * lookup at every login. An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.0/104}) is the IPv4
   * block it maps ({@code 10.0.0.0/8}), as {@link #contains} treats such addresses.
   */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an address block is empty");
    }
    String s = text.strip();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    if (!isLiteral(address)) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not an IP address or CIDR block (such as 10.0.0.0/8 or 2001:db8::/32)");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
    }
    // InetAddress turns an IPv4-mapped IPv6 address into the IPv4 one; its prefix counts 96 more.
    boolean mapped = address.indexOf(':') >= 0 && bytes.length == 4;
    int written = mapped ? 128 : bytes.length * 8;
    int prefix = written;
    if (slash >= 0) {
      String digits = s.substring(slash + 1);
      if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
      }
      try {
        prefix = Integer.parseInt(digits);
      } catch (NumberFormatException e) {
        prefix = Integer.MAX_VALUE;
      }
      int least = mapped ? 96 : 0;
      if (prefix < least || prefix > written) {
        throw new IllegalArgumentException(
            "'" + text + "': the prefix length must be " + least + " to " + written);
      }
    }
    return new Cidr(bytes, mapped ? prefix - 96 : prefix);
  }

  private static boolean isLiteral(String address) {
    if (address.isEmpty()) {
      return false;
    }
    if (address.indexOf(':') >= 0) {
      // InetAddress reads text that starts so as an IPv6 literal, or refuses it, never resolves it.
      return (address.charAt(0) == ':' || Character.digit(address.charAt(0), 16) >= 0)
          && address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }
    // Four decimal numbers up to 255, without leading zeros (which some tools read as octal).
    // Anything else InetAddress would try to resolve as a host name.
    String[] parts = address.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty()
          || part.length() > 3
          || !part.chars().allMatch(c -> c >= '0' && c <= '9')
          || (part.length() > 1 && part.charAt(0) == '0')
          || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code address} lies in this block (an IPv4-mapped IPv6 address counts as IPv4). */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
      a = Arrays.copyOfRange(a, 12, 16);
    }
    if (a.length != network.length) {
      return false;
    }
    for (int bit = 0; bit < prefixLength; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  @Override
  public byte[] network() {
    return network.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c
        && prefixLength == c.prefixLength
        && Arrays.equals(network, c.network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixLength;
  }

  /** {@code address/prefix}, as {@link #parse} reads it back. */
  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
    }
  }
}
