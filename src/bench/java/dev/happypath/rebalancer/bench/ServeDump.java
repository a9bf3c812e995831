package dev.happypath.rebalancer.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Serves a kubectl dump from the in-process API in a process of its own, so that the large cluster's
 * server neither shares the harness's heap and GC nor its CPU accounting. Prints one line when it serves:
 * {@code serving <objects> <seed seconds> <url>}; then, for each line {@code requests} on its standard
 * input, the number of requests served since the last such line; it stops when its standard input closes.
 *
 * <pre>java -cp ... dev.happypath.rebalancer.bench.ServeDump DUMP KUBECONFIG_OUT</pre>
 */
public final class ServeDump {

    private ServeDump() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger quiet = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
        quiet.setLevel(java.util.logging.Level.WARNING);
        try (BenchApi api = new BenchApi(Path.of(args[0]))) {
            api.writeKubeconfig(Path.of(args[1]));
            System.out.println("serving " + api.objects() + " " + api.seedSeconds() + " " + api.url());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.strip().equals("requests")) {
                    System.out.println(api.requests().size());
                    System.out.flush();
                    api.clearRequests();
                }
            }
        }
    }
}
