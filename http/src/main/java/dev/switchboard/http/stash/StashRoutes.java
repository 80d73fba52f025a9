package dev.switchboard.http.stash;

import dev.switchboard.broker.Broker;
import dev.switchboard.http.api.Access;
import dev.switchboard.http.api.ApiRoute;
import dev.switchboard.http.api.Audit;
import dev.switchboard.http.api.Caller;
import dev.switchboard.http.api.Cursor;
import dev.switchboard.http.api.ExistingHub;
import dev.switchboard.http.api.Json;
import dev.switchboard.http.api.Problem;
import dev.switchboard.http.api.Values;
import dev.switchboard.http.stash.StashJson.Cleared;
import dev.switchboard.http.stash.StashJson.EntryPage;
import dev.switchboard.http.stash.StashJson.ResendBody;
import dev.switchboard.http.stash.StashJson.Resent;
import dev.switchboard.http.stash.StashJson.StashBody;
import dev.switchboard.http.stash.StashJson.StashList;
import dev.switchboard.hub.stash.Frames;
import dev.switchboard.hub.stash.Stash;
import dev.switchboard.hub.stash.StashEntry;
import dev.switchboard.hub.stash.StashFormat;
import dev.switchboard.hub.stash.StashLog;
import dev.switchboard.hub.stash.Stashes;
import dev.switchboard.mqtt.topic.Topics;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;

/**
 * A hub's stashes: {@code /api/v1/hubs/{hub}/stashes} (list, create), {@code .../{name}} (show,
 * change, remove), {@code .../{name}/clear}, {@code .../{name}/entries} (browse by time range with
 * a cursor), {@code .../{name}/download} (JSON, NDJSON or CSV over a time frame, streamed from the
 * store's cursor to the socket) and {@code .../{name}/resend} (to their own topic or another, at a
 * rate, through the running broker).
 */
public final class StashRoutes {
  private static final int DOWNLOAD_BUFFER = 64 * 1024;

  private final Stashes stashes;
  private final ExistingHub hubs;
  private final Broker broker;
  private final Json json;
  private final Audit audit;
  private final Clock clock;

  /**
   * @param broker the running broker re-sent messages are published through
   */
  public StashRoutes(
      Stashes stashes, ExistingHub hubs, Broker broker, Json json, Audit audit, Clock clock) {
    this.stashes = stashes;
    this.hubs = hubs;
    this.broker = broker;
    this.json = json;
    this.audit = audit;
    this.clock = clock;
  }

  public List<ApiRoute> routes() {
    String all = "/api/v1/hubs/{hub}/stashes";
    String one = all + "/{name}";
    return List.of(
        ApiRoute.get(all, Access.READ, (ctx, c) -> list(ctx)),
        ApiRoute.post(all, Access.WRITE, this::create),
        ApiRoute.get(one, Access.READ, (ctx, c) -> show(ctx)),
        ApiRoute.patch(one, Access.WRITE, this::change),
        ApiRoute.delete(one, Access.WRITE, this::remove),
        ApiRoute.post(one + "/clear", Access.WRITE, this::clear),
        ApiRoute.get(one + "/entries", Access.READ, (ctx, c) -> browse(ctx)),
        ApiRoute.get(one + "/download", Access.READ, (ctx, c) -> download(ctx)),
        ApiRoute.post(one + "/resend", Access.WRITE, this::resend));
  }

  private void list(Context ctx) {
    String hub = hubs.of(ctx);
    json.send(
        ctx,
        new StashList(
            stashes.list(hub).stream()
                .map(s -> StashJson.view(s, stashes.log().counts(hub, s.name())))
                .toList()));
  }

  private void create(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    StashBody body = json.read(ctx, StashBody.class);
    if (body.name() == null || !Stash.isName(body.name())) {
      throw Problem.invalid("name", "1 to 64 of letters, digits, '.', '_' and '-'");
    }
    if (body.filter() == null) {
      throw Problem.invalid("filter", "a topic filter is required");
    }
    checkFilter(body);
    Stash s = stashes.create(hub, body.name(), settings(body));
    audit.record(caller, hub, "stash.add", s.name(), "filter " + s.filter());
    json.send(ctx, 201, StashJson.view(s, StashLog.Counts.EMPTY));
  }

  private void show(Context ctx) {
    String hub = hubs.of(ctx);
    Stash s = stash(ctx, hub);
    json.send(ctx, StashJson.view(s, stashes.log().counts(hub, s.name())));
  }

  private void change(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String name = name(ctx);
    StashBody body = json.read(ctx, StashBody.class);
    if (body.name() != null && !body.name().equals(name)) {
      throw Problem.invalid("name", "a stash is not renamed");
    }
    checkFilter(body);
    Stash s = stashes.change(hub, name, settings(body));
    audit.record(caller, hub, "stash.set", name, "filter " + s.filter());
    json.send(ctx, StashJson.view(s, stashes.log().counts(hub, name)));
  }

  private void remove(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String name = name(ctx);
    if (!stashes.remove(hub, name)) {
      throw Problem.notFound("no stash '" + name + "' in this hub");
    }
    audit.record(caller, hub, "stash.remove", name, "");
    ctx.status(204);
  }

  private void clear(Context ctx, Caller caller) {
    String hub = hubs.of(ctx);
    String name = stash(ctx, hub).name();
    long cleared = stashes.clear(hub, name);
    audit.record(caller, hub, "stash.clear", name, cleared + " entries");
    json.send(ctx, new Cleared(cleared));
  }

