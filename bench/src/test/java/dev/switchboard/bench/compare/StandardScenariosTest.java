package dev.switchboard.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bench.ClientOptions;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardScenariosTest {
  @Test
  void aStormComesFromEightLoopbackAddressesUnlessTheUserChoseSome() throws Exception {
    ClientOptions spread = StandardScenarios.stormClient(ClientOptions.defaults("t-"));
    assertThat(spread.sourceAddresses()).hasSize(StandardScenarios.STORM_SOURCES);
    assertThat(spread.sourceAddresses())
        .allMatch(InetAddress::isLoopbackAddress)
        .doesNotHaveDuplicates()
        .contains(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.8"));

    List<InetAddress> chosen = List.of(InetAddress.getByName("127.0.0.9"));
    ClientOptions own =
        StandardScenarios.stormClient(ClientOptions.defaults("t-").withSourceAddresses(chosen));
    assertThat(own.sourceAddresses()).isEqualTo(chosen);
  }
}
