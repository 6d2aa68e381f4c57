package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the API server (or the way to it) answered into one line a user can act on: which resource, which
 * verb the RBAC role lacks, or which address cannot be reached.
 */
final class ApiErrors {
    /** The API server's own wording: {@code pods is forbidden: User "x" cannot list resource "pods" in API group ""}. */
    private static final Pattern CANNOT = Pattern.compile("cannot (\\w+) resource");

    private ApiErrors() {
    }

    /**
     * @param resource  what was being read, as RBAC names it ({@code pods}, {@code virtualservices.networking.istio.io})
     * @param verb      the verb the operation needed when the server does not say: list before the first sync, else watch
     * @param apiServer the API server's URL, for connection errors
     */
    static String describe(String resource, String verb, Throwable error, String apiServer) {
        KubernetesClientException api = find(error, KubernetesClientException.class);
        int code = api == null ? 0 : api.getCode();
        String serverMessage = api == null || api.getStatus() == null || api.getStatus().getMessage() == null
                ? "" : api.getStatus().getMessage();
        String said = serverMessage.isEmpty() ? "" : "; the API server said: " + serverMessage;
        if (code == 403) {
            Matcher m = CANNOT.matcher(serverMessage);
            String missing = m.find() ? m.group(1) : verb;
            return "forbidden: cannot " + missing + " " + resource + ": the RBAC role must allow get, list and watch on "
                    + resource + " (deploy/20-rbac.yaml does)" + said;
        }
        if (code == 401) {
            return "unauthorized: the API server at " + apiServer + " refused the credentials" + said;
        }
        if (code == 404) {
            return resource + ": not served by the API server (is its CRD installed?)";
        }
        if (code > 0) {
            return verb + " " + resource + ": HTTP " + code + said;
        }
        Throwable network = findNetwork(error);
        if (network != null) {
            String why = network.getMessage() == null || network.getMessage().isEmpty() ? network.getClass().getSimpleName() : network.getMessage();
            return "cannot reach the API server at " + apiServer + ": " + why;
        }
        return verb + " " + resource + ": " + rootMessage(error);
    }

    private static Throwable findNetwork(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return t;
            }
        }
        // Some HTTP clients wrap a refused connection in their own IOException without a cause.
        return find(error, IOException.class);
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
