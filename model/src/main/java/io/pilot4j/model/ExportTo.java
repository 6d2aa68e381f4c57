package io.pilot4j.model;

import java.util.Collection;

/** Istio's exportTo visibility, shared by services and traffic rules. */
public final class ExportTo {
    private ExportTo() {
    }

    /**
     * Whether an object of {@code ownNamespace} exported to {@code exportTo} ("*" everyone, "." its own namespace,
     * "~" no one, or namespace names) is visible from {@code proxyNamespace}.
     */
    public static boolean visible(Collection<String> exportTo, String ownNamespace, String proxyNamespace) {
        if (exportTo.contains("*")) {
            return true;
        }
        if (exportTo.contains(".") && ownNamespace.equals(proxyNamespace)) {
            return true;
        }
        return exportTo.contains(proxyNamespace);
    }
}
