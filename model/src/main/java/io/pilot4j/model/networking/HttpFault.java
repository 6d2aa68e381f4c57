package io.pilot4j.model.networking;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/** Istio's HTTPFaultInjection: delay and/or abort a share of the requests. */
public record HttpFault(Optional<Delay> delay, Optional<Abort> abort) {
    public HttpFault {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(abort, "abort");
    }

    /**
     * @param fixedDelay       how long; empty for an exponentialDelay, which Istio parses and does not apply
     * @param exponentialDelay held as written, not applied (neither does Istio)
     * @param percentage       0-100, from {@code percentage.value} or the deprecated integer {@code percent}; empty
     *                         when neither is given
     */
    public record Delay(Optional<Duration> fixedDelay, Optional<Duration> exponentialDelay, OptionalDouble percentage) {
        public Delay {
            Objects.requireNonNull(fixedDelay, "fixedDelay");
            Objects.requireNonNull(exponentialDelay, "exponentialDelay");
            Objects.requireNonNull(percentage, "percentage");
        }
    }

    /**
     * Exactly one of httpStatus (non zero), grpcStatus or http2Error (non empty) is set.
     *
     * @param grpcStatus a gRPC code name as Istio spells it ({@code UNAVAILABLE})
     * @param percentage 0-100; empty when not given
     */
    public record Abort(int httpStatus, String grpcStatus, String http2Error, OptionalDouble percentage) {
        public Abort {
            grpcStatus = Objects.requireNonNullElse(grpcStatus, "");
            http2Error = Objects.requireNonNullElse(http2Error, "");
            Objects.requireNonNull(percentage, "percentage");
        }
    }
}
