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
     * @param fixedDelay how long; conversions reject an exponentialDelay, as Istio does
     * @param percentage 0-100, from {@code percentage.value} or the deprecated integer {@code percent}; empty when
     *                   neither is given
     */
    public record Delay(Optional<Duration> fixedDelay, OptionalDouble percentage) {
        public Delay {
            Objects.requireNonNull(fixedDelay, "fixedDelay");
            Objects.requireNonNull(percentage, "percentage");
        }
    }

    /**
     * Exactly one of httpStatus (non zero) or grpcStatus (non empty) is set; conversions reject an http2Error, as
     * Istio does.
     *
     * @param grpcStatus a gRPC code name as Istio spells it ({@code UNAVAILABLE})
     * @param percentage 0-100; empty when not given
     */
    public record Abort(int httpStatus, String grpcStatus, OptionalDouble percentage) {
        public Abort {
            grpcStatus = Objects.requireNonNullElse(grpcStatus, "");
            Objects.requireNonNull(percentage, "percentage");
        }
    }
}
