package dev.switchboard.client;

/**
 * The {@code buffer} group of {@link MqttClientConfig#builder()}: the sizes of DATA events' parts;
 * it makes a {@link MqttClientConfig.Buffer}.
 */
public final class BufferBuilder {
  int size = 1024;
  int outSize;

  public BufferBuilder size(int bytes) {
    this.size = bytes;
    return this;
  }

  public BufferBuilder outSize(int bytes) {
    this.outSize = bytes;
    return this;
  }
}
