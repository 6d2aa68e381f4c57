package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks the API server, over plain HTTP, the question a watch that is not open asks: may this client watch this
 * resource, now? Its answer has the server's own words. fabric8 opens watches as WebSocket upgrades and, when the
 * server refuses one, keeps only the status line ("Forbidden") and drops the body, the Status that says who may not
 * do what; and it reopens watches without telling anyone why it could not. The same request without the upgrade gets
 * the whole Status.
 *
 * <p>The request is the informer's own watch ({@code watch=true}, which RBAC checks as the watch verb) from the
 * resourceVersion it last saw, so an accepted probe carries no initial events, only what changed since, and the
 * server ends it after a second.
 */
final class WatchProbe {
    /** What the server said. */
    enum Verdict {
        /** It would open the watch: the informer is between two watches, as when one is renewed. */
        ACCEPTED,
        /** No answer: connection refused, reset, timed out. */
        UNREACHABLE,
        /** 404: the resource is not served, as when its CRD has been deleted. */
        NOT_SERVED,
        /** Any other answer: 403 (RBAC), 401, 5xx. */
        REFUSED
    }

    /** The verdict and, unless accepted, one line saying why, from {@link ApiErrors}. */
    record Answer(Verdict verdict, String reason) {
    }

    private static final long TIMEOUT_SECONDS = 10;

    private final HttpClient http;
    private final KubernetesSerialization json;
    private final String apiServer;

    WatchProbe(KubernetesClient client) {
        this.http = client.getHttpClient();
        this.json = client.getKubernetesSerialization();
        this.apiServer = String.valueOf(client.getMasterUrl());
    }

    /**
     * No answer twice in a row is {@link Verdict#UNREACHABLE}: the first request may go out on a kept-alive
     * connection that the server or a load balancer has just closed, which says nothing about the server; the second
     * opens a new one.
     */
    CompletableFuture<Answer> ask(ResourceWatch<?> watch) {
        return askOnce(watch).thenCompose(first -> first.verdict() == Verdict.UNREACHABLE ? askOnce(watch)
                : CompletableFuture.completedFuture(first));
    }

    private CompletableFuture<Answer> askOnce(ResourceWatch<?> watch) {
        String url = (apiServer.endsWith("/") ? apiServer : apiServer + "/") + watch.path()
                + "?watch=true&allowWatchBookmarks=false&timeoutSeconds=1"
                + (watch.resourceVersion() == null ? "" : "&resourceVersion=" + URLEncoder.encode(watch.resourceVersion(), StandardCharsets.UTF_8));
        HttpRequest request = http.newHttpRequestBuilder().uri(url).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).build();
        CompletableFuture<HttpResponse<String>> sent;
        try {
            // Read whole, asynchronously: a blocking read of the body on the client's event loop would wait on itself.
            sent = http.sendAsync(request, String.class);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(unreachable(watch, e));
        }
        return sent.handle((response, failure) -> failure != null ? unreachable(watch, failure) : answer(watch, response));
    }

    private Answer answer(ResourceWatch<?> watch, HttpResponse<String> response) {
        int code = response.code();
        if (code == 200) {
            return new Answer(Verdict.ACCEPTED, "");
        }
        Status status = status(response.body() == null ? "" : response.body(), code);
        String reason = ApiErrors.describe(watch.resource(), "watch", new KubernetesClientException(status.getMessage(), code, status), apiServer);
        return new Answer(code == 404 ? Verdict.NOT_SERVED : Verdict.REFUSED, reason);
    }

    private Status status(String body, int code) {
        try {
            Status status = body.isBlank() ? null : json.unmarshal(body, Status.class);
            if (status != null && status.getMessage() != null) {
                return status;
            }
        } catch (RuntimeException notAStatus) {
            // A proxy's HTML page, say: the code is all there is.
        }
        Status status = new Status();
        status.setCode(code);
        return status;
    }

    private Answer unreachable(ResourceWatch<?> watch, Throwable failure) {
        return new Answer(Verdict.UNREACHABLE, ApiErrors.describe(watch.resource(), "watch", failure, apiServer));
    }
}
