package io.duratask.replay;

import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.spi.LoggingEventBuilder;

/** An SLF4J logger that drops every call while its orchestration replays, so nothing is logged twice. */
final class ReplaySafeLogger extends AbstractLogger {
    private final transient Logger delegate;
    private final transient BooleanSupplier replaying;

    ReplaySafeLogger(Logger delegate, BooleanSupplier replaying) {
        this.delegate = delegate;
        this.replaying = replaying;
        this.name = delegate.getName();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                               Throwable throwable) {
        LoggingEventBuilder b = delegate.atLevel(level);
        if (marker != null) {
            b = b.addMarker(marker);
        }
        if (throwable != null) {
            b = b.setCause(throwable);
        }
        if (args != null) {
            for (Object a : args) {
                b = b.addArgument(a);
            }
        }
        b.log(pattern);
    }

    private boolean live() {
        return !replaying.getAsBoolean();
    }

    @Override
    public boolean isTraceEnabled() {
        return live() && delegate.isTraceEnabled();
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return live() && delegate.isTraceEnabled(marker);
    }

    @Override
    public boolean isDebugEnabled() {
        return live() && delegate.isDebugEnabled();
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return live() && delegate.isDebugEnabled(marker);
    }

    @Override
    public boolean isInfoEnabled() {
        return live() && delegate.isInfoEnabled();
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return live() && delegate.isInfoEnabled(marker);
    }

    @Override
    public boolean isWarnEnabled() {
        return live() && delegate.isWarnEnabled();
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return live() && delegate.isWarnEnabled(marker);
    }

    @Override
    public boolean isErrorEnabled() {
        return live() && delegate.isErrorEnabled();
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return live() && delegate.isErrorEnabled(marker);
    }
}
