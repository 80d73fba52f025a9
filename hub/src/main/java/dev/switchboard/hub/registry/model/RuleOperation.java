package dev.switchboard.hub.registry.model;

/** Which packets an access rule applies to. */
public enum RuleOperation {
  PUBLISH,
  SUBSCRIBE,
  ALL;

  public boolean coversPublish() {
    return this != SUBSCRIBE;
  }

  public boolean coversSubscribe() {
    return this != PUBLISH;
  }
}
