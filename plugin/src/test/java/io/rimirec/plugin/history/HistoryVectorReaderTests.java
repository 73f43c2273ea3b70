package io.rimirec.plugin.history;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;
import org.opensearch.index.mapper.Uid;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HistoryVectorReaderTests {

    private static Document item(String id, float[] vector) {
        Document d = new Document();
        d.add(new StringField("_id", Uid.encodeId(id), Field.Store.YES));
        if (vector != null) {
            d.add(new KnnFloatVectorField("vec", vector, VectorSimilarityFunction.COSINE));
        }
        return d;
    }

    @Test
    void readsVectorsAcrossSegmentsAndLeavesTheRestUnresolved() throws Exception {
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
                for (int i = 0; i < 30; i++) {
                    w.addDocument(item("item" + i, new float[] {i, 1f, -i}));
                    if (i % 10 == 9) {
                        w.commit(); // several segments
                    }
                }
                w.addDocument(item("novector", null));
                Document bytes = new Document();
                bytes.add(new StringField("_id", Uid.encodeId("bytes"), Field.Store.YES));
                bytes.add(new KnnByteVectorField("bvec", new byte[] {1, 2, 3}, VectorSimilarityFunction.COSINE));
                w.addDocument(bytes);
                w.deleteDocuments(new Term("_id", Uid.encodeId("item7")));
                // An update: the old version is deleted, the new one carries the new vector.
                w.updateDocument(new Term("_id", Uid.encodeId("item12")), item("item12", new float[] {9f, 9f, 9f}));
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                HistoryVectorReader.Result r = HistoryVectorReader.read(reader, "vec",
                    List.of("item3", "item25", "item7", "unknown", "item12", "novector", "item3"));
                assertEquals(List.of("item3", "item25", "item12"), List.copyOf(r.vectors().keySet()));
                assertArrayEquals(new float[] {3f, 1f, -3f}, r.vectors().get("item3"));
                assertArrayEquals(new float[] {25f, 1f, -25f}, r.vectors().get("item25"));
                assertArrayEquals(new float[] {9f, 9f, 9f}, r.vectors().get("item12"), "the live version of an updated item");
                assertEquals(List.of("item7", "unknown", "novector"), r.unresolved(), "deleted, unknown and vector-less ids are left to the multi-get");

                HistoryVectorReader.Result bytesField = HistoryVectorReader.read(reader, "bvec", List.of("bytes"));
                assertEquals(List.of("bytes"), bytesField.unresolved(), "a byte vector field is not read as floats");
                HistoryVectorReader.Result noField = HistoryVectorReader.read(reader, "nofield", List.of("item1"));
                assertEquals(List.of("item1"), noField.unresolved());
            }
        }
    }
}
