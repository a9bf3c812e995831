#!/usr/bin/env bash
# Measures wall time and peak RSS of one `run --dry-run` of the shaded jar, against an in-process API
# serving an IDP Blueprint dump, for candidate JVM flags (the CronJob's start-up cost, see
# docs/operations.md). Run after `mvn -B verify`:   bash src/test/bench/measure-jvm.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS=${1:-5}
JAR=target/happypath-rebalancer.jar
DUMP=config/examples/idp-lifeboat-after-recovery.yaml
WORK=$(mktemp -d)
trap 'exec 3>&-; rm -rf "$WORK"' EXIT
CP=$(mvn -q -B dependency:build-classpath -Dmdep.outputFile=/dev/stdout):target/classes:target/test-classes

mkfifo "$WORK/in"
java -cp "$CP" dev.happypath.rebalancer.bench.ServeSnapshot "$DUMP" "$WORK/kubeconfig" < "$WORK/in" > "$WORK/serve.log" 2>&1 &
exec 3>"$WORK/in"
for _ in $(seq 100); do [ -s "$WORK/kubeconfig" ] && break; sleep 0.1; done

# AppCDS: one training run dumps the classes it loaded; later runs map them.
java -XX:ArchiveClassesAtExit="$WORK/app.jsa" -XX:+UseSerialGC -jar "$JAR" run --dry-run --kubeconfig "$WORK/kubeconfig" -o json > /dev/null 2>&1

measure() {
  local name=$1; shift
  local walls=() rss=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/t" java "$@" -jar "$JAR" run --dry-run --kubeconfig "$WORK/kubeconfig" -o json > "$WORK/out.json" 2> "$WORK/err"
    read -r w r < "$WORK/t"
    walls+=("$w"); rss+=("$r")
  done
  grep -q '"schemaVersion"' "$WORK/out.json" || { echo "run failed: $(cat "$WORK/err")"; exit 1; }
  printf '%-72s wall %s s  peak RSS %s MB (median of %s)\n' "$name" \
    "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" \
    "$(( $(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p") / 1024 ))" "$RUNS"
}

measure "defaults" 
measure "-XX:+UseSerialGC -Xmx64m" -XX:+UseSerialGC -Xmx64m
measure "-XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1" -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1
measure "image flags without AppCDS" -XX:+UseSerialGC -Xmx64m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m -XX:-UsePerfData
measure "image flags (+ AppCDS archive)" -XX:+UseSerialGC -Xmx64m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m -XX:-UsePerfData -XX:SharedArchiveFile="$WORK/app.jsa"
measure "image flags, -Xmx48m (+ AppCDS archive)" -XX:+UseSerialGC -Xmx48m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m -XX:-UsePerfData -XX:SharedArchiveFile="$WORK/app.jsa"
measure "image flags, -Xms16m (+ AppCDS archive)" -XX:+UseSerialGC -Xms16m -Xmx64m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m -XX:-UsePerfData -XX:SharedArchiveFile="$WORK/app.jsa"
