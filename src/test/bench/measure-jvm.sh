#!/usr/bin/env bash
# Measures wall time and peak RSS of one `run --dry-run` of the production jar (the image's), against an in-process API
# serving an IDP Blueprint dump, for candidate JVM flags (the CronJob's start-up cost, see
# docs/operations.md). Run after `mvn -B verify`:   bash src/test/bench/measure-jvm.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS=${1:-5}
JAR=${JAR:-target/happypath-rebalancer-cluster.jar}   # JAR=target/happypath-rebalancer.jar: the full jar
DUMP=config/examples/idp-lifeboat-after-recovery.yaml
WORK=$(mktemp -d)
trap 'exec 3>&-; rm -rf "$WORK"' EXIT
CP=$(mvn -q -B dependency:build-classpath -Dmdep.outputFile=/dev/stdout):target/classes:target/test-classes

mkfifo "$WORK/in"
java -cp "$CP" dev.happypath.rebalancer.bench.ServeSnapshot "$DUMP" "$WORK/kubeconfig" < "$WORK/in" > "$WORK/serve.log" 2>&1 &
exec 3>"$WORK/in"
for _ in $(seq 100); do [ -s "$WORK/kubeconfig" ] && break; sleep 0.1; done

# The image's AppCDS archive, made as cronjob/Dockerfile makes it: class lists of two training runs that
# need no cluster (an offline plan, a run against an address where nothing listens), dumped statically.
printf '%s\n' 'apiVersion: v1' 'kind: Config' \
  'clusters: [ { name: none, cluster: { server: "https://127.0.0.1:1" } } ]' \
  'users: [ { name: none, user: { token: none } } ]' \
  'contexts: [ { name: none, context: { cluster: none, user: none } } ]' 'current-context: none' > "$WORK/unreachable"
java -Xshare:off -XX:DumpLoadedClassList="$WORK/plan.lst" -jar "$JAR" plan --snapshot "$DUMP" -o json > /dev/null 2>&1
java -Xshare:off -XX:DumpLoadedClassList="$WORK/run.lst" -jar "$JAR" run --dry-run --kubeconfig "$WORK/unreachable" > /dev/null 2>&1 || true
cat "$WORK/plan.lst" "$WORK/run.lst" | sort -u > "$WORK/classes.lst"
java -Xshare:dump -XX:SharedClassListFile="$WORK/classes.lst" -XX:SharedArchiveFile="$WORK/image.jsa" -jar "$JAR" > /dev/null 2>&1
# For comparison: a dynamic archive from a real dry run against the API (not possible at image build).
java -XX:ArchiveClassesAtExit="$WORK/dynamic.jsa" -XX:+UseSerialGC -jar "$JAR" run --dry-run --kubeconfig "$WORK/kubeconfig" -o json > /dev/null 2>&1

measure() {
  local name=$1; shift
  local walls=() rss=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/t" java "$@" -jar "$JAR" run --dry-run --kubeconfig "$WORK/kubeconfig" -o json > "$WORK/out.json" 2> "$WORK/err"
    read -r w r < "$WORK/t"
    walls+=("$w"); rss+=("$r")
  done
  grep -q '"schemaVersion"' "$WORK/out.json" || { echo "run failed: $(cat "$WORK/err")"; exit 1; }
  printf '| %-62s | %5s s | %4s MB |\n' "$name" \
    "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" \
    "$(( $(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p") / 1024 ))"
}

IMAGE=(-XX:+UseSerialGC -Xms16m -Xmx64m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m -XX:-UsePerfData)
echo "| JVM flags (median of $RUNS runs) | wall | peak RSS |"
echo "|---|---|---|"
measure "defaults (G1, heap 1/4 of RAM, C2)"
measure "-XX:+UseSerialGC -Xmx64m" -XX:+UseSerialGC -Xmx64m
measure "-XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1" -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1
measure "image flags, no CDS archive" "${IMAGE[@]}"
measure "image flags + the image's AppCDS archive (the image)" "${IMAGE[@]}" -XX:SharedArchiveFile="$WORK/image.jsa"
measure "image flags + a dynamic archive of a real dry run" "${IMAGE[@]}" -XX:SharedArchiveFile="$WORK/dynamic.jsa"
