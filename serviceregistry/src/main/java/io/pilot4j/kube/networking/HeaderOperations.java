package io.pilot4j.kube.networking;

import io.fabric8.istio.api.api.networking.v1alpha3.HeadersHeaderOperations;
import io.pilot4j.kube.FieldErrors;
import io.pilot4j.kube.FieldPath;
import io.pilot4j.model.networking.Headers;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A VirtualService's header operations ({@code headers.request/response} of a route or destination), checked as
 * Istio's validation checks them (ValidateHTTPHeaderOperationName, ValidateHTTPHeaderWithAuthorityOperationName,
 * ValidateHTTPHeaderValue): Envoy rejects the whole route configuration for a pseudo-header or {@code host} it is told
 * to remove or add, and for a value whose {@code %...%} formatter does not parse.
 */
final class HeaderOperations {
    /** protoc-gen-validate's header value rule, as Istio copies it: no control characters but tab. */
    private static final Pattern VALUE = Pattern.compile("^[^\\x00-\\x08\\x0A-\\x1F\\x7F]*$");

    private HeaderOperations() {
    }

    static Headers.Operations convert(HeadersHeaderOperations o, boolean request, FieldPath path, FieldErrors errors) {
        if (o == null) {
            return Headers.Operations.NONE;
        }
        Map<String, String> set = RuleFields.map(o.getSet());
        Map<String, String> add = RuleFields.map(o.getAdd());
        check(set, request, path.child("set"), errors);
        check(add, request, path.child("add"), errors);
        var remove = RuleFields.list(o.getRemove());
        for (int i = 0; i < remove.size(); i++) {
            FieldPath at = path.child("remove").index(i);
            nameProblem(remove.get(i), false).ifPresent(m -> errors.add(at, m));
        }
        return new Headers.Operations(set, add, remove);
    }

    private static void check(Map<String, String> headers, boolean request, FieldPath path, FieldErrors errors) {
        headers.forEach((name, value) -> {
            // A request's host or :authority may be set: it rewrites the authority, as in Istio.
            nameProblem(name, request).ifPresent(m -> errors.add(path.key(name), m));
            valueProblem(value).ifPresent(m -> errors.add(path.key(name), m));
        });
    }

    static Optional<String> nameProblem(String name, boolean authorityAllowed) {
        if (name == null || name.isEmpty()) {
            return Optional.of("header name cannot be empty");
        }
        boolean authority = name.equalsIgnoreCase(":authority") || name.equalsIgnoreCase("host");
        if (authorityAllowed && authority) {
            return Optional.empty();
        }
        if (name.equalsIgnoreCase("host")) {
            return Optional.of("invalid header \"" + name + "\": cannot set Host header");
        }
        if (name.startsWith(":")) {
            return Optional.of("invalid header \"" + name + "\": header cannot have \":\" prefix");
        }
        return Optional.empty();
    }

    /** Envoy's header_parser, as Istio's validateHeaderValue ports it: literal text, {@code %%}, and {@code %VAR%} or {@code %VAR(args)%}. */
    static Optional<String> valueProblem(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (!VALUE.matcher(value).matches()) {
            return Optional.of("header value configuration " + value + " is invalid: control characters are not allowed");
        }
        State state = State.LITERAL;
        for (int pos = 0; pos < value.length(); pos++) {
            char ch = value.charAt(pos);
            boolean hasNext = pos + 1 < value.length();
            switch (state) {
                case LITERAL -> {
                    if (ch == '%') {
                        if (!hasNext) {
                            return Optional.of("header value configuration: un-escaped % (write %% for a literal %)");
                        }
                        if (value.charAt(pos + 1) == '%') {
                            pos++;
                        } else {
                            state = State.VARIABLE_NAME;
                        }
                    }
                }
                case VARIABLE_NAME -> {
                    if (ch == '%') {
                        state = State.LITERAL;
                    } else if (ch == '(') {
                        state = State.EXPECT_ARRAY;
                    }
                }
                case EXPECT_ARRAY -> {
                    if (ch == '[') {
                        state = State.EXPECT_STRING;
                    } else if (ch != ' ') {
                        state = State.STRING;
                    }
                }
                case EXPECT_DELIMITER_OR_END -> {
                    if (ch == ',') {
                        state = State.EXPECT_STRING;
                    } else if (ch == ']') {
                        state = State.EXPECT_ARGS_END;
                    } else if (ch != ' ') {
                        return Optional.of("header value configuration: expecting ',', ']', or whitespace at " + pos);
                    }
                }
                case EXPECT_STRING -> {
                    if (ch == '"') {
                        state = State.STRING;
                    } else if (ch != ' ') {
                        return Optional.of("header value configuration: expecting '\"' at " + pos);
                    }
                }
                case STRING -> {
                    if (ch == '\\') {
                        if (!hasNext) {
                            return Optional.of("header value configuration: un-terminated backslash in JSON string");
                        }
                        pos++;
                    } else if (ch == ')') {
                        state = State.EXPECT_VARIABLE_END;
                    } else if (ch == '"') {
                        state = State.EXPECT_DELIMITER_OR_END;
                    }
                }
                case EXPECT_ARGS_END -> {
                    if (ch == ')') {
                        state = State.EXPECT_VARIABLE_END;
                    } else if (ch != ' ') {
                        return Optional.of("header value configuration: expecting ')' or whitespace at " + pos);
                    }
                }
                case EXPECT_VARIABLE_END -> {
                    if (ch == '%') {
                        state = State.LITERAL;
                    } else if (ch != ' ') {
                        return Optional.of("header value configuration: expecting '%' or whitespace at " + pos);
                    }
                }
            }
        }
        if (state != State.LITERAL) {
            return Optional.of("header value configuration: un-terminated variable expression '" + value + "'");
        }
        return Optional.empty();
    }

    private enum State {
        LITERAL, VARIABLE_NAME, EXPECT_ARRAY, EXPECT_STRING, STRING, EXPECT_DELIMITER_OR_END, EXPECT_ARGS_END, EXPECT_VARIABLE_END
    }
}
