package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import org.slf4j.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One shared informer (resync 0: the cache only changes when the API server says so) and what went wrong with it.
 * fabric8's reflector lists, watches, relists after a 410 Gone without emptying the cache, and keeps the cache
 * through an outage; this class makes it retry every failure with backoff (fabric8 would give up on a failed first
 * list) and reports each new failure of the first list once, in words naming the resource and the missing RBAC
 * verb. Once listed, a watch that is not open is {@link WatchHealth}'s to report: fabric8 tells this class about
 * some of those failures only (a watch refused when first opened, not one refused when reopened), and without the
 * API server's words.
 */
final class ResourceWatch<T extends HasMetadata> implements AutoCloseable {
    private final String resource;
    private final Class<T> type;
    private final SharedIndexInformer<T> informer;
    private final String apiServer;
    private final Clock clock;
    private final Logger log;
    private volatile String error = "";
    private volatile Instant listed;

    /**
     * @param resource  the RBAC name, for messages ({@code pods}, {@code endpointslices.discovery.k8s.io})
     * @param indexers  extra indexes kept by the informer, by name
     * @param onEvent   called with the old and the new object (null for none) on every add, update and delete
     * @param onSynced  called once the first list is in
     */
    ResourceWatch(KubernetesClient client, String resource, Class<T> type, boolean namespaced,
                  Map<String, Function<T, List<String>>> indexers, BiConsumer<T, T> onEvent, Runnable onSynced, Clock clock,
                  Logger log) {
        this.resource = resource;
        this.type = type;
        this.apiServer = String.valueOf(client.getMasterUrl());
        this.clock = clock;
        this.log = log;
        Informable<T> source = namespaced ? client.resources(type).inAnyNamespace() : client.resources(type);
        this.informer = source.runnableInformer(0);
        if (!indexers.isEmpty()) {
            informer.addIndexers(indexers);
        }
        informer.exceptionHandler((started, t) -> {
            failed(t);
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onList(String resourceVersion, boolean remainedEmpty) {
                // Every successful list, the first one and those after a failure or a 410 Gone. A list is not a
                // watch: whether one is open again is WatchHealth's to say.
                listed = clock.instant();
                error = "";
            }

            @Override
            public void onAdd(T obj) {
                onEvent.accept(null, obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                onEvent.accept(oldObj, newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                onEvent.accept(obj, null);
            }
        });
        informer.start().whenComplete((ok, t) -> {
            if (t == null) {
                onSynced.run();
            }
        });
    }

    String resource() {
        return resource;
    }

    /** The API path of the collection watched: {@code api/v1/namespaces}, {@code apis/networking.istio.io/v1/sidecars}. */
    String path() {
        String group = HasMetadata.getGroup(type);
        return (group.isEmpty() ? "api/" : "apis/" + group + "/") + HasMetadata.getVersion(type) + "/" + HasMetadata.getPlural(type);
    }

    /** The resourceVersion of the last list or watch event; null before the first list. */
    String resourceVersion() {
        return informer.lastSyncResourceVersion();
    }

    /** When the informer last listed (the first sync, a relist after a failure or a 410); null before that. */
    Instant listed() {
        return listed;
    }

    boolean hasSynced() {
        return informer.hasSynced();
    }

    /** Watching now; false while the API server is away (the cache then holds the last state). */
    boolean isWatching() {
        return informer.isWatching();
    }

    /** The last failure fabric8 reported, empty after a successful list. */
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

    /**
     * Before the first list, a failure is the list's, and the registry waits on it: said once per new reason. After
     * it, fabric8 reports only some watch failures, and as "Forbidden" without the server's words (it drops the body
     * of a refused WebSocket upgrade): recorded, for WatchHealth, which asks the server itself.
     */
    private void failed(Throwable t) {
        boolean listedOnce = informer.hasSynced();
        String message = ApiErrors.describe(resource, listedOnce ? "watch" : "list", t, apiServer);
        if (!listedOnce && !message.equals(error)) {
            log.warn("{}; retrying with backoff", message);
        }
        error = message;
    }

    @Override
    public void close() {
        informer.stop();
    }
}
