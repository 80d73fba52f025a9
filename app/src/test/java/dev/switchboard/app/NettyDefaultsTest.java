package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** The leak detector is off in the switchboard command unless a system property asks for it. */
@Isolated // the detector's level is global: no other test may run meanwhile
class NettyDefaultsTest {
  private final ResourceLeakDetector.Level testLevel = ResourceLeakDetector.getLevel();
  private final String property = System.getProperty(NettyDefaults.LEVEL);

  @AfterEach
  void restore() {
    if (property == null) {
      System.clearProperty(NettyDefaults.LEVEL);
    } else {
      System.setProperty(NettyDefaults.LEVEL, property);
    }
    ResourceLeakDetector.setLevel(testLevel);
  }

  @Test
  void offUnlessAsked() {
    System.clearProperty(NettyDefaults.LEVEL);
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE); // Netty's own default
    NettyDefaults.apply();
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
  }

  @Test
  void aLevelAskedForIsKept() {
    System.setProperty(NettyDefaults.LEVEL, "advanced");
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.ADVANCED);
    NettyDefaults.apply();
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.ADVANCED);
  }
}
