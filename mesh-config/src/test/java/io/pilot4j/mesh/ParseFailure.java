package io.pilot4j.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one way the error tests look at a failure: both the message the user reads and the path a caller gets. */
final class ParseFailure {

    private ParseFailure() {
    }

    static MeshConfigException assertFails(String text, String fieldPath, String problem) {
        MeshConfigException e = assertThrows(MeshConfigException.class, () -> MeshConfigParser.parse(text, "mesh.json"));
        String where = fieldPath.isEmpty() ? "" : fieldPath + ": ";
        assertEquals("mesh.json: " + where + problem, e.getMessage());
        assertEquals(fieldPath, e.fieldPath());
        assertEquals("mesh.json", e.source());
        assertEquals(problem, e.problem());
        return e;
    }
}
