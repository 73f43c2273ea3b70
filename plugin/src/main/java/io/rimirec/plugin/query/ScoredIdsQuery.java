package io.rimirec.plugin.query;

import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Matches the documents whose {@code field} term is one of the given terms and scores each with its own given
 * score; the explanation of a hit is its given description. This is what a resolved {@code rimirec} query runs on
 * the shards: the coordinator already decided the hits, their order and why.
 */
final class ScoredIdsQuery extends Query {

    private final String field;
    private final BytesRef[] terms;
    private final float[] scores;
    private final String[] descriptions;
    private final String summary;

    ScoredIdsQuery(String field, List<BytesRef> terms, float[] scores, String[] descriptions) {
        this(field, terms, scores, descriptions, "");
    }

    /** @param summary shown by {@link #toString} (and so by the profile API): how the ids were found */
    ScoredIdsQuery(String field, List<BytesRef> terms, float[] scores, String[] descriptions, String summary) {
        if (terms.size() != scores.length || scores.length != descriptions.length) {
            throw new IllegalArgumentException("terms, scores and descriptions must have the same length");
        }
        this.field = field;
        this.terms = terms.toArray(new BytesRef[0]);
        this.scores = scores.clone();
        this.descriptions = descriptions.clone();
        this.summary = summary == null ? "" : summary;
    }

    @Override
    public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
        return new Weight(this) {
            @Override
            public ScorerSupplier scorerSupplier(LeafReaderContext context) throws IOException {
                int[][] docsAndSlots = matchingDocs(context);
                if (docsAndSlots == null) {
                    return null;
                }
                int[] docs = docsAndSlots[0];
                int[] slots = docsAndSlots[1];
                return new ScorerSupplier() {
                    @Override
                    public Scorer get(long leadCost) {
                        return new ArrayScorer(docs, slots, boost);
                    }

                    @Override
                    public long cost() {
                        return docs.length;
                    }
                };
            }

            @Override
            public Explanation explain(LeafReaderContext context, int doc) throws IOException {
                int[][] docsAndSlots = matchingDocs(context);
                if (docsAndSlots != null) {
                    int i = Arrays.binarySearch(docsAndSlots[0], doc);
                    if (i >= 0) {
                        int slot = docsAndSlots[1][i];
                        return Explanation.match(scores[slot] * boost, descriptions[slot]);
                    }
                }
                return Explanation.noMatch("not among the ids chosen by the rimirec query");
            }

            @Override
            public boolean isCacheable(LeafReaderContext ctx) {
                return true;
            }
        };
    }

    /** The matching docs of one segment in doc order, with the slot (index into terms) of each; null when none. */
    private int[][] matchingDocs(LeafReaderContext context) throws IOException {
        Terms indexTerms = context.reader().terms(field);
        if (indexTerms == null) {
            return null;
        }
        TermsEnum te = indexTerms.iterator();
        int[] docs = new int[terms.length];
        int[] slots = new int[terms.length];
        int n = 0;
        PostingsEnum postings = null;
        for (int slot = 0; slot < terms.length; slot++) {
            if (!te.seekExact(terms[slot])) {
                continue;
            }
            postings = te.postings(postings, PostingsEnum.NONE);
            for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
                if (n == docs.length) {
                    docs = Arrays.copyOf(docs, n * 2 + 1);
                    slots = Arrays.copyOf(slots, n * 2 + 1);
                }
                docs[n] = d;
                slots[n] = slot;
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        // Sort (doc, slot) pairs by doc: pack into longs so one primitive sort does it.
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            packed[i] = ((long) docs[i] << 32) | (slots[i] & 0xffffffffL);
        }
        Arrays.sort(packed);
        int[] sortedDocs = new int[n];
        int[] sortedSlots = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            int d = (int) (packed[i] >>> 32);
            if (m > 0 && sortedDocs[m - 1] == d) {
                continue; // one document listed under two ids cannot happen for _id; keep the first anyway
            }
            sortedDocs[m] = d;
            sortedSlots[m] = (int) packed[i];
            m++;
        }
        return new int[][] {Arrays.copyOf(sortedDocs, m), Arrays.copyOf(sortedSlots, m)};
    }

    private final class ArrayScorer extends Scorer {
        private final int[] docs;
        private final int[] slots;
        private final float boost;
        private int index = -1;
        private final DocIdSetIterator iterator = new DocIdSetIterator() {
            @Override
            public int docID() {
                return index < 0 ? -1 : index >= docs.length ? NO_MORE_DOCS : docs[index];
            }

            @Override
            public int nextDoc() {
                index++;
                return docID();
            }

            @Override
            public int advance(int target) {
                int i = Arrays.binarySearch(docs, Math.max(index + 1, 0), docs.length, target);
                index = i >= 0 ? i : -i - 1;
                return docID();
            }

            @Override
            public long cost() {
                return docs.length;
            }
        };

        ArrayScorer(int[] docs, int[] slots, float boost) {
            this.docs = docs;
            this.slots = slots;
            this.boost = boost;
        }

        @Override
        public int docID() {
            return iterator.docID();
        }

        @Override
        public DocIdSetIterator iterator() {
            return iterator;
        }

        @Override
        public float getMaxScore(int upTo) {
            float max = 0f;
            for (int i = Math.max(index, 0); i < docs.length && docs[i] <= upTo; i++) {
                max = Math.max(max, scores[slots[i]] * boost);
            }
            return max;
        }

        @Override
        public float score() {
            return scores[slots[index]] * boost;
        }
    }

    @Override
    public String toString(String defaultField) {
        return "rimirec_scored_ids(" + field + ", " + terms.length + " ids" + (summary.isEmpty() ? "" : "; " + summary) + ")";
    }

    @Override
    public void visit(QueryVisitor visitor) {
        visitor.visitLeaf(this);
    }

    @Override
    public boolean equals(Object o) {
        if (!sameClassAs(o)) {
            return false;
        }
        ScoredIdsQuery other = (ScoredIdsQuery) o;
        return field.equals(other.field)
            && Arrays.equals(terms, other.terms)
            && Arrays.equals(scores, other.scores)
            && Arrays.equals(descriptions, other.descriptions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(classHash(), field, Arrays.hashCode(terms), Arrays.hashCode(scores), Arrays.hashCode(descriptions));
    }
}
