/** The HTTP server: the REST API, Server-Sent Events, health and Prometheus metrics. */
package dev.switchboard.http;
