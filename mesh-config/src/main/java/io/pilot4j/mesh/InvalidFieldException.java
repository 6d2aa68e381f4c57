package io.pilot4j.mesh;

/**
 * A bad value found while reading or validating, before the source is known to the code that finds it.
 * {@link MeshConfigParser} turns it into a {@link MeshConfigException}; it never leaves this package.
 */
final class InvalidFieldException extends RuntimeException {

    private final String fieldPath;
    private final String problem;

    /** @param fieldPath where, e.g. "defaultConfig.proxyAdminPort"; empty for the document as a whole */
    InvalidFieldException(String fieldPath, String problem) {
        super(fieldPath.isEmpty() ? problem : fieldPath + ": " + problem, null, false, false);
        this.fieldPath = fieldPath;
        this.problem = problem;
    }

    String fieldPath() {
        return fieldPath;
    }

    String problem() {
        return problem;
    }
}
