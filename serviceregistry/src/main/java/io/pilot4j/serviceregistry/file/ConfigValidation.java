package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.ConfigError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code discovery validate}'s work (istioctl validate's habit): every file given, or found below a directory given,
 * read as the {@code --configDir} registry reads it, each object converted and validated; nothing is served.
 */
public final class ConfigValidation {
    private final FileLoader loader;

    /**
     * @param files    the files read, in path order
     * @param objects  objects that validated
     * @param errors   every problem, each naming file, document, object and field
     * @param warnings unknown fields that are ignored (Kubernetes objects and ServiceEntries)
     */
    public record Report(List<Path> files, int objects, List<ConfigError> errors, List<String> warnings) {
        public Report {
            files = List.copyOf(files);
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }

    public ConfigValidation(String domainSuffix) {
        this.loader = new FileLoader(Objects.requireNonNull(domainSuffix, "domainSuffix"));
    }

    /** @throws UncheckedIOException when a path given does not exist or a directory cannot be listed */
    public Report validate(List<Path> paths) {
        TreeSet<Path> files = new TreeSet<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new UncheckedIOException(new java.nio.file.NoSuchFileException(p.toString(), null, "no such file or directory"));
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
                    walk.filter(Files::isRegularFile)
                            .filter(f -> ConfigDirectory.isConfigFile(f.getFileName().toString()))
                            .filter(f -> !hidden(p, f))
                            .forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(p + ": " + e.getMessage(), e);
                }
            } else {
                files.add(p);
            }
        }
        List<ConfigFile> read = new ArrayList<>();
        List<ConfigError> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        int objects = 0;
        for (Path f : files) {
            ConfigFile file;
            try {
                file = loader.read(f, Files.readString(f), null);
            } catch (CharacterCodingException e) {
                file = loader.unreadable(f, "not UTF-8 text", null);
            } catch (IOException e) {
                file = loader.unreadable(f, e.toString(), null);
            }
            read.add(file);
            errors.addAll(file.errors());
            warnings.addAll(file.warnings());
            objects += file.objects().size();
        }
        // Duplicates between files are errors too, as the registry reports them.
        errors.addAll(FileObjects.of(FileRegistry.PROVIDER, read).conflicts());
        return new Report(new ArrayList<>(files), objects, errors, warnings);
    }

    /** Hidden names below the directory given (".git", "..data") are skipped, as the registry skips them. */
    private static boolean hidden(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
