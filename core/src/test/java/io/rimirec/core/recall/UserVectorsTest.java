package io.rimirec.core.recall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.rimirec.core.split.BehaviourSplit;
import io.rimirec.core.tree.CirclePath;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserVectorsTest {

    static final List<HistoryItem> HISTORY = List.of(
        new HistoryItem("a", new float[] {3, 0}, CirclePath.of(0, 1)),
        new HistoryItem("b", new float[] {0, 4}, CirclePath.of(1, 0)),
        new HistoryItem("c", new float[] {1, 0}, CirclePath.of(0, 2)));

    @Test
    void eachCircleGetsTheUnitMeanOfItsSliceAndAnEmptySliceTheWholeHistory() {
        List<BehaviourSplit.Slice> slices = BehaviourSplit.split(HISTORY.stream().map(HistoryItem::leaf).toList(),
            List.of(CirclePath.of(0), CirclePath.of(1), CirclePath.of(2)), 10);
        float[][] v = UserVectors.MEAN_OF_SLICE.embed(HISTORY, slices);
        assertArrayEquals(new float[] {1, 0}, v[0], 1e-6f);                     // a + c point along x
        assertArrayEquals(new float[] {0, 1}, v[1], 1e-6f);                     // b alone
        assertArrayEquals(new float[] {0.7071068f, 0.7071068f}, v[2], 1e-6f);   // nothing in circle 2: (4, 4) normalised
    }

    @Test
    void oppositeItemsSumToZeroAndStayZero() {
        List<HistoryItem> h = List.of(new HistoryItem("a", new float[] {1, 0}, CirclePath.of(0)),
            new HistoryItem("b", new float[] {-1, 0}, CirclePath.of(0)));
        float[][] v = UserVectors.MEAN_OF_SLICE.embed(h, BehaviourSplit.split(List.of(CirclePath.of(0), CirclePath.of(0)),
            List.of(CirclePath.of(0)), 10));
        assertArrayEquals(new float[] {0, 0}, v[0], 0f);
    }
}
