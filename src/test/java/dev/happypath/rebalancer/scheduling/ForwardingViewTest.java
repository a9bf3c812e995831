package dev.happypath.rebalancer.scheduling;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The views that change one thing about a cluster (some pods gone, nominated pods counted) answer everything
 * else as their base does: a method added to {@link ClusterView} and not forwarded would fall back to the
 * interface's default there, computed over the changed view or, for an index the base keeps, without it.
 */
class ForwardingViewTest {

    @Test
    void everyMethodOfTheViewIsForwarded() throws Exception {
        List<String> missing = new ArrayList<>();
        for (Method m : ClusterView.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                ForwardingView.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(m.toString());
            }
        }
        assertThat(missing).as("ClusterView methods ForwardingView does not forward").isEmpty();
    }
}
