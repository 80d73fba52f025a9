package dev.switchboard.device.nvs;

/** ESP-IDF's {@code nvs_open_mode_t}. */
public enum NvsOpenMode {
  /** {@code NVS_READONLY}: every write through the handle gives {@code ESP_ERR_NVS_READ_ONLY}. */
  READONLY,
  /** {@code NVS_READWRITE}: creates the namespace when it does not exist. */
  READWRITE
}
