/**
 * {@code switchboard pub} and {@code switchboard sub}: mosquitto_pub and mosquitto_sub on
 * Switchboard's MQTT client, with their flags, output and exit codes. {@link
 * dev.switchboard.app.pubsub.PubCommand} and {@link dev.switchboard.app.pubsub.SubCommand} are the
 * commands; the composition root registers them with {@link
 * dev.switchboard.app.pubsub.MosquittoUsage#forSubcommands}. Nothing here imports the root.
 */
package dev.switchboard.app.pubsub;
