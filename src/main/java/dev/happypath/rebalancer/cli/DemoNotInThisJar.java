package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Stands in for {@code demo} in the production jar, which the image runs and which carries no simulator
 * (pom.xml, ProductionJarIT): someone who types the README's command against the wrong jar learns where
 * the demo is, in one line and exit 2, instead of picocli's "Unmatched argument". Hidden from the help:
 * this jar has no demo to offer.
 */
@Command(name = "demo", hidden = true, description = "The demo is in happypath-rebalancer.jar, not in this jar.")
final class DemoNotInThisJar implements Callable<Integer> {

    static final String WHERE = "the demo is in happypath-rebalancer.jar: this jar (happypath-rebalancer-cluster.jar, the one the"
            + " image runs) carries no cluster simulator; run `java -jar target/happypath-rebalancer.jar demo`";

    /** Whatever followed 'demo' (--scenario, --help ...): the answer is the same. */
    @Unmatched
    List<String> ignored;

    @Override
    public Integer call() {
        throw InvalidInputException.at(null, null, WHERE);
    }
}
