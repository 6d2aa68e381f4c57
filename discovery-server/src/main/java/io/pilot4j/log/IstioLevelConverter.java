package io.pilot4j.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.util.Locale;

/** Prints levels as Istio does: "info", "warn", "error", "debug". */
public final class IstioLevelConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        String level = event.getLevel().toString().toLowerCase(Locale.ROOT);
        return level.equals("warn") ? "warn" : level;
    }
}
