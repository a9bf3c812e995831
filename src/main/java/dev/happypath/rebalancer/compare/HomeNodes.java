package dev.happypath.rebalancer.compare;

import dev.happypath.rebalancer.snapshot.NodeState;

import java.util.AbstractList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The nodes a home admits, in name order, with constant-time membership. One instance is shared by every
 * pod of the same home: in a large cluster a home can hold thousands of nodes.
 */
public final class HomeNodes extends AbstractList<String> {

    private final List<String> names;
    private final Set<String> set;
    private final List<NodeState> nodes;

    public HomeNodes(Collection<NodeState> nodes) {
        this.nodes = nodes.stream().sorted(java.util.Comparator.comparing(NodeState::name)).toList();
        this.names = this.nodes.stream().map(NodeState::name).toList();
        this.set = new HashSet<>(this.names);
    }

    /** The nodes themselves, in name order. */
    List<NodeState> nodes() {
        return nodes;
    }

    @Override
    public String get(int index) {
        return names.get(index);
    }

    @Override
    public int size() {
        return names.size();
    }

    @Override
    public boolean contains(Object o) {
        return set.contains(o);
    }

    @Override
    public boolean containsAll(Collection<?> c) {
        return set.containsAll(c);
    }
}
