package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.PushRequest;
import io.pilot4j.model.XdsUpdater;

import java.util.ArrayList;
import java.util.List;

/** An XdsUpdater that remembers every request, for tests. */
final class CapturingUpdater implements XdsUpdater {
    private final List<PushRequest> requests = new ArrayList<>();

    @Override
    public synchronized void configUpdate(PushRequest request) {
        requests.add(request);
    }

    synchronized List<PushRequest> requests() {
        return List.copyOf(requests);
    }

    synchronized int count() {
        return requests.size();
    }

    /** Waits for the request after the first {@code seen}, and returns it. */
    PushRequest awaitRequest(int seen) {
        Eventually.waitUntil("push request #" + (seen + 1) + " arrives", () -> count() > seen);
        return requests().get(seen);
    }
}
