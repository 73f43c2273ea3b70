package io.rimirec.tools.eval;

import io.rimirec.tools.data.SequenceDataset;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtocolTest {

    static final SequenceDataset DATA = Synthetic.genres(100, 4, 30, 25, 1);

    @Test
    void randomUsersIsASeededPartition() {
        int[][] a = Splits.randomUsers(100, 0.2, 7);
        assertEquals(80, a[0].length);
        assertEquals(20, a[1].length);
        Set<Integer> all = new HashSet<>();
        Arrays.stream(a[0]).forEach(all::add);
        Arrays.stream(a[1]).forEach(all::add);
        assertEquals(100, all.size());
        assertArrayEquals(a[1], Splits.randomUsers(100, 0.2, 7)[1]);
        assertFalse(Arrays.equals(a[1], Splits.randomUsers(100, 0.2, 8)[1]));
    }

    @Test
    void protocolAHoldsOutTheLastTenOfTestUsersOnly() {
        Protocol a = new HimiRecProtocol();
        EvalTask test = a.test(DATA, 42);
        assertEquals(20, test.cases().size());
        assertEquals(80, test.train().numSequences());
        Set<int[]> trainSeqs = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        trainSeqs.addAll(test.train().sequences());
        for (EvalCase c : test.cases()) {
            int[] seq = DATA.sequence(c.user());
            assertFalse(trainSeqs.contains(seq), "test user " + c.user() + " is in the training data");
            assertArrayEquals(Arrays.copyOfRange(seq, 0, seq.length - 10), c.history());
            assertArrayEquals(Arrays.copyOfRange(seq, seq.length - 10, seq.length), c.targets());
        }
        // Validation draws its users from the training users, so test users never appear in it.
        EvalTask val = a.validation(DATA, 42);
        Set<Integer> testUsers = test.cases().stream().map(EvalCase::user).collect(Collectors.toSet());
        assertEquals(16, val.cases().size());
        assertEquals(64, val.train().numSequences());
        for (EvalCase c : val.cases()) {
            assertFalse(testUsers.contains(c.user()));
        }
        for (int[] s : val.train().sequences()) {
            for (EvalCase c : test.cases()) {
                assertNotEquals(DATA.sequence(c.user()), s);
            }
        }
        assertEquals(8, a.metrics().size());
    }

    @Test
    void protocolBHoldsOutTheLastItemAndValidationTheOneBefore() {
        Protocol b = new LeaveOneOutProtocol();
        EvalTask test = b.test(DATA, 0);
        EvalTask val = b.validation(DATA, 0);
        assertEquals(100, test.cases().size());
        for (int u = 0; u < 100; u++) {
            int[] seq = DATA.sequence(u);
            EvalCase tc = test.cases().get(u);
            assertArrayEquals(new int[] {seq[seq.length - 1]}, tc.targets());
            assertArrayEquals(Arrays.copyOf(seq, seq.length - 1), test.train().sequences().get(u));
            EvalCase vc = val.cases().get(u);
            assertArrayEquals(new int[] {seq[seq.length - 2]}, vc.targets());
            assertArrayEquals(Arrays.copyOf(seq, seq.length - 2), val.train().sequences().get(u));
            assertArrayEquals(Arrays.copyOf(seq, seq.length - 2), vc.history());
        }
        assertTrue(b.metrics().stream().allMatch(MetricSpec::maskHistory));
    }
}
