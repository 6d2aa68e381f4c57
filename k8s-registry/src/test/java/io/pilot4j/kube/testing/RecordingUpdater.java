package io.pilot4j.kube.testing;

import io.pilot4j.model.PushRequest;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.ServiceRegistry;
import io.pilot4j.model.XdsUpdater;
import io.pilot4j.testing.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Remembers every push request a registry raises, with the registry's snapshot at that moment. */
public final class RecordingUpdater implements XdsUpdater {
    /** One push request and what the registry held when it raised it. */
    public record Push(PushRequest request, RegistrySnapshot snapshot) {
    }

    private final List<Push> pushes = new ArrayList<>();
    private Supplier<RegistrySnapshot> registry = () -> null;

    public void watch(ServiceRegistry r) {
        this.registry = r::snapshot;
    }

    @Override
    public synchronized void configUpdate(PushRequest request) {
        pushes.add(new Push(request, registry.get()));
    }

    public synchronized List<Push> pushes() {
        return List.copyOf(pushes);
    }

    public synchronized int count() {
        return pushes.size();
    }

    /** Waits for the push after the first {@code seen} ones and returns it. */
    public Push await(int seen) {
        Await.until(Duration.ofSeconds(20), "push #" + (seen + 1), () -> count() > seen, this::toString);
        return pushes().get(seen);
    }

    @Override
    public synchronized String toString() {
        List<String> out = new ArrayList<>();
        for (Push p : pushes) {
            out.add((p.request().full() ? "full " : "eds ") + p.request().configsUpdated());
        }
        return out.toString();
    }
}