  private void browse(Context ctx) {
    String hub = hubs.of(ctx);
    String name = stash(ctx, hub).name();
    StashLog.Range range = range(ctx.queryParam("from"), ctx.queryParam("to"), null);
    String key = Cursor.key(ctx);
    long after;
    try {
      after = key == null ? 0 : Long.parseLong(key);
    } catch (NumberFormatException e) {
      throw new Problem(400, "bad-cursor", "cursor", "not a cursor of this list");
    }
    int limit = Cursor.limit(ctx);
    List<StashEntry> page = stashes.log().page(hub, name, range, after, limit + 1);
    boolean more = page.size() > limit;
    List<StashEntry> shown = more ? page.subList(0, limit) : page;
    json.send(
        ctx,
        new EntryPage(
            shown.stream().map(StashJson::view).toList(),
            more ? Cursor.after(Long.toString(shown.get(shown.size() - 1).seq())) : null));
  }

  /**
   * Streams entries as they come from the store: the status and headers go out first, so a failure
   * half way can only cut the body short (the reader sees a truncated document).
   */
  private void download(Context ctx) throws Exception {
    String hub = hubs.of(ctx);
    String name = stash(ctx, hub).name();
    StashFormat format;
    try {
      format = StashFormat.parse(ctx.queryParam("format"));
    } catch (IllegalArgumentException e) {
      throw Problem.invalid("format", e.getMessage());
    }
    StashLog.Range range =
        range(ctx.queryParam("from"), ctx.queryParam("to"), ctx.queryParam("frame"));
    ctx.status(200);
    ctx.contentType(format.mediaType() + "; charset=utf-8");
    ctx.header(
        "Content-Disposition", "attachment; filename=\"" + name + "." + format.extension() + "\"");
    try (OutputStream out =
        new BufferedOutputStream(ctx.res().getOutputStream(), DOWNLOAD_BUFFER)) {
      StashFormat.Output writer = format.open(out);
      stashes.log().stream(hub, name, range, writer);
      writer.finish();
    } catch (IOException e) {
      // the reader went away: the download ends
    }
  }

  private void resend(Context ctx, Caller caller) throws Exception {
    String hub = hubs.of(ctx);
    String name = stash(ctx, hub).name();
    ResendBody body = json.read(ctx, ResendBody.class);
    if (body.topic() != null) {
      try {
        Stashes.checkTopic(body.topic());
      } catch (IllegalArgumentException e) {
        throw Problem.invalid("topic", e.getMessage());
      }
    }
    double rate = body.rate() == null ? 0 : body.rate();
    if (rate < 0 || Double.isNaN(rate)) {
      throw Problem.invalid("rate", "messages a second, 0 for no limit");
    }
    boolean bySeq = body.seqs() != null && !body.seqs().isEmpty();
    if (!bySeq && body.from() == null && body.to() == null && body.frame() == null) {
      throw Problem.invalid("seqs", "give the entries (seqs) or a time range (from, to, frame)");
    }
    StashLog.Range range = bySeq ? null : range(body.from(), body.to(), body.frame());
    long resent =
        stashes.resend(
            hub, name, new Stashes.Resend(body.seqs(), range, body.topic(), rate), broker::publish);
    audit.record(
        caller,
        hub,
        "stash.resend",
        name,
        resent + " entries" + (body.topic() == null ? "" : " to " + body.topic()));
    json.send(ctx, new Resent(resent));
  }

  /** {@code from} and {@code to} (ISO-8601), or {@code frame} back from now (1h, 1d). */
  private StashLog.Range range(String from, String to, String frame) {
    long start = from == null ? Long.MIN_VALUE : Values.time("from", from);
    long end = to == null ? Long.MAX_VALUE : Values.time("to", to);
    if (frame != null) {
      if (from != null) {
        throw Problem.invalid("frame", "give a frame or a start (from), not both");
      }
      try {
        start = (to == null ? clock.millis() : end) - Frames.parse(frame).toMillis();
      } catch (IllegalArgumentException e) {
        throw Problem.invalid("frame", e.getMessage());
      }
    }
    if (start >= end) {
      throw Problem.invalid("to", "the end of the range is after its start");
    }
    return new StashLog.Range(start, end);
  }

  /** A filter that is not one is refused naming the field, so a form shows it beside its input. */
  private static void checkFilter(StashBody body) {
    if (body.filter() != null && !Topics.isValidFilter(body.filter())) {
      throw Problem.invalid("filter", "'" + body.filter() + "' is not a valid topic filter");
    }
  }

  private static Stashes.Settings settings(StashBody b) {
    return new Stashes.Settings(
        b.filter(), b.clientIds(), b.maxEntries(), b.maxBytes(), b.maxAgeSeconds(), b.enabled());
  }

  private Stash stash(Context ctx, String hub) {
    String name = name(ctx);
    return stashes
        .find(hub, name)
        .orElseThrow(() -> Problem.notFound("no stash '" + name + "' in this hub"));
  }

  private static String name(Context ctx) {
    String name = ctx.pathParam("name");
    if (!Stash.isName(name)) {
      throw Problem.invalid("name", "1 to 64 of letters, digits, '.', '_' and '-'");
    }
    return name;
  }
}
