package io.pilot4j.load.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ServiceSpec} as an Istio ServiceEntry file, and back. {@link #parse} reads only what {@link #render}
 * writes (the floor server and the run command read the directory the workload command wrote, and the tool
 * carries no YAML library); anything else is refused with the line at fault.
 */
public final class ServiceEntryYaml {
    private ServiceEntryYaml() {
    }

    public static String render(ServiceSpec s) {
        StringBuilder b = new StringBuilder(256 + 24 * s.endpoints().size());
        b.append("apiVersion: networking.istio.io/v1\n")
                .append("kind: ServiceEntry\n")
                .append("metadata:\n")
                .append("  name: ").append(s.name()).append('\n')
                .append("  namespace: ").append(s.namespace()).append('\n')
                .append("spec:\n")
                .append("  hosts:\n")
                .append("  - ").append(s.hostname()).append('\n')
                .append("  addresses:\n")
                .append("  - ").append(s.vip()).append('\n')
                .append("  location: MESH_INTERNAL\n")
                .append("  resolution: STATIC\n")
                .append("  ports:\n")
                .append("  - number: ").append(s.port()).append('\n')
                .append("    name: http\n")
                .append("    protocol: HTTP\n")
                .append("  endpoints:\n");
        for (String address : s.endpoints()) {
            b.append("  - address: ").append(address).append('\n');
        }
        return b.toString();
    }

    /** @throws IllegalArgumentException naming the line that is not what {@link #render} writes */
    public static ServiceSpec parse(String text) {
        String name = null;
        String namespace = null;
        String host = null;
        String vip = null;
        int port = 0;
        List<String> endpoints = new ArrayList<>();
        String section = "";
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            if (!line.startsWith(" ")) {
                section = line;
                continue;
            }
            String t = line.strip();
            if (t.endsWith(":")) {
                section = t;
            } else if (t.startsWith("name: ") && section.equals("metadata:")) {
                name = value(t);
            } else if (t.startsWith("namespace: ")) {
                namespace = value(t);
            } else if (t.startsWith("- ") && section.equals("hosts:")) {
                host = t.substring(2).strip();
            } else if (t.startsWith("- ") && section.equals("addresses:")) {
                vip = t.substring(2).strip();
            } else if (t.startsWith("- number: ") && section.equals("ports:")) {
                port = Integer.parseInt(value(t.substring(2)));
            } else if (t.startsWith("- address: ") && section.equals("endpoints:")) {
                endpoints.add(value(t.substring(2)));
            } else if (!known(t)) {
                throw new IllegalArgumentException("line " + (i + 1) + ": not written by xds-load workload: " + t);
            }
        }
        if (name == null || namespace == null || host == null || vip == null || port == 0) {
            throw new IllegalArgumentException("not a ServiceEntry written by xds-load workload (want name, namespace, host, address, port)");
        }
        return new ServiceSpec(name, namespace, host, vip, port, endpoints);
    }

    private static boolean known(String t) {
        return t.startsWith("location: ") || t.startsWith("resolution: ") || t.startsWith("name: ") || t.startsWith("protocol: ");
    }

    private static String value(String keyValue) {
        return keyValue.substring(keyValue.indexOf(':') + 1).strip();
    }
}
