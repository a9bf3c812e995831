package dev.happypath.rebalancer.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** SmallFields must be indistinguishable from the LinkedHashMap it replaces in a tree's objects. */
class SmallFieldsTest {

    /**
     * Random puts (new and replacing), removes, iterator removes and writes through entries, on both sides,
     * with the whole map compared after every step; sizes run from empty to well past the linear search.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void behavesAsALinkedHashMap(long seed) {
        Random random = new Random(seed);
        Map<String, Integer> expected = new LinkedHashMap<>();
        SmallFields<Integer> actual = new SmallFields<>();
        int keysInPlay = 4 + random.nextInt(SmallFields.LINEAR * 2);
        boolean crossed = false;
        for (int step = 0; step < 2_000; step++) {
            // a fresh String each time: the map must compare by equals, not only by identity
            String key = new String("k" + random.nextInt(keysInPlay));
            int value = random.nextInt(1000);
            switch (random.nextInt(10)) {
                case 0 -> assertThat(actual.remove(key)).isEqualTo(expected.remove(key));
                case 1 -> {
                    removeThroughIterator(expected, key);
                    removeThroughIterator(actual, key);
                }
                case 2 -> {
                    setThroughEntry(expected, key, value);
                    setThroughEntry(actual, key, value);
                }
                case 3 -> {
                    if (random.nextInt(50) == 0) {
                        expected.clear();
                        actual.clear();
                    }
                }
                default -> assertThat(actual.put(key, value)).isEqualTo(expected.put(key, value));
            }
            crossed |= actual.size() > SmallFields.LINEAR;
            assertThat(actual.size()).isEqualTo(expected.size());
            assertThat(new ArrayList<>(actual.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
            assertThat(new ArrayList<>(actual.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
            assertThat(actual.get(key)).isEqualTo(expected.get(key));
            assertThat(actual.containsKey(key)).isEqualTo(expected.containsKey(key));
            assertThat(actual).isEqualTo(expected);
            assertThat(actual.hashCode()).isEqualTo(expected.hashCode());
        }
        if (keysInPlay > SmallFields.LINEAR + 2) {
            assertThat(crossed).as("the walk grew past the linear search").isTrue();
        }
    }

    private static void removeThroughIterator(Map<String, Integer> map, String key) {
        for (Iterator<Map.Entry<String, Integer>> it = map.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getKey().equals(key)) {
                it.remove();
            }
        }
    }

    private static void setThroughEntry(Map<String, Integer> map, String key, int value) {
        List<Integer> olds = new ArrayList<>();
        for (Map.Entry<String, Integer> e : map.entrySet()) {
            if (e.getKey().equals(key)) {
                olds.add(e.setValue(value));
                assertThat(e.getValue()).isEqualTo(value);
            }
        }
        assertThat(olds.size()).isLessThanOrEqualTo(1);
    }
}
