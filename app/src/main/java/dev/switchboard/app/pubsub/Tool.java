package dev.switchboard.app.pubsub;

/** Which of the two commands runs: what pub and sub each accept in {@code -D}. */
enum Tool {
  PUB("pub"),
  SUB("sub");

  /** The subcommand's name, as the messages say it. */
  final String command;

  Tool(String command) {
    this.command = command;
  }
}
