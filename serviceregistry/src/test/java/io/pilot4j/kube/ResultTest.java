package io.pilot4j.kube;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultTest {

    @Test
    void pathsPrintAsKubernetesDoes() {
        assertEquals("spec.ports[1].number", FieldPath.of("spec", "ports").index(1).child("number").toString());
        assertEquals("metadata.labels[kubernetes.io/service-name]",
                FieldPath.of("metadata").child("labels").key("kubernetes.io/service-name").toString());
    }

    @Test
    void invalidResultHasNoReadableValue() {
        Result<String> invalid = Result.invalid(FieldPath.of("spec"), "required");
        assertFalse(invalid.isValid());
        assertEquals(List.of(new FieldError("spec", "required")), invalid.errors());
        assertThrows(IllegalStateException.class, invalid::value);
        assertEquals(invalid.errors(), invalid.map(String::length).errors());
    }

    @Test
    void collectedErrorsDecideTheResult() {
        FieldErrors errors = new FieldErrors();
        assertEquals(Result.ok(3), errors.toResult(() -> 3));
        assertTrue(errors.checkPort(FieldPath.of("port"), 65535));
        assertFalse(errors.checkPort(FieldPath.of("port"), 0));
        Result<Integer> result = errors.toResult(() -> {
            throw new AssertionError("an invalid value must not be built");
        });
        assertEquals(List.of("port: 0 is out of range 1-65535"), result.errors().stream().map(Object::toString).toList());
    }

    @Test
    void aResultIsEitherValueOrErrors() {
        assertThrows(IllegalArgumentException.class, () -> new Result<>("x", List.of(new FieldError("a", "b"))));
        assertThrows(IllegalArgumentException.class, () -> new Result<>(null, List.of()));
    }
}
