package io.rimirec.tools.data.synthetic;

import io.rimirec.core.vector.Vectors;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticCatalogueTest {

    private static final SyntheticOptions OPTIONS = SyntheticOptions.defaults(4000, 32).withTopics(5, 4);

    @Test
    void sameSeedSameCatalogueAndItemsStandAlone() {
        SyntheticCatalogue a = SyntheticCatalogue.generate(OPTIONS);
        SyntheticCatalogue b = SyntheticCatalogue.generate(OPTIONS);
        float[][] directions = SyntheticCatalogue.directions(OPTIONS);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.vector(i), b.vector(i), 0f);
            SyntheticCatalogue.Item alone = SyntheticCatalogue.item(OPTIONS, directions, i);
            assertArrayEquals(a.vector(i), alone.vector(), 0f);
            assertEquals(a.topic(i), alone.topic());
            assertEquals(a.subtopic(i), alone.subtopic());
        }
        SyntheticCatalogue other = SyntheticCatalogue.generate(OPTIONS.withSeed(43));
        assertFalse(java.util.Arrays.equals(a.vector(0), other.vector(0)));
        assertEquals("i17", a.toVectorSet().ids().get(17));
    }

    @Test
    void vectorsAreUnitLengthAndFollowThePlantedHierarchy() {
        SyntheticCatalogue c = SyntheticCatalogue.generate(OPTIONS);
        double sameSub = 0, sameTopic = 0, otherTopic = 0;
        int nSub = 0, nTopic = 0, nOther = 0;
        for (int i = 0; i < 600; i++) {
            assertEquals(1.0, Vectors.norm(c.vector(i)), 1e-5);
            for (int j = i + 1; j < 600; j++) {
                double cos = Vectors.cosine(c.vector(i), c.vector(j));
                if (c.subtopicKey(i) == c.subtopicKey(j)) {
                    sameSub += cos;
                    nSub++;
                } else if (c.topic(i) == c.topic(j)) {
                    sameTopic += cos;
                    nTopic++;
                } else {
                    otherTopic += cos;
                    nOther++;
                }
            }
        }
        sameSub /= nSub;
        sameTopic /= nTopic;
        otherTopic /= nOther;
        // The documented shape: about 0.9 within a sub-topic, 0.7 within a topic, 0 across topics.
        assertEquals(0.9, sameSub, 0.05);
        assertEquals(0.7, sameTopic, 0.08);
        assertEquals(0.0, otherTopic, 0.1);
    }

    @Test
    void topicsAreUniformUnlessSkewed() {
        int[] uniform = topicCounts(SyntheticCatalogue.generate(OPTIONS));
        for (int count : uniform) {
            assertEquals(800, count, 100);
        }
        int[] skewed = topicCounts(SyntheticCatalogue.generate(OPTIONS.withShape(0.6, 0.35, 1.5)));
        for (int t = 1; t < skewed.length; t++) {
            assertTrue(skewed[t] < skewed[t - 1], "popularity falls with rank: " + java.util.Arrays.toString(skewed));
        }
    }

    private static int[] topicCounts(SyntheticCatalogue c) {
        int[] out = new int[c.options().topics()];
        for (int i = 0; i < c.size(); i++) {
            out[c.topic(i)]++;
            assertTrue(c.subtopic(i) >= 0 && c.subtopic(i) < c.options().subtopics());
        }
        return out;
    }

    @Test
    void usersHaveAHeavySubtopicAndALightOtherTopic() {
        SyntheticCatalogue c = SyntheticCatalogue.generate(OPTIONS);
        List<SyntheticUsers.User> users = SyntheticUsers.generate(c, new SyntheticUsers.Options(200, 40, 0.75, 3));
        assertEquals(200, users.size());
        long heavy = 0, total = 0;
        for (SyntheticUsers.User u : users) {
            assertNotEquals(u.heavyTopic(), u.lightTopic());
            assertEquals(40, u.history().length);
            for (int item : u.history()) {
                boolean inHeavy = c.topic(item) == u.heavyTopic() && c.subtopic(item) == u.heavySubtopic();
                assertTrue(inHeavy || c.topic(item) == u.lightTopic(), "item " + item + " is outside both interests");
                heavy += inHeavy ? 1 : 0;
                total++;
            }
        }
        assertEquals(0.75, (double) heavy / total, 0.03);
        assertEquals(users.get(5).history()[3],
            SyntheticUsers.generate(c, new SyntheticUsers.Options(200, 40, 0.75, 3)).get(5).history()[3], "seeded");
    }

    @Test
    void optionsAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyntheticOptions.defaults(0, 8));
        assertTrue(e.getMessage().contains("items must be >= 1"));
        assertThrows(IllegalArgumentException.class, () -> SyntheticOptions.defaults(10, 1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticOptions.defaults(10, 8).withTopics(0, 3));
        assertThrows(IllegalArgumentException.class, () -> SyntheticOptions.defaults(10, 8).withShape(0.5, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticUsers.Options(1, 1, 1.5, 0));
    }
}
