package dev.switchboard.device.nvs;

/** ESP-IDF's {@code nvs_entry_info_t}: what an iterator points at. */
public record NvsEntryInfo(String namespaceName, String key, NvsType type) {}
