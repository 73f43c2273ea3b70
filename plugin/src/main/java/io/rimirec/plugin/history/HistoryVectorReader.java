package io.rimirec.plugin.history;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.opensearch.index.mapper.IdFieldMapper;
import org.opensearch.index.mapper.Uid;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Reads the vectors of documents by {@code _id} straight from a shard's Lucene vector values: a term lookup on
 * {@code _id} and one vector read per item, where a multi-get would decompress each document's stored-fields block
 * and parse and re-serialise its {@code _source} (most of the history fetch's time in the query benchmark).
 *
 * <p>Only what the searcher can see is answered: an id it does not find (not refreshed yet, or not there at all), a
 * document without vector values in {@code field} (another field type, byte vectors) is returned as unresolved, and
 * the caller reads those the old way, so answers never differ from a real-time multi-get's.
 */
public final class HistoryVectorReader {

    private HistoryVectorReader() {}

    /** Vectors found, in request order, and the ids left for the caller to read otherwise. */
    public record Result(Map<String, float[]> vectors, List<String> unresolved) {}

    public static Result read(IndexReader reader, String field, List<String> ids) throws IOException {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        LinkedHashSet<String> unresolved = new LinkedHashSet<>();
        List<LeafReaderContext> leaves = reader.leaves();
        TermsEnum[] idTerms = new TermsEnum[leaves.size()];
        FloatVectorValues[] values = new FloatVectorValues[leaves.size()];
        boolean[] valuesLoaded = new boolean[leaves.size()];
        PostingsEnum postings = null;
        for (String id : ids) {
            if (vectors.containsKey(id)) {
                continue; // a history may repeat an item
            }
            BytesRef uid = Uid.encodeId(id);
            float[] vector = null;
            boolean found = false;
            for (int l = 0; l < leaves.size() && !found; l++) {
                LeafReader leaf = leaves.get(l).reader();
                if (idTerms[l] == null) {
                    Terms terms = leaf.terms(IdFieldMapper.NAME);
                    if (terms == null) {
                        continue;
                    }
                    idTerms[l] = terms.iterator();
                }
                if (!idTerms[l].seekExact(uid)) {
                    continue;
                }
                postings = idTerms[l].postings(postings, PostingsEnum.NONE);
                Bits live = leaf.getLiveDocs();
                int doc = -1;
                // The root document of a nested block comes last, so the last live match is the item itself.
                for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
                    if (live == null || live.get(d)) {
                        doc = d;
                    }
                }
                if (doc < 0) {
                    continue;
                }
                found = true;
                if (!valuesLoaded[l]) {
                    valuesLoaded[l] = true;
                    values[l] = floatValues(leaf, field);
                }
                if (values[l] != null) {
                    KnnVectorValues.DocIndexIterator it = values[l].iterator();
                    if (it.advance(doc) == doc) {
                        vector = values[l].vectorValue(it.index()).clone();
                    }
                }
            }
            if (vector != null) {
                vectors.put(id, vector);
            } else {
                unresolved.add(id);
            }
        }
        return new Result(vectors, new ArrayList<>(unresolved));
    }

    private static FloatVectorValues floatValues(LeafReader leaf, String field) throws IOException {
        if (leaf.getFieldInfos().fieldInfo(field) == null) {
            return null;
        }
        try {
            return leaf.getFloatVectorValues(field);
        } catch (IllegalStateException e) {
            return null; // not a float vector field here (byte vectors, or not a vector field at all)
        }
    }
}
