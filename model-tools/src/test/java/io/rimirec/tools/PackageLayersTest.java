package io.rimirec.tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dependency rule of model-tools (docs/development.md): a package may import its own layer and the layers below,
 * never one above. So the product's training never depends on the evaluation that measures it, and the command line
 * stays a thin layer on top. Read from the sources' imports, fully qualified names included.
 */
class PackageLayersTest {

    /** Top-level packages under io.rimirec.tools by layer, lowest first. */
    static final Map<String, Integer> LAYER = Map.ofEntries(
        Map.entry("util", 0), Map.entry("linalg", 0),
        Map.entry("data", 1), Map.entry("bundle", 1), Map.entry("cluster", 1),
        Map.entry("opensearch", 2),
        Map.entry("onnx", 3), Map.entry("train", 3),
        Map.entry("eval", 4), Map.entry("demo", 4),
        Map.entry("cli", 5));

    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.rimirec\\.tools\\.([a-z]+)\\.");

    @Test
    void noPackageReachesAboveItsLayer() throws IOException {
        Path root = Path.of("src/main/java/io/rimirec/tools");
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(root)) {
            for (Path file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = root.relativize(file);
                if (rel.getNameCount() < 2) {
                    continue; // the entry point (RimirecCli) sits above every layer
                }
                files++;
                String own = rel.getName(0).toString();
                Integer ownLayer = LAYER.get(own);
                assertTrue(ownLayer != null, "package [" + own + "] has no layer in PackageLayersTest.LAYER: give it one, and a line in "
                    + "docs/development.md");
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String used = m.group(1);
                    Integer usedLayer = LAYER.get(used);
                    if (usedLayer != null && usedLayer > ownLayer) {
                        violations.add(rel + " (" + own + ", layer " + ownLayer + ") uses " + used + " (layer " + usedLayer + ")");
                    }
                }
            }
        }
        assertTrue(files > 100, "read " + files + " source files: is the working directory the module?");
        assertEquals(List.of(), violations.stream().distinct().toList());
    }
}
