package io.pilot4j.load;

import io.pilot4j.load.workload.Workload;
import io.pilot4j.load.workload.WorkloadDir;
import io.pilot4j.load.workload.WorkloadGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "workload", mixinStandardHelpOptions = true,
        description = "Write C services x E endpoints as ServiceEntry files (STATIC, one HTTP port each) for --configDir.")
final class WorkloadCommand implements Callable<Integer> {
    @Option(names = "--services", defaultValue = "1000", description = "services (default ${DEFAULT-VALUE})")
    int services;

    @Option(names = "--endpoints", defaultValue = "10", description = "endpoints per service (default ${DEFAULT-VALUE})")
    int endpoints;

    @Option(names = "--namespace", defaultValue = "load", description = "namespace of services and clients (default ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--port", defaultValue = "8080", description = "service port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--ports", defaultValue = "1",
            description = "distinct port numbers from --port on, round robin over services; each is one listener and route config (default ${DEFAULT-VALUE})")
    int ports;

    @Option(names = "--out", required = true, description = "directory to write (created if missing)")
    Path out;

    @Override
    public Integer call() {
        Workload w = WorkloadGenerator.generate(services, endpoints, namespace, port, ports);
        WorkloadDir.write(w, out);
        System.out.printf("wrote %d ServiceEntry files (%d endpoints) to %s%n", w.services().size(), w.endpointCount(), out);
        return 0;
    }
}
