package io.pilot4j.serviceregistry.kube;

import io.pilot4j.serviceregistry.kube.WatchProbe.Answer;
import io.pilot4j.serviceregistry.kube.WatchProbe.Verdict;
import org.slf4j.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * Whether each listed informer's watch is open and, when one is not, why, in the API server's words: said once,
 * reminded every {@link #REMINDER} while it lasts, and said again when the watch really is open again.
 *
 * <p>A closed watch alone says nothing: fabric8 closes and reopens every watch every few minutes (its renewal, and
 * the server's own timeout), leaving it closed for its reconnect interval plus a handshake, which on a loaded server
 * outlasts any fixed number of checks. So a watch found closed is asked about ({@link WatchProbe}): a server that
 * would open it means a renewal, and nothing is said; no answer is an outage, said at once; a refusal (RBAC) or a
 * resource no longer served (a deleted CRD) is said with the server's reason.
 *
 * <p>Runs on the registry's worker thread; probe answers are handed back to it. {@link #degraded()} is read from
 * anywhere (/ready, metrics).
 */
final class WatchHealth {
    /** How often a watch that stays closed is reported again. */
    static final Duration REMINDER = Duration.ofMinutes(10);

    private final WatchProbe probe;
    private final Executor worker;
    private final Clock clock;
    private final Logger log;
    private final String apiServer;
    private final Duration maxRetry;
    private final IntSupplier services;
    private final Predicate<ResourceWatch<?>> notServed;
    /** Closed watches by resource; worker thread only. */
    private final Map<String, Closed> closed = new HashMap<>();
    private Instant outageReported;
    private volatile Map<String, String> degraded = Map.of();

    /**
     * @param maxRetry  the longest fabric8 waits between two attempts to reopen a watch
     * @param services  how many services are served, for the outage line
     * @param notServed told about a watched resource the server no longer serves; true when it dealt with it (an
     *                  Istio kind whose CRD was deleted), false to report it as any other refusal
     */
    WatchHealth(WatchProbe probe, Executor worker, Clock clock, Logger log, String apiServer, Duration maxRetry,
                IntSupplier services, Predicate<ResourceWatch<?>> notServed) {
        this.probe = probe;
        this.worker = worker;
        this.clock = clock;
        this.log = log;
        this.apiServer = apiServer;
        this.maxRetry = maxRetry;
        this.services = services;
        this.notServed = notServed;
    }

    /**
     * Resources whose watch is closed for a reason other than a renewal, each with that reason: what is served for
     * them is what was last listed (kept current by fabric8's relists, when it relists).
     */
    Map<String, String> degraded() {
        return degraded;
    }

    /** Looks at every watch; called every retry interval once the registry has synced. */
    void check(List<ResourceWatch<?>> watches) {
        Instant now = clock.instant();
        for (ResourceWatch<?> w : watches) {
            if (!w.hasSynced()) {
                continue; // Not listed yet: the registry's sync status says why.
            }
            Closed c = closed.get(w.resource());
            if (w.isWatching()) {
                if (c != null) {
                    closed.remove(w.resource());
                    if (c.reported != null && !c.outage) {
                        log.info("{}: watching again after {}; changes are pushed as they happen", w.resource(),
                                Durations.format(Duration.between(c.since, now).withNanos(0)));
                    }
                }
                continue;
            }
            if (c == null) {
                c = new Closed(now);
                closed.put(w.resource(), c);
            }
            if (!c.asking && !now.isBefore(c.nextQuestion)) {
                ask(w, c);
            }
        }
        closed.keySet().retainAll(watches.stream().map(ResourceWatch::resource).toList());
        endOutage();
        publish();
    }

    private void ask(ResourceWatch<?> w, Closed c) {
        c.asking = true;
        probe.ask(w).whenComplete((answer, failure) -> {
            try {
                worker.execute(() -> {
                    c.asking = false;
                    if (closed.get(w.resource()) == c) {
                        answered(w, c, failure == null ? answer : new Answer(Verdict.UNREACHABLE, failure.toString()));
                        endOutage();
                        publish();
                    }
                });
            } catch (RejectedExecutionException e) {
                // The registry is closing.
            }
        });
    }

    private void answered(ResourceWatch<?> w, Closed c, Answer answer) {
        Instant now = clock.instant();
        Answer before = c.answer;
        c.answer = answer;
        switch (answer.verdict()) {
            case ACCEPTED -> {
                // A renewal, or a refusal just lifted: fabric8 reopens it within its backoff. Asked again once that has
                // passed twice over; if the server still accepts it then, the informer is stuck, which is worth saying.
                Duration stuck = maxRetry.multipliedBy(2);
                if (before == null || before.verdict() != Verdict.ACCEPTED) {
                    c.acceptedSince = now;
                }
                if (Duration.between(c.acceptedSince, now).compareTo(stuck) >= 0) {
                    String why = w.error().isEmpty() ? "the API server accepts the watch, fabric8 has not reopened it" : w.error();
                    c.answer = new Answer(Verdict.REFUSED, "not watching " + w.resource() + " for " + Durations.format(stuck) + ": " + why);
                    report(w, c, before, now);
                } else {
                    c.nextQuestion = c.acceptedSince.plus(stuck);
                }
            }
            case UNREACHABLE -> {
                // Asked at every check: when the server is back, a watch that stays closed has another reason.
                c.outage = true;
                c.reported = c.reported == null ? now : c.reported;
                c.nextQuestion = now;
                publish();
                if (outageReported == null) {
                    outageReported = now;
                    log.warn("lost the watch on the API server at {}: {}; serving the last known state ({} services) while reconnecting",
                            apiServer, answer.reason(), services.getAsInt());
                } else if (Duration.between(outageReported, now).compareTo(REMINDER) >= 0) {
                    log.warn("still no answer from the API server at {} ({}); serving the last known state ({} services) while reconnecting",
                            apiServer, answer.reason(), services.getAsInt());
                    outageReported = now;
                }
            }
            case NOT_SERVED -> {
                if (notServed.test(w)) {
                    closed.remove(w.resource());
                } else {
                    report(w, c, before, now);
                }
            }
            case REFUSED -> report(w, c, before, now);
        }
    }

    /** Said once, again when the reason changes, and every REMINDER while it lasts. */
    private void report(ResourceWatch<?> w, Closed c, Answer before, Instant now) {
        c.outage = false; // Whatever the outage was, this watch now has a reason of its own.
        boolean first = c.reported == null || before == null || !c.answer.reason().equals(before.reason());
        if (first) {
            c.reported = now;
            publish(); // What /ready and the gauges say is never behind the log.
        }
        String served = w.listed() == null ? "" : " (" + Durations.format(Duration.between(w.listed(), now).withNanos(0)) + " ago)";
        if (first) {
            log.warn("{}; serving the {} last listed{}, kept current only by relisting (fabric8 relists with backoff, up to "
                            + "every {}, while the watch is refused); reminded every {}",
                    c.answer.reason(), w.resource(), served, Durations.format(maxRetry), Durations.format(REMINDER));
        } else if (Duration.between(c.reported, now).compareTo(REMINDER) >= 0) {
            log.warn("{}: still not watching after {} ({}); serving the {} last listed{}", w.resource(),
                    Durations.format(Duration.between(c.since, now).withNanos(0)), c.answer.reason(), w.resource(), served);
            c.reported = now;
        }
        c.nextQuestion = c.reported.plus(REMINDER);
    }

    /** Once every watch the outage closed is open again (or closed for a reason of its own, said separately). */
    private void endOutage() {
        if (outageReported != null && closed.values().stream().noneMatch(c -> c.outage)) {
            outageReported = null;
            log.info("watching the API server at {} again; only real changes are pushed", apiServer);
        }
    }

    private void publish() {
        Map<String, String> out = new TreeMap<>();
        closed.forEach((resource, c) -> {
            if (c.reported != null && c.answer != null && c.answer.verdict() != Verdict.ACCEPTED) {
                out.put(resource, c.answer.reason());
            }
        });
        degraded = Map.copyOf(out);
    }

    /** A watch found closed, and what is known about why. */
    private static final class Closed {
        final Instant since;
        Instant nextQuestion;
        boolean asking;
        Answer answer;
        Instant acceptedSince;
        Instant reported;
        /** Closed by an outage: its reopening is said once for all, as the API server's. */
        boolean outage;

        Closed(Instant since) {
            this.since = since;
            this.nextQuestion = since;
        }
    }
}
