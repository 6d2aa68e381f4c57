package io.pilot4j.load.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** A directory of ServiceEntry files, one per service: what {@code --configDir} reads. */
public final class WorkloadDir {
    private WorkloadDir() {
    }

    /** Writes every service's file; other files in the directory are left alone. */
    public static void write(Workload workload, Path dir) {
        try {
            Files.createDirectories(dir);
            for (ServiceSpec s : workload.services()) {
                Files.writeString(dir.resolve(s.fileName()), ServiceEntryYaml.render(s), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every {@code *.yaml} file directly in {@code dir}, in name order. */
    public static Workload read(Path dir) {
        List<ServiceSpec> services = new ArrayList<>();
        for (Path file : files(dir)) {
            services.add(read(file, true));
        }
        if (services.isEmpty()) {
            throw new IllegalArgumentException(dir + ": no *.yaml files (write a workload with: xds-load workload --out " + dir + ")");
        }
        return new Workload(services);
    }

    public static ServiceSpec read(Path file, boolean required) {
        try {
            return ServiceEntryYaml.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (!required) {
                return null;
            }
            throw new UncheckedIOException(file.toString(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static TreeSet<Path> files(Path dir) {
        TreeSet<Path> out = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.yaml")) {
            for (Path p : entries) {
                if (!p.getFileName().toString().startsWith(".")) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir.toString(), e);
        }
        return out;
    }

    /**
     * Replaces one service's file atomically: write a hidden temporary file (watchers skip hidden names), then
     * rename it over the old one, so a watcher never reads half a file.
     */
    public static void replace(Path dir, ServiceSpec service) {
        try {
            Path tmp = Files.createTempFile(dir, ".xds-load-", ".tmp");
            Files.writeString(tmp, ServiceEntryYaml.render(service), StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(service.fileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
