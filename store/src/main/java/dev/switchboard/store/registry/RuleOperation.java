package dev.switchboard.store.registry;

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
