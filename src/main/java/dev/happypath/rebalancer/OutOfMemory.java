package dev.happypath.rebalancer;

/**
 * The JVM ran out of memory: the cluster (or the snapshot) needs more than the JVM was given. The
 * CronJob's image caps the heap at 64 MiB and its container at 128Mi, room for about 10,000 pods;
 * docs/operations.md ("Sizing") says what to raise for a larger cluster. Said in one sentence, never as a
 * stack trace: the stack says nothing an operator can act on.
 */
public final class OutOfMemory {

    private OutOfMemory() {
    }

    /** The {@link OutOfMemoryError} that {@code failure} is or was caused by, or null. */
    public static OutOfMemoryError in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return oom;
            }
        }
        return null;
    }

    /**
     * What happened and what to do: the JVM's own word for what ran out ("Java heap space", almost always;
     * "Metaspace" would name -XX:MaxMetaspaceSize) and the heap's limit as this JVM has it.
     */
    public static String sentence(OutOfMemoryError e) {
        java.util.List<String> what = new java.util.ArrayList<>(2);
        if (e.getMessage() != null && !e.getMessage().isBlank()) {
            what.add(e.getMessage());
        }
        long max = maxHeap();
        if (max > 0 && max != Long.MAX_VALUE) {
            what.add("the heap is at most " + (max >> 20) + " MiB");
        }
        String why = what.isEmpty() ? "" : " (" + String.join("; ", what) + ")";
        return "the JVM ran out of memory" + why + ": this cluster needs more memory than the JVM was given;"
                + " raise its heap (-Xmx) and the container's memory limit with it (docs/operations.md, \"Sizing\")";
    }

    /** -Xmx as given (MaxHeapSize): what the user set, where Runtime.maxMemory() leaves out a survivor space. */
    private static long maxHeap() {
        try {
            return Long.parseLong(java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("MaxHeapSize").getValue());
        } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
            // no room left even for the management classes: the limit is what Runtime says
            return Runtime.getRuntime().maxMemory();
        }
    }
}
