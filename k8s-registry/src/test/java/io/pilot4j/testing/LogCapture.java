package io.pilot4j.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The lines one logger writes while a test runs (level and formatted message), for asserting on what users read. */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Logger logger;
    private final List<String> lines = new ArrayList<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    /** Starts capturing {@code name}'s lines (the "kube" scope, a class name). */
    public static LogCapture of(String name) {
        LogCapture capture = new LogCapture((Logger) LoggerFactory.getLogger(name));
        capture.start();
        capture.logger.addAppender(capture);
        return capture;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        lines.add(event.getLevel() + " " + event.getFormattedMessage());
    }

    /** Every line so far, as "WARN message". */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    public synchronized List<String> matching(Predicate<String> line) {
        return lines.stream().filter(line).toList();
    }

    public List<String> containing(String text) {
        return matching(l -> l.contains(text));
    }

    public synchronized void clear() {
        lines.clear();
    }

    @Override
    public synchronized String toString() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
    }
}
