package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import org.slf4j.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One shared informer (resync 0: the cache only changes when the API server says so) and what went wrong with it.
 * fabric8's reflector lists, watches, relists after a 410 Gone without emptying the cache, and keeps the cache
 * through an outage; this class makes it retry every failure with backoff (fabric8 would give up on a failed first
 * list) and reports each new failure once, in words naming the resource and the missing RBAC verb.
 */
final class ResourceWatch<T extends HasMetadata> implements AutoCloseable {
    private final String resource;
    private final SharedIndexInformer<T> informer;
    private final String apiServer;
    private final Logger log;
    private volatile String error = "";

    /**
     * @param resource  the RBAC name, for messages ({@code pods}, {@code endpointslices.discovery.k8s.io})
     * @param indexers  extra indexes kept by the informer, by name
     * @param onChange  called on every add, update, delete, and once the first list is in
     */
    ResourceWatch(KubernetesClient client, String resource, Class<T> type, boolean namespaced,
                  Map<String, Function<T, List<String>>> indexers, Runnable onChange, Logger log) {
        this.resource = resource;
        this.apiServer = String.valueOf(client.getMasterUrl());
        this.log = log;
        Informable<T> source = namespaced ? client.resources(type).inAnyNamespace() : client.resources(type);
        this.informer = source.runnableInformer(0);
        if (!indexers.isEmpty()) {
            informer.addIndexers(indexers);
        }
        informer.exceptionHandler((started, t) -> {
            failed(describe(started, t));
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onList(String resourceVersion, boolean remainedEmpty) {
                // Every successful list, the first one and those after a failure or a 410 Gone.
                recovered();
            }

            @Override
            public void onAdd(T obj) {
                onChange.run();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                onChange.run();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                onChange.run();
            }
        });
        informer.start().whenComplete((ok, t) -> {
            if (t == null) {
                onChange.run();
            }
        });
    }

    String resource() {
        return resource;
    }

    boolean hasSynced() {
        return informer.hasSynced();
    }

    /** Watching now; false while the API server is away (the cache then holds the last state). */
    boolean isWatching() {
        return informer.isWatching();
    }

    /** The last failure, empty once the informer is back. */
    String error() {
        return error;
    }

    List<T> list() {
        return informer.getIndexer().list();
    }

    Optional<T> get(String namespace, String name) {
        return Optional.ofNullable(informer.getIndexer().getByKey(namespace == null || namespace.isEmpty() ? name : namespace + "/" + name));
    }

    List<T> byIndex(String index, String key) {
        Indexer<T> indexer = informer.getIndexer();
        return indexer.byIndex(index, key);
    }

    private String describe(boolean started, Throwable t) {
        return ApiErrors.describe(resource, started ? "watch" : "list", t, apiServer);
    }

    private void failed(String message) {
        if (!message.equals(error)) {
            log.warn("{}; retrying with backoff", message);
        }
        error = message;
    }

    private void recovered() {
        if (!error.isEmpty()) {
            log.info("{}: watching again", resource);
        }
        error = "";
    }

    @Override
    public void close() {
        informer.stop();
    }
}
