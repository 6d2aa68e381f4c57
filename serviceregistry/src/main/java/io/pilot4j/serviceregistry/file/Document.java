package io.pilot4j.serviceregistry.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.serviceregistry.ConfigKind;

import java.util.List;
import java.util.Objects;

/** One YAML document of a file (or one item of a {@code kind: List}), as the parser left it. */
sealed interface Document permits Document.Parsed, Document.Skipped, Document.Invalid {

    /** 0-based index of the document in its file; items of a List share their List's index. */
    int index();

    /**
     * An object of a served kind, read into its class.
     *
     * @param unknownFields paths of fields the class does not have ("spec.ports[0].nmae"); they are ignored
     */
    record Parsed(int index, ConfigKind.Served kind, HasMetadata object, List<String> unknownFields) implements Document {
        public Parsed {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(object, "object");
            unknownFields = List.copyOf(unknownFields);
        }
    }

    /** A well-formed object of a kind the file registry does not serve (VirtualService for now, Deployment). */
    record Skipped(int index, String apiVersion, String kind, String name) implements Document {
    }

    /**
     * A document that cannot be applied; kind, namespace and name are empty when they could not be read.
     *
     * @param message why, naming the field (and line and column for syntax errors)
     */
    record Invalid(int index, String kind, String namespace, String name, String message) implements Document {
    }
}
