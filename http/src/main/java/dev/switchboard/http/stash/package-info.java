/**
 * The REST API of stashes ({@code /api/v1/hubs/{hub}/stashes...}): their definitions, and their
 * entries browsed, downloaded (streamed) and re-sent.
 */
package dev.switchboard.http.stash;
