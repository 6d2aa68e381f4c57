package io.pilot4j.model;

/** Why a push was requested; the label values of Istio's pilot_push_triggers. */
public enum TriggerReason {
    ENDPOINT("endpoint"),
    CONFIG("config"),
    SERVICE("service"),
    PROXY("proxy"),
    GLOBAL("global"),
    UNKNOWN("unknown");

    private final String label;

    TriggerReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
