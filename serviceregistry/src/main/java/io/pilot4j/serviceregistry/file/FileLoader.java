package io.pilot4j.serviceregistry.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.kube.FieldError;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Result;
import io.pilot4j.kube.networking.UnknownFields;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.serviceregistry.ConfigKind;
import io.pilot4j.serviceregistry.Converted;
import io.pilot4j.serviceregistry.RegistryObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the content of one file into its {@link ConfigFile}: parse, convert every document, and apply the file only
 * if every document is good. Logs each rejection and unknown field once: again only when it changes.
 */
final class FileLoader {
    // Istio's "file" scope (io.pilot4j.log.Scope.FILE), named here: scopes are the server's, this module has none.
    private static final Logger LOG = LoggerFactory.getLogger("file");

    private final DocumentParser parser = new DocumentParser();
    private final String domainSuffix;

    FileLoader(String domainSuffix) {
        this.domainSuffix = domainSuffix;
    }

    /** @param previous what the registry had for this file, null if it is new */
    ConfigFile load(Path path, String content, ConfigFile previous) {
        ConfigFile loaded = read(path, content, previous);
        report(loaded, previous);
        return loaded;
    }

    /** What {@link #load} makes of the file, without logging: for {@code discovery validate}. */
    ConfigFile read(Path path, String content, ConfigFile previous) {
        String source = path.toString();
        List<RegistryObject> objects = new ArrayList<>();
        List<ConfigError> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Document doc : parser.parse(path.getFileName().toString(), content)) {
            if (doc instanceof Document.Parsed parsed) {
                HasMetadata object = parsed.object();
                String kind = parsed.kind().kind().kind().kubeKind();
                String namespace = Metadata.namespace(object);
                String name = Metadata.name(object);
                boolean rule = parsed.kind().kind().role() == ConfigKind.Role.RULE;
                if (!rule) {
                    for (String field : parsed.unknownFields()) {
                        warnings.add(new ConfigError(source, doc.index(), kind, namespace, name,
                                "unknown field " + field + " is ignored").toString());
                    }
                }
                Result<Converted> converted = parsed.kind().convert(object, ConfigKind.Context.of(domainSuffix));
                if (rule && !parsed.unknownFields().isEmpty()) {
                    // The parser set the unknown fields aside, so the conversion cannot see them: they reject the rule here.
                    List<FieldError> all = new ArrayList<>();
                    for (String field : parsed.unknownFields()) {
                        all.add(new FieldError(field, UnknownFields.message(field)));
                    }
                    if (!converted.isValid()) {
                        all.addAll(converted.errors());
                    }
                    converted = Result.invalid(all);
                }
                ConfigKey key = new ConfigKey(parsed.kind().kind().kind(), namespace, name);
                if (converted.isValid()) {
                    objects.add(new RegistryObject(key, source, doc.index(), object, converted.value()));
                } else {
                    errors.add(converted.rejection(source, doc.index(), key));
                }
            } else if (doc instanceof Document.Invalid invalid) {
                errors.add(new ConfigError(source, doc.index(), invalid.kind(), invalid.namespace(), invalid.name(), invalid.message()));
            } else if (doc instanceof Document.Skipped skipped) {
                LOG.debug("{}[doc {}]: skipping {} {} {}: not a kind the file registry serves",
                        source, doc.index(), skipped.apiVersion(), skipped.kind(), skipped.name());
            }
        }
        List<RegistryObject> applied = errors.isEmpty() ? objects : previous == null ? List.of() : previous.objects();
        return new ConfigFile(path, content, applied, errors, warnings);
    }

    /** A file that exists but cannot be read (permissions, not UTF-8): like a bad file, it keeps its last good content. */
    ConfigFile unreadable(Path path, String reason, ConfigFile previous) {
        ConfigError error = new ConfigError(path.toString(), -1, "", "", "", "cannot read: " + reason);
        ConfigFile loaded = new ConfigFile(path, null, previous == null ? List.of() : previous.objects(), List.of(error), List.of());
        report(loaded, previous);
        return loaded;
    }

    private static void report(ConfigFile loaded, ConfigFile previous) {
        List<ConfigError> before = previous == null ? List.of() : previous.errors();
        boolean keepsOld = previous != null && !loaded.objects().isEmpty();
        for (ConfigError error : loaded.errors()) {
            if (!before.contains(error)) {
                LOG.error("rejected {}{}", error, keepsOld ? " (the file's last good content stays in effect)" : "");
            }
        }
        if (loaded.errors().isEmpty() && !before.isEmpty()) {
            LOG.info("{}: fixed, applying it", loaded.path());
        }
        List<String> warnedBefore = previous == null ? List.of() : previous.warnings();
        for (String warning : loaded.warnings()) {
            if (!warnedBefore.contains(warning)) {
                LOG.warn("{}", warning);
            }
        }
    }
}
