package dev.switchboard.http.api;

import io.javalin.http.Context;

/** A route's work, given the checked caller. */
@FunctionalInterface
public interface ApiHandler {
  void handle(Context ctx, Caller caller) throws Exception;
}
