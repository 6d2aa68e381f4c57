package io.pilot4j.kube.networking;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fields of an Istio spec that its fabric8 class does not have, found by walking the JSON against the class. Jackson
 * alone cannot tell: fabric8 keeps unknown fields in {@code additionalProperties}, and its deserializer for objects
 * with a oneof ({@code StringMatch}, {@code loadBalancer}, fault {@code abort}/{@code delay}, {@code redirect}) drops
 * them. Istio's API server rejects them, so pilot4j reports them.
 *
 * <p>Given the JSON as written (a file) every unknown field is found. Given an object fabric8 has already read (the
 * Kubernetes registry), the fields it kept in {@code additionalProperties} are found, and those it dropped inside a
 * oneof object are not: that is a limit of what the informer hands over.
 */
public final class UnknownFields {
    // fabric8's oneof fields are unwrapped interfaces resolved by deduction: there is no type id to write.
    private static final ObjectMapper WRITER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_UNWRAPPED_TYPE_IDENTIFIERS);
    private static final Map<Class<?>, Map<String, Type>> PROPERTIES = new ConcurrentHashMap<>();
    private static final String ISTIO_TYPES = "io.fabric8.istio.api.";

    private UnknownFields() {
    }

    /** Unknown fields of a fabric8 spec object, written out as JSON first. */
    public static List<String> of(Object spec, String prefix) {
        if (spec == null) {
            return List.of();
        }
        return of(WRITER.valueToTree(spec), spec.getClass(), prefix);
    }

    /** Unknown fields of {@code json} read as {@code type}, as paths under {@code prefix} ({@code spec.http[0].retries.atempts}). */
    public static List<String> of(JsonNode json, Class<?> type, String prefix) {
        List<String> out = new ArrayList<>();
        object(json, type, prefix, out);
        return out;
    }

    /** The message every registry reports an unknown field with: {@code unknown field "atempts"}. */
    public static String message(String path) {
        String last = path.substring(Math.max(path.lastIndexOf('.'), path.lastIndexOf(']')) + 1);
        return "unknown field \"" + last + "\"";
    }

    private static void object(JsonNode json, Class<?> type, String path, List<String> out) {
        if (json == null || !json.isObject()) {
            return;
        }
        Map<String, Type> properties = properties(type);
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String child = path + "." + e.getKey();
            Type t = properties.get(e.getKey());
            if (t == null) {
                out.add(child);
            } else {
                value(e.getValue(), t, child, out);
            }
        }
    }

    private static void value(JsonNode json, Type type, String path, List<String> out) {
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw) && json.isArray()) {
                for (int i = 0; i < json.size(); i++) {
                    value(json.get(i), args[0], path + "[" + i + "]", out);
                }
            } else if (Map.class.isAssignableFrom(raw) && json.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    value(e.getValue(), args[1], path + "[" + e.getKey() + "]", out);
                }
            }
        } else if (type instanceof Class<?> c && (c.getName().startsWith(ISTIO_TYPES) || c == RingHash.Message.class)
                && !c.isEnum() && !c.isInterface()) {
            object(json, c, path, out);
        }
    }

    /** JSON name -> type of every property of a fabric8 class; a oneof field contributes its alternatives' properties. */
    private static Map<String, Type> properties(Class<?> type) {
        return PROPERTIES.computeIfAbsent(type, UnknownFields::introspect);
    }

    private static Map<String, Type> introspect(Class<?> type) {
        Map<String, Type> out = new LinkedHashMap<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getName().equals("additionalProperties")) {
                    continue;
                }
                JsonUnwrapped unwrapped = f.getAnnotation(JsonUnwrapped.class);
                if (unwrapped != null) {
                    JsonSubTypes alternatives = f.getType().getAnnotation(JsonSubTypes.class);
                    if (alternatives != null) {
                        for (JsonSubTypes.Type alternative : alternatives.value()) {
                            out.putAll(introspect(alternative.value()));
                        }
                    } else {
                        out.putAll(introspect(f.getType()));
                    }
                    continue;
                }
                JsonProperty property = f.getAnnotation(JsonProperty.class);
                String name = property != null && !property.value().isEmpty() ? property.value() : f.getName();
                // fabric8 types the ring hash message as its own wrapper; RingHash reads the real one.
                boolean ringHash = c == io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsConsistentHashLBRingHash.class
                        && name.equals("ringHash");
                out.put(name, ringHash ? RingHash.Message.class : f.getGenericType());
            }
        }
        return out;
    }
}
