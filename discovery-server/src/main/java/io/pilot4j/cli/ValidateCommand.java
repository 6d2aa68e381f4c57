package io.pilot4j.cli;

import io.pilot4j.model.ConfigError;
import io.pilot4j.serviceregistry.file.ConfigValidation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code discovery validate FILE|DIR...}: istioctl validate's habit for what {@code --configDir} reads. Prints every
 * error (file, document, kind/namespace/name, field) and exits 1 if there is any, 0 otherwise.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Version.class, usageHelpWidth = 120,
        description = "Validate Kubernetes and Istio config files (what --configDir reads): print every error, exit non-zero if any.")
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Files, or directories to read recursively (*.yaml, *.yml, *.json)")
    List<Path> paths;

    @Option(names = "--domain", defaultValue = "cluster.local", paramLabel = "DOMAIN",
            description = "DNS suffix of Kubernetes service hostnames, as for discovery. Default: ${DEFAULT-VALUE}")
    String domain;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigValidation.Report report;
        try {
            report = new ConfigValidation(domain).validate(paths);
        } catch (UncheckedIOException e) {
            err.println("Error: " + e.getCause().getMessage());
            return 2;
        }
        for (String warning : report.warnings()) {
            out.println("warning: " + warning);
        }
        for (ConfigError e : report.errors()) {
            out.println("error: " + e);
        }
        out.println(report.files().size() + " files, " + report.objects() + " valid objects, " + report.errors().size() + " errors");
        out.flush();
        return report.errors().isEmpty() ? 0 : 1;
    }
}
