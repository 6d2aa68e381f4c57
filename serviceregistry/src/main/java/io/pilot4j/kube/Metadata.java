package io.pilot4j.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.Map;

/** Reads an object's metadata the way kubectl fills it in: a missing namespace is "default", missing maps are empty. */
public final class Metadata {
    /** kubectl's namespace for objects that name none. */
    public static final String DEFAULT_NAMESPACE = "default";

    private static final FieldPath NAME = FieldPath.of("metadata", "name");

    private Metadata() {
    }

    public static String name(HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        return meta == null || meta.getName() == null ? "" : meta.getName();
    }

    public static String namespace(HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        return meta == null || meta.getNamespace() == null || meta.getNamespace().isEmpty()
                ? DEFAULT_NAMESPACE : meta.getNamespace();
    }

    public static Map<String, String> labels(HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        return meta == null || meta.getLabels() == null ? Map.of() : meta.getLabels();
    }

    public static Map<String, String> annotations(HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        return meta == null || meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    }

    /** Every object needs a name: it is its identity and, for Services, part of the hostname. */
    public static void requireName(HasMetadata object, FieldErrors errors) {
        if (name(object).isEmpty()) {
            errors.required(NAME);
        }
    }
}
