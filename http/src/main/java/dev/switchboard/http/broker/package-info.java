/**
 * The broker's resources under {@code /api/v1/hubs/{hub}/...}: connected clients, sessions,
 * subscriptions, retained messages, the topic tree, publish, statistics, live message streams, and
 * {@code /metrics}. They read state the broker keeps anyway (sessions on their own loops, the
 * subscription index, the retained stores, the counters) and use its seams (a route target for
 * topic activity, a subscriber in a hub's index for a stream), so that nothing is added to the
 * publish path while nobody looks. Imports {@code api}, never {@code registry} or {@code security}.
 */
package dev.switchboard.http.broker;
