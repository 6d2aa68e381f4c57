package io.pilot4j.mesh;

import java.util.Objects;

/**
 * The mesh file can't be used. The message is meant for the user as is:
 * {@code mesh.json: defaultConfig.proxyAdminPort: 70000 is out of range 1-65535}. Checked, because a server
 * reloading its mesh file has to decide what to do with a bad edit (keep the config it has).
 */
public final class MeshConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String fieldPath;
    private final String problem;

    /**
     * @param source    the file (or other origin) the text came from
     * @param fieldPath the field, in Istio's JSON names ("localityLbSetting.distribute[0].to"); empty when the
     *                  problem is with the document as a whole (syntax, unreadable file)
     * @param problem   what is wrong and what is wanted
     */
    public MeshConfigException(String source, String fieldPath, String problem) {
        super(message(source, fieldPath, problem));
        this.source = Objects.requireNonNull(source, "source");
        this.fieldPath = Objects.requireNonNull(fieldPath, "fieldPath");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    MeshConfigException(String source, String fieldPath, String problem, Throwable cause) {
        this(source, fieldPath, problem);
        initCause(cause);
    }

    private static String message(String source, String fieldPath, String problem) {
        return fieldPath.isEmpty() ? source + ": " + problem : source + ": " + fieldPath + ": " + problem;
    }

    public String source() {
        return source;
    }

    /** The field in Istio's JSON names, e.g. "defaultConfig.proxyAdminPort"; empty for whole-document problems. */
    public String fieldPath() {
        return fieldPath;
    }

    /** The message without source and field path. */
    public String problem() {
        return problem;
    }
}
