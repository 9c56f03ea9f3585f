#!/usr/bin/env bash
# Single-node Apache Kafka broker for development and CI: KRaft mode, one JVM acting as broker and
# controller, built from the Maven Central jars (no tarball download, no container engine).
#
#   scripts/kafka.sh start     start (idempotent), wait until the broker answers, print KAFKA_BROKERS=host:port
#   scripts/kafka.sh stop      graceful stop (SIGTERM, controlled shutdown), SIGKILL after KAFKA_STOP_TIMEOUT
#   scripts/kafka.sh status    exit 0 if running and answering, 1 if running but not answering, 3 if stopped
#   scripts/kafka.sh restart   stop, then start (data is kept)
#   scripts/kafka.sh logs      tail of the broker log
#   scripts/kafka.sh clean     stop and delete the broker directory (topics, offsets, config, logs)
#
# stdout carries only the machine-readable line `KAFKA_BROKERS=...`; progress and errors go to stderr,
# so `export "$(scripts/kafka.sh start)"` works.
#
# Jars: org.apache.kafka:kafka_2.13:${KAFKA_VERSION} with its runtime dependencies, plus
# org.apache.logging.log4j:log4j-slf4j-impl (Kafka logs through slf4j 1.7; this binds it to the log4j2 core
# that Kafka already depends on). Maven resolves them into ~/.m2 once; the classpath is cached under the
# broker directory, so later starts need neither Maven nor the network.
#
# Broker settings (single node): every internal topic has replication factor 1 and min ISR 1; the consumer
# group rebalance delay is 0 (fast tests); auto.create.topics.enable=false, so producing to a topic that
# nobody created fails instead of silently creating a 1-partition topic: tests and the app create their
# topics through the admin API, as they must on a production cluster (KAFKA_AUTO_CREATE_TOPICS=true to change).
#
# Environment:
#   KAFKA_HOME_DIR          broker directory: config, data, log, pid    (default: <repo>/.kafka)
#   KAFKA_HOST / KAFKA_PORT client listener                            (default: 127.0.0.1 / 9092)
#   KAFKA_CONTROLLER_PORT   KRaft controller listener                  (default: KAFKA_PORT + 1)
#   KAFKA_VERSION           org.apache.kafka:kafka_2.13 version        (default: 4.4.0)
#   KAFKA_LOG4J_VERSION     log4j-slf4j-impl version                   (default: 2.25.5, Kafka 4.4's log4j2)
#   KAFKA_HEAP_OPTS         JVM heap                                   (default: -Xms256m -Xmx512m)
#   KAFKA_START_TIMEOUT     seconds to wait for readiness              (default: 120)
#   KAFKA_STOP_TIMEOUT      seconds to wait for a graceful stop        (default: 30)
#   KAFKA_AUTO_CREATE_TOPICS                                           (default: false)
#   KAFKA_EXTRA_PROPERTIES  extra server.properties lines, appended last (default: none)
#   KAFKA_READY_CHECK       auto | node | java: readiness probe (default auto: kafkajs if installed, else Java)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
KAFKA_LOG4J_VERSION="${KAFKA_LOG4J_VERSION:-2.25.5}"
KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$REPO_ROOT/.kafka}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_AUTO_CREATE_TOPICS="${KAFKA_AUTO_CREATE_TOPICS:-false}"
KAFKA_EXTRA_PROPERTIES="${KAFKA_EXTRA_PROPERTIES:-}"
KAFKA_READY_CHECK="${KAFKA_READY_CHECK:-auto}"

BROKERS="${KAFKA_HOST}:${KAFKA_PORT}"

say() { printf 'kafka.sh: %s\n' "$*" >&2; }

die() {
  printf 'kafka.sh: ERROR: %s\n' "$*" >&2
  exit 1
}

# die, after printing the end of the broker log.
die_with_log() {
  local message="$1"
  show_log_tail 80
  die "$message"
}

show_log_tail() {
  local lines="${1:-80}"
  if [[ -s "${LOG_FILE:-}" ]]; then
    printf '\nkafka.sh: ---- last %s lines of %s ----\n' "$lines" "$LOG_FILE" >&2
    tail -n "$lines" "$LOG_FILE" >&2 || true
    printf 'kafka.sh: ---- end of log ----\n\n' >&2
  fi
}

[[ "$KAFKA_PORT" =~ ^[0-9]+$ && "$KAFKA_CONTROLLER_PORT" =~ ^[0-9]+$ ]] ||
  die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must be numbers (got '$KAFKA_PORT', '$KAFKA_CONTROLLER_PORT')"
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
[[ "$KAFKA_READY_CHECK" =~ ^(auto|node|java)$ ]] || die "KAFKA_READY_CHECK must be auto, node or java (got '$KAFKA_READY_CHECK')"

