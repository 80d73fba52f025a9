package dev.switchboard.app.pubsub;

import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The {@code -D} flags of pub and sub: MQTT 5 properties, as mosquitto's tools take them. */
final class PropertyOptions {
  @Option(
      names = {"-D", "--property"},
      paramLabel = "COMMAND NAME [KEY] VALUE",
      parameterConsumer = PropertyArgs.class,
      description = {
        "An MQTT 5 property (implies -V 5): COMMAND is connect, publish (pub), subscribe (sub),"
            + " will or disconnect; NAME e.g. user-property (then KEY VALUE), content-type,"
            + " correlation-data, message-expiry-interval, payload-format-indicator,"
            + " response-topic, topic-alias, session-expiry-interval, receive-maximum,"
            + " maximum-packet-size, topic-alias-maximum, request-problem-information,"
            + " request-response-information, will-delay-interval, subscription-identifier."
      })
  List<List<String>> properties = new ArrayList<>();

  /** Whether any -D is given (which makes the client MQTT 5). */
  boolean given() {
    return !properties.isEmpty();
  }

  /** The properties, checked and sorted by packet ({@code v5} false: checked only). */
  Mqtt5Properties parse(Tool tool, boolean v5) throws UsageError {
    return Mqtt5Properties.parse(properties, tool, v5);
  }

  /**
   * Takes {@code -D COMMAND NAME VALUE}, or four arguments for {@code user-property}, as mosquitto
   * does; the values are checked once the whole command line is read.
   */
  static final class PropertyArgs implements CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec spec) {
      if (args.size() < 3) {
        throw notEnough(spec);
      }
      List<String> one = new ArrayList<>(4);
      one.add(args.pop());
      one.add(args.pop());
      if (one.get(1).equalsIgnoreCase("user-property")) {
        if (args.size() < 2) {
          throw notEnough(spec);
        }
        one.add(args.pop());
      }
      one.add(args.pop());
      List<List<String>> all = argSpec.getValue();
      all.add(one);
    }

    private static ParameterException notEnough(CommandSpec spec) {
      return new ParameterException(
          spec.commandLine(),
          "--property argument given but not enough arguments specified"
              + " (-D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE).");
    }
  }
}
