package io.rimirec.tools.train.pipeline;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FitSettingsTest {

    @Test
    void defaultsFollowTheDataShape() {
        FitSettings.Chosen ml1m = FitSettings.forData(new FitSettings.DataShape(6040, 3706, 1_000_209, 96, -1), false);
        assertEquals(FitSettings.EVALUATION, ml1m.settings(), "ML-1M's shape gets the evaluated configuration");
        FitSettings.Chosen small = FitSettings.forData(new FitSettings.DataShape(943, 1682, 100_000, 65, -1), false);
        assertEquals(32, small.settings().dim());
        assertEquals(210, small.settings().c(), "items / 8 so the tree has two levels under the root");
        assertEquals(4, small.settings().samplesPerUser());
        assertTrue(small.reasons().get("c").contains("two levels"));
        FitSettings.Chosen sparse = FitSettings.forData(new FitSettings.DataShape(22_000, 12_000, 200_000, 7, 384), true);
        assertEquals(RimirecPipeline.ItemVectors.CONTENT, sparse.settings().vectors());
        assertEquals(384, sparse.settings().dim());
        assertEquals(10, sparse.settings().maxHistory());
        assertEquals(5, sparse.settings().recent());
        FitSettings.Chosen scale = FitSettings.forData(new FitSettings.DataShape(1_000_000, 100_000, 20_000_000, 18, -1), false);
        assertEquals(FitSettings.SAMPLES_PER_EPOCH_CAP, scale.settings().maxSamplesPerEpoch());
        assertTrue(scale.reasons().get("maxSamplesPerEpoch").contains("4000000 samples per epoch"), scale.reasons().toString());
        assertEquals(FitSettings.SAMPLES_PER_EPOCH_CAP, scale.settings().options(1, 1).towerRun().maxSamplesPerEpoch());
        assertEquals(FitSettings.SAMPLES_PER_EPOCH_CAP, scale.settings().options(1, 1).generatorRun().maxSamplesPerEpoch());
        FitSettings.Chosen tiny = FitSettings.forData(new FitSettings.DataShape(50, 60, 500, 10, -1), false);
        assertEquals(10, tiny.settings().c());
    }

    @Test
    void interestModelDefaultsFollowTheDataShape() {
        // ML-1M: long sequences, a small catalogue: HyMiRec's own windows and a softmax over every item.
        FitSettings.ChosenInterest ml1m = FitSettings.interestModelFor(new FitSettings.DataShape(6040, 3706, 1_000_209, 96, -1), 6040, 64);
        assertEquals(50, ml1m.config().maxLen());
        assertEquals(200, ml1m.config().longLen());
        assertEquals(0, ml1m.config().negatives());
        assertEquals(10, ml1m.config().perUser(), "about 60,000 examples per epoch");
        assertEquals(64, ml1m.config().dim());
        // Sparse and wide: short windows (no transformer work on padding) and sampled negatives.
        FitSettings.ChosenInterest sparse = FitSettings.interestModelFor(new FitSettings.DataShape(22_000, 12_000, 186_000, 6, -1), 22_000, 64);
        assertEquals(12, sparse.config().maxLen());
        assertEquals(48, sparse.config().longLen());
        assertEquals(2048, sparse.config().negatives());
        assertEquals(3, sparse.config().perUser());
        assertTrue(sparse.reasons().get("negatives").contains("12000 items"), sparse.reasons().toString());
        FitSettings.ChosenInterest scale = FitSettings.interestModelFor(new FitSettings.DataShape(1_000_000, 100_000, 20_000_000, 18, -1),
            1_000_000, 64);
        assertEquals(1, scale.config().perUser(), "at least one example per user");
        assertEquals(60_000, scale.config().maxExamples(), "a random share of the users each epoch: " + scale.reasons());
        assertEquals(0, ml1m.config().maxExamples());
    }

    @Test
    void settingsAreChangedByNameWithClearErrors() {
        FitSettings s = FitSettings.EVALUATION.with("c", "100").with("userVectors", "mean").with("globalShare", "0.25");
        assertEquals(100, s.c());
        assertEquals(false, s.tower());
        assertEquals(0.25, s.globalShare());
        assertEquals(s, FitSettings.EVALUATION.with("c", "100").with("userVectors", "mean").with("globalShare", "0.25"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> s.with("leafs", "3"));
        assertTrue(unknown.getMessage().contains("setting [leafs=3]: unknown setting; known: vectors, userVectors, dim"), unknown.getMessage());
        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class, () -> s.with("epochs", "2.5"));
        assertTrue(fraction.getMessage().contains("whole number"), fraction.getMessage());
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class, () -> s.with("heads", "3"));
        assertTrue(heads.getMessage().contains("width a multiple of heads"), heads.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.with("vectors", "magic"));
        assertThrows(IllegalArgumentException.class, () -> s.with("k", "-1"));
    }
}
