package io.pilot4j.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Prints the scope followed by a tab, as Istio does, except for the default scope which Istio leaves out.
 * Loggers of libraries show their own name.
 */
public final class ScopeConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        String name = event.getLoggerName();
        return name.equals("default") ? "" : name + "\t";
    }
}
