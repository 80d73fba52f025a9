package dev.switchboard.broker.connection;

import dev.switchboard.broker.auth.Authenticator;
import dev.switchboard.broker.auth.Authorizer;
import dev.switchboard.broker.config.BrokerConfig;
import dev.switchboard.broker.intercept.PublishInterceptors;
import dev.switchboard.broker.metrics.BrokerMetrics;
import dev.switchboard.broker.persist.Journal;
import dev.switchboard.broker.routing.Router;
import dev.switchboard.broker.routing.TopicSpaces;
import dev.switchboard.broker.session.SessionOwnership;

/**
 * What a connection uses of the engine, and nothing more: the connection never sees the broker that
 * made it. One for all connections of a broker.
 *
 * @param journal where what acknowledgements promise is committed; null when memory only
 */
public record ConnectionContext(
    BrokerConfig config,
    BrokerMetrics metrics,
    Authenticator authenticator,
    Authorizer authorizer,
    SessionOwnership sessions,
    PublishInterceptors interceptors,
    Router router,
    TopicSpaces spaces,
    Journal journal) {}
