package dev.switchboard.app.pubsub;

/**
 * What pub and sub exit with besides 0 and a refused CONNACK's code: mosquitto's tools' (2.0)
 * codes, which scripts written for them test.
 */
final class ExitCodes {
  /** Bad usage, or no connection at all: mosquitto's tools exit 1. */
  static final int FAILED = 1;

  /** libmosquitto's MOSQ_ERR_CONN_LOST. */
  static final int CONNECTION_LOST = 7;

  /** libmosquitto's MOSQ_ERR_TIMEOUT: what mosquitto_sub -W exits with. */
  static final int TIMED_OUT = 27;

  private ExitCodes() {}
}
