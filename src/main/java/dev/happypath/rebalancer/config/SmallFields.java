package dev.happypath.rebalancer.config;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The fields of one object of a tree read from YAML or JSON, in the order they were written: two arrays
 * searched in order, instead of a {@link LinkedHashMap}'s table and an entry object per field. Kubernetes
 * objects are many small mappings (a toleration has four fields, a condition five); reading a 30,000-pod
 * cluster built millions of them, and their hash tables were a third of what reading allocated
 * (docs/performance.md). Past {@link #LINEAR} fields (a ConfigMap's data, a node's many labels) it keeps a
 * {@link LinkedHashMap}, so a large mapping is never searched field by field.
 *
 * <p>Behaves as a {@link LinkedHashMap} does where a tree uses it: put keeps a replaced key where it stood,
 * iteration is in insertion order and supports {@link Iterator#remove()}, equality and hash are a Map's.
 * Not thread-safe; null keys are refused.
 */
final class SmallFields<V> extends AbstractMap<String, V> {

    static final int LINEAR = 12;

    private String[] keys = new String[4];
    /** The keys' hash codes (a String caches its own): a search compares these ints before any text. */
    private int[] hashes = new int[4];
    private Object[] values = new Object[4];
    private int size;
    /** Once past {@link #LINEAR} fields; then the arrays are no longer used. */
    private LinkedHashMap<String, V> large;
    private int modifications;

    @Override
    public int size() {
        return large != null ? large.size() : size;
    }

    private int indexOf(Object key) {
        if (!(key instanceof String k)) {
            return -1;
        }
        int h = k.hashCode();
        for (int i = 0; i < size; i++) {
            // field names from the parser are canonical strings: identity first, then equals
            if (hashes[i] == h && (keys[i] == k || keys[i].equals(k))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean containsKey(Object key) {
        return large != null ? large.containsKey(key) : indexOf(key) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        if (large != null) {
            return large.get(key);
        }
        int i = indexOf(key);
        return i < 0 ? null : (V) values[i];
    }

    @Override
    @SuppressWarnings("unchecked")
    public V put(String key, V value) {
        Objects.requireNonNull(key, "key");
        if (large != null) {
            return large.put(key, value);
        }
        int i = indexOf(key);
        if (i >= 0) {
            V old = (V) values[i];
            values[i] = value;
            return old;
        }
        modifications++;
        if (size == LINEAR) {
            large = new LinkedHashMap<>(LINEAR * 4);
            for (int j = 0; j < size; j++) {
                large.put(keys[j], (V) values[j]);
            }
            keys = null;
            hashes = null;
            values = null;
            size = 0;
            large.put(key, value);
            return null;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        hashes[size] = key.hashCode();
        values[size] = value;
        size++;
        return null;
    }

    @Override
    public V remove(Object key) {
        if (large != null) {
            return large.remove(key);
        }
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        @SuppressWarnings("unchecked")
        V old = (V) values[i];
        removeAt(i);
        return old;
    }

    private void removeAt(int i) {
        System.arraycopy(keys, i + 1, keys, i, size - i - 1);
        System.arraycopy(hashes, i + 1, hashes, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        keys[size] = null;
        values[size] = null;
        modifications++;
    }

    @Override
    public void clear() {
        if (large != null) {
            large.clear();
            return;
        }
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
        modifications++;
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        if (large != null) {
            return large.entrySet();
        }
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, V>> iterator() {
                return large != null ? large.entrySet().iterator() : new Fields();
            }

            @Override
            public int size() {
                return SmallFields.this.size();
            }
        };
    }

    /** Iterates the arrays; an entry's setValue writes through, as a LinkedHashMap's does. */
    private final class Fields implements Iterator<Entry<String, V>> {
        private int next;
        private int last = -1;
        private int expected = modifications;

        @Override
        public boolean hasNext() {
            return next < size;
        }

        @Override
        public Entry<String, V> next() {
            if (expected != modifications || large != null) {
                throw new ConcurrentModificationException();
            }
            if (next >= size) {
                throw new NoSuchElementException();
            }
            last = next++;
            int at = last;
            @SuppressWarnings("unchecked")
            V value = (V) values[at];
            return new SimpleEntry<>(keys[at], value) {
                @Override
                @SuppressWarnings("unchecked")
                public V setValue(V value) {
                    super.setValue(value);
                    V old = (V) values[at];
                    values[at] = value;
                    return old;
                }
            };
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException();
            }
            if (expected != modifications) {
                throw new ConcurrentModificationException();
            }
            removeAt(last);
            next = last;
            last = -1;
            expected = modifications;
        }
    }
}
