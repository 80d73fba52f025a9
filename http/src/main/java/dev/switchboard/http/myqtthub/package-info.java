/**
 * The MyQttHub-compatible device REST API: a device logs in over HTTP(S) with its MQTT credentials
 * and holds an MQTT session in the broker (protocol {@code http}), through which it publishes,
 * subscribes and pulls its queued messages. Served at {@code /} (MyQttHub's paths) and under {@code
 * /myqtthub/}; answers in MyQttHub's shapes, not problem details.
 */
package dev.switchboard.http.myqtthub;
