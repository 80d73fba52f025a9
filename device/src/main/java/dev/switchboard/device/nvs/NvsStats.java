package dev.switchboard.device.nvs;

/**
 * ESP-IDF's {@code nvs_stats_t}, in entries of 32 bytes. {@code freeEntries} includes the page NVS
 * keeps free for garbage collection; {@code availableEntries} does not.
 */
public record NvsStats(
    int usedEntries, int freeEntries, int availableEntries, int totalEntries, int namespaceCount) {}
