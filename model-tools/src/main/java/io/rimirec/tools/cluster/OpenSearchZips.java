package io.rimirec.tools.cluster;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The three zips a local cluster is made of, as the build leaves them in {@code model-tools/target/opensearch/}:
 * the OpenSearch distribution, the k-NN plugin and the rimirec plugin.
 *
 * @param distribution  {@code opensearch-distribution.zip}
 * @param knnPlugin     {@code opensearch-knn.zip}
 * @param rimirecPlugin {@code rimirec-plugin.zip}
 */
public record OpenSearchZips(Path distribution, Path knnPlugin, Path rimirecPlugin) {

    /** System property that names the folder holding the three zips (the integration tests set it). */
    public static final String DIR_PROPERTY = "rimirec.opensearch.dir";
    /** Environment variable with the same meaning, for the CLI. */
    public static final String DIR_ENV = "RIMIREC_OPENSEARCH_DIR";

    public static final String DISTRIBUTION_ZIP = "opensearch-distribution.zip";
    public static final String KNN_ZIP = "opensearch-knn.zip";
    public static final String RIMIREC_ZIP = "rimirec-plugin.zip";

    /** The plugins in installation order: k-NN first, because rimirec extends it. */
    public List<Path> plugins() {
        return List.of(knnPlugin, rimirecPlugin);
    }

    /** The zips in {@code dir}; fails with a message naming what is missing and how to build it. */
    public static OpenSearchZips in(Path dir) {
        List<String> missing = missingIn(dir);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("no " + String.join(", ", missing) + " in " + dir.toAbsolutePath() + ". "
                + BUILD_HINT);
        }
        return new OpenSearchZips(dir.resolve(DISTRIBUTION_ZIP), dir.resolve(KNN_ZIP), dir.resolve(RIMIREC_ZIP));
    }

    /**
     * Finds the zips: the folder named by {@value #DIR_PROPERTY} or {@value #DIR_ENV} if set, else
     * {@code target/opensearch} beside the jar (or classes folder) this class was loaded from, else
     * {@code model-tools/target/opensearch} under the working directory or its parent.
     */
    public static OpenSearchZips locate() {
        String explicit = System.getProperty(DIR_PROPERTY);
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(DIR_ENV);
        }
        if (explicit != null && !explicit.isBlank()) {
            return in(Path.of(explicit));
        }
        Set<Path> candidates = new LinkedHashSet<>();
        codeLocation().ifPresent(loc -> {
            // model-tools/target/rimirec-tools.jar or model-tools/target/classes: both sit in target/
            Path target = loc.getParent();
            if (target != null) {
                candidates.add(target.resolve("opensearch"));
            }
        });
        Path cwd = Path.of("").toAbsolutePath();
        candidates.add(cwd.resolve("model-tools/target/opensearch"));
        candidates.add(cwd.resolve("target/opensearch"));
        if (cwd.getParent() != null) {
            candidates.add(cwd.getParent().resolve("model-tools/target/opensearch"));
        }
        List<String> checked = new ArrayList<>();
        for (Path dir : candidates) {
            Path normal = dir.normalize();
            if (missingIn(normal).isEmpty()) {
                return in(normal);
            }
            checked.add(normal.toString());
        }
        throw new IllegalStateException("cannot find the OpenSearch distribution and plugin zips ("
            + DISTRIBUTION_ZIP + ", " + KNN_ZIP + ", " + RIMIREC_ZIP + "); looked in " + String.join(", ", checked)
            + ". " + BUILD_HINT + " Or point -D" + DIR_PROPERTY + " / " + DIR_ENV + " at a folder holding them.");
    }

    private static final String BUILD_HINT =
        "Build them first: run './mvnw -q package -DskipTests' in the rimirec repository root.";

    private static List<String> missingIn(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String name : List.of(DISTRIBUTION_ZIP, KNN_ZIP, RIMIREC_ZIP)) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                missing.add(name);
            }
        }
        return missing;
    }

    private static Optional<Path> codeLocation() {
        try {
            CodeSource source = OpenSearchZips.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            return Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
