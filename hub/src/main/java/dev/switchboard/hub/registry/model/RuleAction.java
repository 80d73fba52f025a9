package dev.switchboard.hub.registry.model;

/** What a matching access rule does. */
public enum RuleAction {
  /** Let it through and stop evaluating. */
  ALLOW,
  /** Refuse it and stop evaluating. */
  DENY,
  /** Decide nothing; evaluation goes on with the next rule. */
  CONTINUE
}
