package io.pilot4j.mesh;

/** protoc's field-name-to-JSON-name rule, since protobuf JSON (and so Istio) accepts "connect_timeout" too. */
final class ProtoNames {

    private ProtoNames() {
    }

    /** "connect_timeout" to "connectTimeout", "mesh_mTLS" to "meshMTLS"; names without "_" are unchanged. */
    static String jsonName(String protoName) {
        if (protoName.indexOf('_') < 0) {
            return protoName;
        }
        StringBuilder json = new StringBuilder(protoName.length());
        boolean upperNext = false;
        for (char c : protoName.toCharArray()) {
            if (c == '_') {
                upperNext = true;
            } else {
                json.append(upperNext ? Character.toUpperCase(c) : c);
                upperNext = false;
            }
        }
        return json.toString();
    }
}
