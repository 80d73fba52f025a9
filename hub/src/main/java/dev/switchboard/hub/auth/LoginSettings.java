package dev.switchboard.hub.auth;

import java.util.Objects;

/**
 * How {@link HubAuthenticator} lets clients in, beyond the registry: anonymous clients,
 * certificates, the decoy hash for unknown users, and which hub a CONNECT belongs to.
 *
 * @param allowAnonymous whether a client without user name, password or certificate identity is let
 *     in (with the global rules)
 * @param certificateIdentity which certificate name is the user name
 * @param certificateRequiresDevice whether a certificate user needs a device in the registry
 * @param decoyHash a stored hash checked for unknown users, so that they take as long to refuse as
 *     a wrong password and user names cannot be probed by timing; null to skip (then an unknown
 *     user is refused at once)
 */
public record LoginSettings(
    boolean allowAnonymous,
    CertificateIdentity certificateIdentity,
    boolean certificateRequiresDevice,
    String decoyHash,
    HubSelector.Settings hubs) {
  public LoginSettings {
    Objects.requireNonNull(certificateIdentity, "certificateIdentity");
    Objects.requireNonNull(hubs, "hubs");
  }

  /** No listener or host bound to a hub. */
  public LoginSettings(
      boolean allowAnonymous,
      CertificateIdentity certificateIdentity,
      boolean certificateRequiresDevice,
      String decoyHash) {
    this(
        allowAnonymous,
        certificateIdentity,
        certificateRequiresDevice,
        decoyHash,
        HubSelector.Settings.NONE);
  }

  /** Anonymous off, certificates name nobody, no decoy. */
  public static LoginSettings defaults() {
    return new LoginSettings(false, CertificateIdentity.NONE, false, null);
  }

  public LoginSettings withAnonymous(boolean allow) {
    return new LoginSettings(
        allow, certificateIdentity, certificateRequiresDevice, decoyHash, hubs);
  }

  public LoginSettings withCertificates(CertificateIdentity identity, boolean requireDevice) {
    return new LoginSettings(allowAnonymous, identity, requireDevice, decoyHash, hubs);
  }

  public LoginSettings withDecoyHash(String hash) {
    return new LoginSettings(
        allowAnonymous, certificateIdentity, certificateRequiresDevice, hash, hubs);
  }

  public LoginSettings withHubs(HubSelector.Settings selection) {
    return new LoginSettings(
        allowAnonymous, certificateIdentity, certificateRequiresDevice, decoyHash, selection);
  }
}