mkdir -p "$KAFKA_HOME_DIR" || die "cannot create KAFKA_HOME_DIR=$KAFKA_HOME_DIR"
KAFKA_HOME_DIR="$(cd "$KAFKA_HOME_DIR" && pwd)"
CONFIG_DIR="$KAFKA_HOME_DIR/config"
DATA_DIR="$KAFKA_HOME_DIR/data"
MAVEN_DIR="$KAFKA_HOME_DIR/maven"
LOG_FILE="$KAFKA_HOME_DIR/kafka.log"
PID_FILE="$KAFKA_HOME_DIR/kafka.pid"
CLUSTER_ID_FILE="$KAFKA_HOME_DIR/cluster.id"
SERVER_PROPERTIES="$CONFIG_DIR/server.properties"
LOG4J_PROPERTIES="$CONFIG_DIR/log4j2.properties"
CLASSPATH_FILE="$MAVEN_DIR/classpath-${KAFKA_VERSION}-log4j-${KAFKA_LOG4J_VERSION}.txt"

# One script invocation at a time per broker directory (two `start`s racing would launch two JVMs).
exec 9>"$KAFKA_HOME_DIR/.lock"
flock -w 600 9 || die "another kafka.sh is still running on $KAFKA_HOME_DIR (lock $KAFKA_HOME_DIR/.lock)"

# ---------------------------------------------------------------------------------------------------------------
# Process and readiness checks

# The pid from the pid file, if that process is alive and is our broker (not a recycled pid).
broker_pid() {
  [[ -s "$PID_FILE" ]] || return 1
  local pid
  pid="$(<"$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *kafka.Kafka*"$SERVER_PROPERTIES"* ]] || return 1
  printf '%s\n' "$pid"
}

port_open() {
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

READY_ERROR=''

ready_check_kind() {
  case "$KAFKA_READY_CHECK" in
    node | java) printf '%s\n' "$KAFKA_READY_CHECK" ;;
    auto)
      if command -v node >/dev/null 2>&1 &&
        (cd "$REPO_ROOT" && node -e 'require.resolve("kafkajs")' >/dev/null 2>&1); then
        echo node
      else
        echo java
      fi
      ;;
  esac
}

# The broker is ready when a client can bootstrap, sees at least one unfenced broker and can list topics.
# kafkajs is what the app and the tests use, so it is the probe of choice.
NODE_READY_PROBE='
const { Kafka, logLevel } = require("kafkajs");
const kafka = new Kafka({
  clientId: "kafka-sh-readiness",
  brokers: [process.env.KAFKA_READY_BROKERS],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 2000,
  requestTimeout: 5000,
  retry: { retries: 0 },
});
const admin = kafka.admin({ retry: { retries: 0 } });
(async () => {
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error("no broker registered yet");
    await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
})().then(
  () => process.exit(0),
  (error) => {
    console.error(error && error.message ? error.message : String(error));
    process.exit(1);
  },
);
'

# The same probe with the Java admin client, for machines where `npm ci` has not run yet.
JAVA_READY_PROBE='
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;

public class KafkaReady {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("request.timeout.ms", "5000");
    props.put("default.api.timeout.ms", "5000");
    try (Admin admin = Admin.create(props)) {
      if (admin.describeCluster().nodes().get().isEmpty()) {
        System.err.println("no broker registered yet");
        System.exit(1);
      }
      admin.listTopics().names().get();
    } catch (Exception e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
'

kafka_ready() {
  local out
  case "$(ready_check_kind)" in
    node)
      if out="$(cd "$REPO_ROOT" && KAFKA_READY_BROKERS="$BROKERS" timeout 20 node -e "$NODE_READY_PROBE" 2>&1)"; then
        return 0
      fi
      ;;
    java)
      local probe_dir="$MAVEN_DIR/ready-probe"
      if [[ ! -s "$probe_dir/KafkaReady.class" ]]; then
        mkdir -p "$probe_dir"
        printf '%s' "$JAVA_READY_PROBE" >"$probe_dir/KafkaReady.java"
        javac -nowarn -d "$probe_dir" -cp "$(<"$CLASSPATH_FILE")" "$probe_dir/KafkaReady.java" ||
          die "cannot compile the Java readiness probe (is a JDK installed?)"
      fi
      if out="$(timeout 20 java -Xmx64m -Dorg.apache.logging.log4j.level=OFF \
        -cp "$probe_dir:$(<"$CLASSPATH_FILE")" KafkaReady "$BROKERS" 2>&1)"; then
        return 0
      fi
      ;;
  esac
  READY_ERROR="${out:-no answer}"
  return 1
}

