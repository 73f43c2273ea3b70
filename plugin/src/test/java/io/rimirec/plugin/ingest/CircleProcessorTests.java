package io.rimirec.plugin.ingest;

import io.rimirec.core.codebook.Codebook;
import io.rimirec.core.codebook.CodebookOptions;
import io.rimirec.core.codebook.CodebookTrainer;
import io.rimirec.core.codebook.PackedCodes;
import io.rimirec.core.codebook.Residual;
import io.rimirec.core.vector.Vectors;
import io.rimirec.plugin.TestTrees;
import io.rimirec.plugin.model.TestModels;
import io.rimirec.plugin.model.UnknownModelException;

import org.opensearch.OpenSearchParseException;
import org.opensearch.ingest.IngestDocument;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class CircleProcessorTests {

    @TempDir
    Path workDir;
    private CircleProcessor.Factory factory;

    @BeforeEach
    void setUp() throws Exception {
        factory = new CircleProcessor.Factory(TestModels.provider(Map.of(
            "m1", TestModels.loaded("m1", TestTrees.twoLevel(), workDir),
            "coded", TestModels.loaded("coded", TestTrees.twoLevel(), CODEBOOK, workDir))));
    }

    /** A 2-d cosine codebook (the test tree's dimension): 2 layers of 8 codes over directions around the circle. */
    private static final Codebook CODEBOOK;

    static {
        float[][] v = new float[400][];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < v.length; i++) {
            double a = rng.nextDouble() * 2 * Math.PI;
            double r = 0.5 + rng.nextDouble();
            v[i] = new float[] {(float) (r * Math.cos(a)), (float) (r * Math.sin(a))};
        }
        CODEBOOK = new CodebookTrainer(CodebookOptions.defaults(Residual.COSINE).withLayers(2).withK(8)).train(v, null).codebook();
    }

    @Test
    void testStampsCodesWhenTheModelHasACodebook() throws Exception {
        IngestDocument d = run(processor(Map.of("model", "coded")), doc(Map.of("item_vector", List.of(0.9, -0.3))));
        byte[] packed = PackedCodes.fromBase64(d.getFieldValue("item_codes", String.class));
        float[] back = CODEBOOK.decode(PackedCodes.unpack(CODEBOOK, packed));
        assertTrue(Vectors.cosine(new float[] {0.9f, -0.3f}, back) > 0.99f, java.util.Arrays.toString(back));
        assertEquals(List.of("0", "0/1"), d.getFieldValue("circles", List.class));

        d = run(processor(Map.of("model", "coded", "codes_field", "meta.codes")), doc(Map.of("item_vector", List.of(0.9, -0.3))));
        assertTrue(d.hasField("meta.codes"));

        // Off by choice, or nothing to stamp with: no codes field.
        d = run(processor(Map.of("model", "coded", "codes", false)), doc(Map.of("item_vector", List.of(0.9, -0.3))));
        assertFalse(d.hasField("item_codes"));
        d = run(processor(Map.of()), doc(Map.of("item_vector", List.of(0.9, -0.3))));
        assertFalse(d.hasField("item_codes"));

        OpenSearchParseException e = assertThrows(OpenSearchParseException.class, () -> processor(Map.of("codes_field", "circles")));
        assertContains(e.getMessage(), "[codes_field] must differ from vector_field, circles_field and leaf_field, got [circles]");
    }

    /** Runs the processor the way a pipeline does (asynchronously) and returns the document or throws its error. */
    private static IngestDocument run(CircleProcessor p, IngestDocument d) throws Exception {
        Object[] out = new Object[2];
        p.execute(d, (doc, e) -> {
            out[0] = doc;
            out[1] = e;
        });
        if (out[1] != null) {
            throw (Exception) out[1];
        }
        return (IngestDocument) out[0];
    }

    private CircleProcessor processor(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.putIfAbsent("model", "m1");
        return factory.create(Map.of(), "tag", null, config);
    }

    private static IngestDocument doc(Map<String, Object> source) {
        return new IngestDocument("items", "1", null, null, null, new HashMap<>(source));
    }

    @Test
    void testStampsEveryPrefixAndTheLeaf() throws Exception {
        CircleProcessor p = processor(Map.of());
        IngestDocument d = run(p, doc(Map.of("item_vector", List.of(0.9, -0.3))));
        assertEquals(List.of("0", "0/1"), d.getFieldValue("circles", List.class));
        assertEquals("0/1", d.getFieldValue("circle_leaf", String.class));

        d = run(p, doc(Map.of("item_vector", List.of(0.1, 0.9))));
        assertEquals(List.of("1"), d.getFieldValue("circles", List.class));
        assertEquals("1", d.getFieldValue("circle_leaf", String.class));
    }

    @Test
    void testStampsTheModelsTreeUnlessTurnedOff() throws Exception {
        String stamp = TestTrees.twoLevel().stamp();
        assertEquals(16, stamp.length());
        IngestDocument d = run(processor(Map.of()), doc(Map.of("item_vector", List.of(0.9, -0.3))));
        assertEquals(stamp, d.getFieldValue("circle_tree", String.class));
        d = run(processor(Map.of("tree_field", "meta.tree")), doc(Map.of("item_vector", List.of(0.9, -0.3))));
        assertEquals(stamp, d.getFieldValue("meta.tree", String.class));
        d = run(processor(Map.of("tree", false)), doc(Map.of("item_vector", List.of(0.9, -0.3))));
        assertFalse(d.hasField("circle_tree"));

        OpenSearchParseException e = assertThrows(OpenSearchParseException.class, () -> processor(Map.of("tree_field", "circle_leaf")));
        assertContains(e.getMessage(), "[tree_field] must differ from the processor's other fields, got [circle_leaf]");
        processor(Map.of("tree_field", "circle_leaf", "tree", false)); // not written, so no conflict
    }

    @Test
    void testCustomFieldNamesAndNestedVectorField() throws Exception {
        CircleProcessor p = processor(Map.of("vector_field", "emb.v", "circles_field", "c", "leaf_field", "meta.leaf"));
        IngestDocument d = run(p, doc(Map.of("emb", new HashMap<>(Map.of("v", List.of(0.9f, 0.3f))))));
        assertEquals(List.of("0", "0/0"), d.getFieldValue("c", List.class));
        assertEquals("0/0", d.getFieldValue("meta.leaf", String.class));
    }

    @Test
    void testMissingVectorFailsWithFieldNameUnlessIgnored() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(processor(Map.of()), doc(Map.of("title", "x"))));
        assertContains(e.getMessage(), "field [item_vector] is missing");

        IngestDocument d = run(processor(Map.of("ignore_missing", true)), doc(Map.of("title", "x")));
        assertFalse(d.hasField("circles"));
        assertFalse(d.hasField("circle_leaf"));
    }

    @Test
    void testWrongDimensionNamesFieldModelAndDimensions() throws Exception {
        IllegalArgumentException e = assertThrows(
            IllegalArgumentException.class,
            () -> run(processor(Map.of()), doc(Map.of("item_vector", List.of(1, 2, 3))))
        );
        assertContains(e.getMessage(), "model [m1]");
        assertContains(e.getMessage(), "field [item_vector] has 3 values but 2 are expected");
    }

    @Test
    void testDegenerateVectorsAreRefusedNamingTheFieldInsteadOfLandingInTheFirstLeaf() throws Exception {
        String[][] cases = {
            {"0.0", "0.0", "field [item_vector] is a zero vector: a cosine model cannot place it"},
            {"1e20", "-1e20", "field [item_vector] has a norm of 1.41e+20, too large for single-precision similarity"},
            {"1e-24", "0", "field [item_vector] has a norm of 1.00e-24, too small for single-precision similarity"}};
        for (String[] c : cases) {
            List<Double> v = List.of(Double.parseDouble(c[0]), Double.parseDouble(c[1]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(processor(Map.of()), doc(Map.of("item_vector", v))), v.toString());
            assertContains(e.getMessage(), "model [m1]");
            assertContains(e.getMessage(), c[2]);
        }
        // Large and small scales that float still holds are placed by direction, as the unit vector is.
        for (double scale : new double[] {1e-15, 1, 1e15}) {
            IngestDocument d = run(processor(Map.of()), doc(Map.of("item_vector", List.of(0.9 * scale, -0.3 * scale))));
            assertEquals(List.of("0", "0/1"), d.getFieldValue("circles", List.class), "scale " + scale);
        }
    }

    @Test
    void testNonNumericValueNamesPosition() throws Exception {
        IllegalArgumentException e = assertThrows(
            IllegalArgumentException.class,
            () -> run(processor(Map.of()), doc(Map.of("item_vector", List.of(1.0, "abc"))))
        );
        assertContains(e.getMessage(), "value at position 1 is the string \"abc\": expected a number");

        e = assertThrows(IllegalArgumentException.class, () -> run(processor(Map.of()), doc(Map.of("item_vector", "1,2"))));
        assertContains(e.getMessage(), "must be an array of numbers of dimension 2");
    }

    @Test
    void testUnknownModelFailsEachDocumentWithA404() throws Exception {
        UnknownModelException e = assertThrows(UnknownModelException.class,
            () -> run(processor(Map.of("model", "nope")), doc(Map.of("item_vector", List.of(1, 0)))));
        assertContains(e.getMessage(), "unknown model [nope]");
        assertEquals(404, e.status().getStatus());
    }

    @Test
    void testInvalidModelIdAndConflictingFields() throws Exception {
        OpenSearchParseException e = assertThrows(OpenSearchParseException.class, () -> processor(Map.of("model", "../etc")));
        assertContains(e.getMessage(), "invalid model id");

        e = assertThrows(OpenSearchParseException.class, () -> processor(Map.of("circles_field", "x", "leaf_field", "x")));
        assertContains(e.getMessage(), "must differ from circles_field");

        e = assertThrows(OpenSearchParseException.class, () -> processor(Map.of("vector_field", "circles")));
        assertContains(e.getMessage(), "must differ");
    }

    @Test
    void testMissingModelPropertyIsAConfigurationError() throws Exception {
        Map<String, Object> config = new HashMap<>();
        OpenSearchParseException e = assertThrows(OpenSearchParseException.class, () -> factory.create(Map.of(), "t", null, config));
        assertContains(e.getMessage(), "[model] required property is missing");
    }

    static void assertContains(String message, String expected) {
        assertTrue(message != null && message.contains(expected), () -> "expected [" + expected + "] in: " + message);
    }
}
