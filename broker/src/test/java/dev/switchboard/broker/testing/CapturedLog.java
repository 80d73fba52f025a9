package dev.switchboard.broker.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * The log messages of a logger and those below it, as logback formats them, from the moment it is
 * opened until it is closed; the logger logs at DEBUG meanwhile. The messages are those the console
 * appender prints after its prefix (time, level, logger).
 */
public final class CapturedLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Logger logger;
  private final Level levelBefore;
  private final List<String> messages = new CopyOnWriteArrayList<>();

  private CapturedLog(String loggerName) {
    this.logger = (Logger) LoggerFactory.getLogger(loggerName);
    this.levelBefore = logger.getLevel();
    setName("captured-" + loggerName);
    setContext(logger.getLoggerContext());
    start();
    logger.addAppender(this);
    logger.setLevel(Level.DEBUG);
  }

  /** Starts capturing what {@code loggerName} and the loggers below it log. */
  public static CapturedLog of(String loggerName) {
    return new CapturedLog(loggerName);
  }

  @Override
  protected void append(ILoggingEvent event) {
    messages.add(event.getFormattedMessage());
  }

  /** The messages so far. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  /**
   * The lines the messages so far make in a log file: a message split wherever a reader of the log
   * could see a line end (LF, CR, CR LF, NEL, U+2028, U+2029, vertical tab, form feed).
   */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (String m : messages) {
      lines.addAll(List.of(m.split("\\R", -1)));
    }
    return lines;
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(levelBefore);
    stop();
  }
}
