package dev.switchboard.app.device;

import dev.switchboard.device.Firmware;
import dev.switchboard.device.firmware.BuiltInFirmware;
import java.lang.reflect.Constructor;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A firmware by name: one of Switchboard's ({@code mqtt_tcp}, {@code sensor}, {@code actuator}) or
 * a class implementing {@link Firmware} with a public no-argument constructor, from the class path
 * or a jar the user built.
 */
final class FirmwareLoader {
  private FirmwareLoader() {}

  /**
   * @throws IllegalArgumentException with a line saying what is wrong with the name or the jar
   */
  static Supplier<Firmware> load(String name, Path jar) {
    if (jar == null) {
      var builtIn = BuiltInFirmware.byName(name);
      if (builtIn.isPresent()) {
        return builtIn.get();
      }
    }
    ClassLoader loader = FirmwareLoader.class.getClassLoader();
    if (jar != null) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("--jar " + jar + ": no such file");
      }
      try {
        loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, loader);
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("--jar " + jar + ": " + e.getMessage());
      }
    }
    Class<?> type;
    try {
      type = Class.forName(name, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException(
          "firmware '"
              + name
              + "': not one of "
              + BuiltInFirmware.names()
              + (jar == null
                  ? " nor a class on the class path (a jar of yours: --jar FILE)"
                  : " nor a class in " + jar));
    }
    if (!Firmware.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(
          "firmware '" + name + "' does not implement " + Firmware.class.getName());
    }
    Constructor<?> ctor;
    try {
      ctor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          "firmware '" + name + "' needs a public constructor without arguments");
    }
    return () -> {
      try {
        return (Firmware) ctor.newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            "firmware '" + name + "' could not be made: " + e.getCause(), e);
      }
    };
  }
}
