package io.rimirec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rimirec.tools.cluster.OpenSearchZips;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks on the built plugin zip that need no running node. OpenSearch refuses to install a plugin that bundles a
 * jar its own lib/ or an extended plugin already has ("jar hell"), and rejects unknown descriptor keys; both are
 * cheaper to catch here, with the offenders named, than in a node's install log.
 */
class PluginZipTest {

    /** The keys OpenSearch 3.6 reads from a plugin descriptor, exactly the ones rimirec must write. */
    static final Set<String> DESCRIPTOR_KEYS = Set.of("name", "description", "version", "classname", "java.version",
        "opensearch.version", "extended.plugins");

    private static final Pattern VERSION_START = Pattern.compile("-\\d");

    static OpenSearchZips zips;

    @BeforeAll
    static void locateZips() {
        zips = OpenSearchZips.locate();
    }

    @Test
    void pluginZipBundlesNoJarThatOpenSearchOrKnnAlreadyHas() throws IOException {
        Map<String, String> provided = providedJars();
        assertTrue(provided.containsKey("lucene-core") && provided.containsKey("opensearch-knn")
            && provided.containsKey("guava"), "lib/, the k-NN zip and the modules k-NN extends were all read: "
            + provided.keySet());
        List<String> offenders = duplicates(jarsIn(zips.rimirecPlugin()), provided);
        if (!offenders.isEmpty()) {
            fail("the rimirec plugin zip bundles jars that OpenSearch already provides; installation would fail on "
                + "jar hell. Mark them <scope>provided</scope> in plugin/pom.xml (or exclude them):\n  "
                + String.join("\n  ", offenders));
        }
    }

    @Test
    void theGuardNamesADuplicateWhateverItsVersion() throws IOException {
        Map<String, String> provided = providedJars();
        List<String> offenders = duplicates(List.of("rimirec-core-0.1.0-SNAPSHOT.jar", "slf4j-api-2.0.9.jar",
            "jackson-core-2.17.0.jar", "onnxruntime-1.29.0.jar"), provided);
        assertEquals(2, offenders.size(), offenders.toString());
        assertTrue(offenders.get(0).startsWith("jackson-core-2.17.0.jar") && offenders.get(0).contains("lib/"),
            offenders.toString());
        assertTrue(offenders.get(1).startsWith("slf4j-api-2.0.9.jar") && offenders.get(1).contains("opensearch-knn"),
            offenders.toString());
    }

    @Test
    void artifactNamesIgnoreVersionsAndClassifiers() {
        assertEquals("rimirec-core", artifactName("rimirec-core-0.1.0-SNAPSHOT.jar"));
        assertEquals("jna-platform", artifactName("jna-platform-5.16.0.jar"));
        assertEquals("zstd-jni", artifactName("zstd-jni-1.5.6-1.jar"));
        assertEquals("bc-fips", artifactName("bc-fips-2.1.2.jar"));
        assertEquals("HdrHistogram", artifactName("HdrHistogram-2.2.2.jar"));
        assertEquals("opensearch", artifactName("opensearch-3.6.0.jar"));
        assertEquals("plain", artifactName("plain.jar"));
    }

    @Test
    void descriptorHasExactlyTheKeysOpenSearchAccepts() throws IOException {
        Properties d = descriptor(zips.rimirecPlugin());
        assertEquals(new TreeSet<>(DESCRIPTOR_KEYS), new TreeSet<>(d.stringPropertyNames()));
        assertEquals("rimirec", d.getProperty("name"));
        assertEquals("io.rimirec.plugin.RimirecPlugin", d.getProperty("classname"));
        assertEquals("21", d.getProperty("java.version"));
        assertEquals("3.6.0", d.getProperty("opensearch.version"));
        assertEquals("opensearch-knn", d.getProperty("extended.plugins"));
        assertEquals(System.getProperty("rimirec.version"), d.getProperty("version"));
        assertFalse(d.getProperty("description").isBlank(), "description");
        // extended.plugins must name the k-NN plugin exactly as its own descriptor does
        assertEquals(d.getProperty("extended.plugins"), descriptor(zips.knnPlugin()).getProperty("name"));
    }

