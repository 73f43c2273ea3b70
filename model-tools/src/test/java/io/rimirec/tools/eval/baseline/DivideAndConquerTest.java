package io.rimirec.tools.eval.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.eval.EvalTask;
import io.rimirec.tools.eval.FitContext;
import io.rimirec.tools.eval.HimiRecProtocol;
import io.rimirec.tools.eval.Query;
import io.rimirec.tools.eval.Recommender;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.eval.Synthetic;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Divide &amp; Conquer on the planted-genre set (users stay inside one of 6 genres): its k-means clusters must find the
 * genres, its per-cluster search must find a test user's genre (which popularity cannot), and the quota merge must
 * share the places by the history's weight per cluster.
 */
class DivideAndConquerTest {

    static final int GENRES = 6;
    static final SequenceDataset DATA = Synthetic.genres(300, GENRES, 30, 24, 11);
    static final FitContext CTX = new FitContext(1, 2, new PrintStream(OutputStream.nullOutputStream()));
    static final Settings SIX = DivideAndConquer.defaults().with("dim", 8).with("clusters", GENRES);

    @Test
    void theClustersAreTheGenres() {
        EvalTask task = new HimiRecProtocol().test(DATA, 5);
        DivideAndConquer.Partition p = DivideAndConquer.partition(task.train(), 8, GENRES, CTX);
        int pure = 0;
        int total = 0;
        for (int[] members : p.members()) {
            int[] byGenre = new int[GENRES];
            for (int item : members) {
                byGenre[Synthetic.genreOf(item, GENRES)]++;
            }
            pure += java.util.Arrays.stream(byGenre).max().orElse(0);
            total += members.length;
        }
        assertTrue(pure >= 0.95 * total, "cluster purity " + pure + "/" + total);
    }

    @Test
    void findsThePlantedGenresWhichPopularityCannot() {
        double pop = BaselinesTest.recall20(new Popularity().create(Settings.of()));
        double dnc = BaselinesTest.recall20(new DivideAndConquer().create(SIX));
        // 20 candidates from the 16 unseen items of the user's genre hold all 10 targets when the cluster is the genre.
        assertTrue(dnc > 0.95, "dnc recall@20 " + dnc);
        assertTrue(pop < 0.3, "popularity " + pop);
    }

    @Test
    void quotasFollowTheHistorysShareOfEachCluster() {
        EvalTask task = new HimiRecProtocol().test(DATA, 5);
        try (Recommender r = new DivideAndConquer().create(SIX)) {
            r.fit(task.train(), CTX);
            // Three items of genre 0 and one of genre 1: alpha 1 gives 6 of 8 places to genre 0 and 2 to genre 1.
            int[] history = {0, 6, 12, 1};
            int[] top = r.recommend(List.of(Query.excludingHistory(history)), 8)[0];
            int[] byGenre = new int[GENRES];
            for (int item : top) {
                byGenre[Synthetic.genreOf(item, GENRES)]++;
            }
            assertEquals(8, top.length);
            assertEquals(6, byGenre[0], java.util.Arrays.toString(top));
            assertEquals(2, byGenre[1], java.util.Arrays.toString(top));
        }
        try (Recommender equal = new DivideAndConquer().create(SIX.with("alpha", 0.0))) {
            equal.fit(task.train(), CTX);
            int[] top = equal.recommend(List.of(Query.excludingHistory(new int[] {0, 6, 12, 1})), 8)[0];
            long genre1 = java.util.Arrays.stream(top).filter(i -> Synthetic.genreOf(i, GENRES) == 1).count();
            assertEquals(4, genre1, "alpha 0: equal quotas");
        }
    }
}
