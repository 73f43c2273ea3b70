package io.rimirec.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which shared cluster a test class runs against: {@code nodes = 1} (single node) or {@code nodes = 3} (a real
 * 3-node cluster). Each shape starts at most once per test JVM; see {@link LocalClusterExtension}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
public @interface ClusterShape {
    int nodes();
}
