package dev.switchboard.hub.quota;

import dev.switchboard.broker.auth.DeliveryBudget;
import dev.switchboard.broker.auth.Principal;
import dev.switchboard.broker.intercept.InboundPublish;
import dev.switchboard.broker.intercept.PublishInterceptor;
import dev.switchboard.broker.intercept.PublishVerdict;
import dev.switchboard.mqtt.ReasonCode;

/**
 * Charges every PUBLISH of a metered device to its quota: one look at the principal (a device
 * without limits has no meter and passes at once), then a lock-free count per window, no
 * allocation. At a limit the message is refused with Quota exceeded (0x97 in the PUBACK or PUBREC
 * of a 5.0 publisher; a 3.1.x publisher is acknowledged and the message dropped), or the
 * publisher's connection is ended when its device is to be disconnected instead. Refusals are
 * counted per device and per hub.
 */
public final class QuotaInterceptor implements PublishInterceptor {
  private static final String WHY = "the device's message quota is used up";
  private static final PublishVerdict REFUSE =
      PublishVerdict.refuse(ReasonCode.QUOTA_EXCEEDED, WHY);
  private static final PublishVerdict DISCONNECT =
      PublishVerdict.refuseAndDisconnect(ReasonCode.QUOTA_EXCEEDED, WHY);

  @Override
  public PublishVerdict onPublish(InboundPublish publish) {
    Principal who = publish.publisher().principal();
    if (who == null || !(who.budget() instanceof DeviceMeter meter)) {
      return PublishVerdict.pass();
    }
    return switch (meter.chargePublish(publish.message().payload().length)) {
      case DeliveryBudget.ADMIT -> PublishVerdict.pass();
      case DeliveryBudget.DISCONNECT -> DISCONNECT;
      default -> REFUSE;
    };
  }

  @Override
  public String toString() {
    return "quotas";
  }
}
