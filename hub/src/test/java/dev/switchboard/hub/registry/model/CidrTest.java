package dev.switchboard.hub.registry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void anIpv4BlockKeepsOnlyItsNetworkPart() throws Exception {
    Cidr block = Cidr.parse("10.1.2.3/8");

    assertThat(block).isEqualTo(Cidr.parse("10.0.0.0/8"));
    assertThat(block.toString()).isEqualTo("10.0.0.0/8");
    assertThat(block.prefixLength()).isEqualTo(8);
    assertThat(block.contains(ip("10.255.0.1"))).isTrue();
    assertThat(block.contains(ip("11.0.0.1"))).isFalse();
    assertThat(Cidr.parse(block.toString())).isEqualTo(block);
  }

  @Test
  void anIpv6BlockRoundTripsThroughItsText() throws Exception {
    Cidr block = Cidr.parse("2001:db8::/32");

    assertThat(block.network()).hasSize(16);
    assertThat(Cidr.parse(block.toString())).isEqualTo(block);
    assertThat(block.contains(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(block.contains(ip("2001:db9::1"))).isFalse();
    assertThat(block.contains(ip("10.0.0.1"))).isFalse();
  }

  @Test
  void aBareAddressIsABlockOfOne() throws Exception {
    assertThat(Cidr.parse("192.168.1.7")).isEqualTo(Cidr.parse("192.168.1.7/32"));
    assertThat(Cidr.parse("192.168.1.7").contains(ip("192.168.1.8"))).isFalse();
    assertThat(Cidr.parse("::1")).isEqualTo(Cidr.parse("::1/128"));
    assertThat(Cidr.parse(" 192.168.1.7 ").prefixLength()).isEqualTo(32);
  }

  @Test
  void slashZeroIsEveryAddressOfItsFamily() throws Exception {
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
    assertThat(Cidr.parse("1.2.3.4/0")).isEqualTo(Cidr.parse("0.0.0.0/0"));
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("2001:db8::1"))).isFalse();
    assertThat(Cidr.parse("::/0").contains(ip("2001:db8::1"))).isTrue();
    assertThat(Cidr.parse("::/0").contains(ip("10.0.0.1"))).isFalse();
  }

  @Test
  void anIpv4MappedIpv6AddressIsItsIpv4Address() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 7;
    InetAddress v6 = Inet6Address.getByAddress(null, mapped, -1);

    assertThat(Cidr.parse("10.0.0.0/8").contains(v6)).isTrue();
    assertThat(Cidr.parse("11.0.0.0/8").contains(v6)).isFalse();
    // Written as IPv6, parsed as the IPv4 block it maps: its prefix counts the 96 mapped bits.
    assertThat(Cidr.parse("::ffff:10.0.0.7")).isEqualTo(Cidr.parse("10.0.0.7/32"));
    assertThat(Cidr.parse("::ffff:10.0.0.0/104")).isEqualTo(Cidr.parse("10.0.0.0/8"));
    assertThat(Cidr.parse("::ffff:0.0.0.0/96")).isEqualTo(Cidr.parse("0.0.0.0/0"));
    assertThatThrownBy(() -> Cidr.parse("::ffff:10.0.0.0/80"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be 96 to 128");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.0/33",
        "2001:db8::/129",
        "10.0.0.0/-1",
        "10.0.0.0/",
        "10.0.0.0/x",
        "10.0.0.0/+8",
        "10.0.0.0/99999999999"
      })
  void aBadPrefixIsRefused(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "example.com",
        "example.com/24",
        "router.local",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.256",
        "010.0.0.1",
        "1..2.3",
        "fe80::1%eth0",
        "1::2::3",
        ".::1",
        "10.0.0.0 /8"
      })
  void anythingButALiteralAddressIsRefusedWithoutALookup(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void anEmptyBlockIsRefused() {
    for (String text : new String[] {null, "", "   "}) {
      assertThatThrownBy(() -> Cidr.parse(text))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("an address block is empty");
    }
  }

  @Test
  void theConstructorChecksThePrefixAndCopiesItsBytes() {
    byte[] bytes = {10, 1, 2, 3};
    Cidr block = new Cidr(bytes, 24);
    bytes[0] = 99;

    assertThat(block.toString()).isEqualTo("10.1.2.0/24");
    assertThatThrownBy(() -> new Cidr(new byte[4], 33))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Cidr(new byte[16], -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