    @Test
    void pluginClassIsInAJarOfTheZip() throws IOException {
        String classFile = descriptor(zips.rimirecPlugin()).getProperty("classname").replace('.', '/') + ".class";
        try (ZipFile zip = new ZipFile(zips.rimirecPlugin().toFile())) {
            for (ZipEntry e : list(zip.entries())) {
                if (e.getName().endsWith(".jar") && jarContains(zip.getInputStream(e), classFile)) {
                    return;
                }
            }
        }
        fail(classFile + " is in no jar of " + zips.rimirecPlugin());
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** {@code slf4j-api-2.0.17.jar} -> {@code slf4j-api}: everything before the first "-" followed by a digit. */
    static String artifactName(String jarFileName) {
        String base = jarFileName.substring(jarFileName.lastIndexOf('/') + 1).replaceFirst("\\.jar$", "");
        Matcher m = VERSION_START.matcher(base);
        return m.find() ? base.substring(0, m.start()) : base;
    }

    /** Bundled jars whose artifact name is already provided, with where it is provided from. */
    static List<String> duplicates(Collection<String> bundled, Map<String, String> provided) {
        List<String> offenders = new ArrayList<>();
        for (String jar : new TreeSet<>(bundled)) {
            String from = provided.get(artifactName(jar));
            if (from != null) {
                offenders.add(jar + " (already in " + from + ")");
            }
        }
        return offenders;
    }

    /**
     * Artifact name -> where it comes from, for every jar a plugin extending k-NN shares a class loader path with:
     * the distribution's lib/, the k-NN zip, and the modules k-NN itself extends (lang-painless, transport-grpc).
     */
    static Map<String, String> providedJars() throws IOException {
        Map<String, String> provided = new TreeMap<>();
        Properties knn = descriptor(zips.knnPlugin());
        Set<String> extendedModules = new TreeSet<>();
        for (String m : knn.getProperty("extended.plugins", "").split(",")) {
            if (!m.isBlank()) {
                extendedModules.add(m.trim());
            }
        }
        try (ZipFile dist = new ZipFile(zips.distribution().toFile())) {
            for (ZipEntry e : list(dist.entries())) {
                String[] parts = e.getName().split("/");
                // <top>/lib/x.jar, or <top>/modules/<module>/x.jar for a module k-NN extends
                if (parts.length == 3 && parts[1].equals("lib") && parts[2].endsWith(".jar")) {
                    provided.put(artifactName(parts[2]), "the distribution's lib/");
                } else if (parts.length == 4 && parts[1].equals("modules") && extendedModules.contains(parts[2])
                    && parts[3].endsWith(".jar")) {
                    provided.putIfAbsent(artifactName(parts[3]), "module " + parts[2] + " (extended by opensearch-knn)");
                }
            }
        }
        for (String jar : jarsIn(zips.knnPlugin())) {
            provided.putIfAbsent(artifactName(jar), "the opensearch-knn plugin");
        }
        return provided;
    }

    static List<String> jarsIn(java.nio.file.Path zipPath) throws IOException {
        List<String> jars = new ArrayList<>();
        try (ZipFile zip = new ZipFile(zipPath.toFile())) {
            for (ZipEntry e : list(zip.entries())) {
                if (e.getName().endsWith(".jar")) {
                    jars.add(e.getName());
                }
            }
        }
        return jars;
    }

    static Properties descriptor(java.nio.file.Path pluginZip) throws IOException {
        try (ZipFile zip = new ZipFile(pluginZip.toFile())) {
            ZipEntry e = zip.getEntry("plugin-descriptor.properties");
            if (e == null) {
                throw new AssertionError(pluginZip + " has no plugin-descriptor.properties at its root");
            }
            Properties p = new Properties();
            try (InputStream in = zip.getInputStream(e)) {
                p.load(new StringReader(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
            }
            return p;
        }
    }

    private static boolean jarContains(InputStream jar, String entry) throws IOException {
        try (ZipInputStream in = new ZipInputStream(jar)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(entry)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static <T> List<T> list(Enumeration<? extends T> e) {
        List<T> out = new ArrayList<>();
        while (e.hasMoreElements()) {
            out.add(e.nextElement());
        }
        return out;
    }
}
