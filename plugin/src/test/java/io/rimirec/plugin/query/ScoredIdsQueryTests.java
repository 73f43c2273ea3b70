package io.rimirec.plugin.query;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.opensearch.index.mapper.Uid;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoredIdsQueryTests {

    @Test
    void matchesOnlyListedIdsWithTheirScoresAndExplanations() throws Exception {
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
                for (int i = 0; i < 50; i++) {
                    Document d = new Document();
                    d.add(new StringField("_id", Uid.encodeId("item" + i), Field.Store.YES));
                    w.addDocument(d);
                    if (i % 10 == 9) {
                        w.commit(); // several segments
                    }
                }
                w.deleteDocuments(new Term("_id", Uid.encodeId("item7")));
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                List<BytesRef> terms = new ArrayList<>();
                for (String id : new String[] {"item3", "item42", "item7", "missing", "item18"}) {
                    terms.add(Uid.encodeId(id));
                }
                ScoredIdsQuery q = new ScoredIdsQuery(
                    "_id",
                    terms,
                    new float[] {5f, 4f, 3f, 2f, 1f},
                    new String[] {"first", "second", "deleted", "absent", "last"}
                );
                TopDocs top = searcher.search(q, 10);
                assertEquals(3, top.totalHits.value(), "item7 is deleted and 'missing' does not exist");
                float[] expected = {5f, 4f, 1f};
                String[] explanations = {"first", "second", "last"};
                for (int i = 0; i < 3; i++) {
                    ScoreDoc sd = top.scoreDocs[i];
                    assertEquals(expected[i], sd.score);
                    Explanation e = searcher.explain(q, sd.doc);
                    assertTrue(e.isMatch());
                    assertEquals(explanations[i], e.getDescription());
                }
                // A document that is not listed explains as a non-match.
                assertFalse(searcher.explain(q, 0).isMatch());
                // Boost multiplies the scores.
                TopDocs boosted = searcher.search(new org.apache.lucene.search.BoostQuery(q, 2f), 1);
                assertEquals(10f, boosted.scoreDocs[0].score);
            }
        }
    }
}
