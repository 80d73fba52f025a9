/**
 * What every route of the HTTP API shares: routes as data ({@link
 * dev.switchboard.http.api.ApiRoute}, {@link dev.switchboard.http.api.Access}), the caller, strict
 * JSON bodies, problem details, and paging. Imports nothing else of the module.
 */
package dev.switchboard.http.api;