# Waits until the broker answers; fails (with the log tail) when the JVM dies or the timeout passes.
wait_ready() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  READY_ERROR='port not open yet'
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      die_with_log "the Kafka JVM (pid $pid) exited during start-up; see $LOG_FILE"
    fi
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      if kafka_ready; then
        return 0
      fi
    fi
    sleep 1
  done
  die_with_log "Kafka did not become ready on $BROKERS within ${KAFKA_START_TIMEOUT}s (last probe: $READY_ERROR); pid $pid is still running, stop it with: $0 stop"
}

# ---------------------------------------------------------------------------------------------------------------
# Jars, configuration, storage

resolve_classpath() {
  if [[ -s "$CLASSPATH_FILE" ]]; then
    local jar missing=0
    while IFS= read -r -d ':' jar; do
      [[ -f "$jar" ]] || missing=1
    done < <(printf '%s:' "$(<"$CLASSPATH_FILE")")
    ((missing == 0)) && return 0
    say "cached classpath refers to jars missing from the Maven repository; resolving again"
  fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed once to fetch the Kafka jars from Maven Central"
  mkdir -p "$MAVEN_DIR"
  cat >"$MAVEN_DIR/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/kafka.sh: the runtime classpath of a single-node Kafka broker. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.kyc-ledger</groupId>
  <artifactId>kafka-broker-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>${KAFKA_LOG4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
EOF
  local goal=org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath
  local args=(-B -q -f "$MAVEN_DIR/pom.xml" "$goal" -Dmdep.includeScope=runtime "-Dmdep.outputFile=$CLASSPATH_FILE.tmp")
  say "resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION and its runtime dependencies with Maven"
  # Offline first (everything may already be in ~/.m2), then from Maven Central.
  if ! mvn -o "${args[@]}" >"$MAVEN_DIR/mvn.log" 2>&1; then
    if ! mvn "${args[@]}" >"$MAVEN_DIR/mvn.log" 2>&1; then
      tail -n 40 "$MAVEN_DIR/mvn.log" >&2 || true
      die "Maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (log: $MAVEN_DIR/mvn.log)"
    fi
  fi
  [[ -s "$CLASSPATH_FILE.tmp" ]] || die "Maven wrote no classpath (log: $MAVEN_DIR/mvn.log)"
  mv "$CLASSPATH_FILE.tmp" "$CLASSPATH_FILE"
}

write_config() {
  mkdir -p "$CONFIG_DIR" "$DATA_DIR"
  cat >"$SERVER_PROPERTIES" <<EOF
# Generated by scripts/kafka.sh on every start; edit the script (or KAFKA_EXTRA_PROPERTIES), not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${KAFKA_HOST}:${KAFKA_CONTROLLER_PORT}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://${KAFKA_HOST}:${KAFKA_PORT},CONTROLLER://${KAFKA_HOST}:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://${KAFKA_HOST}:${KAFKA_PORT}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${DATA_DIR}

# Single node: every replication factor is 1, min ISR 1.
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Topics are created explicitly (admin API), as on a production cluster.
auto.create.topics.enable=${KAFKA_AUTO_CREATE_TOPICS}
delete.topic.enable=true

# Fast consumer-group joins for tests.
group.initial.rebalance.delay.ms=0

# Keep a development broker small.
log.retention.hours=168
log.segment.bytes=67108864
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
  if [[ -n "$KAFKA_EXTRA_PROPERTIES" ]]; then
    printf '\n# KAFKA_EXTRA_PROPERTIES\n%s\n' "$KAFKA_EXTRA_PROPERTIES" >>"$SERVER_PROPERTIES"
  fi
  cat >"$LOG4J_PROPERTIES" <<'EOF'
# Generated by scripts/kafka.sh: everything to stdout, which the script sends to kafka.log.
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.target = SYSTEM_OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = WARN
EOF
}

java_opts() {
  # shellcheck disable=SC2206 # KAFKA_HEAP_OPTS is a list of JVM flags
  JAVA_OPTS=($KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExplicitGCInvokesConcurrent
    -Djava.awt.headless=true "-Dlog4j2.configurationFile=$LOG4J_PROPERTIES" "-Dkafka.logs.dir=$KAFKA_HOME_DIR")
}

format_storage() {
  if [[ -s "$DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    # A Kafka cluster id is a base64url-encoded random UUID (what `kafka-storage random-uuid` prints). Like
    # Kafka's own Uuid.randomUuid, never one that starts with '-': the storage tool would read it as an option.
    local id='-'
    while [[ "$id" == -* ]]; do
      id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    done
    printf '%s' "$id" >"$CLUSTER_ID_FILE"
  fi
  say "formatting KRaft storage in $DATA_DIR (cluster id $(<"$CLUSTER_ID_FILE"))"
  local out
  if ! out="$(java -Xmx256m "-Dlog4j2.configurationFile=$LOG4J_PROPERTIES" -cp "$(<"$CLASSPATH_FILE")" \
    kafka.tools.StorageTool format --ignore-formatted -t "$(<"$CLUSTER_ID_FILE")" -c "$SERVER_PROPERTIES" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "formatting the KRaft storage in $DATA_DIR failed"
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# Commands

cmd_start() {
  local pid
  if pid="$(broker_pid)"; then
    if kafka_ready; then
      say "already running (pid $pid) and answering on $BROKERS; nothing to do"
    else
      say "already running (pid $pid) but not answering yet; waiting"
      wait_ready "$pid"
      say "ready on $BROKERS (pid $pid)"
    fi
    echo "KAFKA_BROKERS=$BROKERS"
    return 0
  fi
  rm -f "$PID_FILE"

  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    if [[ -s "$CLASSPATH_FILE" ]] || [[ "$(ready_check_kind)" == node ]]; then
      if kafka_ready; then
        say "a Kafka broker that this script did not start already answers on $BROKERS; using it"
        echo "KAFKA_BROKERS=$BROKERS"
        return 0
      fi
    fi
    die "port $KAFKA_PORT on $KAFKA_HOST is taken by something that is not a healthy Kafka broker: $(ss -ltnp "sport = :$KAFKA_PORT" 2>/dev/null | tail -n +2 | tr -s ' ')"
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "controller port $KAFKA_CONTROLLER_PORT on $KAFKA_HOST is taken (set KAFKA_CONTROLLER_PORT): $(ss -ltnp "sport = :$KAFKA_CONTROLLER_PORT" 2>/dev/null | tail -n +2 | tr -s ' ')"
  fi

  command -v java >/dev/null 2>&1 || die "java is not installed (Kafka $KAFKA_VERSION needs Java 17+)"
  local started=$SECONDS
  resolve_classpath
  write_config
  format_storage
  java_opts

  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  say "starting Kafka $KAFKA_VERSION (KRaft, broker+controller) on $BROKERS; log: $LOG_FILE"
  # setsid: the broker outlives this script and the terminal; its standard streams are detached and it does
  # not inherit the lock (fd 9), or the lock would be held for the broker's lifetime.
  setsid java "${JAVA_OPTS[@]}" -cp "$(<"$CLASSPATH_FILE")" kafka.Kafka "$SERVER_PROPERTIES" \
    </dev/null >"$LOG_FILE" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  wait_ready "$pid"
  say "ready on $BROKERS (pid $pid) after $((SECONDS - started))s"
  echo "KAFKA_BROKERS=$BROKERS"
}

cmd_stop() {
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      say "not started by this script, but something listens on $BROKERS; leaving it alone"
    else
      say "not running"
    fi
    return 0
  fi
  say "stopping Kafka (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "no graceful stop within ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited < 20)); do
      sleep 0.5
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      die "pid $pid survived SIGKILL"
    fi
  fi
  rm -f "$PID_FILE"
  say "stopped"
}

cmd_status() {
  local pid
  if pid="$(broker_pid)"; then
    if kafka_ready; then
      say "running (pid $pid), answering on $BROKERS; data: $DATA_DIR; log: $LOG_FILE"
      echo "KAFKA_BROKERS=$BROKERS"
      return 0
    fi
    say "running (pid $pid) but not answering on $BROKERS: $READY_ERROR"
    return 1
  fi
  say "not running (broker directory: $KAFKA_HOME_DIR)"
  return 3
}

cmd_logs() {
  if [[ -f "$LOG_FILE" ]]; then
    tail -n "${1:-100}" "$LOG_FILE"
  else
    say "no log yet at $LOG_FILE"
  fi
}

cmd_clean() {
  cmd_stop
  say "deleting $KAFKA_HOME_DIR"
  rm -rf "${KAFKA_HOME_DIR:?}/config" "${KAFKA_HOME_DIR:?}/data" "${KAFKA_HOME_DIR:?}/maven" \
    "$LOG_FILE" "$LOG_FILE.1" "$CLUSTER_ID_FILE" "$PID_FILE"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart)
    cmd_stop
    cmd_start
    ;;
  logs) cmd_logs "${2:-100}" ;;
  clean) cmd_clean ;;
  *)
    echo "usage: $0 start|stop|status|restart|logs [lines]|clean" >&2
    exit 2
    ;;
esac
