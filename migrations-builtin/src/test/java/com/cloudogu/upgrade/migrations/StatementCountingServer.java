package com.cloudogu.upgrade.migrations;

import com.cloudogu.upgrade.api.migration.DatabaseServer;
import com.cloudogu.upgrade.testkit.ForwardingDatabaseServer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server that counts the statements migrations send over the connections it hands out (every
 * {@code execute*} call), to prove what a migration costs.
 */
final class StatementCountingServer extends ForwardingDatabaseServer {

    private final AtomicInteger statements = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    StatementCountingServer(DatabaseServer delegate) {
        super(delegate);
    }

    int statements() {
        return statements.get();
    }

    int connections() {
        return connections.get();
    }

    @Override
    public Connection connect(String database) throws SQLException {
        connections.incrementAndGet();
        Connection connection = delegate().connect(database);
        return proxy(Connection.class, connection, (target, method, args) -> {
            Object result = invoke(method, target, args);
            if (result instanceof PreparedStatement prepared) {
                return proxy(PreparedStatement.class, prepared, this::countExecutes);
            }
            if (result instanceof Statement statement) {
                return proxy(Statement.class, statement, this::countExecutes);
            }
            return result;
        });
    }

    private Object countExecutes(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        if (method.getName().startsWith("execute")) {
            statements.incrementAndGet();
        }
        return invoke(method, target, args);
    }

    private interface Handler {
        Object handle(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T target, Handler handler) {
        InvocationHandler invocation = (p, method, args) -> handler.handle(target, method, args);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, invocation));
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
