package io.rimirec.plugin.knn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KnnEngineGuardTests {

    @TempDir
    Path tmp;

    @Test
    void aKnnVectorWithoutTheLuceneEngineIsFoundByItsPathAndALuceneOneIsNot() {
        Map<String, Object> lucene = Map.of("type", "knn_vector", "dimension", 8, "method",
            Map.of("name", "hnsw", "engine", "lucene", "space_type", "l2"));
        assertNull(KnnEngineGuard.nativeField(Map.of("properties", Map.of("v", lucene)), ""));
        assertEquals("v", KnnEngineGuard.nativeField(Map.of("properties", Map.of("v", Map.of("type", "knn_vector", "dimension", 8))), ""),
            "no engine: the k-NN default, faiss");
        assertEquals("meta.emb", KnnEngineGuard.nativeField(Map.of("_doc", Map.of("properties", Map.of("meta", Map.of("properties",
            Map.of("emb", Map.of("type", "knn_vector", "method", Map.of("name", "hnsw", "engine", "nmslib"))))))), ""));
        assertNull(KnnEngineGuard.nativeField(Map.of("properties", Map.of("v", Map.of("type", "knn_vector", "model_id", "m"))), ""),
            "a trained-model field: the model decides, and needs the native engine to have been trained at all");
        assertNull(KnnEngineGuard.nativeField(List.of(Map.of("properties", Map.of("t", Map.of("type", "keyword")))), ""));
    }

    @Test
    void theGuardIsOnOnlyWhereTheKnnPluginIsInstalledWithoutItsNativeLibraries() throws Exception {
        Path knn = Files.createDirectories(tmp.resolve("plugins/opensearch-knn"));
        Files.writeString(knn.resolve("opensearch-knn-3.6.0.0.jar"), "");
        assertTrue(KnnEngineGuard.nativeLibrariesMissing(knn, ""), "the Maven Central zip: jars only");
        Path lib = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(lib.resolve("libopensearchknn_faiss_avx2.so"), "");
        assertFalse(KnnEngineGuard.nativeLibrariesMissing(knn, "/nowhere:" + lib), "found on the library path");
        Files.writeString(Files.createDirectories(knn.resolve("lib")).resolve("libopensearchknn_faiss.so"), "");
        assertFalse(KnnEngineGuard.nativeLibrariesMissing(knn, ""), "the distribution's bundled k-NN");
        assertFalse(KnnEngineGuard.nativeLibrariesMissing(tmp.resolve("plugins/none"), ""), "no k-NN plugin at all");
    }
}
