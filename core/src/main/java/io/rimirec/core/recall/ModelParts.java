package io.rimirec.core.recall;

import io.rimirec.core.bundle.BundleManifest;
import io.rimirec.core.bundle.ModelBundle;
import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.hymirec.InterestModel;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.tower.UserTower;

/**
 * Opens every model part of a bundle the way serving does (manifest, tree hash, dimensions, ONNX sessions and their
 * signatures) and closes them again: what {@code model pack} and the upload action run, so that a bundle the cluster
 * accepts is a bundle the query can load.
 */
public final class ModelParts {

    private ModelParts() {}

    /**
     * @throws IllegalArgumentException naming the part ({@code generator}, {@code user_tower}, {@code interest_model}) and what is wrong with it
     */
    public static void check(ModelBundle bundle, OnnxSessionFactory sessions) {
        if (bundle.hasPart(BundleManifest.PART_GENERATOR)) {
            try (InterestGenerator g = InterestGenerator.load(bundle, sessions)) {
                // opened and checked
            } catch (Exception e) {
                throw new IllegalArgumentException("part [" + BundleManifest.PART_GENERATOR + "] cannot be loaded: " + e.getMessage(), e);
            }
        }
        if (bundle.hasPart(BundleManifest.PART_USER_TOWER)) {
            try (UserTower t = UserTower.load(bundle, sessions)) {
                // opened and checked
            } catch (Exception e) {
                throw new IllegalArgumentException("part [" + BundleManifest.PART_USER_TOWER + "] cannot be loaded: " + e.getMessage(), e);
            }
        }
        if (bundle.hasPart(BundleManifest.PART_INTEREST_MODEL)) {
            try (InterestModel m = InterestModel.load(bundle, sessions)) {
                // opened and checked
            } catch (Exception e) {
                throw new IllegalArgumentException("part [" + BundleManifest.PART_INTEREST_MODEL + "] cannot be loaded: " + e.getMessage(), e);
            }
        }
    }
}
